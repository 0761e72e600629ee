"""Templates for offices (issue 14, part 1): sheets, headers in each language, the office's rows pre-filled,
real data validations, typed cells, the units sheet locked, and a hidden marker the reader knows."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import Workbook, load_workbook

from analytics import load_campaign
from analytics.cli import main
from analytics.data.marker import MARKER_SHEET
from analytics.data.workbook import read_workbook_with_marker
from analytics.exchange.rows import office_tables, rows_digest, table_text
from analytics.exchange.template import write_blank_template, write_templates

CAMPAIGN_YAML = "id: test\nname: {zh: 测试活动, en: Test campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"


def _values(ws, min_row: int = 1) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=min_row, values_only=True) if any(v is not None for v in r)]


def _list_values(book, validation) -> list[str]:
    """The items of a list validation, read from the range its formula names (as Excel shows them)."""
    sheet, ref = validation.formula1.rsplit("!", 1)
    ws = book[sheet.strip("'")]
    return [c.value for row in ws[ref.replace("$", "")] for c in row]


def _validation(ws, column: str):
    found = [dv for dv in ws.data_validations.dataValidation if any(str(r).startswith(column + "2") for r in dv.sqref.ranges)]
    assert len(found) == 1, (column, [(dv.type, str(dv.sqref)) for dv in ws.data_validations.dataValidation])
    return found[0]


def test_an_office_template_holds_its_rows_under_chinese_headers(templates):
    book = load_workbook(templates["T1"])
    assert book.sheetnames == ["说明", "单位", "走访座谈", "问卷", "目标", "实际完成", "问卷评分", MARKER_SHEET]
    assert book[MARKER_SHEET].sheet_state == "veryHidden"
    assert book.active.title == "说明"
    surveys = _values(book["问卷"])
    # DOMAIN.md: pages and templates write 发放/回收/有效.
    assert surveys[0] == ["问卷批次", "单位编码", "日期", "发放", "回收", "有效"]
    assert surveys[1:] == [["S1", "T1", dt.datetime(2012, 4, 1), 100, 90, 80]]
    visits = _values(book["走访座谈"])
    assert visits[0] == ["日期", "单位编码", "活动类型", "对象类别", "人次", "调研组", "主题"]
    # T1's subtree is T1, V1, V2: three of the five visits; kinds and groups as the Chinese labels.
    assert visits[1:] == [[dt.datetime(2012, 3, 1), "V1", "走访", "群众", 10, "组织科", "入户走访"],
                          [dt.datetime(2012, 3, 2), "V2", "座谈会", "村干部", 20, "组织科", "村干部座谈"],
                          [dt.datetime(2012, 3, 3), "T1", "座谈会", "乡镇领导干部", 5, None, None]]
    assert [r[:3] for r in _values(book["目标"])[1:]] == [["T1", "gdp", 600], ["T1", "rate", 90]]
    assert [r[6] for r in _values(book["目标"])[1:]] == ["汇总", "不汇总"]  # aggregation by its label
    assert _values(book["问卷评分"])[1:] == [["S1", "q1", 5, None], ["S1", "q1", 4, None]]
    assert [r[0] for r in _values(book["单位"])[1:]] == ["T1", "V1", "V2"]


def test_cells_are_typed_dates_as_dates_counts_as_whole_numbers_text_as_text(templates):
    book = load_workbook(templates["T1"])
    ws = book["走访座谈"]
    assert ws["A2"].is_date and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["E2"].data_type == "n" and ws["E2"].number_format == "0"
    assert ws["B2"].data_type == "s" and ws["B2"].number_format == "@"
    # New rows typed below the pre-filled ones get the column's format.
    assert ws.column_dimensions["A"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["E"].number_format == "0"
    assert ws.column_dimensions["B"].number_format == "@"


def test_formula_like_text_is_written_as_text(templates):
    # V3's visit topic is "=1+1" (T2's template): a text cell, with Excel's quote prefix, never a formula.
    cell = load_workbook(templates["T2"])["走访座谈"]["G2"]  # V3, the only visit of T2
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def test_the_units_sheet_is_locked_and_the_others_are_not(templates):
    book = load_workbook(templates["T1"])
    assert book["单位"].protection.sheet is True
    assert all(book[t].protection.sheet is False for t in ("走访座谈", "问卷", "目标", "实际完成", "问卷评分"))
    assert book["单位"].data_validations.dataValidation == []


def test_drop_downs_are_data_validations_with_the_offices_lists(templates):
    book = load_workbook(templates["T1"])
    visits = book["走访座谈"]
    unit = _validation(visits, "B")
    assert unit.type == "list" and unit.errorStyle == "stop"
    assert _list_values(book, unit) == ["T1", "V1", "V2"]  # the office's subtree, nothing else
    assert _list_values(book, _validation(visits, "C")) == ["座谈会", "走访", "实地察看", "宣讲", "办实事"]
    assert len(_list_values(book, _validation(visits, "D"))) == 9  # DOMAIN.md's nine groups
    persons = _validation(visits, "E")
    assert (persons.type, persons.operator, persons.formula1) == ("whole", "greaterThanOrEqual", "0")
    date = _validation(visits, "A")
    assert (date.type, date.operator, date.formula1, date.formula2) == ("date", "between", "DATE(2012,1,1)",
                                                                        "DATE(2012,12,31)")
    targets = book["目标"]
    assert _list_values(book, _validation(targets, "B")) == ["gdp", "rate"]  # no labels for them in campaign.yaml
    assert "万元" in _list_values(book, _validation(targets, "D")) and "%" in _list_values(book, _validation(targets, "D"))
    assert _list_values(book, _validation(targets, "G")) == ["汇总", "不汇总"]
    assert _validation(targets, "C").type == "decimal" and _validation(targets, "C").operator == "greaterThan"
    score = _validation(book["问卷评分"], "C")
    assert (score.type, score.formula1, score.formula2) == ("whole", "1", "5")
    assert str(unit.sqref) == "B2:B1004"  # 3 pre-filled rows + 1000 rows for new ones, below the header


def test_an_english_template_writes_canonical_headers_and_english_labels(tiny, tmp_path):
    path = write_templates(load_campaign(tiny), tmp_path / "en", ["T1"], "en")[0]
    book = load_workbook(path)
    assert book.sheetnames == ["Instructions", "units", "visits", "surveys", "targets", "actuals", "responses",
                               MARKER_SHEET]
    assert _values(book["surveys"])[0] == ["survey_id", "unit_id", "date", "issued", "returned", "valid"]
    assert [r[2:4] for r in _values(book["visits"])[1:]] == [["Visit", "Residents"], ["Seminar", "Village cadres"],
                                                            ["Seminar", "Township leaders"]]
    assert _list_values(book, _validation(book["visits"], "C")) == ["Seminar", "Visit", "Site inspection", "Lecture",
                                                                   "Practical service"]
    assert _list_values(book, _validation(book["targets"], "G")) == ["Sum", "None"]


def test_the_marker_names_campaign_office_version_and_the_digest_of_the_prefilled_rows(tiny, templates):
    tables, problems, notes, marker = read_workbook_with_marker(templates["T1"])
    assert (marker.campaign, marker.office, marker.language, marker.version) == ("test", "T1", "zh", 1)
    assert marker.tables == ("units", "visits", "surveys", "targets", "actuals", "responses")
    assert marker.own_sheets == ("说明",)
    assert marker.rows_sha256 == rows_digest(office_tables(load_campaign(tiny), "T1"))
    # The reader takes the instructions and the marker for the program's own: no "unknown sheet", no
    # "hidden sheet ignored"; only a note that says so.
    assert problems == []
    assert [n.code for n in notes] == ["xlsx.template_sheets"]
    assert set(tables) == {"units", "visits", "surveys", "targets", "actuals", "responses"}


def test_the_digest_changes_with_a_row(tiny):
    campaign = load_campaign(tiny)
    rows = office_tables(campaign, "T1")
    changed = {**rows, "visits": rows["visits"].assign(persons=rows["visits"]["persons"] + 1)}
    assert rows_digest(changed) != rows_digest(rows)
    assert rows_digest({**rows, "units": rows["units"].iloc[:1]}) == rows_digest(rows)  # units are not the office's


def test_instructions_give_one_worked_example_row_and_the_offices_units(templates):
    ws = load_workbook(templates["T1"])["说明"]
    rows = _values(ws)
    assert rows[0][0] == "测试活动：数据填报模板（甲乡，T1）"
    header = rows.index(["日期", "单位编码", "活动类型", "对象类别", "人次", "调研组", "主题"])
    # Ten days into the campaign (2012-01-01 + 9 days), at the office's first unit below it.
    assert rows[header + 1] == [dt.datetime(2012, 1, 10), "V1", "座谈会", "村干部", 12, "乡镇党委", "村干部座谈"]
    assert [r[:2] for r in rows[-3:]] == [["T1", "甲乡"], ["V1", "一村"], ["V2", "二村"]]


def test_a_whole_campaign_template_is_itself_a_campaign_workbook(tiny, tmp_path):
    """The root's template holds every row; in a folder with campaign.yaml it validates to the same tables."""
    campaign = load_campaign(tiny)
    path = write_templates(campaign, tmp_path / "all", ["C"], "zh")[0]
    folder = tmp_path / "as_campaign"
    folder.mkdir()
    shutil.copy(tiny / "campaign.yaml", folder)
    shutil.copy(path, folder / "campaign.xlsx")
    again = load_campaign(folder, use_cache=False)
    for name in campaign.present:
        assert table_text(again.tables[name], name).values.tolist() == \
            table_text(campaign.tables[name], name).values.tolist(), name
    assert [n.code for n in again.notes] == ["xlsx.template_sheets"]  # tiny has every table it offers


