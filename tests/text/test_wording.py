"""Words a reader sees: survey terms (发放/回收/有效; 有效回收率 = valid ÷ issued, 有效率 = valid ÷ returned),
measures and data-quality findings in the page's language, times in the campaign's zone, parameter files."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import yaml
from openpyxl import load_workbook

from analytics import load_campaign
from analytics.data.meta import CampaignMeta
from analytics.explore.state import CampaignIndex, Query, unit_panel_html
from analytics.measures.kpis import campaign_flags, finding_detail, finding_value, unit_kpis
from analytics.report import charts
from analytics.report.downloads import kpis_xlsx
from analytics.report.scorecard import campaign_scorecard
from analytics.report.sections import UnitReport, kpi_card_values
from analytics.report.templating import footer_facts, macros
from analytics.text.labels import fmt_time, label, measure_label

from builders import REPO_ROOT
from figures import figure

META = "id: words\nname: {zh: 用词, en: Words}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
# R has two children; A alone has questionnaires: issued 10, returned 8, valid 6.
UNITS = "unit_id,name,parent_id,kind\nR,县,,county\nA,甲镇,R,township\nB,乙镇,R,township\n"
SURVEYS = "survey_id,unit_id,date,issued,returned,valid\nQ1,A,2012-03-01,10,8,6\n"


@pytest.fixture
def ten_eight_six(make_campaign):
    return make_campaign({"units": UNITS, "surveys": SURVEYS}, meta=META)


@pytest.mark.parametrize(("language", "effective", "validity", "returned"), [
    ("zh", "有效回收率", "有效率", "回收率"), ("en", "Effective rate", "Validity", "Return rate")])
def test_rates_of_ten_issued_eight_returned_six_valid_carry_their_names(ten_eight_six, language, effective, validity,
                                                                        returned):
    # 有效回收率 = 6 ÷ 10 = 60.00%; 有效率 = 6 ÷ 8 = 75.00%; 回收率 = 8 ÷ 10 = 80.00%
    report = UnitReport.load(ten_eight_six, "R", language=language)
    assert kpi_card_values(report.kpis)["effective_rate"] == "60.00%"
    cards = report.kpi_cards().html()
    assert f'<div class="card-value">60.00%</div><div class="card-label">{effective}</div>' in cards

    funnel = figure(charts.survey_funnel_chart(surveys=report.kpis.surveys, language=language))
    trace = funnel.data[0]
    assert list(trace.y) == [label(f"funnel.{k}", language) for k in ("issued", "returned", "valid")]
    assert [c[1] for c in trace.customdata] == ["", f"{returned} 80.00%", f"{effective} 60.00%<br>{validity} 75.00%"]
    if language == "zh":
        assert list(trace.y) == ["发放", "回收", "有效"]

    rates = figure(report.surveys().figures()[1])  # by child: A only has questionnaires
    by_name = {t.name: t for t in rates.data}
    assert set(by_name) == {returned, validity, effective}
    for name, value in ((effective, 0.6), (validity, 0.75), (returned, 0.8)):
        t = by_name[name]
        names, values = (t.y, t.x) if t.orientation == "h" else (t.x, t.y)
        assert values[list(names).index("甲镇")] == pytest.approx(value), name

    children = report.children().html()
    for header in ("col.issued", "col.valid", "col.effective_rate"):
        assert f">{label(header, language)}</th>" in children
    assert ">60.00%</td>" in children


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_explorers_panel_names_the_three_rates(ten_eight_six, language):
    campaign = load_campaign(ten_eight_six)
    index = CampaignIndex(campaign)
    as_of = campaign.as_of()
    html = unit_panel_html(index, Query("R", as_of), unit_kpis(campaign, "R", as_of), language)
    heads = [label(k, language) for k in ("funnel.issued", "funnel.returned", "funnel.valid", "rate.return_rate",
                                          "rate.validity", "rate.effective_rate")]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", html)
    start = cells.index(heads[0])
    assert cells[start:start + 6] == heads
    # 10 issued, 8 returned, 6 valid: 回收率 8/10, 有效率 6/8, 有效回收率 6/10
    assert cells[start + 6:start + 12] == ["10", "8", "6", "80.00%", "75.00%", "60.00%"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_kpis_xlsx_heads_the_three_rates_with_their_names(ten_eight_six, language):
    campaign = load_campaign(ten_eight_six)
    sc = campaign_scorecard(campaign, campaign.as_of(), 1.0)
    ws = load_workbook(io.BytesIO(kpis_xlsx(campaign, sc, language)))[label("sheet.units", language)]
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    a = next(r for r in rows[1:] if "A" in r)
    expected = {"col.issued": 10, "col.returned": 8, "col.valid": 6, "col.return_rate": 0.8, "col.validity": 0.75,
                "col.effective_rate": 0.6}
    for key, value in expected.items():
        assert a[headers.index(label(key, language))] == pytest.approx(value), key
    if language == "zh":
        assert {"发放问卷", "回收问卷", "有效问卷", "回收率", "有效率", "有效回收率"} <= set(headers)


def test_survey_words_follow_domain():
    assert [label(f"funnel.{k}", "zh") for k in ("issued", "returned", "valid")] == ["发放", "回收", "有效"]
    assert label("rate.effective_rate", "zh") == "有效回收率"  # valid ÷ issued
    assert label("rate.validity", "zh") == "有效率"  # valid ÷ returned
    assert label("kpi.survey_effective_rate", "zh") == "问卷有效回收率"
    assert label("metric.survey_validity", "zh") == "问卷有效率"


@pytest.mark.parametrize(("written", "en"), [
    ("万元", "10k yuan"), ("元", "yuan"), ("亿元", "100m yuan"), ("个", "items"), ("件", "items"), ("项", "items"),
    ("篇", "articles"), ("条", "items"), ("人", "persons"), ("人次", "person-times"), ("次", "times"),
    ("户", "households"), ("套", "flats"), ("%", "%")])
def test_measures_read_in_english_as_domain_says(written, en):
    assert measure_label(written, "en") == en
    assert measure_label(written, "zh") == written


def test_a_campaigns_own_measure_words_come_first_and_others_are_listed_as_written():
    meta = CampaignMeta(id="m", name={"zh": "m"}, start=dt.date(2012, 1, 1), end=dt.date(2012, 12, 31),
                        measures={"亩": {"zh": "亩", "en": "mu"}, "count": {"zh": "个", "en": "count"}})
    assert meta.measure_label("亩", "en") == "mu"
    assert meta.measure_label("count", "zh") == "个"
    assert meta.measure_label("公顷", "en") == "公顷"  # no word for it: as written
    assert meta.untranslated_measures(["万元", "公顷", "亩", "公顷", None], "en") == ["公顷"]
    assert meta.untranslated_measures(["万元", "tons", "count"], "zh") == ["tons"]


@pytest.mark.parametrize(("zone", "language", "expected"), [
    # 21:05 UTC on 25 November is 05:05 the next day in Beijing (UTC+8)
    ("Asia/Shanghai", "zh", "2026-11-26 05:05（北京时间，UTC+8）"),
    ("Asia/Shanghai", "en", "2026-11-26 05:05 (Asia/Shanghai, UTC+8)"),
    # India is UTC+5:30: 21:05 + 5:30 = 02:35 the next day
    ("Asia/Kolkata", "en", "2026-11-26 02:35 (Asia/Kolkata, UTC+5:30)"),
    # Newfoundland in November is UTC-3:30: 21:05 - 3:30 = 17:35
    ("America/St_Johns", "zh", "2026-11-25 17:35（时区America/St_Johns，UTC-3:30）"),
    ("Europe/London", "en", "2026-11-25 21:05 (Europe/London, UTC)"),
])
def test_times_are_shown_in_the_campaigns_zone_with_the_zone_named(zone, language, expected):
    assert fmt_time(dt.datetime(2026, 11, 25, 21, 5, tzinfo=dt.UTC), zone, language) == expected


def test_generation_time_is_in_the_header_and_the_fingerprint_in_the_footer(make_campaign):
    folder = make_campaign({"units": UNITS, "surveys": SURVEYS}, meta=META + "timezone: Asia/Kolkata\n")
    before = dt.datetime.now(dt.UTC)
    report = UnitReport.load(folder, "R", language="en")
    header, footer = report.header().html(), report.footer().html()
    fingerprint = report.campaign.fingerprint[:16]
    assert fingerprint not in header and "fingerprint" not in header.lower()
    assert f"<code>{fingerprint}</code>" in footer and "Data fingerprint" in footer
    assert "(Asia/Kolkata, UTC+5:30)" in header
    stamp = dt.datetime.strptime(report.generated_at[:16], "%Y-%m-%d %H:%M")
    local_before = before.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).replace(tzinfo=None)
    assert dt.timedelta(minutes=-1) <= stamp - local_before <= dt.timedelta(minutes=5)
    assert report.sections()[-1].key == "footer"


def test_the_footer_macro_names_each_item_in_the_pages_language():
    html = str(macros("zh").page_footer(footer_facts("0123456789abcdef0123")))
    assert html.startswith('<footer class="report-footer">')
    assert "数据指纹：<code>0123456789abcdef</code>" in html and "程序版本：campaign-analytics" in html


def test_outlier_findings_read_in_the_pages_language(shunhe):
    flags = campaign_flags(shunhe, shunhe.as_of())
    outliers = flags[flags["code"] == "flag.outlier_kind"]
    assert len(outliers) >= 1
    f = next(outliers.itertuples(index=False))
    kind = f.params["kind"]
    zh = finding_detail(f, shunhe.meta, "zh")
    assert zh.startswith(f"人次在“{shunhe.meta.kind_label(kind, 'zh')}”类活动中偏离中位数过大：修正标准分数")
    assert not any("a" <= ch.lower() <= "z" for ch in zh)
    en = finding_detail(f, shunhe.meta, "en")
    assert f"among {shunhe.meta.kind_label(kind, 'en')} visits" in en
    assert finding_value(f, shunhe.meta, "zh") == str(int(f.value))


def test_every_parameter_file_renders_in_chinese():
    # The samples' readers are Chinese (the regulator's tour too); --language en makes an English copy.
    files = sorted((REPO_ROOT / "parameters").glob("*.yaml"))
    assert {p.name for p in files} >= {"regulator_2014.yaml", "shunhe_2012.yaml", "weishi.yaml"}
    for path in files:
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["language"] == "zh", path.name
