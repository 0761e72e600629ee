"""`<name>.checked.xlsx` (issue 14, part 3): the office's workbook with exactly its bad cells marked and a
comment giving the rule in the office's language, a first sheet listing every problem with links, and a copy
that can be corrected and sent back as it is."""

from __future__ import annotations

import datetime as dt
import shutil

from openpyxl import Workbook, load_workbook

from analytics import load_campaign
from analytics.data.marker import MARKER_SHEET
from analytics.data.workbook import read_workbook_with_marker
from analytics.exchange.checked import BAD_FILL
from analytics.exchange.template import write_templates


def _comments(book) -> dict[tuple[str, str], str]:
    return {(ws.title, c.coordinate): c.comment.text for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.comment is not None}


def _mistakes(book) -> None:
    book["问卷"]["E2"] = 120  # returned 120 > issued 100
    book["走访座谈"]["C3"] = "座谈"  # a kind outside the list
    book["走访座谈"].append([dt.datetime(2012, 5, 1), "V3", "走访", "群众", "@x"])  # T2's unit, persons not a number


LEFT_OUT = "回答的是问卷批次S1，该批次的行（T1_甲乡.xlsx [问卷]第2行）因自身问题未被采用：改正该行后，这些答卷随之采用"


def test_comments_sit_on_exactly_the_bad_cells_in_the_offices_language(send, collect_tiny, tmp_path):
    send("T1", _mistakes)
    collect_tiny()
    book = load_workbook(tmp_path / "merged.collect" / "T1_甲乡.checked.xlsx")
    comments = _comments(book)
    # The units sheet's own comment (it is locked) came with the template; every other one marks a problem.
    assert comments.pop(("单位", "A1")) == "已锁定：单位由活动组织者维护。"
    assert comments == {
        ("问卷", "E2"): "回收数不能大于发放数",
        ("问卷", "D2"): "回收数不能大于发放数",
        ("走访座谈", "C3"): "不是已知的活动类型（inspection, lecture, seminar, service, visit）：是否应为seminar？",
        ("走访座谈", "B5"): "单位V3不是甲乡（T1）或其下级单位：本文件只能填写本单位及下级单位的数据",
        ("走访座谈", "E5"): "必须是用阿拉伯数字填写的整数",
        # S1 left out: its two responses say why the survey they answer is missing.
        ("问卷评分", "A2"): LEFT_OUT,
        ("问卷评分", "A3"): LEFT_OUT,
    }
    marked = {(ws.title, c.coordinate) for ws in book.worksheets if ws.title != "问题" for row in ws.iter_rows()
              for c in row if c.fill == BAD_FILL}
    assert marked == set(comments)


def test_the_first_sheet_lists_every_problem_with_a_link_to_its_cell(send, collect_tiny, tmp_path):
    send("T1", _mistakes)
    collect_tiny()
    book = load_workbook(tmp_path / "merged.collect" / "T1_甲乡.checked.xlsx")
    assert book.sheetnames[0] == "问题" and book.active.title == "问题"
    ws = book["问题"]
    assert ws["A1"].value == "T1_甲乡.xlsx：6个问题"
    # 10 rows returned and 1 added: the new visit, S1 and its 2 responses, the visit of kind 座谈 left out.
    assert ws["A3"].value == "采用6行，未采用5行。"
    assert [c.value for c in ws[5]] == ["序号", "工作表", "单元格", "行", "列", "填写的值", "问题"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6, max_row=11)]
    # In the order of the sheets' names: 走访座谈 (visits), 问卷 (surveys), 问卷评分 (responses).
    assert [r[1:4] for r in rows] == [["走访座谈", "C3", 3], ["走访座谈", "B5", 5], ["走访座谈", "E5", 5],
                                      ["问卷", "E2", 2], ["问卷评分", "A2", 2], ["问卷评分", "A3", 3]]
    links = [ws.cell(r, 3).hyperlink for r in range(6, 12)]
    assert [link.location for link in links] == ["'走访座谈'!C3", "'走访座谈'!B5", "'走访座谈'!E5", "'问卷'!E2",
                                                 "'问卷评分'!A2", "'问卷评分'!A3"]
    value = ws["F8"]  # "@x" as the office wrote it (走访座谈 E5): text, never a formula
    assert (value.value, value.data_type, value.quotePrefix) == ("@x", "s", True)


def test_an_english_template_gets_english_comments(tiny, returned, collect_tiny, tmp_path):
    path = write_templates(load_campaign(tiny), tmp_path / "en", ["T1"], "en")[0]
    shutil.copy(path, returned)
    book = load_workbook(returned / path.name)
    book["surveys"]["E2"] = 120
    book.save(returned / path.name)
    collect_tiny(language="zh")  # the summary's language; comments follow the template's
    comments = _comments(load_workbook(tmp_path / "merged.collect" / "T1_甲乡.checked.xlsx"))
    assert comments[("surveys", "E2")] == "returned must not exceed issued"


def test_a_corrected_checked_copy_can_be_sent_back_as_it_is(send, returned, collect_tiny, tmp_path):
    send("T1", lambda b: b["问卷"].cell(2, 5, 120))
    collect_tiny()
    checked = tmp_path / "merged.collect" / "T1_甲乡.checked.xlsx"
    _tables, problems, _notes, marker = read_workbook_with_marker(checked)
    assert problems == [] and marker.own_sheets == ("说明", "问题") and marker.office == "T1"
    for old in returned.iterdir():
        old.unlink()
    book = load_workbook(checked)
    book["问卷"]["E2"] = 90
    book.save(returned / "T1_甲乡.xlsx")
    run = collect_tiny()
    assert run.exit_code == 0 and run.result.returns[0].unchanged is True


def test_a_workbook_without_marker_gets_one_naming_its_problems_sheet(returned, collect_tiny, tmp_path):
    book = Workbook()
    book.active.title = "visits"
    book.active.append(["日期", "单位编码", "活动类型", "对象类别", "人次"])
    book.active.append(["2012-03-01", "V1", "走访", "群众", -1])
    book.save(returned / "甲乡.xlsx")
    run = collect_tiny()
    assert [f.cells for f in run.result.returns[0].findings] == [("E2",)]
    checked = tmp_path / "merged.collect" / "甲乡.checked.xlsx"
    copy = load_workbook(checked)
    assert copy.sheetnames == ["问题", "visits", MARKER_SHEET] and copy[MARKER_SHEET].sheet_state == "veryHidden"
    _tables, problems, _notes, marker = read_workbook_with_marker(checked)
    assert problems == [] and (marker.campaign, marker.office, marker.own_sheets) == ("test", "", ("问题",))
