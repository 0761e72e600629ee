"""data.reporting: campaign.yaml's reporting section, read strictly (defaults, ranges, unknown keys)."""

from __future__ import annotations

from analytics.data.reporting import CoverageLights, Lights, Reporting, parse_reporting


def _codes(problems):
    return sorted((p.column, p.code) for p in problems)


def test_defaults_without_the_section():
    settings, problems = parse_reporting(None)
    assert problems == []
    assert settings == Reporting(period="month", lights=Lights(yellow=10.0, red=30.0, coverage=None))


def test_a_full_section():
    settings, problems = parse_reporting({
        "period": "quarter",
        "lights": {"yellow": 5, "red": 5, "coverage": {"yellow": 0.8, "red": 0.5}},
        "bulletin": {"title": {"zh": "关于推进情况的通报", "en": "Progress"}, "issuer": "顺河镇党委办公室",
                     "number": "顺办通〔2012〕7号", "recipients": {"zh": "各社区党委"},
                     "requirements": {"zh": "各单位要……", "en": "Every unit …"}, "template": "bulletin-template.docx"},
    })
    assert problems == []
    assert settings.period == "quarter"
    assert settings.lights == Lights(yellow=5.0, red=5.0, coverage=CoverageLights(yellow=0.8, red=0.5))
    assert settings.bulletin.issuer == {"zh": "顺河镇党委办公室", "en": "顺河镇党委办公室"}
    assert settings.bulletin.recipients == {"zh": "各社区党委"}
    assert settings.bulletin.number == "顺办通〔2012〕7号"
    assert settings.bulletin_keys() == ["title", "issuer", "number", "recipients", "requirements", "template"]


def test_unknown_keys_name_the_closest_known_one():
    settings, problems = parse_reporting({"periode": "month", "lights": {"yelow": 10}, "bulletin": {"titel": "x"}})
    assert settings is None
    assert [(p.column, p.params.get("suggestion")) for p in sorted(problems, key=lambda p: p.column)] == [
        ("reporting.bulletin.titel", "reporting.bulletin.title"),
        ("reporting.lights.yelow", "reporting.lights.yellow"),
        ("reporting.periode", "reporting.period"),
    ]


def test_thresholds_are_finite_and_ordered():
    assert _codes(parse_reporting({"lights": {"yellow": 40}})[1]) == [("reporting.lights", "reporting.lights_order")]
    assert _codes(parse_reporting({"lights": {"yellow": 0}})[1]) == [("reporting.lights.yellow", "reporting.points")]
    assert _codes(parse_reporting({"lights": {"red": float("inf")}})[1]) == [("reporting.lights.red", "reporting.points")]
    assert _codes(parse_reporting({"lights": {"red": True}})[1]) == [("reporting.lights.red", "reporting.points")]
    assert _codes(parse_reporting({"lights": {"red": "30"}})[1]) == [("reporting.lights.red", "reporting.points")]
    assert _codes(parse_reporting({"period": "year"})[1]) == [("reporting.period", "reporting.period")]


def test_coverage_lights_are_fractions_with_red_not_above_yellow():
    assert _codes(parse_reporting({"lights": {"coverage": {"yellow": 0.5, "red": 0.8}}})[1]) == [
        ("reporting.lights.coverage", "reporting.coverage_order")]
    assert _codes(parse_reporting({"lights": {"coverage": {"yellow": 80, "red": 50}}})[1]) == [
        ("reporting.lights.coverage.red", "reporting.fraction"), ("reporting.lights.coverage.yellow", "reporting.fraction")]
    assert _codes(parse_reporting({"lights": {"coverage": {"yellow": 0.8}}})[1]) == [
        ("reporting.lights.coverage.red", "reporting.fraction_required")]
    settings, problems = parse_reporting({"lights": {"coverage": {"yellow": 1, "red": 1}}})
    assert problems == [] and settings.lights.coverage == CoverageLights(yellow=1.0, red=1.0)


def test_bulletin_template_stays_inside_the_campaign_folder():
    for bad in ("/etc/template.docx", "../template.docx", "C:\\\\t.docx", "template.doc", 7):
        assert _codes(parse_reporting({"bulletin": {"template": bad}})[1]) == [
            ("reporting.bulletin.template", "reporting.template")], bad
    assert parse_reporting({"bulletin": {"template": "forms/通报模板.docx"}})[0].bulletin.template == "forms/通报模板.docx"


def test_every_problem_reads_in_chinese():
    _, problems = parse_reporting({"period": "year", "lights": {"yellow": 40, "coverage": {"yellow": 2}},
                                   "bulletin": {"number": ["x"], "issuer": {"fr": "x"}}})
    assert problems
    for p in problems:
        assert p.rule_text("zh") != p.code and p.rule_text("en") != p.code


def test_the_campaign_carries_its_reporting_settings(make_campaign):
    from analytics import load_campaign

    meta = ("id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\n"
            "reporting:\n  period: week\n  lights: {yellow: 5, red: 20}\n")
    folder = make_campaign({"units": "unit_id,name,parent_id\nA,甲,\n"}, meta=meta)
    assert load_campaign(folder).meta.reporting == Reporting(period="week", lights=Lights(yellow=5.0, red=20.0))


def test_a_bad_reporting_section_is_a_contract_error(make_campaign):
    import pytest

    from analytics import load_campaign
    from analytics.errors import CampaignDataError

    meta = "id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\nreprting: {period: week}\n"
    folder = make_campaign({"units": "unit_id,name,parent_id\nA,甲,\n"}, meta=meta)
    with pytest.raises(CampaignDataError, match="did you mean reporting"):
        load_campaign(folder)
