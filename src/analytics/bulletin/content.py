"""The bulletin as a sequence of parts (title, 文号, 主送, sections, issuer and date, annexes), pure data.

`bulletin_content(figures, settings, …)` puts the figures of figures.py into the wording of wording.py, in
DOMAIN.md's order; word.py lays the parts out. A part is text or a table of text: nothing from the data is ever
a field, a formula or markup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from analytics.bulletin.figures import PROGRESSING, BulletinFigures, Child, Indicator, Light, Restatement, annex_order
from analytics.bulletin.settings import BulletinSettings
from analytics.bulletin.wording import (
    LISTED,
    PHRASES,
    amount,
    count,
    date_text,
    figure_text,
    names,
    percent,
    phrase,
    points,
    score,
)
from analytics.measures.vocabulary import Status
from analytics.text.labels import LABELS, MISSING, fmt_level_gap, grade_label, indicator_status_label
from analytics.text.language import rules_of

ANNEX_ROWS = 50  # 附件1 lists at most this many children; the rest are in kpis.xlsx
ANNEX_INDICATORS = 6  # and at most this many indicators' completions


class Part(StrEnum):
    TITLE = "title"
    NUMBER = "number"
    RECIPIENTS = "recipients"
    HEADING1 = "heading1"
    HEADING2 = "heading2"
    BODY = "body"
    PLACEHOLDER = "placeholder"  # a paragraph the office replaces (marked as such)
    ISSUER = "issuer"
    DATE = "date"
    ANNEX_LABEL = "annex_label"
    ANNEX_TITLE = "annex_title"
    TABLE = "table"
    NOTE = "note"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lights: tuple[str | None, ...] = ()  # per row: the unit's light, for shading


@dataclass(frozen=True)
class Block:
    part: Part
    text: str = ""
    table: Table | None = None


@dataclass(frozen=True)
class Bulletin:
    language: str
    date: dt.date
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def text_of(self, part: Part) -> list[str]:
        return [b.text for b in self.blocks if b.part == part]

    def digest(self) -> str:
        """A digest of what the bulletin says, its date left out: equal digests, the same figures and words."""
        h = hashlib.sha256(self.language.encode())
        for b in self.blocks:
            if b.part == Part.DATE:
                continue
            h.update(f"\x1e{b.part}\x1f{b.text}".encode())
            if b.table is not None:
                for row in (b.table.header, *b.table.rows):
                    h.update(("\x1d" + "\x1f".join(row)).encode())
                h.update("\x1c".join(str(x) for x in b.table.lights).encode())
        return h.hexdigest()


def _sentence(language: str, clauses: list[str]) -> str:
    words = PHRASES[language]
    return words["comma"].join(c for c in clauses if c) + words["stop"]


def _gap(i: Indicator, language: str) -> str:
    if i.level_gap is not None:  # a level indicator: 达标 / 低于目标 / 未达标 and its gap to the target, never a pace
        status = rules_of(language).in_sentence(indicator_status_label(i.status, "level", language))
        gap = fmt_level_gap(i.level_gap, i.measure, i.measure, language)
        if gap in (fmt_level_gap(0, i.measure, i.measure, language), MISSING):
            return phrase(language, "level_at", status=status)
        return phrase(language, "level_above" if i.level_gap > 0 else "level_below", status=status, gap=gap)
    if i.status == Status.COMPLETED:
        return phrase(language, "status_done")
    if i.pace_gap is None:
        return ""
    shown = points(i.pace_gap)
    if shown == "0.00":
        return phrase(language, Status.ON_PACE)
    return phrase(language, Status.AHEAD if i.pace_gap > 0 else Status.BEHIND, points=shown)


def _light(light: str | None, previous: str | None, language: str) -> str:
    if light == Light.RED:
        new = previous is not None and previous != Light.RED
        return phrase(language, "light_new_red" if new else "light_red")
    if light == Light.YELLOW:
        return phrase(language, "light_yellow")
    if light == Light.NONE and previous in (Light.RED, Light.YELLOW):
        return phrase(language, "light_off")
    return ""


def _change(i: Indicator, compared: bool, language: str) -> str:
    if not compared:
        return ""
    if i.completion_change is None or i.completion_previous is None:
        return phrase(language, "change_none")
    shown = points(i.completion_change)
    key = "change_same" if shown == "0.00" else ("change_up" if i.completion_change > 0 else "change_down")
    return phrase(language, key, points=shown, previous=percent(i.completion_previous))


def _indicator(i: Indicator, compared: bool, language: str) -> str:
    if i.completion is None or i.actual is None:
        return phrase(language, "indicator_no_data", label=i.label)
    measure = i.measure if i.measure == "%" else rules_of(language).word_space + i.measure
    clauses = [phrase(language, "indicator", label=i.label, actual=amount(i.actual), measure=measure,
                      completion=percent(i.completion)), _gap(i, language)]
    if i.status == Status.MISSED and i.level_gap is None:  # a level indicator's words say it: 未达标
        clauses.append(phrase(language, "status_missed"))
    clauses += [_light(i.light, i.light_previous, language), _change(i, compared, language)]
    return PHRASES[language]["comma"].join(c for c in clauses if c)


def _overall(f: BulletinFigures, language: str) -> list[Block]:
    words = PHRASES[language]
    opening = phrase(language, "as_of", date=date_text(f.as_of, language), name=f.name)
    clauses = []
    if f.elapsed is not None:
        clauses.append(phrase(language, "elapsed", elapsed=percent(f.elapsed)))
    if f.events:
        clauses.append(phrase(language, "activity", events=count(f.events), persons=count(f.persons or 0)))
        if f.events_added is not None:
            clauses.append(phrase(language, "activity_added", events=count(f.events_added),
                                  persons=count(f.persons_added or 0)))
    if f.children and f.coverage is not None:
        clauses.append(phrase(language, "coverage", coverage=percent(f.coverage),
                              grassroots=percent(f.grassroots_coverage)))
    elif f.grassroots_coverage is not None and f.events:
        clauses.append(phrase(language, "grassroots_only", grassroots=percent(f.grassroots_coverage)))
    if f.score is not None:
        clauses.append(phrase(language, "appraisal", score=score(f.score), grade=grade_label(f.grade, language)))
    first = (opening + words["as_of_sep"] + words["comma"].join(clauses) + words["stop"]) if clauses else ""
    blocks = []
    if first:
        blocks.append(Block(Part.BODY, first))
    if not f.events:
        blocks.append(Block(Part.BODY, phrase(language, "no_activity", name=f.name)))
    notes = []
    if not f.compared:
        notes.append(phrase(language, "no_earlier"))
    if f.snapshots is False:
        notes.append(phrase(language, "no_snapshots"))
    if f.indicators:
        lead = phrase(language, "compared_with", date=date_text(f.previous_as_of, language)) if f.compared else ""
        text = lead + words["clause_sep"].join(_indicator(i, f.compared, language) for i in f.indicators)
        blocks.append(Block(Part.BODY, text + words["stop"]))
    else:
        notes.insert(0, phrase(language, "no_targets", name=f.name))
    if notes:
        blocks.append(Block(Part.BODY, rules_of(language).sentence_space.join(notes)))
    if f.thresholds.keys() >= {"yellow", "red"}:
        blocks.append(Block(Part.BODY, phrase(language, "thresholds", yellow=points(f.thresholds["yellow"]),
                                              red=points(f.thresholds["red"]))))
    return blocks


def _named(children: list[Child], language: str, what=None) -> str:
    listed = [phrase(language, "named_with", name=c.name, what=w) if (w := what(c) if what else "") else c.name
              for c in children[:LISTED]]  # names() shows the first LISTED, then counts the rest
    return names(listed, language, total=len(children))


def _ranking(f: BulletinFigures, ordered: list[Child], language: str) -> list[Block]:
    words = PHRASES[language]
    if not f.children:
        return [Block(Part.BODY, phrase(language, "no_children", name=f.name))]
    if not any(c.status or c.light is not None or c.rank is not None for c in f.children):
        return [Block(Part.BODY, phrase(language, "children_untargeted"))]
    blocks: list[Block] = []
    ranked = [c for c in ordered if c.rank is not None]
    if ranked:
        top = sorted((c for c in ranked if c.rank <= 3), key=lambda c: c.rank)
        by = phrase(language, "by_score" if f.has_appraisal else "by_progress")
        shown = _named(top, language, (lambda c: phrase(language, "score_points", score=score(c.score))
                                       if c.score is not None else "") if f.has_appraisal else None)
        leading = phrase(language, "leading_rank", by=by, units=shown)
    else:
        ahead = [c for c in f.children if c.status and all(s in PROGRESSING for s in c.status.values())]
        leading = phrase(language, "leading_status", units=_named(ahead, language)) if ahead else ""
    if leading:
        blocks += [Block(Part.HEADING2, phrase(language, "h_leading")), Block(Part.BODY, leading)]
    if any(c.light is not None for c in f.children):
        red = [c for c in ordered if c.light == Light.RED]
        yellow = [c for c in ordered if c.light == Light.YELLOW]
        green = [c for c in ordered if c.light == Light.NONE and c.light_previous in (Light.RED, Light.YELLOW)]
        clauses = []
        if red:
            clauses.append(phrase(language, "red", units=_named(
                red, language, lambda c: phrase(language, "light_new_red") if c.newly_red else "")))
        if yellow:
            clauses.append(phrase(language, "yellow", units=_named(yellow, language)))
        if green:
            clauses.append(phrase(language, "back_green", units=_named(green, language)))
        lagging = (words["clause_sep"].join(clauses) + words["stop"]) if clauses else ""
        lagging = rules_of(language).sentence_start(lagging)
        if not red and not yellow:
            lagging = phrase(language, "none_lagging") + (rules_of(language).sentence_space + lagging if lagging
                                                          else "")
    else:
        behind = [c for c in ordered if c.lagging]
        labels = {i.key: i.label for i in f.indicators}
        lagging = phrase(language, "lagging_status", units=_named(
            behind, language, lambda c: PHRASES[language]["list_sep"].join(labels.get(k, k) for k in c.lagging))
        ) if behind else phrase(language, "none_lagging")
    blocks += [Block(Part.HEADING2, phrase(language, "h_lagging")), Block(Part.BODY, lagging)]
    moved = [c for c in ranked if c.rank_previous is not None and c.rank_previous != c.rank]
    if moved:
        up = sorted((c for c in moved if c.rank < c.rank_previous), key=lambda c: c.rank)
        down = sorted((c for c in moved if c.rank > c.rank_previous), key=lambda c: c.rank)
        clauses = []
        for key, group in (("rank_up", up), ("rank_down", down)):
            if group:
                clauses.append(phrase(language, key, units=names(
                    [phrase(language, "rank_move", name=c.name, before=c.rank_previous, now=c.rank)
                     for c in group[:LISTED]], language, total=len(group))))
        text = words["clause_sep"].join(clauses) + words["stop"]
        blocks += [Block(Part.HEADING2, phrase(language, "h_changes")), Block(Part.BODY, text[0].upper() + text[1:])]
    return blocks


def figure_label(r: Restatement, f: BulletinFigures, language: str) -> str:
    """What a restated figure is: '地区生产总值完成率', 'GDP completion', '基层覆盖率'."""
    indicators = {i.key: i.label for i in f.indicators}
    metric_label = LABELS.get(f"metric.{r.metric}", {}).get(language, r.metric)
    if r.key:
        subject = indicators.get(r.key, r.key)
        rules = rules_of(language)
        return subject + rules.word_space + rules.in_sentence(metric_label)
    return metric_label


def visible_restatements(f: BulletinFigures, language: str) -> list[Restatement]:
    """Restated and revised figures that differ at display precision (or whose figure now the table lacks)."""
    return [r for r in f.restatements
            if r.now is None or _shown(r, r.published, f, language) != _shown(r, r.now, f, language)]


def _shown(r: Restatement, value: object, f: BulletinFigures, language: str) -> str:
    """A restated figure as the pages show it; a level indicator's status in its own words (达标 / 低于目标 / 未达标)."""
    level = any(i.key == r.key and i.level_gap is not None for i in f.indicators)
    return figure_text(r.metric, value, language, level)


