"""campaign.yaml is strict (DOMAIN.md "campaign.yaml: every key, and strict"): every key checked, any other key
refused with the closest known one, large files and aliases refused before parsing."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from analytics import CampaignDataError, UsageError, load_campaign
from analytics.cli import main

UNITS = "unit_id,name,parent_id\nC,县,\n"
BASE = "id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\n"


def _problems(make_campaign, meta: str) -> list[str]:
    with pytest.raises(CampaignDataError) as info:
        load_campaign(make_campaign({"units": UNITS}, meta=meta))
    return [str(p) for p in info.value.problems]


def test_every_key_is_read(make_campaign):
    meta = BASE + (
        "as_of: 2013-06-30\ndescription: 调研\ntimezone: Asia/Urumqi\nsatisfaction_min: 3\n"
        "vocabulary:\n  measures: {篇: {zh: 篇, en: articles}}\n  tags: {model: {zh: 示范, en: Model}}\n"
    )
    m = load_campaign(make_campaign({"units": UNITS}, meta=meta)).meta
    assert (m.as_of, m.timezone, m.satisfaction_min) == (dt.date(2013, 6, 30), "Asia/Urumqi", 3)
    assert m.description == {"zh": "调研", "en": "调研"}
    assert m.measures == {"篇": {"zh": "篇", "en": "articles"}} and m.tag_label("model", "en") == "Model"
    defaults = load_campaign(make_campaign({"units": UNITS}, meta=BASE)).meta
    assert (defaults.timezone, defaults.satisfaction_min, defaults.appraisal) == ("Asia/Shanghai", 4, None)


@pytest.mark.parametrize(("extra", "expected"), [
    ("as-of: 2012-06-30\n", "campaign.yaml, column as-of: is not a key of campaign.yaml here; did you mean as_of?"),
    ("vocabulary:\n  indicator: {gdp: {zh: 地区生产总值, en: GDP}}\n",
     "campaign.yaml, column vocabulary.indicator: is not a key of campaign.yaml here; did you mean vocabulary.indicators?"),
    ("vocabulary:\n  kinds: {talk: {zh: 谈心, eng: Talk}}\n",
     "campaign.yaml, column vocabulary.kinds.talk.eng: is not a key of campaign.yaml here; did you mean "
     "vocabulary.kinds.talk.en?"),
    ("colour: red\n", "campaign.yaml, column colour: is not a key of campaign.yaml here; the keys are: id, name"),
])
def test_an_unknown_key_at_any_level_names_the_closest_known_one(make_campaign, extra, expected):
    problems = _problems(make_campaign, BASE + extra)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize(("meta", "expected"), [
    (BASE.replace("id: t", "id: ../../../elsewhere"),
     "campaign.yaml, column id: value '../../../elsewhere': must be 1 to 64 ASCII letters, digits, _ or -"),
    (BASE.replace("id: t", "id: " + "x" * 65), "must be 1 to 64 ASCII letters"),
    (BASE.replace("id: t", "id: 0012"), "campaign.yaml, column id: value '10': is read by YAML as a number"),
    (BASE.replace("name: {zh: 测试, en: Test}", "name: {zh: 测试}"),
     "campaign.yaml, column name: must be a mapping with zh and en, each non-empty text"),
    (BASE.replace("start: 2012-01-01", "start: 1899-12-31"),
     "campaign.yaml, column start: value '1899-12-31': must be between 1900-01-01 and 2100-12-31"),
    (BASE + "as_of: 3012-06-30\n", "campaign.yaml, column as_of: value '3012-06-30': must be between start 2012-01-01 "
     "and end + 366 days (2014-01-01)"),
    (BASE + "as_of: 2011-12-31\n", "must be between start 2012-01-01"),
    (BASE + "timezone: Asia/shanghai\n", "campaign.yaml, column timezone: value 'Asia/shanghai': is not an IANA time "
     "zone name; did you mean Asia/Shanghai?"),
    (BASE + "timezone: ../../etc/passwd\n", "is not an IANA time zone name"),
    (BASE + "satisfaction_min: 6\n", "campaign.yaml, column satisfaction_min: value '6': must be a whole number from 1 to 5"),
    (BASE + "satisfaction_min: true\n", "must be a whole number from 1 to 5"),
    (BASE + "as_of: 2012-06-30\nas_of: 2012-12-31\n", "campaign.yaml, row 6, column as_of: is given twice (lines 5 and 6)"),
    (BASE + "vocabulary:\n  kinds: {talk: 谈心}\n", "campaign.yaml, column vocabulary.kinds.talk: value '谈心': must be a "
     "mapping with zh and en"),
])
def test_each_key_is_checked(make_campaign, meta, expected):
    problems = _problems(make_campaign, meta)
    assert len(problems) == 1 and expected in problems[0], problems


def test_aliases_are_refused_before_they_expand(make_campaign):
    # The billion-laughs shape: nine levels of nine aliases, about 387 million strings once expanded.
    lines = ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    problems = _problems(make_campaign, BASE + "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5
    assert problems == ["campaign.yaml, row 5: uses a YAML anchor (&a); anchors and aliases are not accepted: write "
                        "the value out"]


def test_a_file_over_1_mb_is_refused_unread(make_campaign):
    problems = _problems(make_campaign, BASE + ("# padding\n" * 110_000))
    assert problems == ["campaign.yaml: is 1074 KB; campaign.yaml is limited to 1 MB"]


def test_as_of_outside_the_range_is_a_usage_error_everywhere(make_campaign, capsys):
    campaign = load_campaign(make_campaign({"units": UNITS}, meta=BASE))
    assert campaign.as_of("2014-01-01") == dt.date(2014, 1, 1)  # end 2012-12-31 + 366 days (2013 has 365)
    for bad in ("2014-01-02", "9999-12-31", "0001-01-01", "2011-12-31"):
        with pytest.raises(UsageError, match="is outside 2012-01-01 … 2014-01-01"):
            campaign.as_of(bad)
    folder = make_campaign({"units": UNITS}, meta=BASE)
    assert main(["kpis", str(folder), "--as-of", "9999-12-31"]) == 2
    err = capsys.readouterr().err
    assert "as_of 9999-12-31 is outside 2012-01-01 … 2014-01-01" in err and "Traceback" not in err


def test_validate_speaks_chinese_when_asked(make_campaign, capsys):
    folder = make_campaign({"units": UNITS, "surveys": "survey_id,unit_id,date,issued,returned,valid\n"
                            "Q1,C,2012-03-01,100,120,90\n"}, meta=BASE)
    assert main(["validate", "--language", "zh", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "活动数据（" in err and "有1个问题" in err
    assert "surveys.csv，第2行，returned and issued列：值'returned=120, issued=100'：回收数不能大于发放数" in err
    assert main(["validate", str(folder)]) == 2
    assert ("surveys.csv, row 2, column returned and issued: value 'returned=120, issued=100': "
            "returned must not exceed issued") in capsys.readouterr().err
