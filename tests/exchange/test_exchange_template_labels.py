"""Templates a clerk reads (issue 23): drop-downs of labels in the template's language (read back as the
codes), sheets named in that language, dates never "###", instructions that say by when and to whom, and
whole printed pages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analytics import load_campaign
from analytics.cli import main
from analytics.data.marker import MARKER_SHEET
from analytics.exchange.run import run_collect
from analytics.exchange.template import write_blank_template, write_templates

META = ("id: lab\nname: {zh: 标签活动, en: Label campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"
        "vocabulary:\n  indicators:\n    practical_things: {zh: 民生实事, en: Practical things}\n")
UNITS = ("unit_id,name,parent_id,kind,sector,tags\n"
         "C,县,,county,,\nT1,甲乡,C,township,organ,advanced\nV1,一村,T1,village,rural,lagging\n")
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,V1,visit,residents,10\n"
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
           "T1,practical_things,20,件,2012-03-01,2012-05-31,sum\n")
ACTUALS = "unit_id,indicator,date,value\nT1,practical_things,2012-04-30,12\n"
TABLES = {"units": UNITS, "visits": VISITS, "targets": TARGETS, "actuals": ACTUALS}
ZH_SHEETS = ["说明", "单位", "走访座谈", "问卷", "目标", "实际完成", MARKER_SHEET]
EN_SHEETS = ["Instructions", "units", "visits", "surveys", "targets", "actuals", MARKER_SHEET]


@pytest.fixture
def lab(make_campaign) -> Path:
    return make_campaign(TABLES, meta=META, name="lab")


def _template(folder: Path, out: Path, language: str = "zh", **options) -> Path:
    return write_templates(load_campaign(folder), out, ["T1"], language, **options)[0]


def _list_values(book, ws, column: str) -> list[str]:
    found = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"
             and any(str(r).startswith(column + "2") for r in dv.sqref.ranges)]
    assert len(found) == 1, column
    sheet, ref = found[0].formula1.rsplit("!", 1)
    return [c.value for row in book[sheet.strip("'")][ref.replace("$", "")] for c in row]


def test_drop_downs_offer_chinese_labels_in_a_chinese_template(lab, tmp_path):
    book = load_workbook(_template(lab, tmp_path / "zh"))
    assert book.sheetnames == ZH_SHEETS
    assert _list_values(book, book["走访座谈"], "C") == ["座谈会", "走访", "实地察看", "宣讲", "办实事"]
    assert _list_values(book, book["走访座谈"], "D")[:4] == ["乡镇领导干部", "县直单位领导干部", "村干部", "群众"]
    assert _list_values(book, book["目标"], "B") == ["民生实事"]
    assert _list_values(book, book["目标"], "G") == ["汇总", "不汇总"]
    assert _list_values(book, book["实际完成"], "B") == ["民生实事"]
    # The office's rows are shown as the clerk reads them: labels, not codes.
    assert [c.value for c in book["目标"][2]][1] == "民生实事" and book["目标"]["G2"].value == "汇总"
    assert book["实际完成"]["B2"].value == "民生实事"
    assert book["走访座谈"]["C2"].value == "走访" and book["走访座谈"]["D2"].value == "群众"
    assert [book["单位"].cell(r, 6).value for r in (2, 3)] == ["先进", "后进"]


def test_drop_downs_offer_english_labels_in_an_english_template(lab, tmp_path):
    book = load_workbook(_template(lab, tmp_path / "en", "en"))
    assert book.sheetnames == EN_SHEETS
    assert _list_values(book, book["visits"], "C") == ["Seminar", "Visit", "Site inspection", "Lecture",
                                                       "Practical service"]
    assert "Village cadres" in _list_values(book, book["visits"], "D")
    assert _list_values(book, book["targets"], "B") == ["Practical things"]
    assert _list_values(book, book["targets"], "G") == ["Sum", "None"]
    assert book["actuals"]["B2"].value == "Practical things"
    assert [book["units"].cell(r, 6).value for r in (2, 3)] == ["Advanced", "Lagging"]


def _fill(path: Path, visit: list, actual: list, target_aggregation: str) -> None:
    book = load_workbook(path)
    visits = book[book.sheetnames[2]]
    targets, actuals = book[book.sheetnames[4]], book[book.sheetnames[5]]
    visits.append(visit)
    actuals.append(actual)
    targets["G2"] = target_aggregation
    book.save(path)


@pytest.mark.parametrize(("language", "visit", "indicator", "aggregation"), [
    ("zh", ["座谈会", "村干部"], "民生实事", "不汇总"),  # labels, as picked from the lists
    ("zh", ["seminar", "village_cadres"], "practical_things", "none"),  # codes typed by hand
    ("en", ["Seminar", "Village cadres"], "Practical things", "None"),
    ("en", ["seminar", "village_cadres"], "practical_things", "none"),
])
def test_a_template_filled_with_labels_or_codes_collects_to_the_same_rows(lab, tmp_path, language, visit, indicator,
                                                                          aggregation):
    returned = tmp_path / "returned"
    returned.mkdir()
    path = _template(lab, tmp_path / "t", language)
    shutil.copy(path, returned / path.name)
    _fill(returned / path.name, [dt.datetime(2012, 5, 2), "V1", *visit, 8],
          ["T1", indicator, dt.datetime(2012, 5, 31), 18], aggregation)
    run = run_collect(returned, lab, tmp_path / "merged")
    assert run.result.exit_code == 0, [f.problem for r in run.result.returns for f in r.findings]
    merged = tmp_path / "merged"
    assert (merged / "visits.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "date,unit_id,kind,group,persons,team,topic",
        "2012-03-01,V1,visit,residents,10,,", "2012-05-02,V1,seminar,village_cadres,8,,"]
    assert (merged / "actuals.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "T1,practical_things,2012-04-30,12", "T1,practical_things,2012-05-31,18"]
    assert (merged / "targets.csv").read_text(encoding="utf-8-sig").splitlines()[1] == \
        "T1,practical_things,20,件,2012-03-01,2012-05-31,none,linear"
    assert (merged / "units.csv").read_text(encoding="utf-8-sig") == (lab / "units.csv").read_text(encoding="utf-8")


def test_an_unknown_word_is_a_problem_naming_file_row_and_column(lab, tmp_path):
    returned = tmp_path / "returned"
    returned.mkdir()
    path = _template(lab, tmp_path / "t")
    shutil.copy(path, returned / path.name)
    _fill(returned / path.name, [dt.datetime(2012, 5, 2), "V1", "茶话会", "村干部", 8],
          ["T1", "民生事实", dt.datetime(2012, 5, 31), 18], "汇总")
    run = run_collect(returned, lab, tmp_path / "merged")
    found = sorted((f.problem.file, f.problem.row, f.problem.column, f.problem.value)
                   for r in run.result.returns for f in r.findings)
    assert found == [(f"{path.name} [实际完成]", 3, "指标 (indicator)", "民生事实"),
                     (f"{path.name} [走访座谈]", 3, "活动类型 (kind)", "茶话会")]


def test_old_templates_with_english_sheet_names_still_collect(lab, tmp_path):
    returned = tmp_path / "returned"
    returned.mkdir()
    path = _template(lab, tmp_path / "t")
    book = load_workbook(path)
    for table, sheet in zip(("units", "visits", "surveys", "targets", "actuals"), ZH_SHEETS[1:6], strict=True):
        book[sheet].title = table
    book["visits"].append([dt.datetime(2012, 5, 2), "V1", "座谈会", "村干部", 8])
    book.save(returned / path.name)
    run = run_collect(returned, lab, tmp_path / "merged")
    assert run.result.exit_code == 0
    assert run.result.returns[0].tables["visits"].accepted == 2


@pytest.mark.parametrize("language", ["zh", "en"])
def test_date_columns_are_wide_enough_for_their_dates(lab, tmp_path, language):
    """yyyy-mm-dd needs 10 characters and a margin: Excel shows "###" in a narrower column (the actuals' 日期
    column was 8 wide)."""
    paths = [_template(lab, tmp_path / language, language), write_blank_template(tmp_path / "b.xlsx", language)]
    for path in paths:
        book = load_workbook(path)
        for ws in book.worksheets[1:-1]:
            for cell in ws[1]:
                letter = cell.column_letter
                if ws.column_dimensions[letter].number_format == "yyyy-mm-dd":
                    assert ws.column_dimensions[letter].width >= 12, (path.name, ws.title, cell.value)
        dates = {ws.title: [c.column_letter for c in ws[1] if ws.column_dimensions[c.column_letter].number_format
                            == "yyyy-mm-dd"] for ws in book.worksheets[1:-1]}
        actuals = "实际完成" if language == "zh" else "actuals"
        assert dates[actuals] == ["C"]


def _instructions(path: Path) -> str:
    ws = load_workbook(path).worksheets[0]
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)


@pytest.mark.parametrize(("language", "options", "says"), [
    ("zh", {"deadline": dt.date(2012, 6, 5), "contact": "县委组织部 张明 0378-1234567"},
     "请于2012年6月5日前将填好的工作簿发回县委组织部 张明 0378-1234567。"),
    ("zh", {"deadline": dt.date(2012, 6, 5)}, "请于2012年6月5日前将填好的工作簿发回；发给谁请向活动办公室询问。"),
    ("zh", {"contact": "张明"}, "请将填好的工作簿发回张明；截止时间请向活动办公室询问。"),
    ("zh", {}, "填好后何时发回、发给谁，请向活动办公室询问。"),
    ("en", {"deadline": dt.date(2012, 6, 5), "contact": "Zhang Ming"},
     "Return the filled-in workbook by 5 June 2012 to Zhang Ming."),
    ("en", {}, "Ask the campaign office by when and to whom to return the filled-in workbook."),
])
def test_the_instructions_say_by_when_and_to_whom(lab, tmp_path, language, options, says):
    text = _instructions(_template(lab, tmp_path / "t", language, **options))
    assert says in text
    assert ("走访座谈" in text) == (language == "zh")  # the sheets to fill, by their names


def test_template_command_takes_deadline_and_contact(lab, tmp_path, capsys):
    assert main(["template", str(lab), "--out", str(tmp_path / "t"), "--deadline", "2012-06-05",
                 "--contact", "张明"]) == 0
    assert "请于2012年6月5日前将填好的工作簿发回张明。" in _instructions(tmp_path / "t" / "T1_甲乡.xlsx")
    assert main(["template", "--blank", "--out", str(tmp_path / "b.xlsx"), "--contact", "张明"]) == 0
    assert "请将填好的工作簿发回张明" in _instructions(tmp_path / "b.xlsx")
    capsys.readouterr()
    assert main(["template", str(lab), "--out", str(tmp_path / "u"), "--deadline", "6/5/2012"]) == 2
    assert "is not a date as YYYY-MM-DD" in capsys.readouterr().err


def test_every_sheet_prints_on_whole_a4_pages(lab, tmp_path):
    book = load_workbook(_template(lab, tmp_path / "t"))
    guide = book["说明"]
    assert (guide.page_setup.orientation, guide.page_setup.paperSize) == ("portrait", 9)  # 9: A4
    assert (guide.page_setup.fitToWidth, guide.page_setup.fitToHeight) == (1, 0)
    assert guide.sheet_properties.pageSetUpPr.fitToPage is True
    lines = [c for row in guide.iter_rows() for c in row if isinstance(c.value, str) and c.value[:2] == "1."]
    assert lines and all(c.alignment.wrap_text for c in lines)
    for ws in book.worksheets[1:-1]:
        assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9), ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title  # the header row on every page


def test_fit_to_width_is_written_explicitly(lab, tmp_path):
    """openpyxl leaves out fitToWidth="1" (its default); Excel reads a missing one as 1 but LibreOffice and
    WPS do not always: the attribute is in the sheet's XML."""
    import zipfile

    path = _template(lab, tmp_path / "t")
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets[:-1]:  # the marker sheet is never printed
            xml = archive.read(name).decode()
            assert 'fitToWidth="1"' in xml and 'fitToHeight="0"' in xml, name
