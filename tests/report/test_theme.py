"""report.theme: one palette and one set of fonts for pages, the explorer panel and every chart."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from analytics.report import charts
from analytics.report.theme import DEFAULTS, PALETTE, TEMPLATE, THEME, Palette, Theme, panel_css, report_css
from analytics.text.labels import STATUS_COLOURS, status_colour


def test_status_colours_are_the_foundations_table():
    assert dict(PALETTE.status) == STATUS_COLOURS
    assert all(status_colour(s) == PALETTE.status[s] for s in STATUS_COLOURS)


def test_page_and_panel_css_use_only_palette_colours():
    palette_colours = {v.lower() for k, v in vars(PALETTE).items() if isinstance(v, str)}
    palette_colours |= {c.lower() for c in PALETTE.grade.values()}  # appraisal grade badges
    for css in (report_css(), panel_css()):
        used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{3,8}\b", css)}
        assert used and used <= palette_colours, used - palette_colours
    assert f"--ink:{PALETTE.ink}" in report_css() and f"color: {PALETTE.ink}" in panel_css()
    assert '"Noto Sans CJK SC","Microsoft YaHei"' in report_css() and "sans-serif" in panel_css()
    # Scoped: every rule applies inside the explorer only (its panel, or the explorer's own root class).
    assert all(rule.lstrip().startswith((".ca-panel", ".campaign-explorer")) for rule in panel_css().split("}")
               if rule.strip())


def test_charts_take_fonts_and_colours_from_the_theme():
    assert charts.DEFAULTS is DEFAULTS and charts.TEMPLATE is TEMPLATE
    layout = go.layout.Template(TEMPLATE).layout  # plain data, valid as a plotly template
    assert layout.font.family == THEME.plotly_font_family and layout.font.color == PALETTE.ink
    assert list(layout.colorway) == list(PALETTE.series)
    assert layout.xaxis.gridcolor == PALETTE.line
    assert (DEFAULTS.covered_colour, DEFAULTS.not_covered_colour) == (PALETTE.covered, PALETTE.not_covered)
    assert (DEFAULTS.grade_colours, DEFAULTS.rating_colours, DEFAULTS.commitment_colours) == (
        PALETTE.grade, PALETTE.rating, PALETTE.commitment)


@pytest.mark.parametrize("bad", ["red", "#12345", "#1234567", "#12345g", "#123456;}</style>"])
def test_a_palette_colour_must_be_rrggbb(bad):
    with pytest.raises(ValueError, match="#rrggbb"):
        Palette(ink=bad)


@pytest.mark.parametrize("bad", ['Arial"', "A;b", "a</style>", ""])
def test_a_font_must_be_a_plain_name(bad):
    with pytest.raises(ValueError, match="font"):
        Theme(fonts=("Arial", bad))
