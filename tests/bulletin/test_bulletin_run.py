"""`run` delivers the root's bulletin.docx beside index.html, in the run's language, linked from the index."""

from __future__ import annotations

from docx import Document

from analytics.batch import BatchOptions, run_batch

from builders import SHUNHE


def test_run_writes_the_roots_bulletin_linked_from_the_index(tmp_path):
    result = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "out", units=["SH"], language="en",
                                    jobs=1, assets="shared"))
    assert result.exit_code == 0, result.problems
    bulletin = tmp_path / "out" / "bulletin.docx"
    texts = [p.text for p in Document(str(bulletin)).paragraphs]
    assert "Progress of Shunhe town, first half of 2012" in texts and "1. Overall progress" in texts
    assert 'href="bulletin.docx"' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
