"""Spreadsheet habits (issue 12, "Silent wrong figures"): read with certainty and noted, or refused with the
cell named; never guessed. Workbooks are written with openpyxl as Excel would store them."""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile

import pytest
from openpyxl import load_workbook

from analytics import CampaignDataError, load_campaign
from analytics.measures.kpis import kpi_table

from builders import write_workbook

UNITS = [["unit_id", "name", "parent_id", "kind"], ["C", "县", None, "county"], ["T1", "甲乡", "C", "township"],
         ["T2", "乙乡", "C", "township"], ["V1", "一村", "T1", "village"], ["V2", "二村", "T1", "village"],
         ["V3", "三村", "T1", "village"]]
VISITS = [["date", "unit_id", "kind", "group", "persons"], ["2012-03-01", "V1", "visit", "residents", 10],
          ["2012-03-02", "V2", "visit", "residents", 20], ["2012-03-03", "V3", "visit", "residents", 30]]
TARGETS_HEAD = ["unit_id", "indicator", "target", "measure", "period_start", "period_end", "aggregation"]
ACTUALS_HEAD = ["unit_id", "indicator", "date", "value"]


def _book(folder, sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] | None = None,
          merges: dict[str, list[str]] | None = None, hidden: tuple[str, ...] = ()) -> None:
    """campaign.xlsx in folder: the sheets, then their merged ranges, hidden sheets and number formats."""
    wb = load_workbook(write_workbook(folder / "campaign.xlsx", sheets))
    for title, refs in (merges or {}).items():
        for ref in refs:
            wb[title].merge_cells(ref)
    for title in hidden:
        wb[title].sheet_state = "hidden"
    for (title, cell), fmt in (formats or {}).items():
        wb[title][cell].number_format = fmt
    wb.save(folder / "campaign.xlsx")


def _error(folder) -> CampaignDataError:
    with pytest.raises(CampaignDataError) as info:
        load_campaign(folder)
    return info.value


def _notes(campaign) -> list[str]:
    return [str(n) for n in campaign.notes]


# --- merged cells ------------------------------------------------------------------------------------


def test_a_grouping_column_merged_over_rows_fills_each_row_as_the_workbook_shows(make_campaign):
    # parent_id T1 merged over V1..V3 (rows 5-7): without the rule V2 and V3 became extra roots and the
    # county's person-times dropped from 60 to 10.
    folder = make_campaign({})
    units = [row[:] for row in UNITS]
    units[5][2] = units[6][2] = None  # openpyxl clears the merged-over cells, as Excel does
    _book(folder, {"units": units, "visits": VISITS}, merges={"units": ["C5:C7"]})
    campaign = load_campaign(folder)
    assert campaign.hierarchy.roots == ["C"]
    assert campaign.units["parent_id"].tolist()[3:] == ["T1", "T1", "T1"]
    kpis = kpi_table(campaign, campaign.as_of())
    persons = kpis[(kpis.unit_id == "C") & (kpis.metric == "persons") & (kpis.key == "")]["value"].item()
    assert persons == 60  # 10 + 20 + 30
    assert "campaign.xlsx [units], row 5, column parent_id: merged cells C5:C7 read as 'T1' in each of rows 5–7" in (
        _notes(campaign)[0])


@pytest.mark.parametrize(("sheet", "ref", "where", "words"), [
    ("visits", "E2:E3", "campaign.xlsx [visits], row 2, column persons", "in a column of figures"),
    ("units", "A6:A7", "campaign.xlsx [units], row 6, column unit_id", "must differ from row to row"),
    ("visits", "C2:D2", "campaign.xlsx [visits], row 2, column kind, group", "span several columns"),
    ("visits", "E1:E2", "campaign.xlsx [visits], row 1", "in the header row"),
])
def test_merged_figures_unique_values_and_merges_across_columns_are_refused_with_the_range(
        make_campaign, sheet, ref, where, words):
    folder = make_campaign({})
    visits = VISITS[:2] if sheet == "units" else VISITS  # V2 and V3 lose their ids when A6:A7 is merged
    _book(folder, {"units": UNITS, "visits": visits}, merges={sheet: [ref]})
    err = _error(folder)
    assert len(err.problems) == 1, str(err)
    assert str(err.problems[0]).startswith(where) and ref in str(err.problems[0]) and words in str(err.problems[0])


