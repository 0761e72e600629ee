"""The bulletin as a Word document in the official layout (GB/T 9704-2012), with python-docx.

`docx_bytes(bulletin, template=None)` lays out content.py's parts: A4, margins 37/35/28/26 mm; the title in
方正小标宋简体 22 pt centred; the body in 仿宋_GB2312 16 pt on a 29 pt line (22 lines a page); level-1 headings
in 黑体, level-2 in 楷体_GB2312, both kept with the next paragraph; "— 1 —" page numbers in the footer; the
annex tables with their header row repeated on every page and the rows of lit units shaded. Every run names
its East Asian font (w:eastAsia), so Word and WPS show 仿宋 and 黑体 where the layout says, whatever the
document's defaults.

The default template is built here, in code. An office's own template (`--template`, or
`reporting.bulletin.template`) brings its styles, letterhead and page setup: styles it defines under the names
below are used as they are; the others are added with the layout above. Text from the data goes into runs as
text only (never fields or formulas); characters XML cannot hold are dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from analytics.bulletin.content import Block, Bulletin, Part, Table
from analytics.fileio import write_bytes_atomic
from analytics.text.language import rules_of

LATIN_FONT = "Times New Roman"  # digits and Latin letters, as official documents set them
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
FOOTER_FONT = "宋体"
LINE = Pt(29)  # (297 - 37 - 35) mm = 637.8 pt over 22 lines
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
SHADING = {"red": "F4CCCC", "yellow": "FFF2CC"}


@dataclass(frozen=True)
class StyleSpec:
    name: str
    font: str
    size: float
    align: WD_ALIGN_PARAGRAPH | None = None
    first_indent: bool = False  # two characters
    keep_with_next: bool = False
    outline: int | None = None  # outline level (0 = level 1): the navigation pane lists the headings
    bold: bool = False
    line: Pt | None = LINE
    space_before: float = 0


STYLES = {
    Part.TITLE: StyleSpec("Bulletin Title", TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True,
                          line=Pt(35), space_before=29),
    Part.NUMBER: StyleSpec("Bulletin Number", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True),
    Part.RECIPIENTS: StyleSpec("Bulletin Recipients", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.LEFT, space_before=29,
                               keep_with_next=True),
    Part.HEADING1: StyleSpec("Bulletin Heading 1", HEADING1_FONT, 16, WD_ALIGN_PARAGRAPH.LEFT, first_indent=True,
                             keep_with_next=True, outline=0),
    Part.HEADING2: StyleSpec("Bulletin Heading 2", HEADING2_FONT, 16, WD_ALIGN_PARAGRAPH.LEFT, first_indent=True,
                             keep_with_next=True, outline=1),
    Part.BODY: StyleSpec("Bulletin Body", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=True),
    Part.PLACEHOLDER: StyleSpec("Bulletin Body", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=True),
    Part.ISSUER: StyleSpec("Bulletin Issuer", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.RIGHT, space_before=58,
                           keep_with_next=True),
    Part.DATE: StyleSpec("Bulletin Date", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.RIGHT),
    Part.ANNEX_LABEL: StyleSpec("Bulletin Annex", HEADING1_FONT, 16, WD_ALIGN_PARAGRAPH.LEFT, keep_with_next=True),
    Part.ANNEX_TITLE: StyleSpec("Bulletin Annex Title", TITLE_FONT, 18, WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True,
                                line=Pt(32)),
    Part.NOTE: StyleSpec("Bulletin Note", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.LEFT, line=None, space_before=6),
}
TABLE_STYLE = StyleSpec("Bulletin Table Text", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.CENTER, line=None)
TABLE_HEADER_FONT = HEADING1_FONT

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _fonts(rpr_owner, east_asian: str) -> None:
    """Name the fonts of a run or style: Latin for ascii/hAnsi, the Chinese font as w:eastAsia (Word and WPS read
    it for every Chinese character)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:eastAsia", east_asian),
                        ("w:cs", LATIN_FONT)):
        fonts.set(qn(attr), value)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _style(document, spec: StyleSpec):
    """The document's style of that name (an office template's own, as it is), else one made to the layout."""
    styles = document.styles
    if spec.name in [s.name for s in styles]:
        return styles[spec.name]
    style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(spec.size)
    style.font.bold = spec.bold
    _fonts(style.element, spec.font)
    fmt = style.paragraph_format
    if spec.align is not None:
        fmt.alignment = spec.align
    if spec.line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = spec.line
    else:
        fmt.line_spacing = 1.0
    fmt.space_before = Pt(spec.space_before)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(spec.size * 2) if spec.first_indent else Pt(0)
    fmt.keep_with_next = spec.keep_with_next
    fmt.widow_control = True
    if spec.outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(spec.outline))
        style.element.get_or_add_pPr().append(level)
    return style


