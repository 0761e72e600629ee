"""The marker sheet of a template workbook: the campaign and office it was written for.

`campaign-analytics template` writes it as a very hidden sheet of key/value rows (column A the key, column B
the value; the columns to the right hold the drop-down lists). The workbook reader recognises it, and the
sheets it names (the instructions, a checked copy's list of problems), as the program's own: they are never
read as tables nor reported as unexpected sheets. `collect` matches a returned workbook to its office by it.

    format       campaign-analytics template
    version      1
    campaign     weishi                       campaign.yaml's id ("" for a blank template)
    office       WS-T01                       the unit whose subtree the workbook holds ("" when blank)
    language     zh                           the language of headers, instructions and cell comments
    rows_sha256  3f1c…                        hash of the pre-filled rows (exchange.rows_digest)
    tables       units;visits;surveys;…       the table sheets the template was written with
    own_sheets   说明                          further sheets of the program's own
    program      campaign-analytics 0.1.0
"""

from __future__ import annotations

from dataclasses import dataclass

MARKER_SHEET = "_campaign_analytics"
MARKER_FORMAT = "campaign-analytics template"
TEMPLATE_VERSION = 1
_MAX_ROWS = 40  # the marker's key/value rows sit at the top; nothing below is read


@dataclass(frozen=True)
class TemplateMarker:
    """What a template's marker sheet says (all text from a workbook someone else held: checked where used)."""

    campaign: str
    office: str
    language: str = "zh"
    rows_sha256: str = ""
    version: int = TEMPLATE_VERSION
    tables: tuple[str, ...] = ()
    own_sheets: tuple[str, ...] = ()
    program: str = ""

    def rows(self) -> list[list[str]]:
        """The key/value rows written to the marker sheet."""
        return [["format", MARKER_FORMAT], ["version", str(self.version)], ["campaign", self.campaign],
                ["office", self.office], ["language", self.language], ["rows_sha256", self.rows_sha256],
                ["tables", ";".join(self.tables)], ["own_sheets", ";".join(self.own_sheets)],
                ["program", self.program]]

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> TemplateMarker | None:
        """The marker in rows of text, or None when the first row is not ("format", MARKER_FORMAT)."""
        pairs = [(str(r[0]).strip(), str(r[1]).strip() if len(r) > 1 and r[1] is not None else "")
                 for r in rows[:_MAX_ROWS] if r and r[0] is not None and str(r[0]).strip()]
        if not pairs or pairs[0] != ("format", MARKER_FORMAT):
            return None
        values = dict(pairs)
        try:
            version = int(values.get("version", ""))
        except ValueError:
            version = -1
        split = lambda key: tuple(s.strip() for s in values.get(key, "").split(";") if s.strip())  # noqa: E731
        return cls(campaign=values.get("campaign", ""), office=values.get("office", ""),
                   language=values.get("language", "zh"), rows_sha256=values.get("rows_sha256", ""),
                   version=version, tables=split("tables"), own_sheets=split("own_sheets"),
                   program=values.get("program", ""))
