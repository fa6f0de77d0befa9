"""The channel layer as the live rooms use it.

CourtInMemoryChannelLayer, the embedded run's layer: Channels' in-memory layer, cleaned
less often. OutageTolerantLayer: what a room consumer sends through, whatever the layer.

Channels' InMemoryChannelLayer looks through every channel and group membership of the
process for expired entries on each receive and group_send, so about once per relayed
signal. With 500 pages in one process that scan cost ~0.23 ms a message and was the
largest item of the relay's profile (bench/signalling_load_bench.py). Messages expire
after 60 s and memberships after a day, so scanning at most once a second changes nothing
a page can notice.
"""

import logging
import time

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

logger = logging.getLogger(__name__)


class CourtInMemoryChannelLayer(InMemoryChannelLayer):
    clean_every_seconds = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cleaned_at = float("-inf")

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._cleaned_at < self.clean_every_seconds:
            return
        self._cleaned_at = now
        super()._clean_expired()


class OutageTolerantLayer:
    """A room consumer's view of the channel layer: a message lost to a layer outage is logged.

    Between nodes the layer is Redis. While Redis is down (restarted, failing over), a
    consumer's own sends to the room would raise, and an exception in a consumer closes the
    participant's socket: a courtroom would drop out of the call because of a presence
    message. A send that fails is logged and dropped instead; the page re-reads the hearing
    on its next update, and channels_redis re-subscribes on its own once Redis answers.
    A page whose queue is full (ChannelFull: it stopped reading) loses that message the same
    way, rather than the sender losing its socket. Leaving a group is forgiven too (the subscription ends with the lost connection); joining
    one still raises: a page that cannot subscribe must reconnect.
    """

    def __init__(self, layer):
        self._layer = layer

    def __getattr__(self, name):
        return getattr(self._layer, name)

    async def send(self, channel: str, message: dict) -> bool:
        return await self._deliver(self._layer.send(channel, message), message)

    async def group_send(self, group: str, message: dict) -> bool:
        return await self._deliver(self._layer.group_send(group, message), message)

    async def group_discard(self, group: str, channel: str) -> bool:
        return await self._deliver(self._layer.group_discard(group, channel), {"type": "group_discard"})

    @staticmethod
    async def _deliver(sending, message: dict) -> bool:
        try:
            await sending
        except (OSError, *_layer_errors()) as exc:
            logger.warning("live message %s not delivered: the channel layer failed (%s)",
                           message.get("type"), exc.__class__.__name__)
            return False
        return True


def _layer_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # the embedded run has no Redis client installed
        return (ChannelFull,)
    return (ChannelFull, RedisConnectionError, RedisTimeoutError)
