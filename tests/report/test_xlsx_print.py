"""kpis.xlsx on paper and beside the page: every sheet prints landscape, one page wide, its header row repeated,
with the campaign and as_of on every page; headers fit; the appraisal sheet adds up to the page's score."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from analytics import load_campaign
from analytics.report.downloads import kpis_xlsx
from analytics.report.scorecard import campaign_scorecard

from builders import SHUNHE


@pytest.fixture(scope="module")
def book() -> bytes:
    campaign = load_campaign(SHUNHE)
    return kpis_xlsx(campaign, campaign_scorecard(campaign, campaign.as_of()), "zh")


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page(book):
    wb = openpyxl.load_workbook(io.BytesIO(book))
    assert [ws.title for ws in wb.worksheets] == ["单位指标", "未覆盖基层单位", "考核分项得分", "逾期未兑现承诺"]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
        assert "顺河镇" in ws.oddHeader.left.text and "2012年6月30日" in ws.oddHeader.left.text
        assert ws.oddFooter.right.text == "&P / &N"
        assert ws.row_dimensions[1].height == 48
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        for name in (n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
            setup = re.search(r"<pageSetup [^>]*>", z.read(name).decode()).group(0)
            # Both written explicitly: a reader that defaults fitToHeight to 1 would shrink 45 units onto one page.
            assert 'fitToWidth="1"' in setup and 'fitToHeight="0"' in setup


def test_headers_over_numbers_are_right_aligned_and_weights_read_as_numbers(book):
    wb = openpyxl.load_workbook(io.BytesIO(book))
    units = wb["单位指标"]
    header = {c.value: c for c in units[1]}
    assert header["单位名称"].alignment.horizontal == "left"
    assert header["活动次数"].alignment.horizontal == "right"
    assert all(c.alignment.wrap_text for c in units[1])
    appraisal = wb["考核分项得分"]
    weights = [r[5] for r in appraisal.iter_rows(min_row=2)]
    assert {c.number_format for c in weights} == {"General"}  # 100, never "100."


def test_the_appraisal_sheet_adds_up_to_the_score_the_page_shows(book):
    wb = openpyxl.load_workbook(io.BytesIO(book))
    appraisal = wb["考核分项得分"]
    head = [c.value for c in appraisal[1]]
    # Each item's full marks and weight are in its headers (Shunhe: livelihood tasks weight 30, full at 50%).
    assert head[6:8] == ["完成率：民生实事 · 实际值 · 满分标准 50%", "完成率：民生实事 · 得分 · 权重 30"]
    rows = {r[1]: r for r in appraisal.iter_rows(min_row=2, values_only=True)}
    # The root, as its page shows it: 80.94 = the items' points rounded by largest remainder (the exact points
    # round to 18.15 for fulfilment and the row added to 80.93 before).
    root = rows["SH"]
    points = [Decimal(str(p)) for p in root[7::2] if p is not None]
    assert root[2] == 80.94 and sum(points) == Decimal("80.94")
    for uid, row in rows.items():
        shown = [Decimal(str(p)) for p in row[7::2] if p is not None]
        if row[2] is not None:
            assert sum(shown) == Decimal(str(row[2])), uid
