"""Field types shared by the API schemas."""

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator

from courtvcs.kztime import KZ

# Hearings, petitions and maintenance happen in these years; anything else is a typing
# error. The bounds also keep the Rules' arithmetic (the connection window, "one day
# before", "the next day") clear of the calendar's ends, where it would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _in_service_years(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"year outside {FIRST_YEAR}-{LAST_YEAR}")
    return value


def _assume_kazakhstan_time(value: dt.datetime) -> dt.datetime:
    # People enter times in Kazakhstan time; a time given without its zone is taken as such.
    _in_service_years(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=KZ)
    return value.astimezone(dt.UTC)


KzDatetime = Annotated[dt.datetime, AfterValidator(_assume_kazakhstan_time)]
# A Kazakhstan calendar day (a filter of lists, not a date of birth).
KzDate = Annotated[dt.date, AfterValidator(_in_service_years)]
