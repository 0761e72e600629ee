"""load_campaign: every accepted file form gives the same typed frames; raw files are never touched."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from openpyxl import Workbook

from analytics import CampaignDataError, load_campaign
from analytics.data.contract import TABLES
from analytics.measures.kpis import kpi_table

from builders import SAMPLES

CAMPAIGN_YAML = "id: test\nname: {zh: 测试活动, en: Test campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"
UNITS_CSV = "unit_id,name,parent_id\nA,县,\nB,甲乡,A\nC,乙乡,A\nD,某村,B\n"  # A -> B, C; B -> D

# The same campaign in canonical spelling; kind and group are written as codes here and as Chinese
# labels in the GB18030 copy, and must come out as the same codes.
ROWS: dict[str, list[list[str]]] = {
    "units": [
        ["A", "尉氏县", "", "county", "organ", ""],
        ["B", "城关镇", "A", "township", "organ", ""],
        ["V", "梁寨村", "B", "village", "rural", "advanced;lagging"],
    ],
    "visits": [
        ["2012-03-01", "V", "seminar", "residents", "12", "组织科", "入户走访"],
        ["2012-03-02", "B", "visit", "township_leaders", "3", "", ""],
    ],
    "surveys": [["Q1", "B", "2012-03-05", "100", "90", "85"]],
    "targets": [["A", "gdp", "357000", "万元", "2012-01-01", "2012-12-31", "none"]],
    "actuals": [["A", "gdp", "2012-06-30", "208526.5"]],
}
ZH_LABELS = {"seminar": "座谈会", "visit": "走访", "residents": "群众", "township_leaders": "乡镇领导干部"}


def _csv(table: str, chinese: bool) -> str:
    columns = TABLES[table][: len(ROWS[table][0])]
    lines = [",".join(c.alias if chinese else c.name for c in columns)]
    for row in ROWS[table]:
        if chinese and table == "visits":
            row = [ZH_LABELS.get(v, v) for v in row]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _cell(text: str):
    """Typed workbook cell, as a spreadsheet program would store it."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return dt.datetime.fromisoformat(text)
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return text or None


def _frames(campaign) -> dict[str, pd.DataFrame]:
    return {name: campaign.tables[name] for name in sorted(campaign.present)}


