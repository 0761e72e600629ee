"""Chart builders: the only place charts are defined.

Every builder takes keyword arguments, returns a figure as plain data (`Spec`: {"data": [...], "layout":
{...}}, what `go.Figure(spec)` takes and `plotly.io.to_json(spec, validate=False)` writes), never shows or
writes it, and returns a figure with a "no data" annotation instead of raising when its input is empty.
Styling comes from one defaults object (`DEFAULTS`, applied through the plain-data `TEMPLATE`).

Figures are plain data because plotly's graph objects validate every property as it is set: that was about half
the time of a page. The schema is checked in the tests instead (tests/report/test_chart_specs.py builds a
`go.Figure` from every chart of the sample pages). Specs are written as plotly writes a figure built the old way
(a trace's properties in alphabetical order, a layout's updates in the order made), so that pages keep their
bytes. A spec shares the template dict with every other: copy before changing it in place (`with_width`).

Plotly renders a subset of HTML in text (titles, tick labels, legend, hover, annotations), so every
data-derived string (unit names, indicator codes and labels from campaign.yaml, metric labels) goes through
`plotly_text`, and hover templates take data only through `customdata`, never by string concatenation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analytics.data.meta import CampaignMeta
from analytics.measures.metrics import STATUSES, survey_rates
from analytics.measures.vocabulary import Status
from analytics.report.theme import DEFAULTS, TEMPLATE, FigureDefaults
from analytics.text.labels import (
    DEFAULT_LANGUAGE,
    FREQ_KEYS,
    MISSING,
    as_number,
    fmt_int,
    fmt_level_gap,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_score,
    grade_key,
    grade_label,
    indicator_status_label,
    label,
    status_colour,
    status_key,
    status_label,
)
from analytics.text.language import rules_of

Spec = dict[str, Any]  # a figure as plain data: {"data": [trace, ...], "layout": {...}}

TREND_FREQS = ("D", "W", "MS")
_PERIOD_FREQ = {"D": "D", "W": "W-SUN", "MS": "M"}  # W-SUN periods run Monday to Sunday


def plotly_text(value: object) -> str:
    """Data-derived text made literal for plotly: &, < and > escaped (no tags), $ escaped (never TeX)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("$", "&#36;")


def trend_freq(start: dt.date, end: dt.date) -> str:
    """Bin size over [start, end]: 'D' up to 45 days (both ends counted), 'W' up to 200, else 'MS'."""
    days = (pd.Timestamp(end).normalize() - pd.Timestamp(start).normalize()).days + 1
    if days <= 45:
        return "D"
    if days <= 200:
        return "W"
    return "MS"


def empty_chart(*, language: str = DEFAULT_LANGUAGE, title: str | None = None) -> Spec:
    """A figure holding only a 'no data' note in the language asked for."""
    fig = _figure(title, DEFAULTS.empty_height)
    _add_annotation(
        fig,
        text=plotly_text(label("note.no_data", language)),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": DEFAULTS.muted_colour},
    )
    _update(fig["layout"], xaxis={"visible": False})
    _update(fig["layout"], yaxis={"visible": False})
    return fig


def persons_by_group_chart(
    *, persons: pd.Series, meta: CampaignMeta, language: str = DEFAULT_LANGUAGE
) -> Spec:
    """Horizontal bars of person-times per group (index: group codes), largest first."""
    return _ranked_bars(
        persons,
        lambda code: meta.group_label(code, language),
        "fig.persons_by_group",
        "axis.persons",
        language,
        DEFAULTS.colorway[0],
    )


def events_by_kind_chart(
    *, events: pd.Series, meta: CampaignMeta, language: str = DEFAULT_LANGUAGE
) -> Spec:
    """Horizontal bars of events per visit kind (index: kind codes), largest first."""
    return _ranked_bars(
        events,
        lambda code: meta.kind_label(code, language),
        "fig.events_by_kind",
        "axis.events",
        language,
        DEFAULTS.colorway[1],
    )