def test_a_blank_template_filled_in_is_a_campaign(tmp_path):
    path = write_blank_template(tmp_path / "blank.xlsx", "zh")
    book = load_workbook(path)
    assert book.sheetnames == ["说明", "单位", "走访座谈", "问卷", "目标", "实际完成", "问卷评分", "公开承诺",
                               MARKER_SHEET]
    assert book["单位"].protection.sheet is False
    assert _validation(book["走访座谈"], "B").formula1 == "'单位'!$A$2:$A$1001"  # unit ids from the units sheet
    assert _validation(book["实际完成"], "B").formula1 == "'目标'!$B$2:$B$1001"
    book["单位"].append(["C", "县", None, "county"])
    book["单位"].append(["T1", "甲乡", "C", "township"])
    book["走访座谈"].append([dt.datetime(2012, 3, 1), "T1", "座谈会", "村干部", 12])
    book.save(path)
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    shutil.copy(path, folder / "campaign.xlsx")
    campaign = load_campaign(folder, use_cache=False)
    assert campaign.visits[["unit_id", "kind", "group", "persons"]].values.tolist() == [
        ["T1", "seminar", "village_cadres", 12]]


def test_template_command_writes_one_workbook_per_child_of_the_root(tiny, tmp_path, capsys):
    assert main(["template", str(tiny), "--out", str(tmp_path / "t")]) == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["T1_甲乡.xlsx", "T2_乙乡.xlsx"]
    assert capsys.readouterr().out.count(".xlsx") == 2


