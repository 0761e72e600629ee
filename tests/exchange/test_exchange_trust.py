"""collect, issue 24 (trust, second pass): no office's rows lost or misplaced, and every file that is not
merged said, with the message the user sees.

The tiny campaign (tests/exchange/conftest.py): C 县 ─ T1 甲乡 (V1, V2), T2 乙乡 (V3). T1 holds 3 visits and
survey S1 with 2 responses; T2 holds 1 visit (V3) and survey S2 with 1 response.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pytest

from analytics import load_campaign
from analytics.exchange.rows import table_text


def _rows(folder, table: str) -> list[list[str]]:
    campaign = load_campaign(folder, use_cache=False)
    if table not in campaign.present:
        return []
    return sorted(table_text(campaign.tables[table], table).values.tolist())


def _by_name(run) -> dict:
    return {r.ret.name: r for r in run.result.returns}


def _texts(result, language: str = "en") -> list[str]:
    return [f.problem.text(language) for f in result.findings]


def _damage_deflate(path) -> None:
    """Flip bytes inside the compressed stream of the visits sheet: the zip's directory stays readable, the
    sheet's deflate data does not (zlib.error when it is unpacked)."""
    with zipfile.ZipFile(path) as book:
        sheet = next(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
        info = book.getinfo(sheet)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 5, start + min(40, info.compress_size - 1)):
        data[k] ^= 0xFF
    path.write_bytes(bytes(data))


# --- files left unread are said ----------------------------------------------------------------------


