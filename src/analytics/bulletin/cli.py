"""`campaign-analytics bulletin`: options checked, everything read, then the .docx (and PDF) written.

Every usage error (an unknown unit, a date outside the campaign, --out inside the campaign folder, a missing
template, --pdf without LibreOffice Writer) is raised before anything is written (exit 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from analytics.bulletin.build import campaign_bulletin
from analytics.bulletin.settings import bulletin_settings
from analytics.bulletin.word import write_docx
from analytics.config import REPORTS_DIR
from analytics.errors import UsageError
from analytics.fileio import NotARegularFileError, writable_target


def _date(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a date; write YYYY-MM-DD") from None


def compare_date(text: str | None, start: dt.date, as_of: dt.date) -> dt.date | None | str:
    """--compare-to: None (the previous period's rule), 'none' (no comparison) or a date with start <= D < as_of."""
    if text is None or text.strip().lower() == "none":
        return None if text is None else "none"
    when = _date(text, "--compare-to")
    if not start <= when < as_of:
        raise UsageError(f"--compare-to {when} must be on or after the campaign's start ({start}) and before as_of "
                         f"({as_of})")
    return when


def bulletin_target(out: Path, data_dir: Path, pdf: bool) -> Path:
    """The .docx path to write: a regular file or a new path, outside the campaign folder (raw data are never
    written), ending in .docx."""
    if out.suffix.lower() != ".docx":
        raise UsageError(f"--out {out} must name a .docx file")
    resolved = out.resolve()
    folder = data_dir.resolve()
    if folder == resolved or folder in resolved.parents:
        raise UsageError(f"--out {out} is inside the campaign folder {data_dir}: write the bulletin elsewhere")
    try:
        target = writable_target(out)
        if pdf:
            writable_target(out.with_suffix(".pdf"))
    except NotARegularFileError as exc:
        raise UsageError(f"--out {exc.filename} is not a regular file") from None
    return target


def bulletin_command(*, data_dir: Path, reports_dir: Path | None, unit_id: str | None, as_of, compare_to: str | None,
                     tolerance: float | None, language: str, date: str | None, template: Path | None, out: Path,
                     pdf: bool, echo: Callable[[str], None]) -> None:
    from analytics.bulletin.pdf import WriterMissingError, require_writer, write_pdf
    from analytics.data.loading import read_campaign
    from analytics.report.parameters import NOTEBOOK_PARAMETERS

    if pdf:
        try:
            require_writer()
        except WriterMissingError as exc:
            raise UsageError(str(exc)) from None
    target = bulletin_target(out, data_dir, pdf)
    campaign = read_campaign(data_dir)
    when = campaign.as_of(as_of)
    compare_date(compare_to, campaign.meta.start, when)  # checked before anything is written
    if unit_id is not None and unit_id not in campaign.hierarchy.name:
        raise UsageError(f"--unit {unit_id} is not a unit of {data_dir}")
    settings = bulletin_settings(campaign)
    template = template or settings.template
    if template is not None and not Path(template).is_file():
        raise UsageError(f"the bulletin template {template} does not exist")
    if tolerance is None:
        tolerance = NOTEBOOK_PARAMETERS["tolerance"].default
    reports = reports_dir if reports_dir is not None else REPORTS_DIR / campaign.meta.id
    bulletin = campaign_bulletin(campaign, unit_id=unit_id, as_of=when, tolerance=tolerance, language=language,
                                 date=_date(date, "--date"), settings=settings, reports_dir=reports,
                                 compare_to=compare_to)
    write_docx(target, bulletin, template)
    echo(f"wrote {out}")
    if pdf:
        pdf_path = out.with_suffix(".pdf")
        write_pdf(target, pdf_path)
        echo(f"wrote {pdf_path}")


__all__ = ["bulletin_command", "bulletin_target", "compare_date"]
