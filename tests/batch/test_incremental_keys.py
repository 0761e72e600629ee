"""Input keys of incremental re-runs: a rank depends on siblings, so with an appraisal one sibling's new rows
change the keys of its whole sibling group's pages, and nothing more; without one, only its own and ancestors'."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import load_campaign
from analytics.batch.incremental import unit_input_keys

# T -> C1, C2; C1 -> B1, B2, B3; C2 -> B4
UNITS = "unit_id,name,parent_id\nT,镇,\nC1,一社区,T\nB1,一,C1\nB2,二,C1\nB3,三,C1\nC2,二社区,T\nB4,四,C2\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,B1,visit,residents,5\n2012-03-02,B2,visit,residents,4\n"
SURVEYS = "survey_id,unit_id,date,issued,returned,valid\nS1,B1,2012-05-01,2,2,2\nS4,B4,2012-05-01,1,1,1\n"
RESPONSES = "survey_id,question,score\nS1,满意度,5\nS1,满意度,4\nS4,满意度,3\n"
COMMITMENTS = "commitment_id,unit_id,text,due,done\nK1,B3,修路,2012-05-01,2012-04-01\nK2,B4,建桥,2012-05-01,\n"
BASE = "id: k\nname: {zh: k, en: k}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
APPRAISAL = ("appraisal:\n  items: [{metric: satisfaction, weight: 50, full_at: 0.9},\n"
             "          {metric: commitment_fulfilment, weight: 50, full_at: 1}]\n"
             "  grades: {excellent: 90, good: 80, pass: 60}\n")
TABLES = {"units": UNITS, "visits": VISITS, "surveys": SURVEYS, "responses": RESPONSES, "commitments": COMMITMENTS}


def _keys(make_campaign, meta: str, **changed: str) -> dict[str, str]:
    campaign = load_campaign(make_campaign({**TABLES, **changed}, meta=meta), use_cache=False)
    return unit_input_keys(campaign, dt.date(2012, 6, 30), 1.0, b"notebook", {})


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {u for u in before if before[u] != after[u]}


MORE_PERSONS = VISITS.replace("residents,4", "residents,40")  # B2's visit


@pytest.mark.parametrize(("ranked", "expected"), [
    # B2's rows change B2, its siblings B1 and B3 (their ranks), C1 and T (rolled up), and C1's sibling C2
    (True, {"B1", "B2", "B3", "C1", "C2", "T"}),
    # no appraisal, no ranks: only B2 and the units it rolls up into
    (False, {"B2", "C1", "T"}),
])
def test_a_siblings_change_rerenders_the_sibling_group_only_with_an_appraisal(make_campaign, ranked, expected):
    meta = BASE + APPRAISAL if ranked else BASE
    before = _keys(make_campaign, meta)
    assert _changed(before, _keys(make_campaign, meta)) == set()  # same data, same keys
    assert _changed(before, _keys(make_campaign, meta, visits=MORE_PERSONS)) == expected  # B4 never changes


def test_a_response_belongs_to_its_surveys_unit(make_campaign):
    before = _keys(make_campaign, BASE)
    after = _keys(make_campaign, BASE, responses=RESPONSES.replace("S4,满意度,3", "S4,满意度,2"))
    assert _changed(before, after) == {"B4", "C2", "T"}


def test_a_commitment_changes_its_unit_and_with_an_appraisal_its_siblings(make_campaign):
    done = COMMITMENTS.replace("K2,B4,建桥,2012-05-01,", "K2,B4,建桥,2012-05-01,2012-05-01")
    assert _changed(_keys(make_campaign, BASE), _keys(make_campaign, BASE, commitments=done)) == {"B4", "C2", "T"}
    ranked = BASE + APPRAISAL
    # B4 is C2's only child; C2's new score moves C1's rank too
    assert _changed(_keys(make_campaign, ranked), _keys(make_campaign, ranked, commitments=done)) == {
        "B4", "C2", "C1", "T"}


def test_the_appraisal_section_is_part_of_every_key(make_campaign):
    before = _keys(make_campaign, BASE + APPRAISAL)
    after = _keys(make_campaign, BASE + APPRAISAL.replace("full_at: 0.9", "full_at: 0.8"))
    assert _changed(before, after) == set(before)
    assert _changed(before, _keys(make_campaign, BASE + APPRAISAL + "satisfaction_min: 5\n")) == set(before)
