"""Field types shared by the API schemas."""

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Strict

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


def _written(value):
    # The schema promises an ISO date or time as text; pydantic would also take a number as
    # seconds since 1970, which no person means and no client is told about.
    if isinstance(value, int | float):
        raise ValueError("a date or time is written as text")
    return value


KzDatetime = Annotated[dt.datetime, BeforeValidator(_written), AfterValidator(_assume_kazakhstan_time)]
# A Kazakhstan calendar day (a filter of lists, not a date of birth).
KzDate = Annotated[dt.date, BeforeValidator(_written), AfterValidator(_in_service_years)]
# A day in someone's life: any year, written as text like the others.
Birthday = Annotated[dt.date, BeforeValidator(_written)]

# The id of an object, in a JSON body: a whole number, not true or false (which pydantic
# would otherwise take for 1 and 0, against the schema's "integer").
ObjectId = Annotated[int, Strict()]
