"""The embedded run's channel layer: Channels' in-memory layer, cleaned less often.

Channels' InMemoryChannelLayer looks through every channel and group membership of the
process for expired entries on each receive and group_send, so about once per relayed
signal. With 500 pages in one process that scan cost ~0.23 ms a message and was the
largest item of the relay's profile (bench/signalling_load_bench.py). Messages expire
after 60 s and memberships after a day, so scanning at most once a second changes nothing
a page can notice.
"""

import time

from channels.layers import InMemoryChannelLayer


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