@pytest.mark.parametrize(("args", "says"), [
    (["--units", "T9"], "not a unit_id of campaign test: T9"),
    (["--blank"], "--blank writes a template for a new campaign"),
])
def test_template_command_refuses_bad_usage_with_exit_2(tiny, tmp_path, capsys, args, says):
    assert main(["template", str(tiny), "--out", str(tmp_path / "t"), *args]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def test_blank_template_needs_an_xlsx_name(tmp_path, capsys):
    assert main(["template", "--blank", "--out", str(tmp_path / "blank.csv")]) == 2
    assert "ending in .xlsx" in capsys.readouterr().err


def test_template_headers_are_never_taken_for_title_lines_and_empty_sheets_are_tables_not_used(templates, tmp_path):
    """Every sheet's header is in row 1 (the reader looks for title lines only above a row of more known
    headers); a template's header-only sheet is a table not used, said in a note, not a contract error."""
    tables, problems, _notes, _marker = read_workbook_with_marker(templates["T1"])
    assert problems == [] and all(raw.header_row == 1 for raw in tables.values())
    tables, problems, notes, _marker = read_workbook_with_marker(write_blank_template(tmp_path / "b.xlsx", "en"))
    assert tables == {} and problems == []
    assert [n.code for n in notes] == ["xlsx.template_sheets"] + ["xlsx.template_sheet_empty"] * 7


def test_workbook_without_marker_keeps_unknown_sheets_a_problem(tmp_path):
    book = Workbook()
    book.active.title = "说明"
    book.create_sheet("units").append(["unit_id", "name", "parent_id"])
    book["units"].append(["C", "县", None])
    book.save(tmp_path / "x.xlsx")
    _tables, problems, _notes, marker = read_workbook_with_marker(tmp_path / "x.xlsx")
    assert marker is None and [p.code for p in problems] == ["xlsx.unknown_sheet"]