def visits_trend_chart(
    *,
    visits: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    language: str = DEFAULT_LANGUAGE,
    freq: str | None = None,
) -> Spec:
    """Events (bars, left axis) and person-times (line, right axis) per day, week or month over [start, end].

    Every bin of the period is shown, zero where nothing happened; rows dated outside [start, end] are left
    out. Weeks run Monday to Sunday, months from their first day; a bin is clipped to [start, end], so each bar
    spans exactly the days it counts (x = its first day), and a bin shorter than a whole week or month is hatched
    and named partial in the legend and hover (a 3-day last week is not a collapse). Ticks fall on bin starts.
    """
    title = label("fig.trend", language)
    freq = freq or trend_freq(start, end)
    if freq not in TREND_FREQS:
        raise ValueError(f"freq must be one of {', '.join(TREND_FREQS)}, not {freq!r}")
    bins = _trend_bins(visits, start, end, freq)
    if bins is None:
        return empty_chart(language=language, title=title)
    partial = bins["days"] < bins["whole_days"]
    fig = _figure(title, DEFAULTS.height + _legend_below_margin(2 + bool(partial.any())) - DEFAULTS.margin_bottom)
    day_ms = 86_400_000
    firsts = [ts.date() for ts in bins["first"]]
    lasts = [ts.date() for ts in bins["last"]]
    spans = [f"{a.isoformat()} – {b.isoformat()}" if a != b else a.isoformat() for a, b in zip(firsts, lasts, strict=True)]
    days_text = [label("note.days_of", language).format(days=d, whole=w) if p else ""
                 for d, w, p in zip(bins["days"], bins["whole_days"], partial, strict=True)]
    custom = [[s_, d_] for s_, d_ in zip(spans, days_text, strict=True)]
    days_text_short = [f"{d}/{w}" for d, w in zip(bins["days"], bins["whole_days"], strict=True)]
    events_label, persons_label = label("axis.events", language), label("axis.persons", language)
    partial_label = label(f"legend.partial_{FREQ_KEYS[freq].split('.')[1]}", language)
    events = bins["events"].tolist()
    days = [int(d) for d in bins["days"]]
    for is_partial in (False, True):
        rows = [i for i, p in enumerate(partial) if bool(p) == is_partial]
        if not rows:
            continue
        fig["data"].append(
            _trace(
                "bar",
                x=[firsts[i] for i in rows],
                y=[events[i] for i in rows],
                # Bars start a tenth of a day in and end a tenth before the bin's last day ends.
                width=[(days[i] - 0.2) * day_ms for i in rows],
                offset=0.1 * day_ms,
                name=plotly_text(events_label + rules_of(language).bracketed(partial_label) if is_partial
                                 else events_label),
                # A partial bin is outlined and hatched, so that it never reads as a full period's total.
                marker={"color": DEFAULTS.background, "line": {"color": DEFAULTS.colorway[0], "width": 1.5},
                        "pattern": {"shape": "/", "fgcolor": DEFAULTS.colorway[0], "solidity": 0.4}}
                if is_partial else {"color": DEFAULTS.colorway[0]},
                customdata=[custom[i] for i in rows],
                hovertemplate=_hover("%{customdata[0]} %{customdata[1]}", f"{plotly_text(events_label)}: %{{y:,}}"),
            )
        )
    middles = [f + (lst - f) / 2 + pd.Timedelta(hours=12) for f, lst in zip(bins["first"], bins["last"], strict=True)]
    # Each partial bin named above the plot (in the room under the title), pointing into the plot from its edge.
    for i in (i for i, p in enumerate(partial) if p):
        _add_annotation(fig, x=middles[i].to_pydatetime(), y=1, yref="paper", yanchor="bottom", showarrow=False,
                        xanchor="left" if i == 0 and len(partial) > 1 else "right" if i == len(partial) - 1 else "center",
                        text=f"{plotly_text(partial_label)} {days_text_short[i]}",
                        font={"size": 11, "color": DEFAULTS.muted_colour})
    fig["data"].append(
        _trace(
            "scatter",
            x=[m.to_pydatetime() for m in middles],
            y=bins["persons"].tolist(),
            name=plotly_text(persons_label),
            yaxis="y2",
            mode="lines+markers",
            line={"color": DEFAULTS.colorway[1], "width": 2},
            # hollow markers on partial bins, as their bars are hatched
            marker={"symbol": ["circle-open" if p else "circle" for p in partial], "size": 7},
            customdata=custom,
            hovertemplate=_hover("%{customdata[0]} %{customdata[1]}", f"{plotly_text(persons_label)}: %{{y:,}}"),
        )
    )
    tickvals, ticktext = _trend_ticks(firsts, freq)
    pad = pd.Timedelta(days=max(1, len(firsts) // 40))
    _update(
        fig["layout"],
        hovermode="closest",
        legend=LEGEND_BELOW,
        margin={"b": _legend_below_margin(2 + bool(partial.any()))},
        xaxis={
            "type": "date",
            "title": {
                "text": plotly_text(f"{label('axis.date', language)} · {label(FREQ_KEYS[freq], language)}")
            },
            "range": [pd.Timestamp(firsts[0]) - pad, pd.Timestamp(lasts[-1]) + pd.Timedelta(days=1) + pad],
            "tickmode": "array",
            "tickvals": tickvals,
            "ticktext": ticktext,
            "tickangle": 0,
        },
        yaxis={"title": {"text": plotly_text(events_label)}, **count_axis(max(events))},
        yaxis2={
            "title": {"text": plotly_text(persons_label)},
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "automargin": True,
            **count_axis(float(bins["persons"].max())),
        },
    )
    return fig


def count_axis(top: float | None) -> dict:
    """Axis settings for a count (events, person-times, units): integer ticks only, from 0, a step of 1, 2 or 5
    times a power of ten giving at most about six ticks (never 0.5 of an event)."""
    top = max(as_number(top) or 0.0, 1.0)
    rough = top / 5
    step = 1
    if rough > 1:
        power = 10 ** math.floor(math.log10(rough))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return {"tickmode": "linear", "tick0": 0, "dtick": int(step), "tickformat": ",d", "rangemode": "tozero"}


def coverage_chart(*, covered_children: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Horizontal bars of events per direct child (most first), coloured covered / not covered."""
    title = label("fig.coverage", language)
    frame = covered_children
    if frame is None or frame.empty or "events" not in frame.columns:
        return empty_chart(language=language, title=title)
    names = _unit_names(frame)
    events = pd.to_numeric(frame["events"], errors="coerce").fillna(0).tolist()
    covered = (
        frame["covered"].fillna(False).astype(bool).tolist()
        if "covered" in frame.columns
        else [e > 0 for e in events]
    )
    order = sorted(range(len(names)), key=lambda i: -events[i])  # stable: ties keep hierarchy order
    categories = [plotly_text(names[i]) for i in order]
    fig = _figure(title, _stacked_height(len(order), 2))
    events_label = label("axis.events", language)
    for flag, key, colour in (
        (True, "legend.covered", DEFAULTS.covered_colour),
        (False, "legend.not_covered", DEFAULTS.not_covered_colour),
    ):
        rows = [i for i in order if covered[i] == flag]
        if not rows:
            continue
        fig["data"].append(
            _trace(
                "bar",
                orientation="h",
                y=[plotly_text(names[i]) for i in rows],
                x=[events[i] for i in rows],
                name=plotly_text(label(key, language)),
                marker={"color": colour},
                texttemplate="%{x:,}",
                textposition="outside",
                cliponaxis=False,
                textfont={"color": colour},
                customdata=[[plotly_text(names[i])] for i in rows],
                hovertemplate=_hover("%{customdata[0]}", f"{events_label}: %{{x:,}}"),
            )
        )
    _update(fig["layout"], barmode="overlay", showlegend=True, legend=LEGEND_BELOW, margin={"b": _legend_below_margin(2)})
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=categories, autorange="reversed")
    _update_axis(fig, "xaxis", title_text=plotly_text(events_label), **count_axis(max(events, default=0)))
    return fig


def survey_funnel_chart(*, surveys: dict, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Funnel issued → returned → valid, each stage with its share of issued.

    Drawn as horizontal bars from zero (issued on top): pages carry plotly.js's partial "basic" bundle (bar,
    pie, scatter), which has no funnel trace, and bars from one baseline compare the stages just as well.
    """
    title = label("fig.survey_funnel", language)
    figures = [as_number((surveys or {}).get(k)) for k in ("issued", "returned", "valid")]
    issued = figures[0]
    if issued is None or issued <= 0:
        return empty_chart(language=language, title=title)
    values = [v or 0.0 for v in figures]
    stages = [plotly_text(label(f"funnel.{k}", language)) for k in ("issued", "returned", "valid")]
    rates = survey_rates(*values)
    rate_lines = [
        "",
        plotly_text(f"{label('rate.return_rate', language)} {fmt_percent(rates['return_rate'])}"),
        "<br>".join(plotly_text(f"{label(f'rate.{r}', language)} {fmt_percent(rates[r])}")
                    for r in ("effective_rate", "validity")),
    ]
    fig = _figure(title)
    fig["data"].append(
        _trace(
            "bar",
            orientation="h",
            y=stages,
            x=values,
            customdata=[[v / issued, r] for v, r in zip(values, rate_lines, strict=True)],
            texttemplate="%{x:,} · %{customdata[0]:.2%}",
            textposition="inside",
            insidetextanchor="middle",
            marker={"color": list(DEFAULTS.colorway[:3])},
            hovertemplate=[_hover("%{y}: %{x:,}", *(("%{customdata[1]}",) if line else ())) for line in rate_lines],
        )
    )
    _update(fig["layout"], showlegend=False)
    _update_axis(fig, "yaxis", type="category", autorange="reversed")
    _update_axis(fig, "xaxis", visible=False, range=[0, max(values)])
    return fig


def survey_rates_by_child_chart(*, by_child: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Horizontal grouped bars of return rate, validity and effective rate per child that issued questionnaires,
    each a ratio of that child's sums, in the rows' order; the legend is below the plot.

    `by_child` has columns name, issued, returned, valid (and optionally unit_id, which then keeps two
    children of the same name apart); several rows per child are summed first. A child with nothing issued is
    left out (the page says how many, `children_without_surveys`), so no row of the chart is empty.
    """
    title = label("fig.survey_rates", language)
    counts = ("issued", "returned", "valid")
    frame = by_child
    if frame is None or frame.empty or not set(counts) <= set(frame.columns):
        return empty_chart(language=language, title=title)
    frame = frame.assign(
        _name=_unit_names(frame),
        _key=_unit_keys(frame),
        **{c: pd.to_numeric(frame[c], errors="coerce").fillna(0) for c in counts},
    )
    sums = frame.groupby("_key", sort=False).agg(name=("_name", "first"), **{c: (c, "sum") for c in counts})
    sums = sums[sums["issued"] > 0]
    if sums.empty:
        return empty_chart(language=language, title=title)
    names = [plotly_text(n) for n in _distinct(sums["name"].tolist(), sums.index.tolist())]
    rates = [survey_rates(i, r, v) for i, r, v in zip(sums["issued"], sums["returned"], sums["valid"], strict=True)]
    customdata = [
        [n, fmt_int(i), fmt_int(r), fmt_int(v)]
        for n, i, r, v in zip(names, sums["issued"], sums["returned"], sums["valid"], strict=True)
    ]
    rate_keys = ("return_rate", "validity", "effective_rate")
    # Three bars per child: a category is 1.6 rows high, so each bar stays about a row's height / 2.
    fig = _figure(title, _stacked_height(round(len(names) * 1.6), len(rate_keys)))
    counts_line = " · ".join(
        f"{label(f'funnel.{c}', language)} %{{customdata[{k}]}}" for k, c in enumerate(counts, start=1)
    )
    top = 1.0
    for n, rate in enumerate(rate_keys):
        values = [as_number(r.get(rate)) for r in rates]
        top = max([top, *(v for v in values if v is not None)])
        rate_label = label(f"rate.{rate}", language)
        fig["data"].append(
            _trace(
                "bar",
                y=names,
                x=values,
                orientation="h",
                name=plotly_text(rate_label),
                marker={"color": DEFAULTS.colorway[n]},
                texttemplate="%{x:.1%}",  # on paper there is no hover: each bar says its rate
                textposition="outside",
                cliponaxis=False,
                customdata=customdata,
                hovertemplate=_hover("%{customdata[0]}", f"{rate_label}: %{{x:.2%}}", counts_line),
            )
        )
    _update(fig["layout"], barmode="group", legend=LEGEND_BELOW, margin={"b": _legend_below_margin(len(rate_keys))})
    # Room right of the longest bar for its label; ticks stop at the largest rate (no "120%" tick).
    _update_axis(fig, "xaxis", tickformat=".0%", range=[0, top * 1.2], tickvals=[k / 5 for k in range(int(top * 5 + 1e-9) + 1)],
                 title_text=plotly_text(label("axis.rate", language)))
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def children_without_surveys(by_child: pd.DataFrame) -> int:
    """How many children of `by_child` (survey_rates_by_child_chart's input) issued no questionnaire."""
    if by_child is None or by_child.empty or "issued" not in by_child.columns:
        return 0
    issued = pd.to_numeric(by_child["issued"], errors="coerce").fillna(0)
    return int((issued.groupby(_unit_keys(by_child), sort=False).sum() <= 0).sum())


def target_pace_chart(
    *, targets: pd.DataFrame, meta: CampaignMeta, language: str = DEFAULT_LANGUAGE
) -> Spec:
    """Horizontal bars of completion % per indicator coloured by status, with a tick at the elapsed share.

    Indicators are ordered by pace gap, most behind first; those without an actual show a grey 'no data' bar.
    `targets` is metrics.target_pace output (normally one unit's rows; several units are told apart by code).
    """
    title = label("fig.target_pace", language)
    needed = {"indicator", "completion", "elapsed"}
    if targets is None or targets.empty or not needed <= set(targets.columns):
        return empty_chart(language=language, title=title)
    t = targets.reset_index(drop=True)
    gap = (
        pd.to_numeric(t["pace_gap"], errors="coerce")
        if "pace_gap" in t.columns
        else pd.Series(math.nan, t.index)
    )
    t = t.assign(_gap=gap).sort_values("_gap", kind="stable", na_position="last").reset_index(drop=True)
    codes = [str(c) for c in t["indicator"]]
    many_units = "unit_id" in t.columns and t["unit_id"].nunique() > 1
    keys = [f"{u} · {c}" for u, c in zip(t["unit_id"], codes, strict=True)] if many_units else codes
    names = [plotly_text(n) for n in _distinct([meta.indicator_label(c, language) for c in codes], keys)]
    completion = [_percent(x) for x in t["completion"]]
    elapsed = [_percent(x) for x in t["elapsed"]]
    statuses = [status_key(s) for s in (t["status"] if "status" in t.columns else [None] * len(t))]
    measures = [plotly_text(meta.measure_label(m, language))
                for m in (t["measure"] if "measure" in t.columns else [""] * len(t))]
    actual = t["actual"] if "actual" in t.columns else [None] * len(t)
    target = t["target"] if "target" in t.columns else [None] * len(t)
    customdata = [
        [n, fmt_number(a), fmt_number(g), m, fmt_points(p), plotly_text(status_label(s, language))]
        for n, a, g, m, p, s in zip(names, actual, target, measures, t["_gap"], statuses, strict=True)
    ]
    fig = _figure(title, _rows_height(len(names)))
    actual_target = f"{label('col.actual', language)} / {label('col.target', language)}"
    for status in STATUSES:
        rows = [i for i, s in enumerate(statuses) if s == status]
        if not rows:
            continue
        colour = status_colour(status)
        no_data = status == Status.NO_DATA or all(completion[i] is None for i in rows)
        fig["data"].append(
            _trace(
                "bar",
                orientation="h",
                y=[names[i] for i in rows],
                x=[0.0 if no_data else completion[i] for i in rows],
                name=plotly_text(status_label(status, language)),
                marker={"color": colour},
                customdata=[customdata[i] for i in rows],
                hovertemplate=_hover(
                    "%{customdata[0]}",
                    *(() if no_data else (f"{label('col.completion', language)}: %{{x:.2f}}%",)),
                    f"{actual_target}: %{{customdata[1]}} / %{{customdata[2]}} %{{customdata[3]}}",
                    f"{label('col.pace_gap', language)}: %{{customdata[4]}}",
                    f"{label('col.status', language)}: %{{customdata[5]}}",
                ),
            )
        )
    fig["data"].append(
        _trace(
            "scatter",
            x=elapsed,
            y=names,
            mode="markers",
            name=plotly_text(label("legend.elapsed", language)),
            marker={
                "symbol": "line-ns",
                "size": 20,
                "line": {"width": 3, "color": DEFAULTS.elapsed_colour},
                "color": DEFAULTS.elapsed_colour,
            },
            customdata=[[n] for n in names],
            hovertemplate=_hover("%{customdata[0]}", f"{label('axis.elapsed', language)}: %{{x:.2f}}%"),
        )
    )
    # Each value label starts right of both the bar's end and the elapsed tick (a few pixels clear of the tick's
    # half width), so the tick never strikes it through (48.5% against an elapsed 49.7%); one label per row, so
    # no two labels meet.
    for n, c, e in zip(names, completion, elapsed, strict=True):
        _add_annotation(fig,
            x=max(c or 0.0, e or 0.0), y=n, xref="x", yref="y", xanchor="left", xshift=6, showarrow=False,
            text=plotly_text(status_label(None, language)) if c is None else f"{c:.2f}%",
            font={"color": DEFAULTS.text_colour},
        )
    top = max([100.0, *(v for v in completion + elapsed if v is not None)])
    _add_vline(fig, x=100, line={"color": DEFAULTS.muted_colour, "width": 1, "dash": "dot"}, layer="below")
    entries = len({s for s in statuses}) + 1
    _update(fig["layout"], barmode="overlay", height=_stacked_height(len(names), entries), legend=LEGEND_BELOW,
            margin={"b": _legend_below_margin(entries)})
    _update_axis(fig, "xaxis",
        title_text=plotly_text(label("axis.completion", language)), range=[0, top * 1.15], ticksuffix="%"
    )
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def bullet_chart(*, targets: pd.DataFrame, meta: CampaignMeta, language: str = DEFAULT_LANGUAGE,
                 previous: Mapping[str, object] | None = None, previous_label: str = "") -> Spec:
    """One bullet per indicator, in the rows' order (give them worst first): a pale band for the target (100%),
    a thinner bar for the completion in its status colour and a tick at the elapsed share. Each row's label says
    the completion and the gap under the indicator's name, so no number sits on a bar or under the tick, at any
    width. No title: the section's heading and sentence say what it is; the legend is below the axis. Bar and
    scatter traces only (a page may carry a partial plotly.js with just those).

    `targets` is metrics.target_pace output for one unit. `previous` (indicator -> completion at the previous
    as_of, a fraction) adds a hollow diamond where each stood then, named in the legend by `previous_label`.
    """
    if targets is None or targets.empty or not {"indicator", "completion", "elapsed"} <= set(targets.columns):
        return empty_chart(language=language, title=label("fig.bullet", language))
    t = targets.reset_index(drop=True)
    codes = [str(c) for c in t["indicator"]]
    names = [plotly_text(n) for n in _distinct([meta.indicator_label(c, language) for c in codes], codes)]
    completion = [_percent(x) for x in t["completion"]]
    # A level indicator is judged against its target alone: no elapsed tick, its gap to the target instead.
    level = [p == "level" for p in (t["pacing"] if "pacing" in t.columns else [None] * len(t))]
    elapsed = [None if lv else _percent(x) for x, lv in zip(t["elapsed"], level, strict=True)]
    gaps = [as_number(g) for g in (t["pace_gap"] if "pace_gap" in t.columns else [None] * len(t))]
    statuses = [status_key(s) for s in (t["status"] if "status" in t.columns else [None] * len(t))]
    codes_of = list(t["measure"]) if "measure" in t.columns else [""] * len(t)
    measures = [plotly_text(meta.measure_label(m, language)) for m in codes_of]
    level_gaps = [fmt_level_gap(g, m, meta.measure_label(m, language), language, signed=True) if lv else None
                  for g, m, lv in zip(t["level_gap"] if "level_gap" in t.columns else [None] * len(t), codes_of,
                                      level, strict=True)]
    words = [plotly_text(indicator_status_label(s, "level" if lv else None, language))
             for s, lv in zip(statuses, level, strict=True)]
    gap_texts = [plotly_text(lg) if lv else fmt_points(g) for g, lg, lv in zip(gaps, level_gaps, level, strict=True)]
    actual = t["actual"] if "actual" in t.columns else [None] * len(t)
    target = t["target"] if "target" in t.columns else [None] * len(t)
    top = max([100.0, *(v for v in completion + elapsed if v is not None),
               *(v for v in (_percent((previous or {}).get(c)) for c in codes) if v is not None)]) * 1.04
    # The legend goes under the axis, one line per entry: above the plot, plotly wraps it at 390 px into a box
    # that runs into the bar and scrolls ("时间进度" cut). Band, each status drawn, elapsed tick, previous marks.
    entries = 2 + len({s for s, c in zip(statuses, completion, strict=True) if c is not None})
    bottom = _legend_below_margin(entries) - 20  # no axis title to clear
    fig = _figure(None, 6 + 52 * len(names) + bottom)
    fig["data"].append(_trace(
        "bar", orientation="h", y=names, x=[100.0] * len(names), width=0.62, name=plotly_text(label("legend.target", language)),
        marker={"color": DEFAULTS.band_colour}, hoverinfo="skip",
    ))
    actual_target = f"{label('col.actual', language)} / {label('col.target', language)}"
    for status in STATUSES:
        rows = [i for i, s in enumerate(statuses) if s == status and completion[i] is not None]
        if not rows:
            continue
        fig["data"].append(_trace(
            "bar", orientation="h", y=[names[i] for i in rows], x=[completion[i] for i in rows], width=0.26,
            name=plotly_text(status_label(status, language)), marker={"color": status_colour(status)},
            customdata=[[names[i], fmt_number(actual[i]), fmt_number(target[i]), measures[i], gap_texts[i],
                         words[i], label("col.level_gap" if level[i] else "col.pace_gap", language)] for i in rows],
            hovertemplate=_hover(
                "%{customdata[0]}", f"{label('col.completion', language)}: %{{x:.2f}}%",
                f"{actual_target}: %{{customdata[1]}} / %{{customdata[2]}} %{{customdata[3]}}",
                "%{customdata[6]}: %{customdata[4]}",
                f"{label('col.status', language)}: %{{customdata[5]}}",
            ),
        ))
    if any(e is not None for e in elapsed):  # only level indicators: no elapsed time to show
        fig["data"].append(_trace(
            "scatter", x=elapsed, y=names, mode="markers", name=plotly_text(label("legend.elapsed", language)),
            marker={"symbol": "line-ns", "size": 24, "line": {"width": 3, "color": DEFAULTS.elapsed_colour},
                    "color": DEFAULTS.elapsed_colour},
            customdata=[[n] for n in names],
            hovertemplate=_hover("%{customdata[0]}", f"{label('axis.elapsed', language)}: %{{x:.2f}}%"),
        ))
    before = [_percent((previous or {}).get(c)) for c in codes]
    shown = [i for i, v in enumerate(before) if v is not None]
    if shown:
        fig["data"].append(_trace(
            "scatter", x=[before[i] for i in shown], y=[names[i] for i in shown], mode="markers",
            name=plotly_text(previous_label or label("legend.previous", language)),
            # Named on hover and in the targets table's change column; kept out of the legend, which would need
            # more room than a phone gives it under the axis.
            showlegend=False,
            marker={"symbol": "diamond-open", "size": 11, "line": {"width": 2, "color": DEFAULTS.muted_colour},
                    "color": DEFAULTS.muted_colour},
            customdata=[[names[i]] for i in shown],
            hovertemplate=_hover("%{customdata[0]}", f"{plotly_text(previous_label or label('legend.previous', language))}"
                                 ": %{x:.2f}%"),
        ))
    no_data = plotly_text(status_label(None, language))
    ticks = [f"{n}<br>{no_data}" if c is None else f"{n}<br>{c:.2f}%" + (
        f" · {w} {lg}" if lv else "" if g is None else f" · {fmt_points(g)}")
        for n, c, g, lv, lg, w in zip(names, completion, gaps, level, level_gaps, words, strict=True)]
    _update(
        fig["layout"],
        barmode="overlay",
        margin={"t": 16, "b": bottom},
        legend=LEGEND_BELOW,
        xaxis={"range": [0, top], "ticksuffix": "%"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": names, "autorange": "reversed",
               "tickmode": "array", "tickvals": names, "ticktext": ticks},
    )
    return fig


def pace_over_time_chart(
    *,
    series: pd.DataFrame,
    indicator: str,
    target: float,
    period_start: dt.date,
    period_end: dt.date,
    as_of: dt.date,
    status: str | None,
    meta: CampaignMeta,
    measure: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> Spec:
    """An indicator's cumulative actual by date (metrics.actual_over_time: `date`, `actual`) against the linear pace
    from 0 at the period's start to the target at its end, with a dotted line at as_of. Scatter traces only."""
    name = meta.indicator_label(indicator, language)
    # `measure` as written in the data (it decides whole-number ticks); the title shows it in the page's language
    shown = meta.measure_label(measure, language)
    if shown:
        title = name + rules_of(language).bracketed(shown)
    else:
        title = name
    target_value = as_number(target)
    if target_value is None:
        return empty_chart(language=language, title=title)
    fig = _figure(title, DEFAULTS.small_height)
    start, end, now = (pd.Timestamp(d).date() for d in (period_start, period_end, as_of))
    pace_label = label("legend.pace", language)
    fig["data"].append(_trace(
        "scatter", x=[start, end], y=[0.0, target_value], mode="lines", name=plotly_text(pace_label),
        line={"color": DEFAULTS.muted_colour, "width": 2, "dash": "dash"},
        hovertemplate=_hover(f"{pace_label}: %{{y:,.2~f}}", "%{x|%Y-%m-%d}"),
    ))
    values = [] if series is None or series.empty else [float(v) for v in series["actual"]]
    if values:
        dates = [pd.Timestamp(d).date() for d in series["date"]]
        colour = status_colour(status)
        actual_label = label("legend.actual", language)
        fig["data"].append(_trace(
            "scatter", x=dates, y=values, mode="lines+markers", name=plotly_text(actual_label),
            line={"color": colour, "width": 3}, marker={"color": colour, "size": 7},
            customdata=[[fmt_percent(v / target_value)] for v in values],
            hovertemplate=_hover(f"{actual_label}: %{{y:,.2~f}} (%{{customdata[0]}})", "%{x|%Y-%m-%d}"),
        ))
    top = max([target_value, *values]) * 1.08
    as_of_label = label("legend.as_of", language)
    fig["data"].append(_trace(
        "scatter", x=[now, now], y=[0.0, top], mode="lines", name=plotly_text(f"{as_of_label} {now.isoformat()}"),
        line={"color": DEFAULTS.elapsed_colour, "width": 1, "dash": "dot"}, hoverinfo="skip",
    ))
    # The legend under the plot: above it, its three entries wrap on a phone and run into the title.
    _update(fig["layout"], showlegend=True, legend=LEGEND_BELOW, margin={"b": _legend_below_margin(3)},
            height=DEFAULTS.small_height + _legend_below_margin(3) - DEFAULTS.margin_bottom)
    # A little room on both sides, so the first date's label never sits on the y axis' 0. Dates on two lines
    # (month-day over the year), so that four or five of them stay apart and level on a phone.
    pad = pd.Timedelta(days=max(1, round(((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) * 0.03)))
    _update_axis(fig, "xaxis", type="date", range=[pd.Timestamp(start) - pad, pd.Timestamp(end) + pad],
                 tickformat="%m-%d<br>%Y", tickangle=0)
    counted = isinstance(measure, str) and measure.strip() in COUNT_MEASURES
    _update_axis(fig, "yaxis", range=[0, top], **(count_axis(top) if counted else {"rangemode": "tozero", "tickformat": ",~f"}))
    return fig


# Measures that count things (items, articles, persons, times, households, flats): their axes tick in whole numbers.
COUNT_MEASURES = frozenset({"个", "件", "项", "篇", "条", "人", "人次", "次", "户", "套", "count"})


def tag_comparison_chart(*, comparison: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Advanced vs lagging, one panel per figure: events and person-times per tagged unit (the side's sum ÷ its
    units) and the survey effective rate (a ratio of the side's sums), as horizontal bars whose row names say the
    side and how many units it has ("先进（19个单位）").

    `comparison` is metrics.tag_comparison output; a panel whose columns are missing or empty is left out. Both
    sides must have units, else the 'no data' figure: one side alone is no comparison.
    """
    title = label("fig.tags", language)
    if comparison is None or comparison.empty or not {"tag", "units"} <= set(comparison.columns):
        return empty_chart(language=language, title=title)
    c = comparison.reset_index(drop=True)
    units = [as_number(u) or 0.0 for u in c["units"]]
    tags = [str(t) for t in c["tag"]]
    if not {"advanced", "lagging"} <= {t for t, u in zip(tags, units, strict=True) if u > 0}:
        return empty_chart(language=language, title=title)
    panels: list[tuple[str, list[float | None], str]] = []
    for column, key in (("events", "fig.events_per_unit"), ("persons", "fig.persons_per_unit")):
        if column in c.columns:
            panels.append((key, [_ratio(v, u) for v, u in zip(c[column], units, strict=True)], ",.1f"))
    if "effective_rate" in c.columns:
        panels.append(("rate.effective_rate", [as_number(v) for v in c["effective_rate"]], ".2%"))
    elif {"issued", "valid"} <= set(c.columns):
        panels.append(("rate.effective_rate", [_ratio(v, i) for v, i in zip(c["valid"], c["issued"], strict=True)], ".2%"))
    panels = [p for p in panels if any(v is not None for v in p[1])]  # e.g. no questionnaires in tagged units
    if not panels:
        return empty_chart(language=language, title=title)
    # Each panel two bars of a row height; between panels room for the axis ticks and the next panel's title.
    bars_px, gap_px = 2 * DEFAULTS.row_height + 8, 78
    plots_px = bars_px * len(panels) + gap_px * (len(panels) - 1)
    # One plot per panel, stacked as plotly's make_subplots lays them out (its domains and titles, to the bit).
    spacing = gap_px / plots_px if len(panels) > 1 else 0
    domains = _stacked_domains(len(panels), spacing)
    layout: dict = {"template": TEMPLATE}
    for row, (y0, y1) in enumerate(domains, start=1):
        suffix = "" if row == 1 else str(row)
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [0.0, 1.0]}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [y0, y1]}
    # Subplot titles sit left, like the figure's title (plotly centres them).
    layout["annotations"] = [
        _ordered({"font": {"size": DEFAULTS.font_size}, "showarrow": False, "text": plotly_text(label(key, language)),
                  "x": 0, "xanchor": "left", "xref": "paper", "y": y1, "yanchor": "bottom", "yref": "paper"})
        for (key, _, _), (_, y1) in zip(panels, domains, strict=True)
    ]
    layout.update(title={"text": plotly_text(title)}, height=DEFAULTS.margin_top + DEFAULTS.margin_bottom + 30 + plots_px,
                  showlegend=False)
    fig: Spec = {"data": [], "layout": layout}
    colours = {"advanced": DEFAULTS.advanced_colour, "lagging": DEFAULTS.lagging_colour}
    sides = [plotly_text(label("note.tag_units", language).format(tag=_tag_label(t, language), n=fmt_int(u)))
             for t, u in zip(tags, units, strict=True)]
    for row, (key, values, number_format) in enumerate(panels, start=1):
        panel = plotly_text(label(key, language))
        suffix = "" if row == 1 else str(row)
        fig["data"].append({
            **_trace(
                "bar",
                orientation="h",
                y=sides,
                x=values,
                marker={"color": [colours.get(t, DEFAULTS.colorway[(n + 4) % len(DEFAULTS.colorway)])
                                  for n, t in enumerate(tags)]},
                texttemplate=f"%{{x:{number_format}}}",
                textposition="outside",
                cliponaxis=False,
                customdata=[[s_] for s_ in sides],
                hovertemplate=_hover("%{customdata[0]}", f"{panel}: %{{x:{number_format}}}"),
            ),
            "xaxis": f"x{suffix}",
            "yaxis": f"y{suffix}",
        })
        top = max([0.0, *(v for v in values if v is not None)])
        _update_axis(fig, f"yaxis{suffix}", type="category", autorange="reversed")
        _update_axis(fig, f"xaxis{suffix}", range=[0, (top or 1) * 1.3],
                     **({"tickformat": ".0%"} if number_format.endswith("%") else {}))
    return fig


def _stacked_domains(rows: int, spacing: float) -> list[tuple[float, float]]:
    """The vertical domains of `rows` plots in one column, top first, computed as plotly's make_subplots does."""
    height = (1.0 - spacing * (rows - 1)) / rows
    heights = [height] * rows
    out = []
    for r in range(rows):
        k = rows - 1 - r  # plots below this one
        start = sum(heights[:k]) + k * spacing
        end = start + heights[-1 - r]
        out.append((min(max(start, 0.0), 1.0) if -0.01 < start < 1.01 else start,
                    min(max(end, 0.0), 1.0) if -0.01 < end < 1.01 else end))
    return out


# Ratings (群众评议), commitments (公开承诺) and the appraisal (考核评分)

# Stacked charts put their legend at the bottom of the figure: above the plot, a legend of four or five entries
# wraps on a phone (plotly then lists one entry per line) and runs into the title. The bottom margin holds the
# legend listed one per line under the axis title; the figure grows by as much, so the plot keeps its height.
LEGEND_BELOW = {"traceorder": "normal", "orientation": "h", "xref": "container", "x": 0, "xanchor": "left",
                "yref": "container", "y": 0, "yanchor": "bottom"}
_LEGEND_LINE = 20  # px per legend entry listed on its own line


def _legend_below_margin(entries: int) -> int:
    return 56 + _LEGEND_LINE * entries


def _stacked_height(rows: int, entries: int) -> int:
    """Height of a horizontal stacked chart of `rows` categories with a legend of `entries` below it."""
    return _rows_height(rows) + _legend_below_margin(entries) - DEFAULTS.margin_bottom

RATING_SCORES = (5, 4, 3, 2, 1)  # 非常满意 first, as rating forms print them
# Text inside a segment: white on the dark ends of the scale, ink on the light middle.
_RATING_TEXT_ON_DARK = {"5", "1"}
COMMITMENT_SEGMENTS = ("kept", "late", "due_today", "overdue")
_COMMITMENT_LABELS = {"kept": "kpi.commitments_kept", "late": "kpi.commitments_late",
                      "due_today": "kpi.commitments_due_today", "overdue": "kpi.commitments_overdue"}


def rating_distribution_chart(*, ratings: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Stacked horizontal bars, one per question, of each score's share of its ratings (5 非常满意 … 1 不满意).

    `ratings` is UnitKpis.ratings: question ('' = all questions, shown first), count, score_1 … score_5.
    Questions without a rating are left out; none at all gives the 'no data' figure.
    """
    title = label("fig.rating_distribution", language)
    needed = {"question", "count", *(f"score_{s}" for s in RATING_SCORES)}
    if ratings is None or ratings.empty or not needed <= set(ratings.columns):
        return empty_chart(language=language, title=title)
    rows = ratings[pd.to_numeric(ratings["count"], errors="coerce").fillna(0) > 0]
    if rows.empty:
        return empty_chart(language=language, title=title)
    names = [plotly_text(label("rating.all_questions", language) if q == "" else q) for q in rows["question"]]
    names = _distinct(names, list(range(len(names))))
    counts = rows["count"].astype(float).tolist()
    fig = _figure(title, _stacked_height(len(names), len(RATING_SCORES)))
    for score in RATING_SCORES:
        n = rows[f"score_{score}"].astype(float).tolist()
        colour = DEFAULTS.rating_colours[str(score)]
        score_label = plotly_text(label(f"score.{score}", language))
        fig["data"].append(
            _trace(
                "bar",
                orientation="h",
                y=names,
                x=[v / c for v, c in zip(n, counts, strict=True)],
                name=f"{score} {score_label}",
                marker={"color": colour},
                texttemplate="%{x:.0%}",
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": DEFAULTS.background if str(score) in _RATING_TEXT_ON_DARK else DEFAULTS.text_colour},
                customdata=[[name, fmt_int(v), fmt_int(c)] for name, v, c in zip(names, n, counts, strict=True)],
                hovertemplate=_hover(
                    "%{customdata[0]}",
                    f"{score} {score_label}: %{{customdata[1]}} / %{{customdata[2]}} (%{{x:.2%}})",
                ),
            )
        )
    _update(fig["layout"], barmode="stack", uniformtext={"minsize": 10, "mode": "hide"}, legend=LEGEND_BELOW,
            margin={"b": _legend_below_margin(len(RATING_SCORES))})
    _update_axis(fig, "xaxis", title_text=plotly_text(label("axis.share_of_ratings", language)), tickformat=".0%",
                 range=[0, 1])
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def ratings_by_child_chart(*, by_child: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Horizontal bars of each child's satisfaction (满意率), highest first, with its mean score and ratings.

    `by_child` has name (and unit_id), count, mean, satisfaction; children without a rating are left out.
    """
    title = label("fig.ratings_by_child", language)
    if by_child is None or by_child.empty or not {"count", "mean", "satisfaction"} <= set(by_child.columns):
        return empty_chart(language=language, title=title)
    rated = by_child[pd.to_numeric(by_child["count"], errors="coerce").fillna(0) > 0]
    if rated.empty:
        return empty_chart(language=language, title=title)
    rated = rated.assign(_name=_unit_names(rated)).sort_values("satisfaction", ascending=False, kind="stable")
    names = [plotly_text(n) for n in rated["_name"]]
    satisfaction = [as_number(v) for v in rated["satisfaction"]]
    means = [fmt_score(v) for v in rated["mean"]]
    counts = [fmt_int(v) for v in rated["count"]]
    mean_label = label("col.rating_mean", language)
    fig = _figure(title, _rows_height(len(names)))
    fig["data"].append(
        _trace(
            "bar",
            orientation="h",
            y=names,
            x=satisfaction,
            marker={"color": DEFAULTS.rating_colours["5"]},
            texttemplate="%{x:.2%}",
            textposition="outside",
            cliponaxis=False,
            name=plotly_text(label("kpi.satisfaction", language)),
            customdata=[[n, m, c] for n, m, c in zip(names, means, counts, strict=True)],
            hovertemplate=_hover(
                "%{customdata[0]}",
                f"{label('kpi.satisfaction', language)}: %{{x:.2%}}",
                f"{mean_label}: %{{customdata[1]}}",
                f"{label('col.rating_count', language)}: %{{customdata[2]}}",
            ),
        )
    )
    _update(fig["layout"], showlegend=False)
    _update_axis(fig, "xaxis", title_text=plotly_text(label("kpi.satisfaction", language)), tickformat=".0%", range=[0, 1.18],
                 tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0])
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def commitments_by_child_chart(*, by_child: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Stacked horizontal bars of each child's due commitments by status at as_of (kept on time, kept late, due
    today, overdue), highest fulfilment first.

    `by_child` has name (and unit_id), kept, late, due_today, overdue; children with nothing due are left out.
    """
    title = label("fig.commitments_by_child", language)
    if by_child is None or by_child.empty or not set(COMMITMENT_SEGMENTS) <= set(by_child.columns):
        return empty_chart(language=language, title=title)
    counts = by_child.assign(**{s: pd.to_numeric(by_child[s], errors="coerce").fillna(0) for s in COMMITMENT_SEGMENTS})
    due = counts[list(COMMITMENT_SEGMENTS)].sum(axis=1)
    counts = counts[due > 0].assign(_due=due[due > 0])
    if counts.empty:
        return empty_chart(language=language, title=title)
    counts = counts.assign(_name=_unit_names(counts), _fulfilment=counts["kept"] / counts["_due"])
    counts = counts.sort_values("_fulfilment", ascending=False, kind="stable")
    names = [plotly_text(n) for n in counts["_name"]]
    fulfilment = [fmt_percent(v) for v in counts["_fulfilment"]]
    fig = _figure(title, _stacked_height(len(names), len(COMMITMENT_SEGMENTS)))
    for segment in COMMITMENT_SEGMENTS:
        values = counts[segment].astype(float).tolist()
        segment_label = label(_COMMITMENT_LABELS[segment], language)
        fig["data"].append(
            _trace(
                "bar",
                orientation="h",
                y=names,
                x=values,
                name=plotly_text(segment_label),
                marker={"color": DEFAULTS.commitment_colours[segment]},
                texttemplate="%{x:,}",
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": DEFAULTS.text_colour if segment == "late" else DEFAULTS.background},
                customdata=[[n, f, fmt_int(d)] for n, f, d in zip(names, fulfilment, counts["_due"], strict=True)],
                hovertemplate=_hover(
                    "%{customdata[0]}",
                    f"{segment_label}: %{{x:,}} / %{{customdata[2]}}",
                    f"{label('kpi.commitment_fulfilment', language)}: %{{customdata[1]}}",
                ),
            )
        )
    _update(fig["layout"], barmode="stack", uniformtext={"minsize": 10, "mode": "hide"}, legend=LEGEND_BELOW,
            margin={"b": _legend_below_margin(len(COMMITMENT_SEGMENTS))})
    _update_axis(fig, "xaxis", title_text=plotly_text(label("axis.commitments", language)), rangemode="tozero",
                 **({"dtick": 1} if counts["_due"].max() <= 10 else {}))
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def appraisal_items_chart(*, items: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> Spec:
    """Per appraisal item, points earned and points lost stacked to its weight, 'earned / weight' at the end.

    `items` has label (the item's name), weight, points, lost, applies and has_data, in the spec's order. An item
    that does not apply shows no bar and says so; an applicable item without data loses its whole weight.
    """
    title = label("fig.appraisal_items", language)
    if items is None or items.empty or not {"label", "weight", "points", "lost", "applies"} <= set(items.columns):
        return empty_chart(language=language, title=title)
    names = _distinct([plotly_text(n) for n in items["label"]], list(range(len(items))))
    applies = [bool(a) for a in items["applies"]]
    has_data = [bool(d) for d in items["has_data"]] if "has_data" in items.columns else applies
    earned = [as_number(p) if a else 0.0 for p, a in zip(items["points"], applies, strict=True)]
    lost = [as_number(x) if a else 0.0 for x, a in zip(items["lost"], applies, strict=True)]
    weights = [fmt_number(w) for w in items["weight"]]
    ends = []
    for a, d, p, w in zip(applies, has_data, earned, weights, strict=True):
        if not a:
            ends.append(plotly_text(label("item.not_applicable", language)))
        elif not d:
            ends.append(f"{plotly_text(label('item.no_data', language))} · {fmt_score(0)} / {w}")
        else:
            ends.append(f"{fmt_score(p)} / {w}")
    fig = _figure(title, _stacked_height(len(names), 2))
    points_label, lost_label = label("legend.points", language), label("legend.lost", language)
    customdata = [[n, fmt_score(p) if a else MISSING, fmt_score(x) if a else MISSING, w]
                  for n, p, x, w, a in zip(names, earned, lost, weights, applies, strict=True)]
    hover = _hover("%{customdata[0]}", f"{points_label}: %{{customdata[1]}}", f"{lost_label}: %{{customdata[2]}}",
                   f"{label('col.weight', language)}: %{{customdata[3]}}")
    fig["data"].append(_trace("bar", orientation="h", y=names, x=earned, name=plotly_text(points_label),
                         marker={"color": DEFAULTS.earned_colour}, customdata=customdata, hovertemplate=hover))
    fig["data"].append(_trace("bar", orientation="h", y=names, x=lost, name=plotly_text(lost_label),
                         marker={"color": DEFAULTS.lost_colour}, text=ends, texttemplate="%{text}", textposition="outside",
                         cliponaxis=False, customdata=customdata, hovertemplate=hover))
    top = max([1.0, *(as_number(w) or 0.0 for w in items["weight"])])
    _update(fig["layout"], barmode="stack", showlegend=True, legend=LEGEND_BELOW, margin={"b": _legend_below_margin(2)})
    _update_axis(fig, "xaxis", title_text=plotly_text(label("axis.points", language)), range=[0, top * 1.4])
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def appraisal_ranking_chart(
    *, ranking: pd.DataFrame, thresholds: Iterable[tuple[str, float]] = (), language: str = DEFAULT_LANGUAGE
) -> Spec:
    """Horizontal bars of units' appraisal scores, best first, coloured by grade, with the grade thresholds marked.

    `ranking` is Appraisal.ranking output (unit_id, name, score, grade, rank); units without a score are left out.
    """
    title = label("fig.appraisal_children", language)
    if ranking is None or ranking.empty or not {"score", "grade"} <= set(ranking.columns):
        return empty_chart(language=language, title=title)
    scored = ranking[pd.to_numeric(ranking["score"], errors="coerce").notna()]
    if scored.empty:
        return empty_chart(language=language, title=title)
    scored = scored.assign(_name=_unit_names(scored)).sort_values("score", ascending=False, kind="stable")
    names = [plotly_text(n) for n in scored["_name"]]
    grades = [grade_key(g) for g in scored["grade"]]
    ranks = [fmt_int(r) for r in (scored["rank"] if "rank" in scored.columns else [None] * len(scored))]
    fig = _figure(title, _rows_height(len(names)))
    for grade in dict.fromkeys(grades):
        rows = [i for i, g in enumerate(grades) if g == grade]
        grade_name = plotly_text(grade_label(grade, language))
        fig["data"].append(
            _trace(
                "bar",
                orientation="h",
                y=[names[i] for i in rows],
                x=[float(scored["score"].iloc[i]) for i in rows],
                name=grade_name,
                marker={"color": DEFAULTS.grade_colours[grade]},
                texttemplate="%{x:.2f}",
                textposition="outside",
                cliponaxis=False,
                customdata=[[names[i], grade_name, ranks[i]] for i in rows],
                hovertemplate=_hover(
                    "%{customdata[0]}",
                    f"{label('col.score', language)}: %{{x:.2f}}",
                    f"{label('col.grade', language)}: %{{customdata[1]}}",
                    f"{label('col.rank', language)}: %{{customdata[2]}}",
                ),
            )
        )
    # Each threshold a dotted line labelled above the plot: the lowest label left of its line, the highest right of
    # it, any between one row higher, so that no two labels overlap even on a phone.
    lines = sorted((float(v), name) for name, v in thresholds)
    for n, (value, name) in enumerate(lines):
        first, last = n == 0, n == len(lines) - 1
        _add_vline(fig, x=value, line={"color": DEFAULTS.muted_colour, "width": 1, "dash": "dot"})
        _add_annotation(fig,
            x=value, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
            xanchor="right" if first and not last else "left" if last and not first else "center",
            yshift=2 if first or last else 18,
            text=f"{plotly_text(grade_label(name, language))} {fmt_number(value)}",
            font={"color": DEFAULTS.muted_colour, "size": 11},
        )
    _update(fig["layout"], barmode="overlay", showlegend=False)
    _update_axis(fig, "xaxis", title_text=plotly_text(label("axis.score", language)), range=[0, 112],
                 tickvals=[0, 20, 40, 60, 80, 100])
    _update_axis(fig, "yaxis", type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def compare_units_chart(
    *,
    frame: pd.DataFrame,
    metric_label: str,
    language: str = DEFAULT_LANGUAGE,
    percent: bool = False,
) -> Spec:
    """Grouped bars comparing a few units on one metric: one bar group per key, one colour per unit.

    `frame` is long: name (or unit_id), key, value, one row per unit and key (a later duplicate wins). Keys
    are shown as given, so translate codes first; an empty key stands for the total, shown as metric_label.
    With unit_id present two units of the same name are told apart. `percent` formats values as shares.
    """
    if (
        frame is None
        or frame.empty
        or not {"key", "value"} <= set(frame.columns)
        or not ({"name", "unit_id"} & set(frame.columns))
    ):
        return empty_chart(language=language, title=metric_label)
    f = frame.assign(
        _name=_unit_names(frame),
        _unit=_unit_keys(frame),
        _key=[metric_label if k is None or str(k) == "" else str(k) for k in frame["key"]],
    )
    keys = list(dict.fromkeys(f["_key"]))
    units = list(dict.fromkeys(f["_unit"]))
    names = dict(zip(f["_unit"], f["_name"], strict=True))
    shown = dict(zip(units, _distinct([names[u] for u in units], units), strict=True))
    values = {(u, k): as_number(v) for u, k, v in zip(f["_unit"], f["_key"], f["value"], strict=True)}
    fig = _figure(metric_label)
    value_format = ".2%" if percent else ",.2~f"
    categories = [plotly_text(k) for k in keys]
    for u in units:
        name = plotly_text(shown[u])
        fig["data"].append(
            _trace(
                "bar",
                x=categories,
                y=[values.get((u, k)) for k in keys],
                name=name,
                customdata=[[name, c] for c in categories],
                hovertemplate=_hover("%{customdata[0]}", f"%{{customdata[1]}}: %{{y:{value_format}}}"),
            )
        )
    _update(fig["layout"], barmode="group", showlegend=True)
    _update_axis(fig, "xaxis", type="category")
    _update_axis(fig, "yaxis",
        title_text=plotly_text(metric_label), rangemode="tozero", **({"tickformat": ".0%"} if percent else {})
    )
    return fig


# Internals


def with_width(fig: Spec, width: int | None) -> Spec:
    """The figure at a fixed width in pixels (None: the width of its container), the given spec left as it was."""
    return {**fig, "layout": {**fig["layout"], "width": width}}


def _figure(title: str | None, height: int | None = None) -> Spec:
    """A figure without traces: its height, the template and its title (a layout's first keys, alphabetical)."""
    layout: dict = {"height": height or DEFAULTS.height, "template": TEMPLATE}
    if title:
        layout["title"] = {"text": plotly_text(title)}
    return {"data": [], "layout": layout}


def _trace(kind: str, **props: object) -> dict:
    """A trace as plotly writes one it constructed: properties unset when None, in alphabetical order at every
    level, the type last."""
    return {**_ordered(props), "type": kind}


def _ordered(props: Mapping[str, object]) -> dict:
    return {k: _ordered(v) if isinstance(v, Mapping) else v for k, v in sorted(props.items()) if v is not None}


def _update(target: dict, **changes: object) -> dict:
    """plotly's `update`: a nested object merged key by key, any other value replaced, a key new to the target added
    last; as plotly applies an update, nested objects first, then the other values, each in the order given."""
    for key, value in _objects_first(changes):
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _update(target[key], **value)
        else:
            target[key] = _copied(value)
    return target


def _objects_first(changes: Mapping[str, object]) -> list[tuple[str, object]]:
    return sorted(changes.items(), key=lambda item: not isinstance(item[1], Mapping))


def _copied(value: object) -> object:
    return {k: _copied(v) for k, v in _objects_first(value)} if isinstance(value, Mapping) else value


def _update_axis(fig: Spec, axis: str, **props: object) -> None:
    """plotly's `update_xaxes` / `update_yaxes` of one axis (`title_text` is the title's text)."""
    changes = {("title" if k == "title_text" else k): ({"text": v} if k == "title_text" else v) for k, v in props.items()}
    _update(fig["layout"], **{axis: changes})


def _add_annotation(fig: Spec, **props: object) -> None:
    fig["layout"].setdefault("annotations", []).append(_ordered(props))


def _add_vline(fig: Spec, x: float, line: Mapping[str, object], layer: str | None = None) -> None:
    """A vertical line across the plot at x, as plotly's `add_vline` draws it."""
    shape = {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line,
             "layer": layer}
    fig["layout"].setdefault("shapes", []).append(_ordered(shape))


def _hover(*lines: str) -> str:
    """A hover template from fixed text and %{...} references; the empty <extra> hides the trace name box."""
    return "<br>".join(lines) + "<extra></extra>"


def _rows_height(rows: int) -> int:
    """Height for a horizontal bar chart of `rows` categories: the plot grows by one row height per category, so
    that a bar is never thicker than a row (a single bar is not a 200 px slab), up to max_height."""
    needed = DEFAULTS.margin_top + DEFAULTS.margin_bottom + 40 + DEFAULTS.row_height * rows
    return min(DEFAULTS.max_height, needed)


def _percent(x: object) -> float | None:
    value = as_number(x)
    return None if value is None else value * 100.0


def _ratio(numerator: object, denominator: object) -> float | None:
    n, d = as_number(numerator), as_number(denominator)
    return None if n is None or not d else n / d


def _distinct(names: list[str], keys: Iterable[object]) -> list[str]:
    """Names with the key appended where a name is shared, so plotly does not merge two categories."""
    names = ["" if pd.isna(n) else str(n) for n in names]
    seen = Counter(names)
    return [f"{n} ({k})" if seen[n] > 1 else n for n, k in zip(names, keys, strict=True)]


def _unit_names(frame: pd.DataFrame) -> list[str]:
    """Display names of a frame's units, told apart by unit_id when two share a name."""
    ids = _unit_keys(frame)
    raw = frame["name"] if "name" in frame.columns else pd.Series(ids, index=frame.index)
    names = [str(i) if pd.isna(n) or str(n) == "" else str(n) for n, i in zip(raw.tolist(), ids, strict=True)]
    if "unit_id" not in frame.columns:
        return names
    # The same unit may appear on several rows; only distinct units of the same name need their code.
    units_per_name: dict[str, set[str]] = {}
    for n, i in zip(names, ids, strict=True):
        units_per_name.setdefault(n, set()).add(i)
    return [f"{n} ({i})" if len(units_per_name[n]) > 1 else n for n, i in zip(names, ids, strict=True)]


def _unit_keys(frame: pd.DataFrame) -> list[str]:
    column = "unit_id" if "unit_id" in frame.columns else "name"
    return ["" if pd.isna(v) else str(v) for v in frame[column].tolist()]


def _tag_label(tag: str, language: str) -> str:
    key = f"tag.{tag}"
    return label(key, language) if label(key, language) != key else tag


def _ranked_bars(
    values: pd.Series | None,
    name_of: Callable[[str], str],
    title_key: str,
    axis_key: str,
    language: str,
    colour: str,
) -> Spec:
    """Horizontal bars of a Series indexed by code, largest at the top, with each bar's share of the total."""
    title = label(title_key, language)
    if values is None or len(values) == 0:
        return empty_chart(language=language, title=title)
    s = pd.to_numeric(pd.Series(values), errors="coerce").dropna().sort_values(ascending=False, kind="stable")
    if s.empty:
        return empty_chart(language=language, title=title)
    codes = [str(c) for c in s.index]
    names = [plotly_text(n) for n in _distinct([name_of(c) for c in codes], codes)]
    total = float(s.sum())
    numbers = [float(v) for v in s]
    axis_label = label(axis_key, language)
    fig = _figure(title, _rows_height(len(names)))
    fig["data"].append(
        _trace(
            "bar",
            orientation="h",
            y=names,
            x=numbers,
            marker={"color": colour},
            texttemplate="%{x:,}",
            textposition="outside",
            cliponaxis=False,
            name=plotly_text(axis_label),
            customdata=[[n, v / total if total else None] for n, v in zip(names, numbers, strict=True)],
            hovertemplate=_hover(
                "%{customdata[0]}",
                f"{axis_label}: %{{x:,}}",
                f"{label('axis.share', language)}: %{{customdata[1]:.2%}}",
            ),
        )
    )
    _update(fig["layout"], showlegend=False)
    _update_axis(fig, "yaxis", type="category", autorange="reversed")
    _update_axis(fig, "xaxis", title_text=plotly_text(axis_label), **count_axis(max(numbers)))
    return fig


def _trend_bins(visits: pd.DataFrame | None, start: dt.date, end: dt.date, freq: str) -> pd.DataFrame | None:
    """Events and person-times per bin over [start, end], zero-filled, with each bin's first and last day clipped
    to [start, end], its days and the days of a whole bin; None when there is nothing to show."""
    if visits is None or visits.empty or "date" not in visits.columns:
        return None
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if lo > hi:
        return None
    period = _PERIOD_FREQ[freq]
    # Rows counted per day of [lo, hi] with numpy (1,000,000 rows in milliseconds), then the days summed per bin.
    days = pd.to_datetime(visits["date"], errors="coerce").to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    n = (hi - lo).days + 1
    day = (days - np.datetime64(lo.date(), "D")).astype("int64")
    keep = ~np.isnat(days) & (day >= 0) & (day < n)
    if not keep.any():
        return None
    persons = (
        pd.to_numeric(visits["persons"], errors="coerce").astype(float).fillna(0.0).to_numpy(dtype="float64")
        if "persons" in visits.columns
        else np.zeros(len(visits))
    )
    periods = pd.period_range(lo, hi, freq=period)
    whole_first = periods.start_time
    whole_last = periods.end_time.normalize()
    first = whole_first.where(whole_first >= lo, lo)
    last = whole_last.where(whole_last <= hi, hi)
    # A bin's days are a run of [lo, hi] starting at its first day: the days' counts summed per run.
    starts = np.asarray((first - lo).days, dtype="int64")
    events = np.add.reduceat(np.bincount(day[keep], minlength=n), starts).astype("int64")
    # Person counts are whole numbers: their float sums are exact in any order.
    persons_sum = np.add.reduceat(np.bincount(day[keep], weights=persons[keep], minlength=n), starts)
    return pd.DataFrame({"events": events, "persons": persons_sum, "first": first, "last": last,
                         "days": (last - first).days + 1, "whole_days": (whole_last - whole_first).days + 1},
                        index=first)


def _trend_ticks(firsts: list[dt.date], freq: str) -> tuple[list[dt.date], list[str]]:
    """At most six ticks on the starts of whole bins (Mondays, first days of months; every k-th one, and for days
    Mondays beyond a week), evenly spaced and short enough to stay horizontal on a phone: month-day with the year
    under the first tick and wherever the year changes; months as year-month."""
    if freq == "D" and len(firsts) <= 7:
        candidates = firsts
    else:
        whole = [d for d in firsts if (d.day == 1 if freq == "MS" else d.weekday() == 0)]
        candidates = whole or firsts
    step = max(1, math.ceil(len(candidates) / 6))
    values = candidates[::step]
    texts, year = [], None
    for d in values:
        if freq == "MS":
            texts.append(d.strftime("%Y-%m"))
        else:
            texts.append(d.strftime("%m-%d") + (f"<br>{d.year}" if d.year != year else ""))
        year = d.year
    return values, texts


__all__ = [
    "DEFAULTS",
    "TEMPLATE",
    "TREND_FREQS",
    "FigureDefaults",
    "Spec",
    "appraisal_items_chart",
    "appraisal_ranking_chart",
    "bullet_chart",
    "commitments_by_child_chart",
    "compare_units_chart",
    "coverage_chart",
    "empty_chart",
    "events_by_kind_chart",
    "pace_over_time_chart",
    "persons_by_group_chart",
    "plotly_text",
    "rating_distribution_chart",
    "ratings_by_child_chart",
    "survey_funnel_chart",
    "survey_rates_by_child_chart",
    "tag_comparison_chart",
    "target_pace_chart",
    "trend_freq",
    "visits_trend_chart",
    "with_width",
]
