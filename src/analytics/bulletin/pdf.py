"""The bulletin's .docx as PDF, converted by LibreOffice Writer headless, so the two agree page for page.

Writer is checked for itself (its library, libswlo), not only `soffice`, which Calc alone also provides. Each
conversion runs with its own LibreOffice profile in a temporary folder, so conversions in parallel (and a
desktop LibreOffice the user has open) never share one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from analytics.fileio import write_bytes_atomic

WRITER_LIBRARIES = ("/usr/lib/libreoffice/program/libswlo.so", "/opt/libreoffice/program/libswlo.so",
                    "/usr/lib64/libreoffice/program/libswlo.so")
INSTALL_HINT = ("--pdf needs LibreOffice Writer: install it (Debian/Ubuntu: apt-get install libreoffice-writer-nogui "
                "fonts-noto-cjk), or leave out --pdf and open the .docx in Word or WPS")
TIMEOUT_S = 180
# The official fonts are rarely installed on a server: each is matched to the Noto CJK face nearest its style,
# Simplified Chinese glyphs (fontconfig would otherwise pick the first CJK face it knows, often Japanese).
FALLBACKS = {"方正小标宋简体": "serif", "仿宋_GB2312": "serif", "楷体_GB2312": "serif", "宋体": "serif",
             "黑体": "sans"}
FACES = {"serif": ("Noto Serif CJK SC", "Noto Sans CJK SC"), "sans": ("Noto Sans CJK SC",)}


def fonts_conf() -> str:
    """A fontconfig file: the system's configuration, then the official fonts' Noto CJK fallbacks (built as XML
    elements, names escaped)."""
    from xml.etree import ElementTree as ET

    root = ET.Element("fontconfig")
    ET.SubElement(root, "include", ignore_missing="yes").text = "/etc/fonts/fonts.conf"
    for name, kind in FALLBACKS.items():
        alias = ET.SubElement(root, "alias", binding="same")
        ET.SubElement(alias, "family").text = name
        prefer = ET.SubElement(alias, "prefer")
        for face in FACES[kind]:
            ET.SubElement(prefer, "family").text = face
    declaration = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
    return declaration + ET.tostring(root, encoding="unicode")


class WriterMissingError(RuntimeError):
    """LibreOffice Writer is not installed: no PDF can be made."""


class ConversionError(RuntimeError):
    """LibreOffice ran but made no PDF."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def writer_library(program: str | None = None) -> Path | None:
    """Writer's library beside soffice, or in the usual places; None without Writer."""
    candidates = []
    if program:
        candidates.append(Path(os.path.realpath(program)).parent / "libswlo.so")
    candidates += [Path(p) for p in WRITER_LIBRARIES]
    return next((p for p in candidates if p.is_file()), None)


def writer_available() -> bool:
    program = soffice()
    return program is not None and writer_library(program) is not None


def require_writer() -> str:
    """soffice's path, or WriterMissingError saying how to install Writer."""
    program = soffice()
    if program is None or writer_library(program) is None:
        raise WriterMissingError(INSTALL_HINT)
    return program


def write_pdf(docx: Path, pdf: Path) -> None:
    """Convert `docx` to `pdf` (written atomically) with LibreOffice Writer headless."""
    program = require_writer()
    with tempfile.TemporaryDirectory(prefix="bulletin-pdf-") as tmp:
        work = Path(tmp)
        source = work / "bulletin.docx"
        shutil.copyfile(docx, source)
        (work / "fonts.conf").write_text(fonts_conf(), encoding="utf-8")
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "out"), str(source)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
                              env={**os.environ, "HOME": str(work),
                                   "FONTCONFIG_FILE": str(work / "fonts.conf")})
        made = work / "out" / "bulletin.pdf"
        if not made.is_file():
            raise ConversionError(f"LibreOffice made no PDF of {docx} (exit {done.returncode}): "
                                  f"{(done.stderr or done.stdout).strip()[:500]}")
        write_bytes_atomic(Path(pdf), made.read_bytes())


__all__ = ["INSTALL_HINT", "ConversionError", "WriterMissingError", "require_writer", "write_pdf", "writer_available"]
