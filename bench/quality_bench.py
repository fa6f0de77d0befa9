"""Link quality benchmark (R22): how many browser reports a LinkTracker handles per second.

Builds realistic reports for 1,000 peer links x 60 reports (two minutes of a busy server:
every link reports every 2 s, with cumulative getStats counters; most links good, some
with packet loss, freezes, long round trips, a disconnection or a counter reset after a
new peer connection), then feeds them in arrival order and times, report by report:

  add                LinkTracker.add(report) of an already parsed report
  parse+add+figures  what the signalling consumer does per report: parse_report(raw),
                     add(), figures() for the live graph
  tick               LinkTracker.tick(now) of every link every 2 s

and prints reports (or ticks) per second and the time per call, p50 and p99 in
microseconds (nearest rank). No database; Django is only asked for the thresholds.

    .venv/bin/python bench/quality_bench.py [--links 1000] [--reports 60] [--seed 22]
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courtvcs.settings")

from courtvcs.live.quality import LinkTracker, parse_report  # noqa: E402

STEP = 2.0


def link_reports(rng: random.Random, count: int) -> list[dict]:
    """One link's reports: cumulative counters under one of a few network conditions."""
    kind = rng.choices(["good", "lossy", "freezing", "far", "drops", "restart"],
                       weights=[70, 10, 5, 5, 5, 5])[0]
    audio = dict(packetsReceived=0, packetsLost=0, jitter_ms=3.0, totalSamplesReceived=0,
                 concealedSamples=0)
    video = dict(framesDecoded=0, freezeCount=0, totalFreezesDuration=0.0, bytesReceived=0,
                 framesPerSecond=30.0, packetsLost=0, packetsReceived=0)
    reports = []
    for i in range(count):
        state = "connected"
        rtt = rng.gauss(45, 8)
        loss = max(0.0, rng.gauss(0.3, 0.3))
        flowing = True
        if kind == "lossy":
            loss = max(0.0, rng.gauss(7, 3))
        elif kind == "far":
            rtt = rng.gauss(340, 40)
        elif kind == "drops" and 20 <= i < 30:
            state, flowing = ("disconnected" if i < 27 else "connecting"), False
        elif kind == "restart" and i == 30:
            for counters in (audio, video):
                for key in counters:
                    counters[key] = 0 if isinstance(counters[key], int) else 0.0
        if flowing:
            received = 100 - round(loss)
            audio["packetsReceived"] += received
            audio["packetsLost"] += 100 - received
            audio["jitter_ms"] = max(0.5, rng.gauss(4, 1.5))
            audio["totalSamplesReceived"] += 96_000
            audio["concealedSamples"] += round(960 * loss)
            video["framesDecoded"] += rng.randint(55, 60)
            video["bytesReceived"] += rng.randint(200_000, 300_000)
            video["packetsReceived"] += rng.randint(190, 210)
            video["packetsLost"] += rng.randint(0, 2)
            if kind == "freezing" and rng.random() < 0.3:
                video["freezeCount"] += 1
                video["totalFreezesDuration"] += rng.uniform(0.3, 1.5)
        else:
            audio["totalSamplesReceived"] += 96_000
            audio["concealedSamples"] += 96_000
        reports.append({"peer": f"peer-{rng.randrange(10**6)}", "state": state,
                        "rtt_ms": round(rtt, 1), "audio": dict(audio), "video": dict(video)})
    return reports


def percentile(values: list[int], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def line(name: str, durations_ns: list[int], total_s: float, unit: str) -> str:
    return (f"{name:<20} {len(durations_ns):>8,} {unit:<8} {len(durations_ns) / total_s:>12,.0f}/s"
            f"   p50 {percentile(durations_ns, 0.50) / 1000:6.1f} µs"
            f"   p99 {percentile(durations_ns, 0.99) / 1000:6.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=60)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    raw = [link_reports(rng, args.reports) for _ in range(args.links)]
    # Arrival order: report i of every link within the same 2 s, spread over it.
    spread = STEP / args.links
    arrivals = [(i * STEP + n * spread, n, raw[n][i])
                for i in range(args.reports) for n in range(args.links)]
    parsed = [(at, n, parse_report(report, at)) for at, n, report in arrivals]

    clock = time.perf_counter_ns
    trackers = [LinkTracker() for _ in range(args.links)]
    add_ns, changes = [], 0
    started = time.perf_counter()
    for _at, n, report in parsed:
        t0 = clock()
        changes += len(trackers[n].add(report))
        add_ns.append(clock() - t0)
    add_total = time.perf_counter() - started

    trackers = [LinkTracker() for _ in range(args.links)]
    full_ns, tick_ns = [], []
    started = time.perf_counter()
    next_tick = STEP
    for at, n, report in arrivals:
        if at >= next_tick:  # the consumer's timer: every link, every 2 s
            for tracker in trackers:
                t0 = clock()
                tracker.tick(next_tick)
                tick_ns.append(clock() - t0)
            next_tick += STEP
        t0 = clock()
        tracker = trackers[n]
        tracker.add(parse_report(report, at))
        tracker.figures()
        full_ns.append(clock() - t0)
    full_total = time.perf_counter() - started - sum(tick_ns) / 1e9

    prompts = sum(t.prompted for t in trackers)
    print(f"{args.links:,} links x {args.reports} reports, Python {sys.version.split()[0]}; "
          f"{changes:,} changes, {prompts} links prompting a break at the end")
    print(line("add", add_ns, add_total, "reports"))
    print(line("parse+add+figures", full_ns, full_total, "reports"))
    print(line("tick", tick_ns, sum(tick_ns) / 1e9, "ticks"))


if __name__ == "__main__":
    main()
