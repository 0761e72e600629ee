"""Input keys of incremental runs: what changes a unit's key (its page shows it) and what must not."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from analytics import load_campaign
from analytics.batch.incremental import InputSnapshot, unit_input_keys

UNITS = "unit_id,name,parent_id,kind\nA,县,,county\nB,甲乡,A,township\nC,乙乡,A,township\nD,某村,B,village\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,D,visit,residents,5\n2012-04-01,C,seminar,village_cadres,7\n"
AS_OF = dt.date(2012, 6, 30)
NOTEBOOK = b'{"cells": []}'
PARAMS = {"as_of": "2012-06-30", "language": "zh", "tolerance": 1.0, "assets": "shared"}


def _keys(folder, as_of=AS_OF, tolerance=1.0, notebook=NOTEBOOK, params=PARAMS):
    return unit_input_keys(load_campaign(folder, use_cache=False), as_of, tolerance, notebook, params)


def _changed(before: dict, after: dict) -> set[str]:
    return {u for u in before if before[u] != after[u]}


@pytest.fixture
def base(make_campaign):
    return make_campaign({"units": UNITS, "visits": VISITS})


def test_the_same_data_gives_the_same_keys(base, make_campaign):
    copy = make_campaign({"units": UNITS, "visits": VISITS})
    first = _keys(base)
    assert len(set(first.values())) == 4  # one key per unit, all different
    assert _keys(base) == first
    os.utime(base / "visits.csv", (0, 0))  # touched, same bytes
    assert _keys(base) == first
    assert _keys(copy) == first  # another folder with the same files: the key is of the content


def test_a_leafs_row_changes_the_leaf_and_its_ancestors_only(base, make_campaign):
    changed = make_campaign({"units": UNITS, "visits": VISITS.replace("D,visit,residents,5", "D,visit,residents,6")})
    # D's page shows its rows; B and A roll them up; C (a sibling branch) shows none of them.
    assert _changed(_keys(base), _keys(changed)) == {"D", "B", "A"}


def test_a_row_of_another_branch_leaves_this_branch_alone(base, make_campaign):
    changed = make_campaign({"units": UNITS, "visits": VISITS + "2012-05-01,C,visit,residents,1\n"})
    assert _changed(_keys(base), _keys(changed)) == {"C", "A"}


def test_a_rename_changes_the_pages_that_show_the_name(base, make_campaign):
    changed = make_campaign({"units": UNITS.replace("B,甲乡", "B,甲镇"), "visits": VISITS})
    # B's own page; A lists B among its children; D's breadcrumb shows B. C never shows B's name.
    assert _changed(_keys(base), _keys(changed)) == {"A", "B", "D"}


def test_a_tag_or_kind_change_reaches_the_parent_and_the_unit(base, make_campaign):
    changed = make_campaign({"units": UNITS.replace("C,乙乡,A,township", "C,乙乡,A,community"), "visits": VISITS})
    assert _changed(_keys(base), _keys(changed)) == {"A", "C"}


@pytest.mark.parametrize("change", [
    {"as_of": dt.date(2012, 7, 1)},
    {"tolerance": 2.0},
    {"notebook": b'{"cells": [1]}'},
    {"params": {**PARAMS, "language": "en"}},
    {"params": {**PARAMS, "assets": "self_contained"}},
])
def test_run_wide_inputs_change_every_key(base, change):
    before, after = _keys(base), _keys(base, **change)
    assert _changed(before, after) == {"A", "B", "C", "D"}


def test_campaign_description_changes_every_key(base, make_campaign):
    meta = "id: test\nname: {zh: 测试活动, en: Test campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"
    described = make_campaign({"units": UNITS, "visits": VISITS}, meta=meta + "description: 新的说明\n")
    assert _changed(_keys(base), _keys(described)) == {"A", "B", "C", "D"}


# -- the folder snapshot a batch takes at its start and end -------------------------------------------------------
def test_snapshot_sees_changed_added_and_removed_files_not_touches(base):
    before = InputSnapshot.take(base)
    assert set(before.files) == {"campaign.yaml", "units.csv", "visits.csv"}
    os.utime(base / "units.csv", (1, 1))
    (base / ".~lock.units.csv#").write_text("x")  # LibreOffice's lock file is not an input
    assert InputSnapshot.take(base, before).changed_since(before) == []
    (base / "visits.csv").write_text(VISITS + "2012-05-01,C,visit,residents,1\n", encoding="utf-8")
    (base / "surveys.csv").write_text("survey_id,unit_id,date,issued,returned,valid\n", encoding="utf-8")
    (base / "units.csv").unlink()
    assert InputSnapshot.take(base, before).changed_since(before) == ["surveys.csv", "units.csv", "visits.csv"]


def test_snapshot_sees_a_file_rewritten_with_its_mtime_put_back(base):
    before = InputSnapshot.take(base)
    st = os.stat(base / "visits.csv")
    (base / "visits.csv").write_text(VISITS.replace(",5\n", ",8\n"), encoding="utf-8")
    os.utime(base / "visits.csv", ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime
    assert InputSnapshot.take(base, before).changed_since(before) == ["visits.csv"]
