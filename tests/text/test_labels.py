import math

import pandas as pd
import pytest

from analytics.measures.metrics import STATUSES
from analytics.text.labels import (
    ALIASES,
    LABELS,
    LANGUAGES,
    STATUS_COLOURS,
    fmt_int,
    fmt_level_gap,
    fmt_number,
    fmt_percent,
    fmt_points,
    indicator_status_label,
    label,
    status_colour,
    status_label,
)


def test_every_key_has_both_languages_non_empty():
    assert LANGUAGES == ("zh", "en")
    for key, entry in LABELS.items():
        assert set(entry) == set(LANGUAGES), key
        for language in LANGUAGES:
            assert entry[language].strip(), (key, language)


@pytest.mark.parametrize(
    "key",
    [
        "section.overview",
        "section.kpis",
        "section.visits",
        "section.surveys",
        "section.targets",
        "section.children",
        "section.quality",
        "section.tags",
        "kpi.events",
        "kpi.persons",
        "kpi.coverage",
        "kpi.survey_effective_rate",
        "kpi.targets_on_pace",
        "kpi.targets_behind",
        "axis.persons",
        "axis.events",
        "axis.date",
        "axis.completion",
        "axis.elapsed",
        "axis.share",
        "axis.count",
        "funnel.issued",
        "funnel.returned",
        "funnel.valid",
        "rate.return_rate",
        "rate.validity",
        "rate.effective_rate",
        "status.completed",
        "status.ahead",
        "status.on_pace",
        "status.behind",
        "status.no_data",
        "col.unit",
        "col.events",
        "col.persons",
        "col.coverage",
        "col.issued",
        "col.valid",
        "col.effective_rate",
        "col.targets_behind",
        "flag.consistency",
        "flag.unknown_unit",
        "flag.out_of_period",
        "flag.outlier",
        "flag.count",
        "note.no_data",
        "header.campaign",
        "header.period",
        "header.as_of",
        "header.fingerprint",
        "header.generated_at",
        "header.parent",
        "header.children",
        "header.index",
        "tag.advanced",
        "tag.lagging",
        "freq.day",
        "freq.week",
        "freq.month",
    ],
)
def test_required_keys_present(key):
    assert key in LABELS


def test_label_languages_and_fallbacks():
    assert label("tag.advanced", "zh") == "先进"
    assert label("tag.lagging", "zh") == "后进"
    assert label("tag.advanced", "en") == "Advanced"
    assert label("note.no_data", "en") == "No data for this section"
    assert label("note.no_data", "zh") == "本部分暂无数据"
    assert label("no.such.key", "en") == "no.such.key"  # unknown key: the key itself, never KeyError
    assert label("tag.advanced", "fr") == "先进"  # unknown language: Chinese


def test_aliases_point_at_existing_keys():
    for short, key in ALIASES.items():
        assert key in LABELS, short
        assert short not in LABELS
        assert label(short, "en") == LABELS[key]["en"]
    assert label("kpi_cards", "zh") == "核心指标"
    assert label("no_data", "en") == "No data"


def test_status_colours_fixed_and_distinct():
    colours = [status_colour(s) for s in STATUSES]
    assert len(set(colours)) == len(STATUSES)
    assert status_colour("completed") == STATUS_COLOURS["completed"] == "#1b7837"
    assert status_colour("behind") == "#bf360c"


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_status_colours_carry_white_text_at_4_5_to_1():
    # WCAG contrast (L1 + 0.05) / (L2 + 0.05) of white (L = 1) on each status colour, e.g. behind #bf360c:
    # L = 0.2126 * 0.521 + 0.7152 * 0.0368 + 0.0722 * 0.0065 = 0.137 -> 1.05 / 0.187 = 5.6
    for status, colour in STATUS_COLOURS.items():
        assert 1.05 / (_luminance(colour) + 0.05) >= 4.5, status
    for missing in (None, math.nan, pd.NA, "weird"):
        assert status_colour(missing) == STATUS_COLOURS["no_data"]
        assert status_label(missing, "en") == "No data"
    assert status_label("on_pace", "zh") == "符合序时进度"


def test_fmt_percent():
    # Two decimals everywhere people read (DOMAIN.md, "Precision people read").
    assert fmt_percent(0.584106) == "58.41%"
    assert fmt_percent(0.92857) == "92.86%"
    assert fmt_percent(1) == "100.00%"
    assert fmt_percent(0.5841, digits=1) == "58.4%"
    for missing in (math.nan, None, pd.NA, "x"):
        assert fmt_percent(missing) == "—"


def test_fmt_int_number_points():
    assert fmt_int(2274) == "2,274"
    assert fmt_int(pd.array([2274], dtype="Int64")[0]) == "2,274"
    assert fmt_int(0) == "0"
    assert fmt_int(math.nan) == "—" and fmt_int(pd.NA) == "—" and fmt_int(None) == "—"
    assert fmt_number(208526.0) == "208,526"
    assert fmt_number(52.80) == "52.8"
    assert fmt_number(-0.001) == "0"
    assert fmt_number(math.nan) == "—"
    assert fmt_points(8.6839) == "+8.68"
    assert fmt_points(-1.2419) == "-1.24"
    assert fmt_points(None) == "—"


def test_level_indicators_read_against_their_target():
    assert indicator_status_label("below", "level", "zh") == "低于目标"
    assert indicator_status_label("completed", "level", "zh") == "达标"
    assert indicator_status_label("missed", "level", "zh") == "未达标"
    assert indicator_status_label("missed", "level", "en") == "Missed"
    assert indicator_status_label("completed", "linear", "zh") == "已完成"
    assert indicator_status_label("missed", None, "zh") == "未完成"
    # 90 of a 100 % target: 10 points below; 45 of 50 件: 5 件 below.
    assert fmt_level_gap(-10.0, "%", "%", "zh") == "10.00个百分点"
    assert fmt_level_gap(-10.0, "%", "%", "en", signed=True) == "-10.00 points"
    assert fmt_level_gap(-5.0, "件", "件", "zh", signed=True) == "-5件"
    assert fmt_level_gap(2.5, "件", "cases", "en", signed=True) == "+2.5 cases"
    assert fmt_level_gap(None, "%", "%", "zh") == "—"


def test_every_message_reads_in_both_languages_with_the_same_parameters():
    import string

    from analytics.text.labels import MESSAGES

    def fields(text: str) -> set[str]:
        return {name.split("!")[0] for _, name, _, _ in string.Formatter().parse(text) if name}

    derived = {"separator_zh", "what_zh", "key_zh", "item", "item_zh", "s", "rs"}  # filled by message() from the other parameters
    for code, entry in MESSAGES.items():
        assert set(entry) == {"zh", "en"}, code
        assert entry["zh"].strip() and entry["en"].strip(), code
        assert fields(entry["zh"]) - derived <= fields(entry["en"]) | {"separator", "what", "key"}, code