def test_a_kind_merged_over_rows_is_filled(make_campaign):
    folder = make_campaign({})
    _book(folder, {"units": UNITS}, merges={"units": ["D3:D4"]})  # township, over T1 and T2
    assert load_campaign(folder).units["kind"].tolist()[1:3] == ["township", "township"]


# --- percent cells -----------------------------------------------------------------------------------


def _targets(measure: str) -> list[list]:
    return [TARGETS_HEAD, ["C", "share", 90, measure, "2012-01-01", "2012-12-31", "none"]]


def test_a_percent_cell_under_measure_percent_is_read_times_100_with_a_note(make_campaign):
    # Stored 0.85, shown 85%: against a target of 90 the completion is 85 / 90 = 94.4%, not 0.85 / 90 = 0.94%.
    folder = make_campaign({})
    _book(folder, {"units": UNITS, "targets": _targets("%"),
                   "actuals": [ACTUALS_HEAD, ["C", "share", "2012-06-30", 0.85]]},
          formats={("actuals", "D2"): "0%"})
    campaign = load_campaign(folder)
    assert campaign.actuals["value"].tolist() == [85.0]
    kpis = kpi_table(campaign, as_of=dt.date(2012, 6, 30))
    completion = kpis[(kpis.metric == "completion") & (kpis.key == "share")]["value"].item()
    assert completion == pytest.approx(85 / 90)
    assert _notes(campaign) == ["campaign.xlsx [actuals], row 2, column value: value '85%': "
                                "a percent cell (shown 85%) read as 85 under measure %"]
    assert campaign.notes[0].text("zh").startswith("campaign.xlsx [actuals]，第2行，value列：值'85%'：百分比格式")


def test_a_percent_cell_under_another_measure_or_in_a_count_is_refused(make_campaign):
    folder = make_campaign({})
    visits = [row[:] for row in VISITS]
    _book(folder, {"units": UNITS, "visits": visits, "targets": _targets("万元"),
                   "actuals": [ACTUALS_HEAD, ["C", "share", "2012-06-30", 0.85]]},
          formats={("actuals", "D2"): "0.0%", ("visits", "E3"): "0%"})
    err = _error(folder)
    text = str(err)
    assert "campaign.xlsx [actuals], row 2, column value: value '0.85': a percent cell (shown 85.0%) under measure 万元" in text
    assert "campaign.xlsx [visits], row 3, column persons: value '20': a percent cell (shown 2000%) in a column of counts" in text
    assert len(err.problems) == 2


def test_a_percent_sign_in_a_csv_cell_is_refused_with_the_fix(make_campaign):
    targets = "unit_id,indicator,target,measure,period_start,period_end,aggregation\nC,share,90,%,2012-01-01,2012-12-31,none\n"
    actuals = "unit_id,indicator,date,value\nC,share,2012-06-30,85%\n"
    err = _error(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "targets": targets, "actuals": actuals}))
    assert str(err.problems[0]) == ("actuals.csv, row 2, column value: value '85%': is written with a percent sign; "
                                    "write the figure without it (85 under measure %)")


# --- numbers and dates that are never guessed ----------------------------------------------------------


