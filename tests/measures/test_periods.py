"""measures.periods: the previous as_of by DOMAIN.md's rule, and --compare-to; every expected date worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.errors import UsageError
from analytics.measures.periods import compare_to_text, parse_compare_to, previous_as_of

D = dt.date


@pytest.mark.parametrize(("as_of", "expected"), [
    (D(2012, 6, 30), D(2012, 5, 31)),  # a month's last day -> the previous month's last day
    (D(2012, 3, 31), D(2012, 2, 29)),  # ... into a leap February
    (D(2013, 3, 31), D(2013, 2, 28)),  # ... and a common one
    (D(2012, 3, 30), D(2012, 2, 29)),  # not a last day: the same day, clipped to February's 29
    (D(2012, 3, 29), D(2012, 2, 29)),  # the same day exists
    (D(2012, 3, 15), D(2012, 2, 15)),
    (D(2012, 2, 29), D(2012, 1, 31)),  # 29 February is February's last day: January's last
    (D(2012, 5, 30), D(2012, 4, 30)),  # 30 May is not May's last day: 30 April, which happens to be April's last
    (D(2012, 1, 31), D(2011, 12, 31)),  # across the year
    (D(2012, 1, 15), D(2011, 12, 15)),
])
def test_month_rule(as_of, expected):
    assert previous_as_of(as_of, "month") == expected


@pytest.mark.parametrize(("as_of", "expected"), [
    (D(2012, 6, 30), D(2012, 3, 31)),  # a quarter's end -> the previous quarter's end (last day of March)
    (D(2012, 5, 31), D(2012, 2, 29)),  # a month's last day three months back: February's last, 2012 a leap year
    (D(2012, 5, 30), D(2012, 2, 29)),  # not a last day: 30 February clipped to 29
    (D(2013, 5, 30), D(2013, 2, 28)),
    (D(2012, 2, 29), D(2011, 11, 30)),  # February's last day -> November's last day
    (D(2012, 1, 15), D(2011, 10, 15)),
])
def test_quarter_rule(as_of, expected):
    assert previous_as_of(as_of, "quarter") == expected


@pytest.mark.parametrize(("as_of", "expected"), [
    (D(2012, 6, 30), D(2012, 6, 23)),
    (D(2012, 3, 6), D(2012, 2, 28)),  # across 29 February: 6 March − 7 days = 28 February (29 Feb is 1 day back)
    (D(2012, 1, 3), D(2011, 12, 27)),
])
def test_week_rule(as_of, expected):
    assert previous_as_of(as_of, "week") == expected


def test_unknown_period_is_refused():
    with pytest.raises(ValueError, match="week, month or quarter"):
        previous_as_of(D(2012, 6, 30), "year")


START = D(2012, 1, 1)


def test_default_is_the_previous_period_and_none_before_the_start():
    assert parse_compare_to(None, start=START, as_of=D(2012, 6, 30), period="month") == D(2012, 5, 31)
    # 2012-01-31 -> 2011-12-31, before the start: no comparison (not a comparison with zeros)
    assert parse_compare_to(None, start=START, as_of=D(2012, 1, 31), period="month") is None
    # the previous date may be the start itself: 2012-02-01 -> 2012-01-01
    assert parse_compare_to(None, start=START, as_of=D(2012, 2, 1), period="month") == START
    assert parse_compare_to(None, start=START, as_of=D(2012, 3, 31), period="quarter") is None  # -> 2011-12-31


def test_none_switches_comparisons_off():
    assert parse_compare_to("none", start=START, as_of=D(2012, 6, 30)) is None
    assert parse_compare_to(" None ", start=START, as_of=D(2012, 6, 30)) is None


def test_a_given_date_must_be_from_the_start_to_before_as_of():
    assert parse_compare_to("2012-01-01", start=START, as_of=D(2012, 6, 30)) == START
    assert parse_compare_to(D(2012, 6, 29), start=START, as_of=D(2012, 6, 30)) == D(2012, 6, 29)
    for bad in ("2011-12-31", "2012-06-30", "2012-07-01"):
        with pytest.raises(UsageError, match="on or after the campaign's start"):
            parse_compare_to(bad, start=START, as_of=D(2012, 6, 30))
    for bad in ("20120531", "2012-02-30", "last month"):
        with pytest.raises(UsageError, match="compare_to"):
            parse_compare_to(bad, start=START, as_of=D(2012, 6, 30))


def test_option_check_keeps_the_written_form():
    assert compare_to_text("2012-05-31") == "2012-05-31"
    assert compare_to_text(D(2012, 5, 31)) == "2012-05-31"
    assert compare_to_text("NONE") == "none"
    with pytest.raises(ValueError):
        compare_to_text("31/05/2012")
