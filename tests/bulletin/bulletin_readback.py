"""Reading a bulletin back for the tests: its text, kpis.csv's table, and the numbers in the text that are not a
KPI figure as the pages print it (dates, 文号, section and annex numbers and counts of units named exempt)."""

from __future__ import annotations

import io
import re

import pandas as pd
from docx import Document

from analytics.report.downloads import kpis_csv


def read_back(data: bytes):
    return Document(io.BytesIO(data))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def csv_table(campaign, table: pd.DataFrame) -> pd.DataFrame:
    """The KPI table as kpis.csv writes it, read back."""
    return pd.read_csv(io.StringIO(kpis_csv(campaign, table)), dtype={"key": str}, keep_default_na=False)


def shown_forms(kpis: pd.DataFrame) -> set[str]:
    """Every way the bulletin may print a KPI figure: a share as a percentage, points and scores with two
    decimals, counts and amounts with separators (as the pages round them)."""
    forms = set()
    for value in pd.to_numeric(kpis["value"], errors="coerce").dropna():
        forms |= {f"{value * 100:.2f}", f"{abs(value):.2f}", f"{value:,.2f}".rstrip("0").rstrip("."),
                  f"{value:,.0f}" if float(value).is_integer() else "", f"{value:+.2f}"}
    return forms - {""}


EXEMPT = [
    r"\d{4}年\d{1,2}月\d{1,2}日", r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4}", r"附件\d", r"Annex \d", r"^\d\. ", r"\(\d\)", r"—\s*\d+\s*—",
    r"另有[\d,]+个单位", r"And [\d,]+ more units", r"尚有[\d,]+个基层单位", r"^[\d,]+ grassroots units",
    r"等[\d,]+个单位", r"and [\d,]+ more", r"其余\d+项指标", r"\d{4}年上半年", r"first half of \d{4}", r"\d+(?=年)",
]


def unexplained_numbers(text: str, kpis: pd.DataFrame) -> list[str]:
    forms = shown_forms(kpis)
    out = []
    for line in text.splitlines():
        for pattern in EXEMPT:
            line = re.sub(pattern, " ", line, flags=re.M)
        for token in re.findall(r"[+-]?\d[\d,]*(?:\.\d+)?", line):
            if token.lstrip("+") not in forms and token not in forms:
                out.append(token)
    return out


