"""Field types shared by the API schemas."""

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator

from courtvcs.kztime import KZ


def _assume_kazakhstan_time(value: dt.datetime) -> dt.datetime:
    # People enter times in Kazakhstan time; a time given without its zone is taken as such.
    if value.tzinfo is None:
        value = value.replace(tzinfo=KZ)
    return value.astimezone(dt.UTC)


KzDatetime = Annotated[dt.datetime, AfterValidator(_assume_kazakhstan_time)]
