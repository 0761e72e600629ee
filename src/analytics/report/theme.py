"""One look for report pages, the index, the explorer panel and the charts: palette, fonts, plotly template, CSS.

Every colour a reader sees is named once, in `PALETTE`; the CSS of pages and of the explorer panel is
rendered from it (`report_css`, `panel_css`, templates under `templates/css/`), and the plotly template of
every chart is built from it (`FigureDefaults`, `TEMPLATE`: plain data every figure's layout refers to). Status
colours live in `analytics.text.labels` (the foundation layer, so data-quality text and figures below the report
can use them) and are read here.

Theme values go into CSS unescaped, so they are checked when the theme is made: colours are `#rrggbb`,
font names letters, digits, spaces and hyphens. Nothing from data ever reaches a theme.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from markupsafe import Markup

from analytics.report.templating import render_css
from analytics.text.labels import STATUS_COLOURS

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_FONT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]*")


@dataclass(frozen=True)
class Palette:
    """Every colour of pages, panel and charts."""

    ink: str = "#1f2933"  # body text, chart text, the elapsed-time tick
    muted: str = "#616e7c"  # secondary text: facts, notes, legends, axis notes
    line: str = "#d9e2ec"  # rules, table borders, chart grid lines
    background: str = "#ffffff"
    surface: str = "#f5f7fa"  # table header cells
    chip: str = "#eef2f7"  # tag chips beside unit names
    accent: str = "#1f5f99"  # links
    on_status: str = "#ffffff"  # text on a status badge (each status colour reads with white text)
    band: str = "#e4e9f0"  # the target band of bullet charts (lighter than grid lines, darker than the page)
    highlight: str = "#fde8e4"  # rows that need attention: lagging units, pages that failed
    highlight_edge: str = "#e0b4aa"  # border of the highlight key in legends
    stale: str = "#fff4d6"  # index rows of pages left from an earlier run (their inputs changed since)
    error: str = "#b42318"  # error messages
    covered: str = "#4c78a8"
    not_covered: str = "#d84315"
    advanced: str = "#54a24b"
    lagging: str = "#f58518"
    # Chart series, in order (plotly's colorway).
    series: tuple[str, ...] = (
        "#4c78a8",
        "#f58518",
        "#54a24b",
        "#e45756",
        "#72b7b2",
        "#eeca3b",
        "#b279a2",
        "#ff9da6",
        "#9d755d",
        "#bab0ac",
    )
    # Pace statuses (completed, ahead, on_pace, below, behind, missed, no_data): the foundation's table, read here.
    status: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(dict(STATUS_COLOURS)))
    # Appraisal grades, as badges with white text (each about 4.5:1 or more against white).
    grade: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({
        "excellent": "#1b7837", "good": "#1f5f99", "pass": "#8a5a00", "fail": "#a4161a", "no_data": "#757575"}))
    # Rating scores 5 (非常满意) … 1 (不满意): a diverging scale, green to red.
    rating: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({
        "5": "#1b7837", "4": "#91cf60", "3": "#e0e0a0", "2": "#fc8d59", "1": "#d73027"}))
    # Due commitments by status at as_of.
    commitment: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({
        "kept": "#1b7837", "late": "#e6a23c", "due_today": "#4c78a8", "overdue": "#c62828"}))
    earned: str = "#4c78a8"  # appraisal points earned
    lost: str = "#f2c4bd"  # appraisal points lost

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            values = value.values() if isinstance(value, Mapping) else value if isinstance(value, tuple) else [value]
            bad = [v for v in values if not (isinstance(v, str) and _COLOUR.fullmatch(v))]
            if bad:
                raise ValueError(f"Palette.{f.name}: {bad!r} is not a #rrggbb colour")


@dataclass(frozen=True)
class Theme:
    """Palette and fonts of everything the package draws."""

    palette: Palette = field(default_factory=Palette)
    # CJK-capable first: pages and charts read right in Chinese on Linux, Windows and macOS.
    fonts: tuple[str, ...] = ("Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Helvetica Neue", "Arial",
                              "sans-serif")

    def __post_init__(self) -> None:
        bad = [f for f in self.fonts if not _FONT.fullmatch(f)]
        if bad:
            raise ValueError(f"Theme.fonts: {bad!r} are not plain font names")

    @property
    def css_font_family(self) -> str:
        """The fonts as a CSS font-family value: names quoted, generic families bare."""
        return ",".join(f if f in _GENERIC_FAMILIES else f'"{f}"' for f in self.fonts)

    @property
    def plotly_font_family(self) -> str:
        return ", ".join(self.fonts)


_GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}

THEME = Theme()
PALETTE = THEME.palette


@dataclass(frozen=True)
class FigureDefaults:
    """Shared look of every figure: the theme's fonts and colours (defaults read from THEME), and chart sizes."""

    font_family: str = THEME.plotly_font_family
    font_size: int = 13
    title_size: int = 15
    text_colour: str = PALETTE.ink
    muted_colour: str = PALETTE.muted
    grid_colour: str = PALETTE.line
    background: str = PALETTE.background
    colorway: tuple[str, ...] = PALETTE.series
    covered_colour: str = PALETTE.covered
    not_covered_colour: str = PALETTE.not_covered
    advanced_colour: str = PALETTE.advanced
    lagging_colour: str = PALETTE.lagging
    elapsed_colour: str = PALETTE.ink
    grade_colours: Mapping[str, str] = field(default_factory=lambda: PALETTE.grade)
    rating_colours: Mapping[str, str] = field(default_factory=lambda: PALETTE.rating)
    commitment_colours: Mapping[str, str] = field(default_factory=lambda: PALETTE.commitment)
    earned_colour: str = PALETTE.earned
    lost_colour: str = PALETTE.lost
    band_colour: str = PALETTE.band
    height: int = 360
    small_height: int = 280  # small multiples: one chart per indicator
    empty_height: int = 220
    row_height: int = 26  # per category of a horizontal bar chart, so long lists stay readable
    max_height: int = 1400
    margin_left: int = 16
    margin_right: int = 48  # room for a value label printed outside the longest bar
    margin_top: int = 80  # room for the title and a one-row legend above the plot
    margin_bottom: int = 40

    def template(self) -> dict:
        """A small plotly template as plain data (not based on a built-in one, so each figure's JSON stays light),
        its keys in alphabetical order at every level, as plotly writes a template it validated."""
        axis = {
            "gridcolor": self.grid_colour,
            "zerolinecolor": self.grid_colour,
            "linecolor": self.grid_colour,
            "automargin": True,
            "title": {"standoff": 8},
        }
        return _alphabetical({
            "layout": {
                "font": {"family": self.font_family, "size": self.font_size, "color": self.text_colour},
                "colorway": list(self.colorway),
                "height": self.height,
                "margin": {
                    "l": self.margin_left,
                    "r": self.margin_right,
                    "t": self.margin_top,
                    "b": self.margin_bottom,
                },
                "paper_bgcolor": self.background,
                "plot_bgcolor": self.background,
                "title": {
                    "x": 0,
                    "xanchor": "left",
                    "xref": "paper",
                    "yref": "container",
                    "y": 1,
                    "yanchor": "top",
                    "pad": {"t": 12},
                    "font": {"size": self.title_size},
                },
                "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
                "hoverlabel": {"font": {"family": self.font_family}},
                "separators": ".,",
                "bargap": 0.25,
                "xaxis": axis,
                "yaxis": axis,
            }
        })


def _alphabetical(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _alphabetical(v) for k, v in sorted(value.items())}
    return value


DEFAULTS = FigureDefaults()
TEMPLATE = DEFAULTS.template()


@functools.cache
def report_css() -> Markup:
    """The stylesheet of report pages and the index, rendered from the theme."""
    return render_css("css/report.css.j2", theme=THEME, palette=PALETTE)


@functools.cache
def panel_css() -> Markup:
    """The stylesheet of the explorer's panel (every rule scoped under .ca-panel), rendered from the theme."""
    return render_css("css/panel.css.j2", theme=THEME, palette=PALETTE)


__all__ = ["DEFAULTS", "PALETTE", "TEMPLATE", "THEME", "FigureDefaults", "Palette", "Theme", "panel_css", "report_css"]