def test_gb18030_utf8_bom_and_plain_utf8_give_the_same_frames(make_campaign):
    gb = make_campaign({t: _csv(t, chinese=True) for t in ROWS}, encoding="gb18030")
    bom = make_campaign({t: _csv(t, chinese=False) for t in ROWS}, encoding="utf-8-sig")
    plain = make_campaign({t: _csv(t, chinese=False) for t in ROWS}, encoding="utf-8")
    raw = (gb / "units.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the GB18030 copy really is not UTF-8
    assert (bom / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    expected = _frames(load_campaign(plain))
    assert set(expected) == set(ROWS)
    for folder in (gb, bom):
        got = _frames(load_campaign(folder))
        assert set(got) == set(expected)
        for name in expected:
            pd.testing.assert_frame_equal(got[name], expected[name], obj=f"{folder.name}/{name}")


def test_loaded_frames_are_typed_and_indexed_by_spreadsheet_row(make_campaign):
    campaign = load_campaign(make_campaign({t: _csv(t, chinese=False) for t in ROWS}))
    v = campaign.visits
    assert list(v.index) == [2, 3]  # header = row 1
    assert list(v.columns) == [c.name for c in TABLES["visits"]]
    assert str(v["persons"].dtype) == "Int64"
    assert v["date"].dtype == "datetime64[ns]"
    assert v.loc[2, "date"] == pd.Timestamp("2012-03-01")
    assert campaign.actuals.loc[2, "value"] == 208526.5
    assert pd.isna(v.loc[3, "team"])  # an empty optional cell is missing, not ""
    assert pd.isna(campaign.units.loc[2, "parent_id"])


def test_an_xlsx_workbook_gives_the_same_frames_as_csv(make_campaign):
    expected = _frames(load_campaign(make_campaign({t: _csv(t, chinese=False) for t in ROWS})))
    folder = make_campaign({})
    wb = Workbook()
    wb.remove(wb.active)
    for table, rows in ROWS.items():
        ws = wb.create_sheet(table)
        ws.append([c.name for c in TABLES[table][: len(rows[0])]])
        for row in rows:
            ws.append([_cell(v) for v in row])
    wb.save(folder / "campaign.xlsx")
    got = _frames(load_campaign(folder))
    assert set(got) == set(expected)
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


def test_a_table_both_as_csv_and_as_sheet_is_a_problem(make_campaign):
    folder = make_campaign({"units": UNITS_CSV})
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    ws.append(["unit_id", "name", "parent_id"])
    ws.append(["A", "县", None])
    wb.save(folder / "book.xlsx")
    with pytest.raises(CampaignDataError, match=r"units\.csv: table units is also a sheet of book\.xlsx"):
        load_campaign(folder)


def test_raw_files_are_never_modified_or_added_to(make_campaign, file_hashes):
    folder = make_campaign({t: _csv(t, chinese=True) for t in ROWS}, encoding="gb18030")
    before = file_hashes(folder)
    campaign = load_campaign(folder)
    kpi_table(campaign, campaign.as_of())
    load_campaign(folder)  # the second load goes through the cache
    assert file_hashes(folder) == before


def test_raw_files_are_not_modified_when_validation_fails(make_campaign, file_hashes):
    folder = make_campaign({"units": UNITS_CSV + "E,x,Q\n", "visits": "date,unit_id\n2012-02-30,A\n"})
    before = file_hashes(folder)
    with pytest.raises(CampaignDataError):
        load_campaign(folder)
    assert file_hashes(folder) == before


def test_loading_the_samples_leaves_data_raw_unchanged(file_hashes):
    before = {folder.name: file_hashes(folder) for folder in SAMPLES}
    for folder in SAMPLES:
        load_campaign(folder)
    assert {folder.name: file_hashes(folder) for folder in SAMPLES} == before


def test_missing_optional_tables_are_empty_frames_with_the_contract_columns(make_campaign):
    campaign = load_campaign(make_campaign({"units": UNITS_CSV}))
    assert campaign.present == frozenset({"units"})
    for name in ("visits", "surveys", "targets", "actuals", "responses"):
        frame = getattr(campaign, name)
        assert frame.empty
        assert list(frame.columns) == [c.name for c in TABLES[name]], name
    assert campaign.visits["date"].dtype == "datetime64[ns]"
    assert str(campaign.visits["persons"].dtype) == "Int64"
    assert str(campaign.targets["target"].dtype) == "Float64"


def test_a_missing_folder_is_a_campaign_data_error(tmp_path):
    with pytest.raises(CampaignDataError, match="is not a folder"):
        load_campaign(tmp_path / "nowhere")


def test_hierarchy(make_campaign):
    h = load_campaign(make_campaign({"units": UNITS_CSV})).hierarchy  # A -> B, C; B -> D
    assert h.roots == ["A"]
    assert h.children == {"A": ["B", "C"], "B": ["D"], "C": [], "D": []}
    assert h.descendants("A") == ["A", "B", "D", "C"]
    assert h.ancestors("D") == ["A", "B"]
    assert len(h.ancestors("D")) == 2
    assert h.walk() == [("A", 0), ("B", 1), ("D", 2), ("C", 1)]
    pairs = set(zip(h.closure["unit_id"], h.closure["ancestor_id"], strict=True))
    assert pairs == {("A", "A"), ("B", "B"), ("B", "A"), ("C", "C"), ("C", "A"), ("D", "D"), ("D", "B"), ("D", "A")}


def test_as_of_comes_from_campaign_yaml_else_the_end_date(make_campaign):
    with_as_of = load_campaign(make_campaign({"units": UNITS_CSV}, meta=CAMPAIGN_YAML + "as_of: 2012-06-30\n"))
    assert with_as_of.as_of() == dt.date(2012, 6, 30)
    assert with_as_of.as_of("2012-03-01") == dt.date(2012, 3, 1)
    finished = load_campaign(make_campaign({"units": UNITS_CSV}))  # ended 2012-12-31, long before today
    assert finished.as_of() == dt.date(2012, 12, 31)
    assert finished.meta.default_as_of(today=dt.date(2012, 5, 1)) == dt.date(2012, 5, 1)
    assert finished.meta.title("en") == "Test campaign"
