"""What templates and `collect` share: the rows an office holds, typed rows as canonical text, their digest,
header text in each language, and the words shown for codes.

Canonical text is what the merged campaign's CSV files hold and what the data layer reads back to the same
values: dates as YYYY-MM-DD, whole numbers without ".0", other numbers in Python's shortest round-trip form,
codes (not labels) for kinds, groups and tags, "" for a missing value.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata

import pandas as pd

from analytics.data.campaign import Campaign
from analytics.data.contract import AGGREGATIONS, GROUPS, PACINGS, TABLES, TAGS, VISIT_KINDS
from analytics.data.meta import CampaignMeta
from analytics.text.language import rules_of

# Sheets of an office's template, in this order; responses and commitments only when the campaign has them.
OFFICE_TABLES = ("units", "visits", "surveys", "targets", "actuals")
OPTIONAL_TABLES = ("responses", "commitments")
ALL_TABLES = tuple(TABLES)


def template_tables(campaign: Campaign | None) -> tuple[str, ...]:
    """The table sheets of a template: the five every campaign may use, plus the optional ones it has
    (all of them for a blank template)."""
    if campaign is None:
        return ALL_TABLES
    return OFFICE_TABLES + tuple(t for t in OPTIONAL_TABLES if t in campaign.present)


def header_text(table: str, column: str, language: str) -> str:
    """The header a template writes: the canonical name in English; in Chinese the alias, with 发放/回收 for
    surveys (docs/domain.md: pages and templates write 发放/回收/有效)."""
    col = next(c for c in TABLES[table] if c.name == column)
    if not rules_of(language).writes_aliases:
        return col.name
    return col.also[0] if col.also else col.alias


def dtype_of(table: str, column: str) -> str:
    return next(c.dtype for c in TABLES[table] if c.name == column)


# --- canonical text ----------------------------------------------------------------------------------


def value_text(value: object) -> str:
    """One typed value as canonical text (see the module doc)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def table_text(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A typed table as canonical text in the contract's columns (index kept), every cell a str."""
    columns = {}
    for col in TABLES[table]:
        series = frame[col.name] if col.name in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        columns[col.name] = [value_text(_python(v)) for v in series.tolist()]
    return pd.DataFrame(columns, index=frame.index, dtype=object)


def _python(value: object) -> object:
    """numpy scalars as Python ones, so that value_text sees int/float/Timestamp."""
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    return value


def rows_digest(tables: dict[str, pd.DataFrame]) -> str:
    """sha256 of the data rows (every table but units) as canonical text, in table then row order.

    Written into a template's marker for the rows it was pre-filled with; `collect` computes it again from
    the rows returned (unchanged?) and from the campaign's rows now (changed since the template was made?).
    """
    payload = [[name, table_text(frame, name).values.tolist()] for name, frame in sorted(tables.items())
               if name != "units" and len(frame)]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


# --- the rows of an office ---------------------------------------------------------------------------


def office_masks(tables: dict[str, pd.DataFrame], subtree: set[str]) -> dict[str, pd.Series]:
    """table -> which rows belong to the units of `subtree`: rows naming one of them, and responses to a
    survey of one of them (ratings roll up through the survey's unit)."""
    masks: dict[str, pd.Series] = {}
    for name, frame in tables.items():
        if name == "responses":
            surveys = tables.get("surveys")
            ids = set() if surveys is None else set(surveys["survey_id"][surveys["unit_id"].isin(subtree)].dropna())
            masks[name] = frame["survey_id"].isin(ids).fillna(False).astype(bool)
        elif "unit_id" in frame.columns:
            masks[name] = frame["unit_id"].isin(subtree).fillna(False).astype(bool)
    return masks


def office_tables(campaign: Campaign, office: str) -> dict[str, pd.DataFrame]:
    """The campaign's rows of an office's subtree, per table the campaign has (units included)."""
    subtree = set(campaign.hierarchy.descendants(office))
    tables = {name: campaign.tables[name] for name in campaign.present}
    return {name: tables[name][mask] for name, mask in office_masks(tables, subtree).items()}


# --- words for codes ---------------------------------------------------------------------------------


def code_choices(meta: CampaignMeta | None, column: str, language: str) -> list[str]:
    """The drop-down list of visit kinds or groups: their labels in the template's language (the reader takes
    a label of either language for its code)."""
    base, extra = (VISIT_KINDS, meta.kinds if meta else {}) if column == "kind" else (GROUPS, meta.groups if meta else {})
    codes = list(base) + [c for c in extra if c not in base]
    return [shown_code(meta, column, c, language) for c in codes]


def shown_code(meta: CampaignMeta | None, column: str, code: str, language: str) -> str:
    """A coded value as a template shows it, in its language: visit kinds and groups (campaign.yaml's extras
    first), indicators (vocabulary.indicators), aggregation and pacing, unit tags; the code when it has no
    label. The data layer reads every label back as its code."""
    index = rules_of(language).pair_index
    if column in ("kind", "group"):
        base, extra = (VISIT_KINDS, meta.kinds if meta else {}) if column == "kind" else (GROUPS,
                                                                                          meta.groups if meta else {})
        if code in extra and extra[code].get(language):
            return extra[code][language]
        return base[code][index] if code in base else code
    if column == "indicator":
        return meta.indicator_label(code, language) if meta is not None else code
    if column == "tags":
        return ";".join(TAGS[t][index] if t in TAGS else t for t in code.split(";") if t)
    vocabulary = {"aggregation": AGGREGATIONS, "pacing": PACINGS}.get(column, {})
    return vocabulary[code][index] if code in vocabulary else code


_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)


def safe_stem(text: str, limit: int = 40) -> str:
    """Letters and digits (any script), '-' and '_' of a text, for a file name that cannot leave a folder."""
    return _UNSAFE.sub("_", unicodedata.normalize("NFKC", str(text))).strip("_.")[:limit]


def template_filename(unit_id: str, name: str) -> str:
    """`<unit id>_<name>.xlsx`, with a short hash of the exact id when the id had to be changed to be safe."""
    stem = safe_stem(unit_id) or "unit"
    if stem != unit_id:
        stem += "-" + hashlib.sha1(unit_id.encode("utf-8")).hexdigest()[:8]
    shown = safe_stem(name)
    return f"{stem}_{shown}.xlsx" if shown else f"{stem}.xlsx"
