"""The evaluation sections of a unit: 群众评议 (ratings), 公开承诺 (commitments) and 考核评分 (the appraisal).

Each function returns the parts of one section, as `sections.Section` holds them: HTML fragments made by the
ui macros (every value escaped) and (div id, figure) pairs from the figure builders. The report's UnitReport
methods and the explorer both show these parts, so a unit reads the same in both. A campaign without the
table (or without an appraisal section) has no such section: one line at the end (`not_recorded_parts`) lists
what it does not record; a unit without rows gets its heading and a "no data" note. Numbers are formatted by
`labels.fmt_*` only, so nothing reads "NaN".

The appraisal shows everything a reader needs to recompute a score by hand: each item's value, full marks at,
weight, points earned and lost (or "not applicable" / "no data"), the total, the rule in one sentence and the
unit's own division. Points are shown to 2 decimals, adjusted by a cent where rounding would make the rows
disagree with the total (the usual 尾差 adjustment), so the breakdown adds up to the score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from analytics.data.campaign import Campaign
from analytics.data.meta import CampaignMeta
from analytics.measures.evaluation import UnitAppraisal, shown_points
from analytics.report import charts
from analytics.report.bounds import CHILDREN_SHOWN, bounded_note, ranked, top_and_bottom
from analytics.report.layout import OutputLayout, page_href, page_to_download
from analytics.report.templating import Cell, Column, Link, Row, Table, macros
from analytics.text.labels import MISSING, as_number, fmt_date, fmt_int, fmt_number, fmt_percent, fmt_score, label, message
from analytics.text.language import rules_of

Part = str | tuple[str, charts.Spec]
MAX_OVERDUE_ROWS = 50  # overdue commitments listed on a page; the count of the rest follows
SCORES = (5, 4, 3, 2, 1)
# Appraisal metrics whose values are shares, shown as percentages (the others are a mean score or counts).
PERCENT_METRICS = frozenset({
    "completion", "coverage", "grassroots_coverage", "survey_return_rate", "survey_validity", "survey_effective_rate",
    "satisfaction", "commitment_fulfilment",
})
_CENT = Decimal("0.01")
# Tables whose text columns keep a readable width on a phone (they scroll sideways instead of breaking names).
TEXT_TABLE = "text-cols"

RATING_COLUMNS = (
    Column("col.question"), Column("col.rating_count", numeric=True), Column("col.rating_mean", numeric=True),
    Column("col.satisfaction", numeric=True), *(Column(f"score.{s}", numeric=True) for s in SCORES),
)
CHILD_RATING_COLUMNS = (
    Column("col.unit"), Column("col.rating_count", numeric=True), Column("col.rating_mean", numeric=True),
    Column("col.satisfaction", numeric=True),
)
OVERDUE_COLUMNS = (
    Column("col.unit"), Column("col.commitment"), Column("col.due", numeric=True),
    Column("col.days_overdue", numeric=True),
)
ITEM_COLUMNS = (
    Column("col.item"), Column("col.item_value", numeric=True), Column("col.full_at", numeric=True),
    Column("col.weight", numeric=True), Column("col.points", numeric=True), Column("col.lost", numeric=True),
)


# --------------------------------------------------------------------------- 群众评议


def ratings_parts(*, ratings: pd.DataFrame | None, children: pd.DataFrame | None, meta: CampaignMeta,
                  language: str, present: bool = True, links: bool = True, bound: int = CHILDREN_SHOWN) -> list[Part]:
    """Cards (ratings, mean score, 满意率), a table by question with the count of each score, the distribution of
    scores, and the children's satisfaction compared.

    `ratings` is UnitKpis.ratings ('' = all questions first); `children` kpis.children_ratings; `present` False:
    the campaign has no responses table (no section: `not_recorded_parts` says so); `links` False: unit names without links.
    """
    ui = macros(language)
    if not present:
        return []
    parts: list[Part] = [ui.heading("ratings")]
    if ratings is None or ratings.empty or not ratings["count"].iloc[0]:
        return [*parts, ui.note("no_data")]
    overall = ratings.iloc[0]
    parts.append(ui.kpi_cards({
        "rating_count": fmt_int(overall["count"]),
        "rating_mean": fmt_score(overall["mean"]),
        "satisfaction": fmt_percent(overall["satisfaction"]),
    }))
    parts.append(ui.subheading("sub.ratings_by_question"))
    rows = []
    for r in ratings.to_dict("records"):
        question = label("rating.all_questions", language) if r["question"] == "" else r["question"]
        rows.append(Row(
            (question, fmt_int(r["count"]), fmt_score(r["mean"]), fmt_percent(r["satisfaction"]),
             *(fmt_int(r[f"score_{s}"]) for s in SCORES)),
            css_class="total" if r["question"] == "" else "",
        ))
    parts.append(ui.data_table(Table(RATING_COLUMNS, rows, css_class=TEXT_TABLE)))
    lowest = label(f"score.{meta.satisfaction_min}", language)
    parts.append(ui.paragraph(message("report.satisfaction_rule", language, min=meta.satisfaction_min, lowest=lowest),
                              "note"))
    parts.append(("chart-rating-distribution", charts.rating_distribution_chart(ratings=ratings, language=language)))
    if children is not None and not children.empty:
        rated = children["count"] > 0
        if rated.any():
            parts.append(ui.subheading("sub.ratings_children"))
            best_first = children[rated].sort_values("satisfaction", ascending=False, kind="stable")
            cut = top_and_bottom(best_first, bound)
            parts.append(("chart-ratings-children", charts.ratings_by_child_chart(
                by_child=cut.rows if cut.rest else children, language=language)))
            parts.append(ui.data_table(Table(CHILD_RATING_COLUMNS, [
                Row((Cell(c.name, href=page_href(c.unit_id) if links else None), fmt_int(c.count), fmt_score(c.mean),
                     fmt_percent(c.satisfaction)))
                for c in cut.rows.itertuples(index=False)
            ], css_class=TEXT_TABLE)))
            if cut.rest:
                parts.append(bounded_note(cut, "col.satisfaction", language, links))
        if not rated.all():
            parts.append(ui.note("note.unrated_children", int((~rated).sum())))
    return parts


# --------------------------------------------------------------------------- 公开承诺


def commitments_parts(*, figures_: dict[str, float] | None, overdue: pd.DataFrame | None,
                      children: pd.DataFrame | None, as_of: dt.date, language: str, present: bool = True,
                      links: bool = True, bound: int = CHILDREN_SHOWN) -> list[Part]:
    """Cards (承诺兑现率, due, kept on time, kept late, overdue, due today), the fulfilment written out (and how many
    are not yet due),
    the children compared, and the overdue commitments listed (unit, text, due date, days overdue; the first
    MAX_OVERDUE_ROWS, then how many more, and on a page a link to kpis.xlsx, whose sheet lists them all).

    `figures_` is UnitKpis.commitments, `overdue` UnitKpis.overdue_commitments, `children`
    kpis.children_commitments; `links` False: unit names without links (the explorer has no pages).
    """
    ui = macros(language)
    if not present:
        return []
    parts: list[Part] = [ui.heading("commitments")]
    if not figures_ or not figures_.get("total"):
        return [*parts, ui.note("no_data")]
    f = figures_
    parts.append(ui.kpi_cards({
        "commitment_fulfilment": fmt_percent(f["fulfilment"]),
        "commitments_due": fmt_int(f["due"]),
        "commitments_kept": fmt_int(f["kept"]),
        "commitments_late": fmt_int(f["late"]),
        "commitments_overdue": fmt_int(f["overdue"]),
        "commitments_due_today": fmt_int(f["due_today"]),
    }))
    parts.append(ui.paragraph(message(
        "report.fulfilment_rule", language, kept=fmt_int(f["kept"]), due=fmt_int(f["due"]), late=fmt_int(f["late"]),
        overdue=fmt_int(f["overdue"]), due_today=fmt_int(f["due_today"]), fulfilment=fmt_percent(f["fulfilment"]),
        not_due=fmt_int(f["not_due"]), as_of=fmt_date(as_of, language)), "note"))
    if children is not None and not children.empty:
        due = children["due"] > 0
        if due.any():
            parts.append(ui.subheading("sub.commitments_children"))
            # ranked as the chart ranks them: kept on time ÷ (kept + late + due today + overdue), highest first
            segments = children[due][["kept", "late", "due_today", "overdue"]].apply(pd.to_numeric, errors="coerce")
            segments = segments.fillna(0)
            cut = top_and_bottom(ranked(children[due].assign(_kept_share=segments["kept"] / segments.sum(axis=1)),
                                        "_kept_share"), bound)
            parts.append(("chart-commitments-children", charts.commitments_by_child_chart(
                by_child=cut.rows.drop(columns="_kept_share") if cut.rest else children, language=language)))
            if cut.rest:
                parts.append(bounded_note(cut, "kpi.commitment_fulfilment", language, links))
        if not due.all():
            parts.append(ui.note("note.no_due_children", int((~due).sum())))
    parts.append(ui.subheading("sub.overdue"))
    if overdue is None or overdue.empty:
        parts.append(ui.note("note.no_overdue"))
        return parts
    rows = [
        Row((Cell(c.name, href=page_href(c.unit_id) if links else None), Cell(c.text, code=c.commitment_id),
             _date(c.due), fmt_int(c.days_overdue)))
        for c in overdue.head(MAX_OVERDUE_ROWS).itertuples(index=False)
    ]
    parts.append(ui.data_table(Table(OVERDUE_COLUMNS, rows, css_class=TEXT_TABLE)))
    if len(overdue) > MAX_OVERDUE_ROWS:
        more = len(overdue) - MAX_OVERDUE_ROWS
        if links:  # a page: the full list is in the folder's kpis.xlsx
            text = message("report.more_overdue", language, count=more, sheet=label("sheet.overdue", language))
            parts.append(ui.note_with_link(text, Link(page_to_download(OutputLayout.KPIS_XLSX),
                                                      OutputLayout.KPIS_XLSX)))
        else:
            parts.append(ui.note("more_rows", more))
    return parts


def _date(value: object) -> str:
    return MISSING if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


# --------------------------------------------------------------------------- 考核评分


def appraisal_parts(*, appraisal: UnitAppraisal | None, children_items: pd.DataFrame | None, meta: CampaignMeta,
                    language: str, links: bool = True, bound: int = CHILDREN_SHOWN) -> list[Part]:
    """Cards (score, grade, rank among siblings), the breakdown by item (value, full marks at, weight, points
    earned and lost, 'not applicable' / 'no data'), the scoring rule in one sentence and this unit's division,
    then the children's ranking (a chart and a table with each item's points).

    `appraisal` is UnitKpis.appraisal (None: the campaign has no appraisal section, and the page none either);
    `children_items` the evaluation.appraisal_items rows of the unit's children.
    """
    ui = macros(language)
    if appraisal is None:
        return []
    a = appraisal
    parts: list[Part] = [ui.heading("appraisal")]
    cards = {"appraisal_score": fmt_score(a.score), "grade": ui.grade_badge(a.grade)}
    if a.ranked_among > 1 or a.rank is None:  # a unit without siblings has no rank among them: say nothing
        cards["rank_among_siblings"] = MISSING if a.rank is None else f"{a.rank} / {a.ranked_among}"
    parts.append(ui.kpi_cards(cards))
    if a.capped_by:
        parts.append(ui.paragraph(message("report.grade_capped", language, rule=message(f"veto.{a.capped_by}", language),
                                          grade=label(f"grade.{a.grade}", language)), "rule"))
    parts.append(ui.subheading("sub.appraisal_items"))
    items = a.items.assign(label=[item_label(m, k, meta, language) for m, k in zip(a.items["metric"], a.items["key"],
                                                                                  strict=True)])
    # Shown rescaled to 100 when some items do not apply (docs/domain.md, "Appraisal"): weights and points alike.
    scale = Decimal(100) / Decimal(f"{a.weights:.9f}") if a.weights > 0 else Decimal(1)
    weights = [float(Decimal(str(w)) * scale) if scale == 1 else float((Decimal(str(w)) * scale).quantize(_CENT))
               for w in items["weight"]]
    shown, adjusted = shown_points(items["points"].where(items["applies"]).tolist(), a.weights)
    items = items.assign(points=[as_number(p) for p in shown], weight=weights,
                         lost=[None if p is None else float(Decimal(str(w)) - p)
                               for p, w in zip(shown, weights, strict=True)])
    parts.append(ui.data_table(Table(ITEM_COLUMNS, _item_rows(items, language), css_class=TEXT_TABLE)))
    if adjusted:
        parts.append(ui.note("note.points_rounded"))
    parts.append(("chart-appraisal-items", charts.appraisal_items_chart(items=items, language=language)))
    thresholds = dict(a.spec.thresholds)
    parts.append(ui.paragraph(message("report.appraisal_rule", language, excellent=fmt_number(thresholds["excellent"]),
                                      good=fmt_number(thresholds["good"]), **{"pass": fmt_number(thresholds["pass"])}),
                              "rule"))
    if a.weights > 0:
        parts.append(ui.paragraph(message("report.appraisal_this_unit", language, points=fmt_score(a.points),
                                          weights=fmt_number(a.weights), score=fmt_score(a.score)), "rule"))
    if not a.children.empty:
        parts.append(ui.subheading("sub.appraisal_children"))
        scored = a.children[pd.to_numeric(a.children["score"], errors="coerce").notna()]
        cut = top_and_bottom(ranked(scored, "score"), bound)
        children = cut.rows if cut.rest else a.children
        parts.append(("chart-appraisal-children", charts.appraisal_ranking_chart(
            ranking=children, thresholds=a.spec.thresholds, language=language)))
        parts.append(ui.data_table(_children_table(a, children, children_items, meta, language, links)))
        if cut.rest:
            parts.append(bounded_note(cut, "col.score", language, links))
        unscored = int(a.children["score"].isna().sum())
        if unscored:
            parts.append(ui.note("note.unscored_children", unscored))
    return parts


# --------------------------------------------------------------------------- what a campaign does not record

SECTIONS = ("ratings", "commitments", "appraisal")


def not_recorded(campaign: Campaign) -> list[str]:
    """The evaluation sections (SECTIONS) the campaign has nothing for: no responses table, no commitments table,
    no appraisal section in campaign.yaml."""
    has = {"ratings": "responses" in campaign.present, "commitments": "commitments" in campaign.present,
           "appraisal": campaign.meta.appraisal is not None}
    return [key for key in SECTIONS if not has[key]]


def not_recorded_parts(keys: Sequence[str], language: str) -> list[Part]:
    """One line naming what the campaign does not record ("本活动未记录：公开承诺、考核评分。"), or nothing."""
    if not keys:
        return []
    sep = rules_of(language).list_separator
    names = sep.join(label(f"not_recorded.{key}", language) for key in keys)
    return [macros(language).not_recorded(message("report.not_recorded", language, sections=names))]


def _item_rows(items: pd.DataFrame, language: str) -> list[Row]:
    rows = []
    for it in items.itertuples(index=False):
        full_at = item_value_text(it.metric, it.full_at)
        if not it.applies:
            rows.append(Row((it.label, item_value_text(it.metric, it.value), full_at, fmt_number(it.weight),
                             Cell(MISSING, chips=(label("item.not_applicable", language),)), MISSING),
                            css_class="not-applicable"))
        elif not it.has_data:
            rows.append(Row((it.label, MISSING, full_at, fmt_number(it.weight),
                             Cell(fmt_score(it.points), chips=(label("item.no_data", language),)),
                             fmt_score(it.lost))))
        else:
            rows.append(Row((it.label, item_value_text(it.metric, it.value), full_at, fmt_number(it.weight),
                             fmt_score(it.points), fmt_score(it.lost))))
    applies = items[items["applies"]]
    points = sum(Decimal(str(p)) for p in applies["points"])
    weights = float(applies["weight"].sum())
    rows.append(Row((label("item.total", language), "", "", fmt_number(weights), fmt_score(points),
                     fmt_score(Decimal(str(weights)) - points) if len(applies) else MISSING), css_class="total"))
    return rows


def _children_table(a: UnitAppraisal, children: pd.DataFrame, children_items: pd.DataFrame | None, meta: CampaignMeta,
                    language: str, links: bool) -> Table:
    """Rank, unit, score, grade, then each item's points (— where it does not apply), best first."""
    codes = [i.code for i in a.spec.items]
    columns = [Column("col.rank", numeric=True), Column("col.unit"), Column("col.score", numeric=True),
               Column("col.grade")]
    columns += [Column(code, numeric=True, text=item_label(i.metric, i.key, meta, language) + label("col.points_of",
                                                                                                 language))
                for code, i in zip(codes, a.spec.items, strict=True)]
    points: dict[tuple[str, str], Decimal | None] = {}
    if children_items is not None and not children_items.empty:
        if len(children) < len(a.children):  # only the units shown (a ranking cut to its top and bottom)
            children_items = children_items[children_items["unit_id"].isin(list(children["unit_id"]))]
        for unit, part in children_items.groupby("unit_id", sort=False):
            part = part.set_index("item").reindex(codes)
            applicable = float(part["weight"].where(part["applies"].astype(bool)).sum())
            shown, _ = shown_points(part["points"].where(part["applies"].astype(bool)).tolist(), applicable)
            points.update({(unit, code): p for code, p in zip(codes, shown, strict=True)})
    rows = []
    for c in children.itertuples(index=False):
        unit = Cell(c.name, href=page_href(c.unit_id) if links else None)
        rows.append(Row((fmt_int(c.rank), unit, fmt_score(c.score), Cell(grade=c.grade),
                         *(fmt_score(points.get((c.unit_id, code))) for code in codes))))
    return Table(columns, rows, css_class=TEXT_TABLE)


def item_label(metric: str, key: str, meta: CampaignMeta, language: str) -> str:
    """An appraisal item's name: the metric, and its key in words (完成率：民生实事, Satisfaction: <question>)."""
    name = label(f"metric.{metric}", language)
    if not key:
        return name
    if metric == "completion":
        key = meta.indicator_label(key, language)
    elif metric == "events":
        key = meta.kind_label(key, language)
    elif metric == "persons":
        key = meta.group_label(key, language)
    return f"{name}{rules_of(language).colon}{key}"  # a question is shown as written


def item_value_text(metric: str, value: object) -> str:
    """A value or full_at of an item: shares as percentages with up to 2 decimals (48.48%, 50%), else a number."""
    number = as_number(value)
    if number is None:
        return MISSING
    if metric in PERCENT_METRICS:
        return f"{fmt_number(number * 100, 2)}%"
    return fmt_number(number, 2)


__all__ = [
    "MAX_OVERDUE_ROWS", "SECTIONS", "appraisal_parts", "commitments_parts", "item_label", "item_value_text",
    "not_recorded", "not_recorded_parts", "ratings_parts",
]
