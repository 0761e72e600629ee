"""The previous period's date (环比): as_of moved back one reporting period, DOMAIN.md's "Previous as_of".

    week     as_of − 7 days
    month    the last day of the previous month when as_of is the last day of its month (2012-06-30 →
             2012-05-31, 2012-03-31 → 2012-02-29), else the same day of the previous month clipped to its
             last day (2012-03-30 → 2012-02-29)
    quarter  the month rule three months back

A date before the campaign's start gives no comparison (None: "no earlier period", never 0). `--compare-to D`
replaces the rule (start ≤ D < as_of, else a usage error) and `--compare-to none` switches comparisons off.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from analytics.errors import UsageError

COMPARE_OFF = "none"
_MONTHS = {"month": 1, "quarter": 3}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def previous_as_of(as_of: dt.date, period: str = "month") -> dt.date:
    """as_of moved back one period (week, month or quarter) by the rule above."""
    if period == "week":
        return as_of - dt.timedelta(days=7)
    if period not in _MONTHS:
        raise ValueError(f"period must be week, month or quarter, not {period!r}")
    return months_back(as_of, _MONTHS[period])


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier: a month's last day goes to that month's last day, any other day
    is clipped to it."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return dt.date(year, month, last)
    return dt.date(year, month, min(day.day, last))


def compare_to_value(value: object) -> dt.date | str | None:
    """A --compare-to value as written: None (the rule), "none" (off) or a date; ValueError otherwise. The
    campaign's range is checked by `parse_compare_to`."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"compare_to must be a date as YYYY-MM-DD or none, not {value!r}")
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is not None and text.lower() == COMPARE_OFF:
        return COMPARE_OFF
    if text is None or not _ISO_DATE.fullmatch(text):
        raise ValueError(f"compare_to: {value!r} is not a date as YYYY-MM-DD or none")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"compare_to: {value!r} is not a date as YYYY-MM-DD ({exc})") from None


def compare_to_text(value: object) -> str:
    """A --compare-to value in its written form ("none" or YYYY-MM-DD): the option's check, so that a value
    parsed twice (parameter file, then the batch's options) stays the same; ValueError for anything else."""
    parsed = compare_to_value(value)
    if parsed is None:
        raise ValueError("compare_to must be a date as YYYY-MM-DD or none")
    return parsed if isinstance(parsed, str) else parsed.isoformat()


def parse_compare_to(compare_to: object, *, start: dt.date, as_of: dt.date, period: str = "month") -> dt.date | None:
    """The date as_of is compared with, or None for no comparison.

    compare_to None: the previous period by the rule, None when that falls before the campaign's start;
    "none": None; a date D: D itself when start ≤ D < as_of, else a UsageError (exit 2).
    """
    try:
        value = compare_to_value(compare_to)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if value == COMPARE_OFF:
        return None
    if value is None:
        previous = previous_as_of(as_of, period)
        return previous if previous >= start else None
    assert isinstance(value, dt.date)
    if not start <= value < as_of:
        raise UsageError(f"compare_to {value.isoformat()} must be on or after the campaign's start "
                         f"({start.isoformat()}) and before as_of ({as_of.isoformat()})")
    return value