def _problems(f: BulletinFigures, language: str) -> list[Block]:
    words = PHRASES[language]
    sentences = []
    if f.commitments_overdue:
        text = phrase(language, "overdue", count=count(f.commitments_overdue))
        if f.overdue_units:
            text += phrase(language, "overdue_units", units=names(
                [phrase(language, "overdue_count", name=n, count=count(k)) for n, k in f.overdue_units], language))
        sentences.append(text + words["stop"])
    if f.uncovered:
        sentences.append(phrase(language, "uncovered", count=count(len(f.uncovered)),
                                units=names(list(f.uncovered), language)))
    shown = visible_restatements(f, language)
    for kind in ("restated", "revised"):
        items = []
        for r in (r for r in shown if r.kind == kind):
            what = figure_label(r, f, language)
            published = _shown(r, r.published, f, language)
            if r.now is None:
                items.append(phrase(language, "restated_only", name=r.name, figure=what, published=published))
            else:
                items.append(phrase(language, f"{kind}_item", name=r.name, figure=what, published=published,
                                    now=_shown(r, r.now, f, language)))
        if items:
            sentences.append(phrase(language, kind, items=words["clause_sep"].join(items[:10])))
    if f.problems:
        sentences.append(phrase(language, "quality"))
    if not sentences:
        sentences.append(phrase(language, "no_problems"))
    return [Block(Part.BODY, s) for s in sentences]


