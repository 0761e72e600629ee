"""The bulletin read back from its .docx: every figure is a KPI table figure at the same as_of (kpis.csv), in
DOMAIN.md's order and the GB/T 9704 layout, with the East Asian font named on every run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bulletin_readback import all_text, csv_table, read_back, unexplained_numbers
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from analytics.bulletin import campaign_bulletin, docx_bytes
from analytics.bulletin.build import write_run_bulletin
from analytics.bulletin.settings import BulletinSettings
from analytics.bulletin.word import BODY_FONT, HEADING1_FONT, HEADING2_FONT, TITLE_FONT, written_digest
from analytics.measures.change import compared_kpis

DATE = dt.date(2012, 7, 2)
AS_OF = dt.date(2012, 6, 30)


@pytest.fixture(scope="module")
def shunhe_docx(shunhe):
    bulletin = campaign_bulletin(shunhe, as_of=AS_OF, date=DATE)
    return bulletin, read_back(docx_bytes(bulletin))


def test_shunhe_figures_are_kpis_csv_figures(shunhe, shunhe_docx):
    _, document = shunhe_docx
    text = all_text(document)
    # DOMAIN.md's worked example: elapsed 182/366 = 49.73%; GDP 208,526 of 357,000 = 58.41%, 8.68 points ahead.
    assert "时间进度为49.73%" in text
    assert "地区生产总值完成208,526万元，占目标的58.41%，快于序时进度8.68个百分点" in text
    assert "一般预算收入完成5,020万元，占目标的50.20%，快于序时进度0.47个百分点" in text
    assert "％" not in text  # ASCII % only
    kpis = csv_table(shunhe, compared_kpis(shunhe, AS_OF))  # the table kpis.csv publishes, comparisons and all
    assert unexplained_numbers(text, kpis) == []
    assert unexplained_numbers("完成208,527万元，占目标的58.42%", kpis) == ["208,527", "58.42"]  # the check can fail
    # Against May 31 (DOMAIN.md's example): 46.14% -> 58.41%, 12.27 points; 11 events and 223 person-times added.
    assert "与上期（2012年5月31日）相比：地区生产总值完成208,526万元" in text
    assert "完成率较上期（46.14%）提高12.27个百分点" in text and "其中本期新增11次、223人次" in text


def test_sections_in_order_with_issuer_date_and_annex(shunhe_docx):
    _, document = shunhe_docx
    texts = [p.text for p in document.paragraphs if p.text]
    order = ["〔文号〕", "关于顺河镇2012年上半年工作推进情况的通报", "各有关单位：", "一、总体情况",
             "二、进度靠前和滞后的单位", "三、存在的问题", "四、下步要求", "〔发文单位〕", "2012年7月2日", "附件1"]
    positions = [texts.index(t) for t in order]
    assert positions == sorted(positions)
    assert "〔下步要求：此段由办公室填写，替换本段文字。〕" in texts
    annex = document.tables[0]
    assert [c.text for c in annex.rows[0].cells] == ["排名", "单位", "预警", "考核评分", "等次", "评分变化",
                                                     "排名变化（上期→本期）"]
    # Yellow first (陆河: a livelihood gap of 10 points or more), then by rank.
    assert [c.text for c in annex.rows[1].cells] == ["5", "陆河社区党委", "黄灯", "70.91", "合格", "+31.43", "4→5"]
    assert [c.text for c in annex.rows[3].cells][:5] == ["1", "卓圩社区党委", "无", "94.98", "优秀"]


def test_page_margins_fonts_and_repeated_header(shunhe_docx):
    _, document = shunhe_docx
    section = document.sections[0]
    def mm(length):  # Word stores twips: 210 mm is 11906 twips, 210.01 mm
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert [mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin)] == \
        [37, 35, 28, 26]
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r._r.rPr is not None and r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in runs)

    def east_asian(paragraph):
        return {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs}

    by_text = {p.text: p for p in document.paragraphs}
    title = by_text["关于顺河镇2012年上半年工作推进情况的通报"]
    assert east_asian(title) == {TITLE_FONT} and title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == 1  # centred
    assert east_asian(by_text["一、总体情况"]) == {HEADING1_FONT}
    assert by_text["一、总体情况"].style.paragraph_format.keep_with_next
    assert east_asian(by_text["（一）进度靠前的单位"]) == {HEADING2_FONT}
    body = next(p for p in document.paragraphs if p.text.startswith("截至"))
    assert east_asian(body) == {BODY_FONT} and body.style.font.size == Pt(16)
    assert body.style.paragraph_format.line_spacing == Pt(29)
    header_row = document.tables[0].rows[0]._tr
    assert header_row.trPr.find(qn("w:tblHeader")) is not None
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert [t.text for t in footer._p.iter(qn("w:instrText"))] == [" PAGE "]


def test_english_bulletin(shunhe):
    bulletin = campaign_bulletin(shunhe, as_of=AS_OF, date=DATE, language="en")
    text = all_text(read_back(docx_bytes(bulletin)))
    assert "As of 30 June 2012, 顺河镇: 49.73% of the period has elapsed" in text
    assert "GDP reached 208,526 10k yuan, 58.41% of the target, 8.68 points ahead of pace" in text
    assert "1. Overall progress" in text and "Annex 1" in text
    assert "completion up 12.27 points on the previous period (46.14%)" in text
    assert not re.search(r"[一二三四]、|附件|截至", text)
    assert unexplained_numbers(text, csv_table(shunhe, compared_kpis(shunhe, AS_OF))) == []


def test_a_townships_bulletin(shunhe):
    bulletin = campaign_bulletin(shunhe, unit_id="SH-C01", as_of=AS_OF, date=DATE)
    document = read_back(docx_bytes(bulletin))
    text = all_text(document)
    assert "关于雨露社区党委顺河镇2012年上半年工作推进情况的通报" in text
    assert "截至2012年6月30日，雨露社区党委" in text
    assert "雨露社区党委下级单位进度排名表" in text
    kpis = csv_table(shunhe, compared_kpis(shunhe, AS_OF))
    assert unexplained_numbers(text, kpis) == []


def test_office_settings_are_printed_as_written(shunhe):
    settings = BulletinSettings.from_mapping({
        "title": {"zh": "关于顺河镇2012年目标任务推进情况的通报"}, "issuer": {"zh": "顺河镇党委办公室"},
        "number": "顺办通〔2012〕7号", "recipients": {"zh": "各社区党委、各网格党支部："},
        "requirements": {"zh": "各社区要对照目标，倒排工期。"}})
    text = all_text(read_back(docx_bytes(campaign_bulletin(shunhe, as_of=AS_OF, date=DATE, settings=settings))))
    for written in ("关于顺河镇2012年目标任务推进情况的通报", "顺河镇党委办公室", "顺办通〔2012〕7号",
                    "各社区党委、各网格党支部：", "各社区要对照目标，倒排工期。"):
        assert written in text
    assert "〔下步要求" not in text


def test_run_bulletin_is_rewritten_only_when_it_changes(shunhe, tmp_path):
    assert write_run_bulletin(shunhe, AS_OF, "zh", 1.0, tmp_path) == []
    path = tmp_path / "bulletin.docx"
    first = path.stat().st_mtime_ns, path.read_bytes()
    assert written_digest(path) is not None
    assert write_run_bulletin(shunhe, AS_OF, "zh", 1.0, tmp_path) == []
    assert (path.stat().st_mtime_ns, path.read_bytes()) == first  # same figures: left as it was
    assert write_run_bulletin(shunhe, dt.date(2012, 5, 31), "zh", 1.0, tmp_path) == []
    assert path.read_bytes() != first[1]
