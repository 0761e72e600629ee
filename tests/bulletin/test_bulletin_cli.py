"""`campaign-analytics bulletin`: what it writes, and the usage errors it finds before writing anything (exit 2)."""

from __future__ import annotations

import io

from docx import Document

from analytics.cli import _main

from builders import SHUNHE


def test_writes_the_docx_of_a_unit(tmp_path, capsys):
    out = tmp_path / "通报" / "sh-c01.docx"
    assert _main(["bulletin", "--data", str(SHUNHE), "--unit", "SH-C01", "--date", "2012-07-02", "--language", "en",
                  "--reports", str(tmp_path / "none"), "--out", str(out)]) == 0
    document = Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert "2 July 2012" in texts and "Progress of 雨露社区党委: Shunhe town, first half of 2012" in texts
    assert "wrote" in capsys.readouterr().err


def test_pdf_without_writer_fails_before_writing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    out = tmp_path / "b.docx"
    assert _main(["bulletin", "--data", str(SHUNHE), "--out", str(out), "--pdf"]) == 2
    assert "apt-get install libreoffice-writer-nogui" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_write_nothing(tmp_path, capsys):
    cases = [
        (["--out", str(SHUNHE / "bulletin.docx")], "inside the campaign folder"),
        (["--out", str(tmp_path / "b.docx"), "--unit", "NOPE"], "--unit NOPE is not a unit"),
        (["--out", str(tmp_path / "b.docx"), "--compare-to", "2012-07-01"], "before as_of"),
        (["--out", str(tmp_path / "b.docx"), "--compare-to", "2011-12-31"], "on or after the campaign's start"),
        (["--out", str(tmp_path / "b.docx"), "--date", "30.6.2012"], "is not a date"),
        (["--out", str(tmp_path / "b.txt")], "must name a .docx file"),
        (["--out", str(tmp_path / "b.docx"), "--template", str(tmp_path / "missing.docx")], "does not exist"),
    ]
    for args, said in cases:
        assert _main(["bulletin", "--data", str(SHUNHE), *args]) == 2, args
        assert said in capsys.readouterr().err, args
    assert list(tmp_path.iterdir()) == []
    assert not (SHUNHE / "bulletin.docx").exists()


def test_an_office_template_keeps_its_own_content(tmp_path):
    template = tmp_path / "red-head.docx"
    letterhead = Document()
    letterhead.add_paragraph("顺河镇党委办公室文件")
    letterhead.save(str(template))
    out = tmp_path / "b.docx"
    assert _main(["bulletin", "--data", str(SHUNHE), "--template", str(template), "--out", str(out)]) == 0
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert texts[0] == "顺河镇党委办公室文件" and "一、总体情况" in texts


def test_an_office_templates_own_style_and_font_are_kept(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    template = tmp_path / "office.docx"
    office = Document()
    body = office.styles.add_style("Bulletin Body", WD_STYLE_TYPE.PARAGRAPH)
    body.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正仿宋_GBK")
    office.save(str(template))
    out = tmp_path / "b.docx"
    assert _main(["bulletin", "--data", str(SHUNHE), "--template", str(template), "--out", str(out)]) == 0
    paragraph = next(p for p in Document(str(out)).paragraphs if p.text.startswith("截至"))
    assert paragraph.style.name == "Bulletin Body"
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs} == {"方正仿宋_GBK"}