def _light_word(light: str | None, language: str) -> str:
    return phrase(language, f"light_word_{light}") if light in ("red", "yellow", "none") else "—"


def _annex1(f: BulletinFigures, ordered: list[Child], language: str) -> list[Block]:
    listed = ordered[:ANNEX_ROWS]
    lights = any(c.light is not None for c in ordered)
    moves = any(c.rank_previous is not None for c in ordered)
    header = [phrase(language, "col_rank"), phrase(language, "col_unit")]
    if lights:
        header.append(phrase(language, "col_light"))
    keys = [i.key for i in f.indicators][:ANNEX_INDICATORS]
    labels = {i.key: i.label for i in f.indicators}
    if f.has_appraisal:
        header += [phrase(language, "col_score"), phrase(language, "col_grade")]
        changes = any(c.score_change is not None for c in ordered)
        if changes:
            header.append(phrase(language, "col_score_change"))
    else:
        changed = any(c.change for c in ordered)
        header += [phrase(language, "completion_of_change" if changed else "completion_of", label=labels[k])
                   for k in keys]
    if moves:
        header.append(phrase(language, "col_rank_change"))
    rows = []
    for c in listed:
        row = [str(c.rank) if c.rank is not None else "—", c.name]
        if lights:
            light = _light_word(c.light, language)
            row.append(light + (rules_of(language).bracketed(phrase(language, 'light_new_red')) if c.newly_red else ""))
        if f.has_appraisal:
            row += [score(c.score) if c.score is not None else "—", grade_label(c.grade, language) if c.grade else "—"]
            if changes:
                row.append(f"{c.score_change:+.2f}" if c.score_change is not None else "—")
        else:
            for k in keys:
                value = c.completion.get(k)
                cell = percent(value) if value is not None else "—"
                light = c.lights.get(k)
                if light in (Light.RED, Light.YELLOW):
                    cell += rules_of(language).bracketed(_light_word(light, language))
                change = c.change.get(k)
                if change is not None:  # on a line of its own in the cell: points since the previous period
                    shown = f"{change:+.2f}"
                    cell += "\n" + (phrase(language, "unchanged") if shown in ("+0.00", "-0.00") else shown)
                row.append(cell)
        if moves:
            row.append(f"{c.rank_previous}→{c.rank}" if c.rank_previous is not None and c.rank is not None else "—")
        rows.append(tuple(row))
    blocks = [Block(Part.ANNEX_LABEL, phrase(language, "annex1")),
              Block(Part.ANNEX_TITLE, phrase(language, "annex1_title", name=f.name)),
              Block(Part.TABLE, table=Table(tuple(header), tuple(rows), tuple(c.light for c in listed)))]
    if len(ordered) > ANNEX_ROWS:
        blocks.append(Block(Part.NOTE, phrase(language, "annex_more", count=count(len(ordered) - ANNEX_ROWS))))
    if not f.has_appraisal and len(f.indicators) > ANNEX_INDICATORS:
        blocks.append(Block(Part.NOTE, phrase(language, "annex_more_indicators",
                                              count=len(f.indicators) - ANNEX_INDICATORS)))
    return blocks


