"""Partial ISO 8601 dates, with the uncertainty the sources leave in them.

Reports give "2016", "2022-02" or "2019-09-18", and sometimes only a guess.
A partial date is kept as written and read as the interval it covers, so that
"opened 2022" is neither rounded to 1 January nor lost. A trailing ``?``
(uncertain) or ``~`` (approximate) follows ISO 8601-2 (EDTF level 1).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# ASCII digits only ("２０１８" is not a date to store), matched whole (no trailing newline).
_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~])?")


@dataclass(frozen=True, order=False)
class PartialDate:
    """A date known to the year, month or day, as the interval it covers."""

    text: str
    earliest: date
    latest: date
    qualifier: str | None = None  # "?" uncertain, "~" approximate

    @property
    def precision(self) -> str:
        core = self.text.rstrip("?~")
        return {4: "year", 7: "month", 10: "day"}[len(core)]

    def __str__(self) -> str:
        return self.text


def parse_partial_date(text: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with an optional ``?``/``~``.

    Raises ValueError with the reason, so a validation message can say why.
    """
    text = text.strip()
    match = _PATTERN.fullmatch(text)
    if not match:
        raise ValueError("not of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year_s, month_s, day_s, qualifier = match.groups()
    year = int(year_s)
    if not 1900 <= year <= 2100:
        raise ValueError(f"year {year} is outside 1900-2100")
    if month_s is None:
        return PartialDate(text, date(year, 1, 1), date(year, 12, 31), qualifier)
    month = int(month_s)
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist")
    last_day = calendar.monthrange(year, month)[1]
    if day_s is None:
        return PartialDate(text, date(year, month, 1), date(year, month, last_day), qualifier)
    day = int(day_s)
    if not 1 <= day <= last_day:
        raise ValueError(f"day {day} does not exist in {year}-{month:02d}")
    exact = date(year, month, day)
    return PartialDate(text, exact, exact, qualifier)
