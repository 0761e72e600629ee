"""The round trip of issue 14 on the Weishi sample: templates for all 20 second-level units (17 townships, 2
industrial parks, the county graduate-official office), 18 returned (16 unchanged or extended correctly, 2
with typical mistakes), collected; then validate, run and the KPIs of the merged campaign; and every sheet of
every template opened by LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from analytics import load_campaign
from analytics.cli import main
from analytics.data.contract import sheet_name, table_of_sheet
from analytics.exchange.rows import office_tables, table_text
from analytics.exchange.run import run_collect
from analytics.exchange.template import write_blank_template, write_templates
from analytics.measures.kpis import kpi_table

from builders import WEISHI, require_soffice

SILENT = ("WS-T16", "WS-P02")
UNCHANGED = ("WS-T03", "WS-T06", "WS-T07", "WS-T08", "WS-T09", "WS-T10", "WS-T11", "WS-T12", "WS-T13", "WS-T14",
             "WS-T15", "WS-T17")
# Offices extending their rows correctly: each row as written in the template and as canonical text after.
NEW_VISIT_T02 = [dt.datetime(2010, 5, 20), "WS-T02-V01", "座谈会", "群众", 30, "乡镇党委", "群众座谈"]
NEW_VISIT_D01 = [dt.datetime(2010, 5, 21), "WS-D01", "座谈会", "大学生村干部", 25, "县大学生村干部管理办公室", "座谈"]
NEW_SURVEY_T05 = ["WS-T05-Q1", "WS-T05", dt.datetime(2010, 5, 18), 100, 95, 90]
NEW_VISIT_T04 = [dt.datetime(2010, 5, 22), "WS-T04-V01", "走访", "群众", 6, "乡镇党委", "回访"]


def _canonical(row: list) -> list[str]:
    kinds = {"座谈会": "seminar", "走访": "visit"}
    groups = {"群众": "residents", "大学生村干部": "graduate_officials"}
    out = []
    for value in row:
        if isinstance(value, dt.datetime):
            out.append(value.date().isoformat())
        else:
            out.append(kinds.get(value, groups.get(value, str(value))))
    return out


def _extend(table: str, row: list):
    return lambda book: book[sheet_name(table, "zh")].append(row)


def _correct_p01(book) -> None:
    book["走访座谈"]["E2"] = book["走访座谈"]["E2"].value + 1  # a corrected figure is a returned row like any


def _mistakes_t01(book) -> None:
    ws = book["走访座谈"]
    last = ws.max_row
    ws.append([dt.datetime(2010, 5, 2), "WS-T05-V01", "走访", "群众", 5, "组织科", "走访"])  # WS-T05's village
    persons = sum(ws.cell(r, 5).value for r in range(2, last + 2))
    ws.append(["合计", None, None, None, persons])  # a totals row equal to the sums: dropped with a note
    ws.insert_rows(1)
    ws["A1"] = "尉氏县调研情况统计表"  # a title line above the header
    book["问卷"]["E2"] = 300  # WS-Q02: returned 300 > issued 235


def _mistakes_t04(book) -> None:
    book["走访座谈"]["C3"] = "座谈"  # a kind typed outside the list
    book["走访座谈"].append(NEW_VISIT_T04)  # a good row beside the bad ones
    surveys = book["问卷"]
    surveys.append(["合计", None, None, 999, surveys["E2"].value, surveys["F2"].value])  # issued is 245


EDITS = {"WS-T02": _extend("visits", NEW_VISIT_T02), "WS-D01": _extend("visits", NEW_VISIT_D01),
         "WS-T05": _extend("surveys", NEW_SURVEY_T05), "WS-P01": _correct_p01,
         "WS-T01": _mistakes_t01, "WS-T04": _mistakes_t04}


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    """Templates written, 18 returned and edited, collected twice (into two folders)."""
    root = tmp_path_factory.mktemp("weishi_trip")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMPAIGN_ANALYTICS_CACHE", str(root / "cache"))
        base = load_campaign(WEISHI, use_cache=False)
        templates = write_templates(base, root / "templates")
        returned = root / "returned"
        returned.mkdir()
        by_office = {}
        for path in templates:
            office = path.name.split("_")[0]
            by_office[office] = path
            if office in SILENT:
                continue
            shutil.copy(path, returned)
            if office in EDITS:
                book = load_workbook(returned / path.name)
                EDITS[office](book)
                book.save(returned / path.name)
        raw_before = {p.name: p.read_bytes() for p in WEISHI.iterdir()}
        first = run_collect(returned, WEISHI, root / "merged")
        second = run_collect(returned, WEISHI, root / "merged2")
        raw_after = {p.name: p.read_bytes() for p in WEISHI.iterdir()}
        yield {"root": root, "base": base, "templates": by_office, "returned": returned, "first": first,
               "second": second, "raw_unchanged": raw_before == raw_after,
               "merged": load_campaign(root / "merged", use_cache=False)}


def _office_rows(campaign, office: str) -> dict[str, list[list[str]]]:
    return {name: sorted(table_text(frame, name).values.tolist())
            for name, frame in office_tables(campaign, office).items() if name != "units"}


def test_templates_for_all_20_second_level_units(trip):
    assert len(trip["templates"]) == 20
    h = trip["base"].hierarchy
    kinds = sorted(trip["base"].units.set_index("unit_id").loc[list(trip["templates"]), "kind"])
    assert kinds == ["department"] + ["industrial_park"] * 2 + ["township"] * 17
    assert set(trip["templates"]) == set(h.children["WS"])


def test_merged_holds_silent_returned_and_good_rows(trip):
    run, base, merged = trip["first"], trip["base"], trip["merged"]
    assert run.exit_code == 1
    assert run.result.silent == list(SILENT)
    assert len(run.result.returns) == 18 and all(not r.ret.refused for r in run.result.returns)
    for office in (*SILENT, *UNCHANGED):
        assert _office_rows(merged, office) == _office_rows(base, office), office
    assert all(r.unchanged for r in run.result.returns if r.ret.office in UNCHANGED)
    for office, table, row in (("WS-T02", "visits", NEW_VISIT_T02), ("WS-D01", "visits", NEW_VISIT_D01),
                               ("WS-T05", "surveys", NEW_SURVEY_T05)):
        expected = _office_rows(base, office)
        expected[table] = sorted(expected[table] + [_canonical(row)])
        assert _office_rows(merged, office) == expected, office
    p01 = _office_rows(base, "WS-P01")["visits"]
    first = table_text(office_tables(base, "WS-P01")["visits"], "visits").values.tolist()[0]
    corrected = first[:4] + [str(int(first[4]) + 1)] + first[5:]
    assert _office_rows(merged, "WS-P01")["visits"] == sorted([r for r in p01 if r != first] + [corrected])
    # WS-T01: its 7 visits (title line and totals row not rows), the outside unit's row left out; WS-Q02 left out.
    t01 = _office_rows(merged, "WS-T01")
    assert t01["visits"] == _office_rows(base, "WS-T01")["visits"] and t01["surveys"] == []
    # WS-T04: the visit typed 座谈 left out, its new visit merged; WS-Q03 kept, the wrong totals row not.
    base_t04 = _office_rows(base, "WS-T04")
    bad = table_text(office_tables(base, "WS-T04")["visits"], "visits").values.tolist()[1]
    t04 = _office_rows(merged, "WS-T04")
    assert t04["visits"] == sorted([r for r in base_t04["visits"] if r != bad] + [_canonical(NEW_VISIT_T04)])
    assert t04["surveys"] == base_t04["surveys"]


def test_the_two_checked_workbooks_carry_comments_on_exactly_the_bad_cells(trip):
    report = trip["first"].report_dir
    assert sorted(p.name for p in report.glob("*.checked.xlsx")) == ["WS-T01_城关镇.checked.xlsx",
                                                                     "WS-T04_蔡庄镇.checked.xlsx"]
    t01_visits = 1 + 1 + len(office_tables(trip["base"], "WS-T01")["visits"]) + 1  # title, header, 7 rows, the 8th
    expected = {
        "WS-T01_城关镇.checked.xlsx": {("走访座谈", f"B{t01_visits}"): "单位WS-T05-V01不是城关镇（WS-T01）或其下级单位："
                                                                      "本文件只能填写本单位及下级单位的数据",
                                    ("问卷", "E2"): "回收数不能大于发放数", ("问卷", "D2"): "回收数不能大于发放数"},
        "WS-T04_蔡庄镇.checked.xlsx": {
            ("走访座谈", "C3"): "不是已知的活动类型（inspection, lecture, seminar, service, visit）：是否应为seminar？",
            ("问卷", "D3"): "合计行（合计）的数字与上方各行之和不符（issued: 999 written, 245 summed）：请改正或删除这一行"},
    }
    for name, cells in expected.items():
        book = load_workbook(report / name)
        comments = {(ws.title, c.coordinate): c.comment.text for ws in book.worksheets for row in ws.iter_rows()
                    for c in row if c.comment is not None and (ws.title, c.coordinate) != ("单位", "A1")}
        assert comments == cells, name
    notes = {n.code for r in trip["first"].result.returns if r.ret.office == "WS-T01" for n in r.ret.notes}
    assert {"table.title_rows", "table.totals_dropped"} <= notes


def test_a_second_collect_gives_byte_identical_tables_and_raw_folders_are_untouched(trip):
    root = trip["root"]
    for table in sorted(p.name for p in (root / "merged").iterdir()):
        assert (root / "merged" / table).read_bytes() == (root / "merged2" / table).read_bytes(), table
    assert trip["raw_unchanged"]


def test_validate_works_on_merged_and_unchanged_offices_keep_every_kpi(trip, capsys):
    assert main(["validate", str(trip["root"] / "merged")]) == 0
    assert "ok: the campaign meets the data contract" in capsys.readouterr().out
    base = kpi_table(trip["base"], trip["base"].as_of())
    merged = kpi_table(trip["merged"], trip["merged"].as_of())
    h = trip["base"].hierarchy
    units = {u for office in UNCHANGED for u in h.descendants(office)}
    pick = lambda t: t[t["unit_id"].isin(units)].sort_values(["unit_id", "metric", "key"]).reset_index(drop=True)  # noqa: E731
    assert len(pick(base)) > 500
    assert pick(base).equals(pick(merged))


@pytest.mark.slow
def test_run_works_on_merged(trip, tmp_path):
    out = tmp_path / "reports"
    assert main(["run", "--data", str(trip["root"] / "merged"), "--out", str(out), "--units", "WS-T02,WS-T01",
                 "--language", "zh"]) == 0
    assert len(list((out / "units").glob("*.html"))) == 2


def test_drop_downs_read_back_as_data_validations(trip):
    h = trip["base"].hierarchy
    for office, path in trip["templates"].items():
        book = load_workbook(path)
        lists = [dv for dv in book["走访座谈"].data_validations.dataValidation if dv.type == "list"]
        assert len(lists) == 3, office  # unit, kind, group
        sheet, ref = lists[0].formula1.rsplit("!", 1)
        ids = [c.value for row in book[sheet.strip("'")][ref.replace("$", "")] for c in row]
        assert sorted(ids) == sorted(h.descendants(office)), office


@pytest.mark.libreoffice
def test_every_sheet_of_every_template_converts_to_csv_in_libreoffice(trip, tmp_path):
    require_soffice()
    english = write_templates(trip["base"], tmp_path / "en", ["WS-T01"], "en")[0]
    files = [*trip["templates"].values(), write_blank_template(tmp_path / "blank.xlsx"),
             english.rename(tmp_path / "en" / "english.xlsx")]
    out = tmp_path / "csv"
    # Filter options: comma, double quote, UTF-8 (76), from line 1, …, the 12th token -1 = every sheet.
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", str(out),
         *map(str, files)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stdout + done.stderr
    for path in files:
        book = load_workbook(path)
        for ws in book.worksheets:
            csv_file = out / f"{path.stem}-{ws.title}.csv"
            assert csv_file.is_file(), (path.name, ws.title, done.stdout)
            first = csv_file.read_text(encoding="utf-8").splitlines()[0]
            header = [c.value for c in ws[1] if c.value is not None]
            if table_of_sheet(ws.title) is not None:
                assert first == ",".join(header), (path.name, ws.title)