@pytest.mark.parametrize(("written", "words"), [
    ("20120630", "is a string of digits, not a date"),
    ("120630", "is a string of digits, not a date"),
    ("06/07/2012", "could be day/month or month/day"),
    ("30.6.12", "has a two-digit year"),
])
def test_ambiguous_dates_are_refused(make_campaign, written, words):
    visits = f"date,unit_id,kind,group,persons\n{written},C,visit,residents,5\n"
    err = _error(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": visits}))
    assert len(err.problems) == 1 and words in str(err.problems[0])
    assert str(err.problems[0]).startswith(f"visits.csv, row 2, column date: value '{written}'")


@pytest.mark.parametrize(("written", "words"), [
    ("1,5", "may be a decimal comma or a thousands separator; write 1.5 or 15"),
    ("12,34,567", "are not thousands"),
    ("1 5", "are not thousands"),
])
def test_ambiguous_separators_are_refused(make_campaign, written, words):
    visits = f'date,unit_id,kind,group,persons\n2012-03-01,C,visit,residents,"{written}"\n'
    err = _error(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": visits}))
    assert len(err.problems) == 1 and words in str(err.problems[0]), str(err)


def test_thousands_separators_are_read_with_one_note_per_column(make_campaign):
    visits = 'date,unit_id,kind,group,persons\n2012-03-01,C,visit,residents,"1,234,567"\n2012-03-02,C,visit,residents,"2,800"\n'
    campaign = load_campaign(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": visits}))
    assert campaign.visits["persons"].tolist() == [1234567, 2800]
    assert _notes(campaign) == ["visits.csv, row 2, column persons: value '1,234,567': thousands separators read in 2 "
                                "cells of this column, e.g. 1,234,567 as 1234567"]


def test_a_number_cell_in_a_date_column_of_a_workbook_is_refused(make_campaign):
    folder = make_campaign({})
    visits = [row[:] for row in VISITS]
    visits[2][0] = 41091  # an Excel serial left unformatted
    _book(folder, {"units": UNITS, "visits": visits})
    err = _error(folder)
    assert [str(p) for p in err.problems] == [
        "campaign.xlsx [visits], row 3, column date: value '41091': is a number, not a date; format the cell as a date "
        "or write it as YYYY-MM-DD"]


# --- indicators and measures ----------------------------------------------------------------------


T = "unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
UNITS_CSV = "unit_id,name,parent_id\nC,县,\nT1,甲乡,C\nT2,乙乡,C\n"


@pytest.mark.parametrize(("indicator", "words"), [
    ("GDP", "indicator GDP has no target; the targets write it gdp: write it exactly so"),
    ("ｇｄｐ", "indicator ｇｄｐ has no target; the targets write it gdp: write it exactly so"),
    ("gpd", "indicator gpd has no target; did you mean gdp?"),
    ("jobs", "indicator jobs has no target; targets have: gdp"),
])
def test_an_actual_whose_indicator_matches_no_target_is_refused_naming_the_likely_code(make_campaign, indicator, words):
    targets = T + "T1,gdp,1000,万元,2012-01-01,2012-12-31,sum\n"
    actuals = f"unit_id,indicator,date,value\nT1,{indicator},2012-06-30,520\n"
    err = _error(make_campaign({"units": UNITS_CSV, "targets": targets, "actuals": actuals}))
    assert [str(p) for p in err.problems] == [f"actuals.csv, row 2, column indicator: value '{indicator}': {words}"]


def test_children_summed_in_different_measures_are_refused_naming_both_rows(make_campaign):
    targets = T + "T1,gdp,1000,万元,2012-01-01,2012-12-31,sum\nT2,gdp,8000000,元,2012-01-01,2012-12-31,sum\n"
    err = _error(make_campaign({"units": UNITS_CSV, "targets": targets}))
    assert [str(p) for p in err.problems] == [
        "targets.csv, row 3, column measure: value '元': targets of indicator gdp summed into C use different "
        "measures: 元 here, 万元 in row 2; use one measure for the indicator"]
    # With a target of its own the parent sums nothing: the children's measures may differ.
    load_campaign(make_campaign({"units": UNITS_CSV, "targets": targets + "C,gdp,2000,万元,2012-01-01,2012-12-31,sum\n"}))


def test_both_spellings_of_survey_headers_and_chinese_tags_are_read(make_campaign):
    surveys = "问卷批次,单位编码,日期,发放,回收,有效\nQ1,C,2012-03-01,100,90,80\n"
    units = "unit_id,name,parent_id,tags\nC,县,,\nT1,甲乡,C,先进\nT2,乙乡,C,后进;advanced\n"
    campaign = load_campaign(make_campaign({"units": units, "surveys": surveys}))
    assert campaign.surveys[["issued", "returned", "valid"]].iloc[0].tolist() == [100, 90, 80]
    assert campaign.units["tags"].tolist()[1:] == ["advanced", "lagging;advanced"]


# --- title rows, totals rows, blank rows (issue 14's habits) ---------------------------------------------


def test_a_title_line_above_the_header_is_skipped_with_a_note(make_campaign):
    visits = "尉氏县调研情况统计表,,,,\ndate,unit_id,kind,group,persons\n2012-03-01,C,visit,residents,5\n"
    campaign = load_campaign(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": visits}))
    assert campaign.visits.index.tolist() == [3]  # the spreadsheet row stays the one the user sees
    assert _notes(campaign) == ["visits.csv, row 1: 1 title line above the header (row 2) not read as data: "
                                "'尉氏县调研情况统计表'"]


def test_a_totals_row_is_dropped_when_it_equals_the_sums_and_refused_when_not(make_campaign):
    head = "date,unit_id,kind,group,persons\n2012-03-01,C,visit,residents,5\n2012-03-02,C,visit,residents,7\n"
    campaign = load_campaign(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": head + "合计,,,,12\n"}))
    assert campaign.visits["persons"].tolist() == [5, 7]
    assert _notes(campaign) == ["visits.csv, row 4: value '合计': a totals row (合计) equal to the sums of the rows "
                                "above is not read as data"]
    err = _error(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": head + "合计,,,,13\n"}))
    assert [str(p) for p in err.problems] == [
        "visits.csv, row 4, column persons: value '合计': a totals row (合计) whose figures differ from the sums of the "
        "rows above (persons: 13 written, 12 summed); correct it or delete it"]


def test_blank_rows_between_data_rows_are_noted(make_campaign):
    visits = "date,unit_id,kind,group,persons\n2012-03-01,C,visit,residents,5\n,,,,\n2012-03-02,C,visit,residents,7\n"
    campaign = load_campaign(make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": visits}))
    assert _notes(campaign) == ["visits.csv, row 3: 1 blank row between the data rows skipped"]


# --- workbooks refused or partly ignored, files ignored ------------------------------------------------


def test_a_hidden_sheet_that_is_not_a_table_is_noted_not_refused(make_campaign):
    folder = make_campaign({})
    _book(folder, {"units": UNITS, "old": [["x"]]}, hidden=("old",))
    campaign = load_campaign(folder)
    assert _notes(campaign) == ["campaign.xlsx: value 'old': hidden sheet old is not a table and is not read; unhide "
                                "and rename it if it holds data, else delete it"]


def test_a_workbook_declaring_huge_dimensions_is_refused_before_loading(make_campaign):
    # A few cells but a declared A1:AF1000000 (32 million cells), as the 952 KB file of issue 12 declared.
    folder = make_campaign({})
    _book(folder, {"units": UNITS})
    path = folder / "campaign.xlsx"
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="A1:AF1000000"', data)
                assert b"AF1000000" in data
            dst.writestr(info, data)
    started = time.perf_counter()
    err = _error(folder)
    assert time.perf_counter() - started < 5
    assert str(err.problems[0]).startswith(
        "campaign.xlsx: sheet units declares 32,000,000 cells (A1:AF1000000); "
        "the limit is 2,000,000 cells per workbook")


def test_encrypted_and_old_format_workbooks_are_named_with_what_to_do(make_campaign):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    folder = make_campaign({"campaign.xlsx": ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64})
    assert "is protected by a password (encrypted)" in str(_error(folder))
    folder = make_campaign({"campaign.xlsx": ole + "Workbook".encode("utf-16-le") + b"\x00" * 64})
    assert "is an old-format .xls workbook under an .xlsx name" in str(_error(folder))


def test_files_left_unread_are_named(make_campaign):
    folder = make_campaign({"units": UNITS_CSV, "units.xls": b"\xd0\xcf\x11\xe0", "units (1).csv": UNITS_CSV,
                            "~$campaign.xlsx": b"x"})
    campaign = load_campaign(folder)
    notes = _notes(campaign)
    assert ("units.xls: is an old-format Excel workbook (.xls) and is not read; save it as .xlsx or as CSV UTF-8, "
            "or delete it") in notes
    assert ("units (1).csv: is not read: its name is not units.csv; if it holds the units table, replace units.csv "
            "with it, else delete it") in notes
    assert any(n.startswith("~$campaign.xlsx: is Excel's lock file") for n in notes)
    # Alone, the same files would leave the table without rows: refused, saying what to do.
    err = _error(make_campaign({"visits (1).csv": "date,unit_id,kind,group,persons\n", "units": UNITS_CSV}))
    assert "visits (1).csv: looks like the visits table but is not read under this name; rename it visits.csv" in str(err)
    err = _error(make_campaign({"units.xls": b"\xd0\xcf\x11\xe0"}))
    assert [str(p) for p in err.problems] == [
        "units.xls: is an old-format Excel workbook (.xls), the only file for table units, and cannot be read; save it "
        "as units.csv (CSV UTF-8) or as a sheet of one .xlsx workbook"]


def test_notes_survive_the_validated_data_cache(make_campaign):
    visits = 'date,unit_id,kind,group,persons\n2012-03-01,C,visit,residents,"1,200"\n'
    folder = make_campaign({"units": "unit_id,name,parent_id\nC,县,\n", "visits": visits})
    first = load_campaign(folder)
    import shutil

    copy = shutil.copytree(folder, folder.parent / "copy")
    second = load_campaign(copy)
    assert second is not first and _notes(second) == _notes(first) and len(_notes(first)) == 1
    assert second.source_of("visits") == "visits.csv"
