"""Ratings, commitments and the appraisal, worked by hand on a seven-unit town (arithmetic in the comments)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analytics import load_campaign
from analytics.measures.evaluation import commitment_status, round_score
from analytics.measures.kpis import KPI_COLUMNS, campaign_appraisal, children_table, kpi_table, unit_kpis

from builders import SHUNHE

# T (town) -> C1, C2; C1 -> B1, B2, B3, B4; C2 -> B5.
UNITS = (
    "unit_id,name,parent_id,kind\n"
    "T,镇,,town\nC1,一社区,T,community\nB1,一支部,C1,branch\nB2,二支部,C1,branch\n"
    "B3,三支部,C1,branch\nB4,四支部,C1,branch\nC2,二社区,T,community\nB5,五支部,C2,branch\n"
)
Q1, Q2 = "对社区党组织工作满意度", "对党员作用发挥评价"
SURVEYS = (
    "survey_id,unit_id,date,issued,returned,valid\n"
    "S1,B1,2012-05-01,5,5,5\nS2,B2,2012-05-01,5,5,5\nS3,B3,2012-05-01,5,5,5\nS4,B4,2012-05-01,10,10,10\n"
    "S6,B5,2012-08-01,3,3,3\n"  # after as_of: its responses do not count yet
)
SCORES = {  # survey -> question -> scores
    "S1": {Q1: [5, 5, 4, 4, 3], Q2: [5, 4, 4, 4, 4]},
    "S2": {Q1: [5, 4, 3, 2, 1], Q2: [4, 4, 4, 4, 3]},
    "S3": {Q1: [5, 5, 5, 4, 2], Q2: [4, 4, 4, 4, 3]},
    "S4": {Q1: [5, 4, 4, 4, 3, 3, 3, 2, 2, 1], Q2: [5, 5, 4, 4, 4, 3, 2, 2, 1, 1]},
    "S6": {Q1: [5, 5, 5]},
}
# Chinese headers, as a rating sheet comes back from a community.
RESPONSES = "问卷批次,问题,评分,答卷人编号\n" + "".join(
    f"{s},{q},{score},{s}-{i}\n" for s, by_q in SCORES.items() for q, scores in by_q.items()
    for i, score in enumerate(scores, start=1)
)
COMMITMENTS = (
    "承诺编号,单位编码,承诺事项,承诺时限,完成日期\n"
    "K1,B1,建立党员联系户制度,2012-03-31,2012-03-20\n"  # kept
    "K2,B1,每月开展一次志愿服务,2012-05-31,2012-05-31\n"  # kept: done on the due day
    "K3,B2,整治楼道堆物,2012-04-30,2012-04-15\n"  # kept
    "K4,B2,公开党务居务,2012-05-15,2012-05-10\n"  # kept
    "K5,B2,走访困难党员,2012-04-30,2012-06-10\n"  # late
    "K6,B3,修缮活动室,2012-03-31,2012-03-01\n"  # kept
    "K7,B3,安装路灯,2012-05-31,\n"  # overdue, 30 days (May 31 -> June 30)
    "K8,B3,调解邻里纠纷,2012-06-30,\n"  # due today
    "K9,B4,建设党员书屋,2012-09-30,\n"  # not due yet
    "K10,B5,清理河道,2012-06-01,2012-06-01\n"  # kept
    "K11,C1,安置房交付,2012-06-15,2012-07-10\n"  # overdue at as_of (15 days): done only after it
    "K12,T,召开民主评议会,2012-06-30,2012-06-30\n"  # kept on the day
)
TARGETS = (
    "unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
    "C1,key_tasks,10,件,2012-01-01,2012-12-31,sum\nC2,key_tasks,4,件,2012-01-01,2012-12-31,sum\n"
)
ACTUALS = "unit_id,indicator,date,value\nC1,key_tasks,2012-06-30,6\nC2,key_tasks,2012-06-30,1\n"
VISITS = (  # B4 never visited
    "date,unit_id,kind,group,persons\n"
    "2012-03-01,B1,visit,residents,5\n2012-03-02,B2,visit,residents,4\n"
    "2012-03-03,B3,seminar,residents,6\n2012-03-04,B5,visit,residents,3\n"
)
META = (
    "id: town\nname: {zh: 创先争优考核, en: Strive-for-excellence appraisal}\n"
    "start: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
    "appraisal:\n"
    "  items:\n"
    "    - {metric: completion, key: key_tasks, weight: 30, full_at: 0.5}\n"
    "    - {metric: grassroots_coverage, weight: 20, full_at: 1.0}\n"
    "    - {metric: satisfaction, weight: 30, full_at: 0.9}\n"
    "    - {metric: commitment_fulfilment, weight: 20, full_at: 1.0}\n"
    "  grades: {excellent: 90, good: 75, pass: 60}\n"
)
TABLES = {"units": UNITS, "surveys": SURVEYS, "responses": RESPONSES, "commitments": COMMITMENTS,
          "targets": TARGETS, "actuals": ACTUALS, "visits": VISITS}


@pytest.fixture
def town(make_campaign):
    return load_campaign(make_campaign(TABLES, meta=META))


def _figures(table: pd.DataFrame, unit_id: str) -> dict[tuple[str, str], object]:
    rows = table[table["unit_id"] == unit_id]
    assert not rows.duplicated(["metric", "key"]).any()
    return dict(zip(zip(rows["metric"], rows["key"], strict=True), rows["value"], strict=True))


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


# --------------------------------------------------------------------------- ratings


def test_mean_score_and_satisfaction_by_hand(town):
    table = kpi_table(town, town.as_of())
    b1, b4, c1 = (_figures(table, u) for u in ("B1", "B4", "C1"))
    # B1: Q1 5+5+4+4+3 = 21, Q2 5+4+4+4+4 = 21: 42 / 10 = 4.2; scores >= 4: 4 + 5 = 9 of 10 = 90%
    assert (b1[("rating_count", "")], b1[("rating_mean", "")], b1[("satisfaction", "")]) == (10, 4.2, 0.9)
    assert b1[("satisfaction", Q1)] == pytest.approx(4 / 5)
    assert b1[("rating_mean", Q2)] == pytest.approx(21 / 5)
    # B4: Q1 5+4+4+4+3+3+3+2+2+1 = 31, Q2 5+5+4+4+4+3+2+2+1+1 = 31: 62 / 20 = 3.1; satisfied 4 + 5 = 9 of 20
    assert b4[("rating_mean", "")] == pytest.approx(3.1)
    assert b4[("satisfaction", "")] == pytest.approx(0.45)
    # C1 rolls up B1..B4: scores 42 + 34 + 40 + 62 = 178 over 10 + 10 + 10 + 20 = 50 -> 3.56;
    # satisfied Q1 4 + 2 + 4 + 4 = 14 of 25, Q2 5 + 4 + 4 + 5 = 18 of 25, all 32 of 50
    assert c1[("rating_count", "")] == 50
    assert c1[("rating_mean", "")] == pytest.approx(3.56)
    assert c1[("satisfaction", Q1)] == pytest.approx(0.56)
    assert c1[("satisfaction", Q2)] == pytest.approx(0.72)
    assert c1[("satisfaction", "")] == pytest.approx(0.64)


def test_no_ratings_is_no_data_never_zero(town):
    b5 = _figures(kpi_table(town, town.as_of()), "B5")
    # S6 (B5's only survey) is dated after as_of: no rating counts yet
    assert b5[("rating_count", "")] == 0
    assert _nan(b5[("rating_mean", "")]) and _nan(b5[("satisfaction", "")])
    assert b5[("rating_count", Q2)] == 0  # every question is listed for every unit
    later = _figures(kpi_table(town, as_of=dt.date(2012, 8, 31)), "B5")
    assert (later[("rating_count", "")], later[("satisfaction", "")]) == (3, 1.0)  # 5, 5, 5


def test_satisfaction_min_from_campaign_yaml(make_campaign):
    folder = make_campaign(TABLES, meta=META + "satisfaction_min: 5\n")
    campaign = load_campaign(folder)
    b1 = _figures(kpi_table(campaign, campaign.as_of()), "B1")
    assert b1[("satisfaction", "")] == pytest.approx(0.3)  # only the three 5s of ten


def test_unit_ratings_carry_the_score_distribution(town):
    r = unit_kpis(town, "B2", town.as_of()).ratings.set_index("question")
    assert list(r.index) == ["", Q1, Q2]  # all questions first, then in file order
    # B2: Q1 5,4,3,2,1 and Q2 4,4,4,4,3
    assert [int(r.loc["", f"score_{s}"]) for s in range(1, 6)] == [1, 1, 2, 5, 1]
    assert r.loc["", "mean"] == pytest.approx(3.4)  # (15 + 19) / 10


# --------------------------------------------------------------------------- commitments


def test_commitment_statuses_at_as_of():
    rows = pd.DataFrame({
        "unit_id": ["A"] * 6,
        "due": pd.to_datetime(["2012-05-01", "2012-05-01", "2012-05-01", "2012-06-30", "2012-06-30", "2012-07-01"]),
        "done": pd.to_datetime(["2012-05-01", "2012-05-02", None, None, "2012-06-30", None]),
    })
    out = commitment_status(rows, dt.date(2012, 6, 30))
    assert list(out["status"]) == ["kept", "late", "overdue", "due_today", "kept", "not_due"]
    assert out["days_overdue"].tolist()[2] == 60  # May 1 -> June 30
    assert out["days_overdue"].isna().sum() == 5


def test_fulfilment_kept_late_overdue_due_today_by_hand(town):
    table = kpi_table(town, town.as_of())
    b3, c1, t = (_figures(table, u) for u in ("B3", "C1", "T"))
    # B3: K6 kept, K7 overdue, K8 due today: due 3, kept 1 -> 1/3
    assert (b3[("commitments_due", "")], b3[("commitments_kept", "")], b3[("commitments_overdue", "")],
            b3[("commitments_due_today", "")]) == (3, 1, 1, 1)
    assert b3[("commitment_fulfilment", "")] == pytest.approx(1 / 3)
    # C1 = B1 (2 kept) + B2 (2 kept, 1 late) + B3 (1 kept, 1 overdue, 1 due today) + B4 (none due)
    #      + its own K11 (overdue: done only after as_of): kept 5, late 1, overdue 2, due today 1 -> due 9
    assert (c1[("commitments_due", "")], c1[("commitments_kept", "")], c1[("commitments_late", "")],
            c1[("commitments_overdue", "")], c1[("commitments_due_today", "")]) == (9, 5, 1, 2, 1)
    assert c1[("commitment_fulfilment", "")] == pytest.approx(5 / 9)
    # T = C1 + C2 (K10 kept) + its own K12 (kept on the day): kept 7 of 11 due
    assert (t[("commitments_due", "")], t[("commitments_kept", "")]) == (11, 7)
    assert t[("commitment_fulfilment", "")] == pytest.approx(7 / 11)
    # B4: K9 is not due yet: nothing due, fulfilment no data
    b4 = _figures(table, "B4")
    assert b4[("commitments_due", "")] == 0 and _nan(b4[("commitment_fulfilment", "")])


def test_overdue_commitments_listed_by_name(town):
    k = unit_kpis(town, "C1", town.as_of())
    assert k.commitments == {"due": 9, "kept": 5, "late": 1, "overdue": 2, "due_today": 1, "not_due": 1,
                             "total": 10, "fulfilment": pytest.approx(5 / 9)}
    overdue = k.overdue_commitments
    # K7 (B3) due May 31: 30 days; K11 (C1) due June 15: 15 days; most overdue first
    assert list(overdue["commitment_id"]) == ["K7", "K11"]
    assert list(overdue["name"]) == ["三支部", "一社区"]
    assert list(overdue["text"]) == ["安装路灯", "安置房交付"]
    assert list(overdue["days_overdue"]) == [30, 15]
    assert len(k.commitment_list) == 10 and set(k.commitment_list["unit_id"]) == {"C1", "B1", "B2", "B3", "B4"}


# --------------------------------------------------------------------------- appraisal


def test_item_points_rescaled_score_grade_and_tied_ranks(town):
    table = kpi_table(town, town.as_of())
    f = {u: _figures(table, u) for u in ("T", "C1", "C2", "B1", "B2", "B3", "B4", "B5")}
    # Branches are leaves without a key_tasks target: completion (30) does not apply; grassroots coverage (20)
    # does (a leaf's is 1 or 0: its own visits), so a branch is scored on coverage, satisfaction (30) and
    # fulfilment (20): score = 100 x points / 70.
    # B1: visited -> 20; satisfaction 0.9 / 0.9 -> 30; fulfilment 2/2 -> 20; 100 x 70 / 70 = 100.00, excellent
    assert f["B1"][("appraisal_item", "satisfaction")] == pytest.approx(30)
    assert f["B1"][("appraisal_score", "")] == 100.0 and f["B1"][("grade", "")] == "excellent"
    # B2: visited -> 20; satisfaction 0.6 / 0.9 x 30 = 20; fulfilment 2/3 x 20 = 13.33;
    # 100 x 53.33 / 70 = 76.19, good
    assert f["B2"][("appraisal_item", "commitment_fulfilment")] == pytest.approx(40 / 3)
    assert f["B2"][("appraisal_score", "")] == 76.19 and f["B2"][("grade", "")] == "good"
    # B3: visited -> 20; satisfaction 0.8 / 0.9 x 30 = 26.67; fulfilment 1/3 x 20 = 6.67; 100 x 53.33 / 70 = 76.19:
    # a tie
    assert f["B3"][("appraisal_score", "")] == 76.19
    # B4: never visited -> grassroots coverage 0 of 1, 0 points (no longer "not applicable"); satisfaction
    # 0.45 / 0.9 x 30 = 15; nothing due: fulfilment no data, 0 points; 100 x 15 / 70 = 21.43, fail
    assert f["B4"][("appraisal_item", "grassroots_coverage")] == 0
    assert f["B4"][("appraisal_item", "commitment_fulfilment")] == 0
    assert f["B4"][("appraisal_score", "")] == 21.43 and f["B4"][("grade", "")] == "fail"
    # Among C1's children: 100, 76.19, 76.19, 21.43 -> ranks 1, 2, 2, 4
    assert [f[u][("rank", "")] for u in ("B1", "B2", "B3", "B4")] == [1, 2, 2, 4]
    # Items that do not apply have no points at all (not 0)
    assert _nan(f["B1"][("appraisal_item", "completion:key_tasks")])
    assert f["B1"][("appraisal_item", "grassroots_coverage")] == 20
    # C1: completion 6/10 = 0.6 >= 0.5 -> 30; grassroots coverage 3 of 4 branches -> 15;
    # satisfaction 0.64 / 0.9 x 30 = 21.33; fulfilment 5/9 x 20 = 11.11; 77.44 of 100, good
    assert f["C1"][("appraisal_score", "")] == 77.44 and f["C1"][("grade", "")] == "good"
    # C2: completion 1/4 = 0.25 / 0.5 x 30 = 15; coverage 1 of 1 -> 20; no rating before as_of -> 0;
    # fulfilment 1/1 -> 20; 55.00, fail
    assert f["C2"][("appraisal_score", "")] == 55.0 and f["C2"][("grade", "")] == "fail"
    assert (f["C1"][("rank", "")], f["C2"][("rank", "")]) == (1, 2)
    # T: completion (6 + 1) / (10 + 4) = 0.5 -> 30; coverage 4 of 5 -> 16; satisfaction 0.64 -> 21.33;
    # fulfilment 7/11 x 20 = 12.73; 80.06, good; the only root: rank 1
    assert f["T"][("appraisal_score", "")] == 80.06 and f["T"][("grade", "")] == "good"
    assert f["T"][("rank", "")] == 1
    # B5 alone under C2: visited -> 20; no rating before as_of -> 0; fulfilment 1 -> 20; 100 x 40 / 70 = 57.14
    assert f["B5"][("appraisal_score", "")] == 57.14 and f["B5"][("rank", "")] == 1


def test_every_point_is_traceable(town):
    a = unit_kpis(town, "B4", town.as_of()).appraisal
    assert (a.score, a.grade, a.rank, a.ranked_among, a.points, a.weights) == (21.43, "fail", 4, 4, 15.0, 70.0)
    items = a.items.set_index("item")
    assert list(items.index) == ["completion:key_tasks", "grassroots_coverage", "satisfaction",
                                 "commitment_fulfilment"]
    sat = items.loc["satisfaction"]
    assert (sat["value"], sat["full_at"], sat["weight"], sat["attainment"], sat["points"], sat["lost"]) == (
        pytest.approx(0.45), 0.9, 30, pytest.approx(0.5), pytest.approx(15), pytest.approx(15))
    fulfil = items.loc["commitment_fulfilment"]
    assert bool(fulfil["applies"]) and not bool(fulfil["has_data"])
    assert (fulfil["points"], fulfil["lost"]) == (0, 20)
    assert not items.loc["completion:key_tasks", "applies"] and _nan(items.loc["completion:key_tasks", "lost"])
    cover = items.loc["grassroots_coverage"]
    assert bool(cover["applies"]) and bool(cover["has_data"]) and (cover["points"], cover["lost"]) == (0, 20)
    assert list(a.siblings["unit_id"]) == ["B1", "B2", "B3", "B4"]
    assert list(a.siblings["rank"]) == [1, 2, 2, 4]
    assert list(unit_kpis(town, "T", town.as_of()).appraisal.children["name"]) == ["一社区", "二社区"]


def test_points_and_scores_agree_with_the_kpi_values(town):
    table = kpi_table(town, town.as_of())
    scored = campaign_appraisal(town, town.as_of())
    items = scored.items
    value = {(u, m, k): v for u, m, k, v in zip(table["unit_id"], table["metric"], table["key"], table["value"],
                                                strict=True)}
    for row in items[items["has_data"]].itertuples():
        assert row.value == value[(row.unit_id, row.metric, row.key)]
    for unit, s in scored.scores.iterrows():
        applicable = items[(items["unit_id"] == unit) & items["applies"]]
        exact = 100 * applicable["points"].sum() / applicable["weight"].sum()
        assert s["score"] == round_score(exact) == value[(unit, "appraisal_score", "")]


def test_children_table_shows_score_grade_and_rank(town):
    children = children_table(town, "C1", town.as_of()).set_index("unit_id")
    assert list(children["rank"]) == [1, 2, 2, 4]
    assert list(children["grade"]) == ["excellent", "good", "good", "fail"]


def test_scores_round_half_up_in_decimal_before_grading(make_campaign):
    # Effective rate 11999 / 20000 = 0.59995, one item of weight 100: 59.995 points. In binary that is
    # 59.99499999..., which round() takes down to 59.99 (fail); half up it is 60.00, a pass.
    meta = ("id: r\nname: {zh: r, en: r}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-12-31\nappraisal:\n"
            "  items: [{metric: survey_effective_rate, weight: 100, full_at: 1}]\n"
            "  grades: {excellent: 90, good: 80, pass: 60}\n")
    surveys = "survey_id,unit_id,date,issued,returned,valid\nS,A,2012-03-01,20000,11999,11999\n"
    c = load_campaign(make_campaign({"units": "unit_id,name,parent_id\nA,a,\n", "surveys": surveys}, meta=meta))
    a = _figures(kpi_table(c, c.as_of()), "A")
    assert round(100 * 11999 / 20000, 2) == 59.99
    assert a[("appraisal_score", "")] == 60.0 and a[("grade", "")] == "pass"
    assert round_score(2.675) == 2.68 and round_score(66.665) == 66.67 and round_score(66.66499) == 66.66


def test_events_and_persons_items_count_zero_not_no_data(make_campaign):
    meta = ("id: e\nname: {zh: e, en: e}\nstart: 2012-01-01\nend: 2012-12-31\nappraisal:\n"
            "  items: [{metric: events, key: seminar, weight: 50, full_at: 2},\n"
            "          {metric: persons, key: residents, weight: 50, full_at: 10}]\n"
            "  grades: {excellent: 90, good: 80, pass: 60}\n")
    visits = "date,unit_id,kind,group,persons\n2012-03-01,B,seminar,village_cadres,4\n2012-03-02,C,visit,residents,5\n"
    c = load_campaign(make_campaign({"units": "unit_id,name,parent_id\nA,a,\nB,b,A\nC,c,A\n", "visits": visits},
                                    meta=meta))
    t = kpi_table(c, as_of=dt.date(2012, 12, 31))
    b, cc, a = (_figures(t, u) for u in "BCA")
    # B: 1 seminar of 2 -> 25; no residents met (0, not no data) -> 0; 25.00
    assert (b[("appraisal_item", "events:seminar")], b[("appraisal_item", "persons:residents")]) == (25, 0)
    assert b[("appraisal_score", "")] == 25.0
    # C: no seminar -> 0; 5 residents of 10 -> 25; 25.00: tied with B
    assert cc[("appraisal_score", "")] == 25.0 and (b[("rank", "")], cc[("rank", "")]) == (1, 1)
    # A: 1 seminar -> 25, 5 residents -> 25: 50.00
    assert a[("appraisal_score", "")] == 50.0 and a[("grade", "")] == "fail"


def test_no_applicable_item_means_no_score(make_campaign):
    meta = ("id: n\nname: {zh: n, en: n}\nstart: 2012-01-01\nend: 2012-12-31\nappraisal:\n"
            "  items: [{metric: coverage, weight: 100, full_at: 1}]\n  grades: {excellent: 90, good: 80, pass: 60}\n")
    c = load_campaign(make_campaign({"units": "unit_id,name,parent_id\nA,a,\nB,b,A\nC,c,A\n",
                                     "visits": "date,unit_id,kind,group,persons\n2012-03-01,B,visit,residents,1\n"},
                                    meta=meta))
    t = kpi_table(c, as_of=dt.date(2012, 12, 31))
    a, b = _figures(t, "A"), _figures(t, "B")
    assert a[("appraisal_score", "")] == 50.0  # 1 of 2 children visited
    assert _nan(b[("appraisal_score", "")]) and b[("grade", "")] == "no_data" and _nan(b[("rank", "")])


# --------------------------------------------------------------------------- the KPI table


def test_unit_kpis_to_long_agrees_with_kpi_table(town):
    table = kpi_table(town, town.as_of())
    for unit in ("T", "C1", "B3", "B5"):
        long = unit_kpis(town, unit, town.as_of()).to_long()
        assert list(long.columns) == KPI_COLUMNS
        got, expected = _figures(long, unit), _figures(table, unit)
        assert set(got) == set(expected)
        for key, value in expected.items():
            assert (_nan(value) and _nan(got[key])) or got[key] == value, key


def test_a_narrowed_view_ranks_against_the_whole_campaign(town):
    only_b4 = {name: town.table(name).iloc[0:0] for name in ("visits", "surveys", "targets", "actuals")}
    view = town.narrowed(only_b4)
    assert unit_kpis(view, "B2", view.as_of()).appraisal.rank == 2  # from the whole campaign, not the emptied view


def test_campaigns_without_the_new_tables_keep_every_figure(make_campaign):
    plain = {k: v for k, v in TABLES.items() if k not in ("responses", "commitments")}
    meta = META.split("appraisal:")[0]
    plain_campaign = load_campaign(make_campaign(plain, meta=meta))
    before = kpi_table(plain_campaign, plain_campaign.as_of())
    assert not before["metric"].isin(["rating_count", "commitments_due", "appraisal_score", "grade", "rank"]).any()
    whole = load_campaign(make_campaign(TABLES, meta=META))
    after = kpi_table(whole, whole.as_of())
    same = after[after["metric"].isin(before["metric"].unique())].reset_index(drop=True)
    pd.testing.assert_frame_equal(same, before)


# --------------------------------------------------------------------------- the Shunhe sample, from the command line

NEW_METRICS = ("rating_count", "rating_mean", "satisfaction", "commitments_due", "commitments_kept",
               "commitment_fulfilment", "commitments_overdue", "appraisal_score", "appraisal_item", "grade", "rank")


def test_kpis_command_lists_the_new_metrics_for_every_shunhe_unit(capsys):
    import csv
    import io

    from analytics.cli import main

    folder = SHUNHE
    assert main(["kpis", str(folder)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    units = {r["unit_id"] for r in rows}
    assert len(units) == 45
    have = {(r["unit_id"], r["metric"]) for r in rows}
    assert {(u, m) for u in units for m in NEW_METRICS} <= have
    value = {(r["unit_id"], r["metric"], r["key"]): r["value"] for r in rows}
    assert round(float(value[("SH", "completion", "gdp")]), 4) == 0.5841  # the published figures stay
    items = {r["key"] for r in rows if r["metric"] == "appraisal_item"}
    assert items == {"completion:livelihood_tasks", "grassroots_coverage", "satisfaction", "commitment_fulfilment"}
    # a branch is a leaf without a livelihood target: completion does not apply (empty); grassroots coverage applies
    # to every unit (a visited branch earns its full 15), the others score
    assert value[("SH-C01-B01", "appraisal_item", "grassroots_coverage")] == "15.0"
    assert value[("SH-C01-B01", "appraisal_item", "completion:livelihood_tasks")] == ""
    assert value[("SH-C01-B01", "appraisal_item", "satisfaction")] != ""
    assert {value[(u, "grade", "")] for u in units} <= {"excellent", "good", "pass", "fail"}
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "commitments: 132 rows" in out and "appraisal: completion:livelihood_tasks 30," in out


def test_shunhe_sample_ranks_every_sibling_group(shunhe):
    scores = campaign_appraisal(shunhe, shunhe.as_of()).scores
    for parent, group in scores.groupby("parent_id"):
        ranks = sorted(group["rank"].astype(int))
        # ranks run from 1, and a tie skips the places it takes (1, 2, 2, 4)
        assert ranks[0] == 1 and all(r <= i + 1 for i, r in enumerate(ranks)), parent
        assert (group["ranked_among"] == len(group)).all()