def _page(document) -> None:
    """A4 and GB/T 9704's margins, on the document this module built (an office template keeps its own)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(28) - Pt(14)  # the number 7 mm below the text block (GB/T 9704 7.5)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    _fonts(normal.element, BODY_FONT)


def _footer(document) -> None:
    """"— 1 —": the page number as a PAGE field between dashes, centred, in 宋体 14 pt."""
    for section in document.sections:
        footer = section.footer
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        if paragraph.text.strip() or paragraph._p.xpath(".//w:instrText"):
            continue  # an office template's own footer
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text_run(paragraph, "— ", FOOTER_FONT, 14)
        for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            run = paragraph.add_run()
            run.font.size = Pt(14)
            _fonts(run._r, FOOTER_FONT)
            if kind is not None:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif instruction == " PAGE ":
                code = OxmlElement("w:instrText")
                code.set(qn("xml:space"), "preserve")
                code.text = instruction
                run._r.append(code)
            else:
                run.text = instruction
        _text_run(paragraph, " —", FOOTER_FONT, 14)


def clean(text: str) -> str:
    """Text a Word document can hold: characters XML 1.0 cannot carry are dropped; the rest is kept as written."""
    return _NOT_XML.sub("", str(text))


def _text_run(paragraph, text: str, font: str, size: float | None = None, bold: bool = False):
    run = paragraph.add_run()
    run.text = clean(text)  # w:t; a tab or newline becomes w:tab or w:br, never a field
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    _fonts(run._r, font)
    return run


def _east_asian(style, default: str) -> str:
    """The East Asian font a style names (an office template's own choice wins), else the layout's."""
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return (fonts.get(qn("w:eastAsia")) if fonts is not None else None) or default


def _paragraph(document, block: Block, page_break: bool = False) -> None:
    spec = STYLES[block.part]
    style = _style(document, spec)
    paragraph = document.add_paragraph(style=style)
    if page_break:
        paragraph.paragraph_format.page_break_before = True
    run = _text_run(paragraph, block.text, _east_asian(style, spec.font))
    if block.part == Part.PLACEHOLDER:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW  # marked: the office replaces it


def _borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    table._tbl.tblPr.append(borders)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document, table: Table) -> None:
    style = _style(document, TABLE_STYLE)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(grid)
    header = grid.rows[0]
    flag = OxmlElement("w:tblHeader")  # repeated at the top of every page the table runs onto
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    # paragraph.style = style, its id looked up once (python-docx looks it up among the styles per paragraph)
    style_id = document.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
    font = _east_asian(style, TABLE_STYLE.font)
    for row, cells in zip(grid.rows, (table.header, *table.rows), strict=True):
        no_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(no_split)
        for cell, text in zip(row.cells, cells, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph._p.style = style_id
            _text_run(paragraph, text, TABLE_HEADER_FONT if row is header else font)
    for row, light in zip(grid.rows[1:], table.lights, strict=False):
        if light in SHADING:
            for cell in row.cells:
                _shade(cell, SHADING[light])


def docx_document(bulletin: Bulletin, template: Path | None = None):
    """The python-docx Document of the bulletin (on the office's template when given)."""
    document = Document(str(template)) if template is not None else Document()
    if template is None:
        _page(document)
    _footer(document)
    for block in bulletin.blocks:
        if block.part == Part.TABLE and block.table is not None:
            _table(document, block.table)
        else:  # each annex starts on a new page
            _paragraph(document, block, page_break=block.part == Part.ANNEX_LABEL)
    props = document.core_properties
    title = next((b.text for b in bulletin.blocks if b.part == Part.TITLE), "")
    props.title = clean(title)
    props.identifier = f"campaign-analytics-bulletin:{bulletin.digest()}"
    props.language = rules_of(bulletin.language).html_lang
    moment = dt.datetime.combine(bulletin.date, dt.time(0, 0), tzinfo=dt.UTC)
    props.created = props.modified = moment
    props.author = props.last_modified_by = "campaign-analytics"
    props.revision = 1
    return document


def docx_bytes(bulletin: Bulletin, template: Path | None = None) -> bytes:
    """The .docx file's bytes."""
    out = io.BytesIO()
    docx_document(bulletin, template).save(out)
    return out.getvalue()


def written_digest(path: Path) -> str | None:
    """The digest a bulletin written by this module carries (core properties' identifier), None otherwise."""
    try:
        identifier = Document(str(path)).core_properties.identifier or ""
    except Exception:  # noqa: BLE001 - a damaged or foreign file is simply rewritten
        return None
    prefix = "campaign-analytics-bulletin:"
    return identifier[len(prefix):] if identifier.startswith(prefix) else None


def write_docx(path: Path, bulletin: Bulletin, template: Path | None = None, only_if_changed: bool = False,
               make_parents: bool = True) -> bool:
    """Write the bulletin atomically; with only_if_changed, leave a file that says the same untouched. Whether
    the file was written. make_parents=False never re-creates a vanished folder (a run's output folder)."""
    path = Path(path)
    if only_if_changed and path.is_file() and written_digest(path) == bulletin.digest():
        return False
    write_bytes_atomic(path, docx_bytes(bulletin, template), make_parents=make_parents)
    return True


__all__ = ["BODY_FONT", "HEADING1_FONT", "HEADING2_FONT", "MARGINS_MM", "STYLES", "TITLE_FONT", "clean", "docx_bytes",
           "docx_document", "write_docx", "written_digest"]