def _annex2(f: BulletinFigures, language: str, number: int) -> list[Block]:
    shown = visible_restatements(f, language)
    if not shown:
        return []
    header = tuple(phrase(language, k) for k in ("col_unit", "col_figure", "col_published", "col_now", "col_kind"))
    rows = tuple((r.name, figure_label(r, f, language), _shown(r, r.published, f, language),
                  _shown(r, r.now, f, language) if r.now is not None else "—",
                  phrase(language, f"kind_{r.kind}")) for r in shown)
    label = phrase(language, "annex2").replace("2", str(number))
    return [Block(Part.ANNEX_LABEL, label), Block(Part.ANNEX_TITLE, phrase(language, "annex2_title")),
            Block(Part.TABLE, table=Table(header, rows))]


def bulletin_content(figures: BulletinFigures, settings: BulletinSettings, campaign_title: str, language: str,
                     date: dt.date, root: bool = True) -> Bulletin:
    """The bulletin's parts in order: title, 文号, 主送, 一 … 四, issuer, date, 附件1, 附件2."""
    f = figures
    ordered = annex_order(f.children)  # the ranking's order and 附件1's
    title = settings.text("title", language) or (
        phrase(language, "title", campaign=campaign_title) if root
        else phrase(language, "title_unit", unit=f.name, campaign=campaign_title))
    blocks = [Block(Part.NUMBER, settings.number or phrase(language, "number_placeholder")),
              Block(Part.TITLE, title),
              Block(Part.RECIPIENTS, settings.text("recipients", language) or phrase(language, "recipients_default")),
              Block(Part.HEADING1, phrase(language, "h_overall")), *_overall(f, language),
              Block(Part.HEADING1, phrase(language, "h_ranking")), *_ranking(f, ordered, language),
              Block(Part.HEADING1, phrase(language, "h_problems")), *_problems(f, language),
              Block(Part.HEADING1, phrase(language, "h_requirements"))]
    requirements = settings.text("requirements", language)
    blocks.append(Block(Part.BODY, requirements) if requirements else
                  Block(Part.PLACEHOLDER, phrase(language, "requirements_placeholder")))
    blocks += [Block(Part.ISSUER, settings.text("issuer", language) or phrase(language, "issuer_placeholder")),
               Block(Part.DATE, date_text(date, language))]
    if f.children:
        blocks += _annex1(f, ordered, language)
    blocks += _annex2(f, language, 2 if f.children else 1)
    return Bulletin(language, date, tuple(blocks))


__all__ = ["ANNEX_INDICATORS", "ANNEX_ROWS", "Block", "Bulletin", "Part", "Table", "bulletin_content", "figure_label",
           "visible_restatements"]
