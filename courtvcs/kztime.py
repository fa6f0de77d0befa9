"""Kazakhstan time: stored in UTC, counted in Asia/Almaty.

Since 1 March 2024 the whole country keeps one time, UTC+5. Calendar arithmetic of the
Rules ("no later than the next day", "one day before the hearing") is done in local
dates, never in UTC dates, because a UTC date is wrong for the first five hours of each
local day.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

KZ = ZoneInfo("Asia/Almaty")


def now() -> dt.datetime:
    return timezone.now()


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(KZ)


def local_date(moment: dt.datetime) -> dt.date:
    return local(moment).date()


def start_of_local_day(day: dt.date) -> dt.datetime:
    """The UTC instant at which a Kazakhstan calendar day begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=KZ).astimezone(dt.UTC)


def end_of_next_local_day(moment: dt.datetime) -> dt.datetime:
    """The instant the day after `moment` ends in Kazakhstan (exclusive bound)."""
    return start_of_local_day(local_date(moment) + dt.timedelta(days=2))


def format_local(moment: dt.datetime | None) -> str:
    return "" if moment is None else local(moment).strftime("%d.%m.%Y %H:%M")
