"""The bulletin as PDF through LibreOffice Writer: title and first figures in its text, a sane page count, page 1
rendered (a person looked at it: docs/img/bulletin-page1.png). Skipped without Writer and poppler unless
REQUIRE_LIBREOFFICE=1 (.ci/run sets it and installs them)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from analytics.bulletin.pdf import writer_available
from analytics.cli import _main

from builders import SHUNHE

pytestmark = pytest.mark.libreoffice


def _writer_required() -> None:
    if writer_available() and shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice Writer and poppler-utils are required (REQUIRE_LIBREOFFICE=1) but not installed")
    pytest.skip("LibreOffice Writer (libswlo) or poppler-utils not installed")


def test_pdf_has_the_title_and_first_figures(tmp_path):
    _writer_required()
    out = tmp_path / "bulletin.docx"
    assert _main(["bulletin", "--data", str(SHUNHE), "--date", "2012-07-02", "--out", str(out), "--pdf"]) == 0
    pdf = out.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "关于顺河镇2012年上半年工作推进情况的通报" in flat
    assert "时间进度为49.73%" in flat and "208,526万元" in flat and "58.41%" in flat
    assert "—1—" in flat  # the footer's page number field, computed by Writer
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 8
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png")).read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
