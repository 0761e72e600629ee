"""一票否决 (veto) and grassroots coverage at a leaf, worked out by hand on a root with two branches: A visited,
B never visited. Items: grassroots coverage 40 (full at 100%), commitment fulfilment 60 (full at 100%)."""

from __future__ import annotations

import pytest

from analytics import load_campaign
from analytics.data.appraisal import parse_appraisal
from analytics.measures.kpis import campaign_appraisal, kpi_table

from builders import SHUNHE

UNITS = "unit_id,name,parent_id\nR,镇,\nA,一支部,R\nB,二支部,R\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,A,visit,residents,5\n"
COMMITMENTS = ("commitment_id,unit_id,text,due,done\n"
               "K1,A,修路,2012-03-31,2012-03-20\nK2,B,安装路灯,2012-04-30,2012-04-30\n")
META = (
    "id: veto\nname: {zh: 考核, en: Appraisal}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
    "appraisal:\n  items:\n"
    "    - {metric: grassroots_coverage, weight: 40, full_at: 1.0}\n"
    "    - {metric: commitment_fulfilment, weight: 60, full_at: 1.0}\n"
    "  grades: {excellent: 90, good: 80, pass: 60}\n"
)
TABLES = {"units": UNITS, "visits": VISITS, "commitments": COMMITMENTS}


def _figures(campaign, unit):
    t = kpi_table(campaign, campaign.as_of())
    t = t[t["unit_id"] == unit]
    return dict(zip(zip(t["metric"], t["key"], strict=True), t["value"], strict=True))


def test_an_inactive_leaf_earns_nothing_on_grassroots_coverage_without_a_veto(make_campaign):
    c = load_campaign(make_campaign(TABLES, meta=META))
    a, b = _figures(c, "A"), _figures(c, "B")
    # A: visited -> coverage 1 of 1 -> 40; K1 kept -> 1/1 -> 60: 100.00, excellent, rank 1
    assert (a[("appraisal_score", "")], a[("grade", "")], a[("rank", "")]) == (100.0, "excellent", 1)
    # B: no visit -> coverage 0 of 1 -> 0 points (applies: never "not applicable"); K2 kept on its due day -> 60:
    # 100 x 60 / 100 = 60.00, pass (no veto set), rank 2
    assert b[("appraisal_item", "grassroots_coverage")] == 0
    assert (b[("appraisal_score", "")], b[("grade", "")], b[("rank", "")]) == (60.0, "pass", 2)
    assert ("grade_capped_by", "") not in b


def test_a_no_activity_veto_caps_the_grade_and_says_why(make_campaign):
    c = load_campaign(make_campaign(TABLES, meta=META + "  veto: {no_activity: fail}\n"))
    a, b = _figures(c, "A"), _figures(c, "B")
    # The score is unchanged (60.00) and ranks follow scores (2); the grade is capped at fail.
    assert (b[("appraisal_score", "")], b[("grade", "")], b[("rank", "")]) == (60.0, "fail", 2)
    assert b[("grade_capped_by", "")] == "no_activity"
    # The root has a visit below it: no veto. A is active: excellent.
    assert (a[("grade", "")], ("grade_capped_by", "") in a) == ("excellent", False)
    assert ("grade_capped_by", "") not in _figures(c, "R")
    unit = campaign_appraisal(c, c.as_of()).of("B", c.hierarchy)
    assert (unit.grade, unit.capped_by, unit.score) == ("fail", "no_activity", 60.0)


def test_a_cap_never_raises_a_grade(make_campaign):
    late = COMMITMENTS.replace("K2,B,安装路灯,2012-04-30,2012-04-30", "K2,B,安装路灯,2012-04-30,2012-05-02")
    c = load_campaign(make_campaign({**TABLES, "commitments": late}, meta=META + "  veto: {no_activity: good}\n"))
    b = _figures(c, "B")
    # B: coverage 0, K2 late -> fulfilment 0: 0.00, fail; a cap at good does not lift it
    assert (b[("appraisal_score", "")], b[("grade", "")]) == (0.0, "fail")
    assert ("grade_capped_by", "") not in b


@pytest.mark.parametrize(("veto", "column", "words"), [
    ({"no_activty": "fail"}, "appraisal.veto.no_activty", "did you mean no_activity?"),
    ({"missed": "excellent"}, "appraisal.veto.missed", "must be the grade it caps at: one of good, pass, fail"),
    (["no_activity"], "appraisal.veto", "must be a mapping"),
])
def test_a_veto_is_read_strictly(veto, column, words):
    spec = {"items": [{"metric": "coverage", "weight": 100, "full_at": 1}],
            "grades": {"excellent": 90, "good": 80, "pass": 60}, "veto": veto}
    parsed, problems = parse_appraisal(spec)
    assert parsed is None
    assert [p.column for p in problems] == [column]
    assert words in problems[0].text("en")


def test_the_shunhe_sample_grades_its_inactive_branch_fail():
    c = load_campaign(SHUNHE)
    b03 = _figures(c, "SH-C01-B03")  # 建设路居民区党支部: no visit at all
    # grassroots coverage 0 of 15; satisfaction and fulfilment earn 55 of 70 applicable -> 78.57, capped at fail
    assert (b03[("appraisal_item", "grassroots_coverage")], b03[("appraisal_score", "")]) == (0, 78.57)
    assert (b03[("grade", "")], b03[("grade_capped_by", "")]) == ("fail", "no_activity")