def test_a_damaged_deflate_stream_refuses_that_file_only_and_merges_the_others(send, collect_tiny, tmp_path):
    send("T1", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V2", "走访", "群众", 8]))
    broken = send("T2", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V3", "走访", "群众", 9]))
    _damage_deflate(broken)
    run = collect_tiny()
    assert run.exit_code == 1
    t2 = _by_name(run)["T2_乙乡.xlsx"]
    assert t2.ret.refused and [f.problem.code for f in t2.findings] == ["xlsx.unreadable"]
    assert _texts(t2)[0].startswith("T2_乙乡.xlsx: cannot be read as an .xlsx workbook (damaged compressed data)")
    assert ["2012-05-01", "V2", "visit", "residents", "8", "", ""] in _rows(tmp_path / "merged", "visits")
    assert len(_rows(tmp_path / "merged", "visits")) == 6  # T2's base visit kept, T1's new one merged
    assert not (tmp_path / "merged.collect" / "T2_乙乡.checked.xlsx").exists()


def test_hidden_files_are_noted_and_a_dangling_link_is_a_problem_naming_it(send, returned, collect_tiny):
    send("T1")
    (returned / ".甲乡-visits.csv").write_text("日期,单位编码,活动类型,对象类别,人次\n2012-05-01,V1,走访,群众,6\n",
                                             encoding="utf-8")
    (returned / "乙乡.xlsx").symlink_to(returned / "gone.xlsx")
    run = collect_tiny()
    assert run.exit_code == 1
    assert [n.text("en") for n in run.result.notes] == [
        '.甲乡-visits.csv: begins with "." (a hidden or system file) and is not read; rename it to collect it']
    link = _by_name(run)["乙乡.xlsx"]
    assert link.ret.refused
    assert _texts(link) == [f"乙乡.xlsx: is a link to {returned / 'gone.xlsx'}, which does not exist: nothing of "
                            "it is read"]
    assert _by_name(run)["T1_甲乡.xlsx"].unchanged is True


def test_responses_of_a_survey_left_out_name_the_survey_row(send, collect_tiny):
    send("T1", lambda b: b["问卷"].cell(2, 5, 120))  # S1: returned 120 > issued 100
    t1 = _by_name(collect_tiny())["T1_甲乡.xlsx"]
    texts = [t for t in _texts(t1) if "[问卷评分]" in t]
    assert texts == [f"T1_甲乡.xlsx [问卷评分], row {row}, column 问卷批次 (survey_id): value 'S1': answers survey "
                     "S1, whose row (T1_甲乡.xlsx [问卷], row 2) is left out for its own problem: correct that "
                     "row and these responses are taken with it" for row in (2, 3)]


# --- an office's rows stay its own -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["0-first.xlsx", "z-last.xlsx"])
def test_a_survey_id_taken_from_another_office_is_the_problem_of_the_file_that_took_it(send, collect_tiny, tiny,
                                                                                        tmp_path, name):
    """T1 gives its new survey the id S2, T2's; T2 returns its survey untouched. Whichever file sorts first,
    T1's row is refused and T2's survey and its response stay."""
    send("T1", lambda b: b["问卷"].append(["S2", "V1", dt.datetime(2012, 5, 1), 10, 10, 10]), name=name)
    send("T2")
    run = collect_tiny()
    assert run.exit_code == 1
    t1, t2 = _by_name(run)[name], _by_name(run)["T2_乙乡.xlsx"]
    assert t2.findings == [] and t2.unchanged is True
    assert _texts(t1) == [f"{name} [问卷], row 3, column 问卷批次 (survey_id): value 'S2': survey id S2 is already "
                          "the campaign's survey of 乙乡 (T2), which is not 甲乡 (T1) or a unit below it: give this "
                          "survey a new id (the other office's survey is kept)"]
    assert t1.findings[0].cells == ("A3",)
    assert _rows(tmp_path / "merged", "surveys") == _rows(tiny, "surveys")
    assert _rows(tmp_path / "merged", "responses") == _rows(tiny, "responses")


def test_a_template_filled_in_by_another_office_is_refused_whole_and_its_office_keeps_its_rows(
        send, collect_tiny, tiny, tmp_path):
    """乙乡 (T2) fills in 甲乡's (T1's) workbook: T1's rows deleted, T2's typed in. Not merged: T1 keeps its
    3 visits, its survey and 2 responses."""
    def edit(book):
        for title in ("走访座谈", "问卷", "目标", "实际完成", "问卷评分"):
            book[title].delete_rows(2, 10)
        book["走访座谈"].append([dt.datetime(2012, 5, 1), "V3", "走访", "群众", 8])
        book["问卷"].append(["S9", "T2", dt.datetime(2012, 5, 1), 10, 10, 10])
    send("T1", edit)
    run = collect_tiny()
    assert run.exit_code == 1
    t1 = _by_name(run)["T1_甲乡.xlsx"]
    assert t1.ret.refused and _texts(t1) == [
        "T1_甲乡.xlsx: is the template of 甲乡 (T1), but none of its rows is of 甲乡 or a unit below it: they are the "
        "rows of 乙乡 (T2). The file is not merged and 甲乡 keeps its rows; fill in the template of 乙乡 (T2) and send "
        "it again"]
    assert run.result.silent == ["T1", "T2"]
    for table in ("visits", "surveys", "responses", "targets", "actuals"):
        assert _rows(tmp_path / "merged", table) == _rows(tiny, table), table


# --- rows a return removes, and "this table is now empty" ---------------------------------------------


def test_a_csv_return_of_new_rows_only_says_it_removes_the_offices_other_rows(returned, collect_tiny, tmp_path,
                                                                             capsys):
    (returned / "甲乡-visits.csv").write_text("日期,单位编码,活动类型,对象类别,人次\n2012-05-01,V1,走访,群众,6\n",
                                            encoding="utf-8")
    run = collect_tiny(language="en")
    t1 = _by_name(run)["甲乡-visits.csv"]
    assert run.exit_code == 0 and t1.tables["visits"].removed == 3
    assert [n.text("en") for n in t1.notes if n.code == "collect.rows_removed"] == [
        "甲乡-visits.csv: replaces this office's 3 visits rows of the campaign: 3 of them are not in this file as they "
        "were (removed, changed or left out) and are not in the merged campaign; to keep a row, put it back in the "
        "file"]
    summary = json.loads((tmp_path / "merged.collect" / "summary.json").read_text(encoding="utf-8"))
    assert summary["returns"][0]["tables"]["visits"] == {"base_rows": 3, "returned": 1, "accepted": 1, "rejected": 0,
                                                         "kept_base": False, "removed": 3}
    from analytics.exchange.summary import summary_lines
    assert any(line.startswith("  * 甲乡-visits.csv: replaces this office's 3 visits rows") for line in
               summary_lines(summary, "en"))


def test_an_unchanged_template_removes_nothing(send, collect_tiny):
    send("T1")
    t1 = _by_name(collect_tiny())["T1_甲乡.xlsx"]
    assert {name: t.removed for name, t in t1.tables.items()} == dict.fromkeys(
        ("visits", "surveys", "targets", "actuals", "responses"), 0)
    assert [n.code for n in t1.notes] == []


def test_the_none_marker_empties_a_table_in_a_csv_file_naming_its_office(returned, collect_tiny, tmp_path, tiny):
    (returned / "甲乡-visits.csv").write_text("日期,单位编码,活动类型,对象类别,人次\n（无）,T1,,,\n", encoding="utf-8")
    run = collect_tiny()
    t1 = _by_name(run)["甲乡-visits.csv"]
    assert run.exit_code == 0 and t1.ret.office == "T1" and t1.tables["visits"].removed == 3
    assert [n.text("en") for n in t1.notes if n.code == "collect.table_emptied"] == [
        "甲乡-visits.csv: is marked empty ((none)): this office's 3 visits rows of the campaign are removed"]
    assert _rows(tmp_path / "merged", "visits") == [r for r in _rows(tiny, "visits") if r[1] in ("V3", "C")]


def test_the_none_marker_empties_a_sheet_of_the_template(send, collect_tiny, tmp_path, tiny):
    def edit(book):
        book["走访座谈"].delete_rows(2, 3)
        book["走访座谈"]["F2"] = "(none)"  # the team column: free text in the template
    send("T1", edit)
    run = collect_tiny()
    t1 = _by_name(run)["T1_甲乡.xlsx"]
    assert run.exit_code == 0 and t1.unchanged is False and t1.tables["visits"].removed == 3
    assert [n.code for n in t1.notes] == ["collect.table_emptied"]
    assert len(_rows(tmp_path / "merged", "visits")) == 2
    assert _rows(tmp_path / "merged", "surveys") == _rows(tiny, "surveys")


def test_the_none_marker_beside_other_rows_is_a_problem_on_its_row(send, collect_tiny):
    send("T1", lambda b: b["走访座谈"].append([None, None, None, None, None, "（无）"]))
    t1 = _by_name(collect_tiny())["T1_甲乡.xlsx"]
    assert _texts(t1) == ["T1_甲乡.xlsx [走访座谈], row 5: holds (none), which marks a table that is now empty, but the "
                          "table has other rows: delete this row or the others"]
    assert t1.tables["visits"].accepted == 3


# --- the report is always written with the merged folder -----------------------------------------------


def test_a_returned_name_of_251_bytes_gets_a_shortened_checked_copy_and_the_report(send, collect_tiny, tmp_path):
    name = "甲" * 82 + ".xlsx"  # 246 + 5 = 251 bytes: "….checked.xlsx" would be 259
    assert len(name.encode()) == 251
    send("T1", lambda b: b["问卷"].cell(2, 5, 120), name=name)
    run = collect_tiny()
    assert run.exit_code == 1
    report = sorted(p.name for p in (tmp_path / "merged.collect").iterdir())
    checked = next(n for n in report if n.endswith(".checked.xlsx"))
    assert len(checked.encode()) <= 255 and checked.startswith("甲" * 70) and "~" in checked
    summary = json.loads((tmp_path / "merged.collect" / "summary.json").read_text(encoding="utf-8"))
    assert summary["returns"][0]["checked"] == checked
    assert (tmp_path / "merged" / "surveys.csv").is_file()

