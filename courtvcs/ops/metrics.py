"""Prometheus metrics of one courtvcs process (docs/deploy.md, "Metrics").

A node is one process and is scraped on its own: requests, WebSocket clients, rooms and
quality alerts here are that process's own. The task queue's lag and the live hearings
are read from the database at each scrape (selectors.py), so they are the deployment's.

The consumer and the middleware call the small functions below; nothing here blocks or
touches the database outside a scrape.
"""

import logging
from collections import Counter as Tally

from django.db import DatabaseError
from django.utils import timezone
from prometheus_client import (
    CollectorRegistry, Counter, Gauge, GCCollector, Histogram, PlatformCollector, ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from courtvcs.live.services.links import QUALITY_EVENTS

from . import selectors

logger = logging.getLogger(__name__)

# A counter's *_created twin doubles the series for no question anyone asks here.
disable_created_metrics()
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

# Anything else a client sends as a method is counted as "other": labels stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "courtvcs_http_requests", "HTTP requests answered, by method, route and status class.",
    ["method", "route", "status"], registry=REGISTRY)
REQUEST_SECONDS = Histogram(
    "courtvcs_http_request_duration_seconds", "Time to answer an HTTP request, by method and route.",
    ["method", "route"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
WEBSOCKETS = Gauge(
    "courtvcs_websocket_clients", "Signalling WebSockets open on this node, by kind of seat "
    "(courtroom, remote, mobile, observer) and call (hearing or test).",
    ["kind", "call"], registry=REGISTRY)
ROOMS = Gauge(
    "courtvcs_rooms_open", "VCS rooms (hearings and test calls) with at least one WebSocket on this node.",
    registry=REGISTRY)
QUALITY_ALERTS = Counter(
    "courtvcs_quality_alerts", "R22 link quality changes put before the court and on the timeline, "
    "by kind (degraded, restored, prompt_break: a prompt to declare a technical break).",
    ["kind"], registry=REGISTRY)
for _kind in QUALITY_EVENTS:
    QUALITY_ALERTS.labels(_kind)

# channel name -> (kind, call, room) of each counted socket; room -> sockets in it.
_sockets: dict[str, tuple[str, str, str]] = {}
_rooms: Tally[str] = Tally()


def request_answered(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(method, route, f"{status // 100}xx").inc()
    REQUEST_SECONDS.labels(method, route).observe(seconds)


def socket_opened(channel: str, seat) -> None:
    """A signalling socket took its seat (RoomConsumer.connect)."""
    if channel in _sockets:
        return
    entry = _sockets[channel] = (seat.kind, "test" if seat.is_test else "hearing", seat.room)
    WEBSOCKETS.labels(entry[0], entry[1]).inc()
    _rooms[seat.room] += 1
    ROOMS.set(len(_rooms))


def socket_closed(channel: str) -> None:
    """The socket is gone (RoomConsumer.disconnect); a socket never counted is ignored."""
    entry = _sockets.pop(channel, None)
    if entry is None:
        return
    kind, call, room = entry
    WEBSOCKETS.labels(kind, call).dec()
    _rooms[room] -= 1
    if _rooms[room] <= 0:
        del _rooms[room]
    ROOMS.set(len(_rooms))


def quality_alert(kind: str) -> None:
    """A quality change went on the hearing's timeline and to the court's consoles (R22)."""
    QUALITY_ALERTS.labels(kind).inc()


class DatabaseFigures(Collector):
    """Figures read from the database when Prometheus scrapes (not kept in the process)."""

    def describe(self):
        return []  # nothing to read when the collector is registered

    def collect(self):
        ok = GaugeMetricFamily("courtvcs_metrics_database_up",
                               "1 if this scrape could read the database's figures, else 0.")
        try:
            lag = selectors.task_queue_lag(timezone.now())
            hearings = selectors.live_hearings()
        except DatabaseError:
            logger.warning("metrics: the database did not answer")
            ok.add_metric([], 0)
            yield ok
            return
        ok.add_metric([], 1)
        yield ok
        family = GaugeMetricFamily(
            "courtvcs_task_queue_lag_seconds",
            "Seconds the oldest due task of the queue has waited for a worker (0: none waits).",
            labels=["queue"])
        for queue, seconds in sorted(lag.items()):
            family.add_metric([queue], seconds)
        yield family
        family = GaugeMetricFamily("courtvcs_hearings_live",
                                   "Hearings connected, in session or in a technical break (all courts).",
                                   labels=["status"])
        for status, count in sorted(hearings.items()):
            family.add_metric([status], count)
        yield family


REGISTRY.register(DatabaseFigures())
