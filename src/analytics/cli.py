"""The campaign-analytics command: a thin layer over the library.

Exit codes (DOMAIN.md): 2 input or usage errors, found before anything is written; 1 the batch ran but
something failed or changed under it (a unit failed, a file could not be written, the output folder vanished,
inputs changed while it ran); 130 interrupted (Ctrl-C), what was written kept; 0 done. Never a Python traceback.

Start-up tuning lives here, at the entry, and nowhere else of the package: each command imports what it needs
inside its function (`campaign-analytics --help` and `validate` never load the notebook machinery or plotly,
about 1 s), and `main` sets up the process (see `_tune_process`).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from analytics.batch.papermilled import without_iri_grammar
from analytics.errors import AnalyticsError, CampaignDataError, UsageError
from analytics.fileio import NotARegularFileError, writable_target, write_text_atomic
from analytics.guards import read_notebook, refuse_foreign_report_folder, refuse_onto_inputs
from analytics.options import Option, OptionValueError
from analytics.report.layout import AssetMode, PageState
from analytics.text.labels import LANGUAGES, where_text
from analytics.text.language import rules_of
from analytics.version import __version__

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it


class OptionType(click.ParamType):
    """A click type that parses with the option's own rule, so a flag and a file key say the same thing."""

    def __init__(self, option: Option):
        self.option = option
        self.name = option.kind.upper()

    def convert(self, value, param, ctx):
        try:
            return self.option.parse(value)
        except OptionValueError as exc:
            self.fail(str(exc), param, ctx)


def schema_option(option: Option, **overrides) -> Callable:
    """The click option made from an Option: flag, type, help (with the allowed values and the default)."""
    shown = option.help.replace("`", "")
    if option.kind == "choice":
        shown += f" ({'|'.join(option.choices)})"
    elif option.minimum is not None or option.maximum is not None:
        shown += f" ({option.range_text()})"
    if option.kind == "bool":
        kwargs = {"is_flag": True, "default": None}
    else:
        kwargs = {"type": OptionType(option), "default": None, "metavar": option.kind.upper()}
        if option.kind == "list":
            kwargs["multiple"] = True
        if option.shown_default() != "—":
            shown += f" [default: {option.shown_default().replace('`', '')}]"
    return click.option(option.cli_flag, option.name, help=shown, **{**kwargs, **overrides})


def _schema_options(names: list[str] | None = None) -> Callable:
    """Decorate a command with the run options (all, or the named ones), in the documented order."""
    from analytics.batch.options import RUN_OPTIONS

    chosen = [RUN_OPTIONS[n] for n in (names or list(RUN_OPTIONS))]

    def decorate(command: Callable) -> Callable:
        for option in reversed(chosen):
            command = schema_option(option)(command)
        return command

    return decorate


def _notebook_option(name: str) -> Callable:
    from analytics.report.parameters import NOTEBOOK_PARAMETERS

    return schema_option(NOTEBOOK_PARAMETERS[name])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="campaign-analytics")
@click.option("-v", "--verbose", is_flag=True, help="Log more detail to stderr.")
def cli(verbose: bool) -> None:
    """KPIs and offline HTML reports for organisational campaigns."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    # papermill logs two INFO lines per notebook; a batch reports per unit itself.
    logging.getLogger("papermill").setLevel(logging.DEBUG if verbose else logging.WARNING)


MAX_FINDINGS_SHOWN = 50


@cli.command()
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the messages.")
def validate(data_dir: Path, language: str) -> None:
    """Check a campaign folder against the data contract and summarise what it holds.

    Prints every problem (exit 2), the habits accepted while reading (notes) and the data-quality findings
    (exit 0: they are shown in the report too).
    """
    from analytics.data import cache

    try:
        _validate(data_dir, language)
    finally:
        cache.settle()  # the validated-data cache, written meanwhile (read_campaign's cache_later)


def _validate(data_dir: Path, language: str) -> None:
    from analytics.data.loading import read_campaign
    from analytics.measures.kpis import campaign_flags
    from analytics.text.labels import label, message

    try:
        campaign = read_campaign(data_dir, cache_later=True)
    except CampaignDataError as exc:
        _echo_notes(exc.notes, language, err=True)
        click.echo(f"error: {exc.text(language)}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    meta = campaign.meta
    say = lambda code, **params: click.echo(message(code, language, **params))  # noqa: E731
    say("validate.title", id=meta.id, zh=meta.title("zh"), en=meta.title("en"))
    say("validate.period", start=meta.start, end=meta.end, as_of=campaign.as_of())
    h = campaign.hierarchy
    say("validate.units", count=len(h.ids), roots=len(h.roots), s="s" if len(h.roots) != 1 else "")
    for name in ("visits", "surveys", "targets", "actuals", "responses", "commitments"):
        if name in campaign.present:
            early = len(campaign.before_start.get(name, ()))  # read, listed as findings, not counted
            if early:
                say("validate.rows_before_start", table=name, count=len(campaign.tables[name]) + early, early=early)
            else:
                say("validate.rows", table=name, count=len(campaign.tables[name]))
    if meta.appraisal is not None:
        say("validate.appraisal", items=", ".join(f"{i.code} {i.weight:g}" for i in meta.appraisal.items))
    _echo_reporting(campaign, say, language)
    say("validate.fingerprint", fingerprint=campaign.fingerprint[:16])
    _echo_notes(campaign.notes, language)
    flags = campaign_flags(campaign, campaign.as_of())
    if len(flags):
        say("validate.findings", count=len(flags))
        for f in flags.head(MAX_FINDINGS_SHOWN).itertuples(index=False):
            where = campaign.source_of(f.table)
            detail = message(f.code, language, **f.params) if f.code else f.detail  # codes as in the files
            colon = rules_of(language).colon
            text = where_text(where, int(f.row), None, None,
                              colon.join([str(f.unit_id), label(f"flag.{f.flag}", language), detail]), language)
            click.echo(f"  ! {text}")
        if len(flags) > MAX_FINDINGS_SHOWN:
            click.echo("  " + message("validate.more", language, count=len(flags) - MAX_FINDINGS_SHOWN))
    say("validate.ok")


def _echo_reporting(campaign, say, language: str) -> None:
    """The reporting settings the runs will use, and the date the default comparison is made with."""
    from analytics.measures.periods import previous_as_of
    from analytics.text.labels import message

    reporting = campaign.meta.reporting
    lights = reporting.lights
    period = message(f"validate.period_{reporting.period}", language)
    coverage = (message("validate.no_coverage_lights", language) if lights.coverage is None else
                message("validate.coverage_lights", language, yellow=f"{lights.coverage.yellow:g}",
                        red=f"{lights.coverage.red:g}"))
    say("validate.reporting", period=period, yellow=f"{lights.yellow:g}", red=f"{lights.red:g}", coverage=coverage,
        bulletin=", ".join(reporting.bulletin_keys()) or message("validate.none", language))
    previous = previous_as_of(campaign.as_of(), reporting.period)
    if previous >= campaign.meta.start:
        say("validate.compare", previous=previous, period=period)
    else:
        say("validate.no_compare", previous=previous)


def _echo_no_earlier_period(campaign, as_of, compare_to) -> None:
    """One line on standard error when the default comparison has no earlier period (before the start)."""
    from analytics.measures.periods import previous_as_of
    from analytics.text.labels import message

    if compare_to is None:
        previous = previous_as_of(as_of, campaign.meta.reporting.period)
        if previous < campaign.meta.start:
            click.echo(message("validate.no_compare", "en", previous=previous), err=True)


def _echo_notes(notes, language: str, err: bool = False) -> None:
    from analytics.text.labels import message

    if notes:
        click.echo(message("validate.notes", language, count=len(notes)), err=err)
        for note in notes:
            click.echo(f"  * {note.text(language)}", err=err)


def output_file(out: str) -> Path | None:
    """`-` (standard output) -> None; else a path that is new or a regular file (never a device or FIFO)."""
    if out == "-":
        return None
    path = Path(out)
    try:
        return writable_target(path)
    except NotARegularFileError:
        raise UsageError(f"--out {out} is not a regular file; write to a file path, or - for standard output") from None


@cli.command()
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@_notebook_option("as_of")
@_notebook_option("tolerance")
@_notebook_option("compare_to")
@click.option("--out", "out", default="-", show_default=True,
              help="Write the CSV to this file (a new path or a regular file); - is standard output.")
@click.option("--reports", "reports", default=None, metavar="OUT_DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="An output folder of `run`: add `restated` and `revised` rows from its published snapshots.")
def kpis(data_dir: Path, as_of, tolerance, compare_to, out: str, reports: Path | None) -> None:
    """Every unit's KPIs as a tidy CSV: unit_id, unit_name, metric, key, value (text never runs as a spreadsheet
    formula), with the change since the previous period (--compare-to) and, with --reports, what was restated."""
    from analytics.data.loading import read_campaign
    from analytics.measures.change import compared_kpis, comparison_date
    from analytics.report.downloads import kpis_csv
    from analytics.report.history import published_kpis
    from analytics.report.parameters import NOTEBOOK_PARAMETERS

    target = output_file(out)
    if target is not None:
        refuse_onto_inputs("--out", target, {"DATA_DIR": data_dir})
    campaign = read_campaign(data_dir)
    when = campaign.as_of(as_of)  # UsageError outside start … end + 366 days
    if tolerance is None:
        tolerance = NOTEBOOK_PARAMETERS["tolerance"].default
    table = compared_kpis(campaign, when, compare_to, tolerance)
    _echo_no_earlier_period(campaign, when, compare_to)
    published = published_kpis(campaign, table, when, tolerance, reports,
                               previous_as_of=comparison_date(campaign, when, compare_to))
    for note in published.notes:
        click.echo(f"note: {note}", err=True)
    table = published.table
    text = kpis_csv(campaign, table)
    if target is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(target, text, encoding="utf-8-sig")
        click.echo(f"wrote {len(table)} rows to {out}", err=True)


@cli.command()
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The campaign folder.")
@click.option("--reports", "reports_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The output folder of `run` whose history/ holds the published snapshots "
                   "[default: reports/<campaign id>].")
@click.option("--unit", "unit_id", default=None, help="The unit whose bulletin this is [default: the root].")
@_notebook_option("as_of")
@click.option("--compare-to", "compare_to", default=None, metavar="DATE|none",
              help="Compare with this date instead of the previous period (start <= DATE < as_of); none: no comparison.")
@_notebook_option("tolerance")
@click.option("--language", type=click.Choice(LANGUAGES), default="zh", show_default=True)
@click.option("--date", "date", default=None, metavar="DATE",
              help="The bulletin's date [default: today in the campaign's time zone].")
@click.option("--template", "template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The office's own Word template (.docx) [default: reporting.bulletin.template, else built in].")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .docx file to write (not inside the campaign folder).")
@click.option("--pdf", is_flag=True, help="Also write the same bulletin as PDF beside it (needs LibreOffice Writer).")
def bulletin(data_dir: Path, reports_dir, unit_id, as_of, compare_to, tolerance, language, date, template, out: Path,
             pdf: bool) -> None:
    """The bulletin (通报) of one unit over its children, in Word (and PDF), from the same KPI table as kpis.csv."""
    from analytics.bulletin.cli import bulletin_command

    bulletin_command(data_dir=data_dir, reports_dir=reports_dir, unit_id=unit_id, as_of=as_of, compare_to=compare_to,
                     tolerance=tolerance, language=language, date=date, template=template, out=out, pdf=pdf,
                     echo=lambda text: click.echo(text, err=True))


@cli.command()
@click.argument("params_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_schema_options()
def run(params_file: Path | None, **flags) -> None:
    """Render each unit's report notebook to offline HTML, plus index.html, kpis.csv and manifest.json.

    PARAMS_FILE is a YAML file (see parameters/) with the options' names as keys; command-line flags override
    its keys. Exit status: 0 done, 1 some units failed or the batch hit a fault, 2 bad input or usage.
    """
    from analytics.batch.options import BatchOptions, read_parameters
    from analytics.config import resolve_data_dir

    params = read_parameters(params_file) if params_file else {}
    if flags.get("units"):  # --units A,B --units C: one list
        flags["units"] = [u for given in flags["units"] for u in given]
    params.update({k: v for k, v in flags.items() if v not in (None, ())})
    if "data_dir" not in params:
        raise click.UsageError("give a parameter file or --data DIR")
    params["data_dir"] = resolve_data_dir(params["data_dir"])
    # The batch validates the campaign before it writes anything, and imports the notebook machinery only when
    # a unit must be rendered.
    from analytics.batch.runner import run_batch

    options = BatchOptions.from_values(params)
    if options.out_dir is not None:
        refuse_onto_inputs("--out", options.out_dir, {"--data": params["data_dir"]}, folder=True)
        refuse_foreign_report_folder(options.out_dir, options.force)
    with _progress() as report:
        result = run_batch(options, progress=report)
    counts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(result.counts().items()))
    click.echo(f"{len(result.units)} units in {result.duration_s:.1f} s: {counts}", err=True)
    for unit in result.units:
        if unit.status == PageState.FAILED:
            click.echo(f"failed: {unit.unit_id}: {unit.error}" + (f" (notebook: {unit.notebook})" if unit.notebook
                                                                    else ""), err=True)
    if result.stale:
        click.echo(f"stale: {len(result.stale)} other page(s) of {result.out_dir} were made from other data "
                   "and are marked stale in index.html; run without --units to refresh them", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for problem in result.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"index: {result.index.resolve()}")
    if result.exit_code:
        raise SystemExit(result.exit_code)


@cli.command()
@click.argument("notebook", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", "out", default=None, help="The page to write (default: the notebook's name with .html).")
@click.option("--assets", type=click.Choice([m.value for m in AssetMode]), default=AssetMode.SELF_CONTAINED.value,
              show_default=True,
              help="plotly.js inside the page, or one assets/plotly.min.js beside it.")
def html(notebook: Path, out: str | None, assets: str) -> None:
    """Turn an executed report notebook (e.g. from papermill) into its offline page, every chart drawn."""
    from analytics.report.page import executed_notebook_page

    nb = read_notebook(notebook)
    target = output_file(out or str(notebook.with_suffix(".html")))
    if target is None:
        raise UsageError("--out - is not possible for a page; give a file path")
    refuse_onto_inputs("--out", target, {"NOTEBOOK": notebook})
    page = executed_notebook_page(nb, target, assets)
    click.echo(f"wrote {page}", err=True)


@cli.command()
@click.argument("campaign_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for the offices' workbooks (with --blank: the .xlsx file).")
@click.option("--units", "units", multiple=True,
              help="Unit ids, one workbook each with its subtree (default: every child of the root).")
@click.option("--language", type=click.Choice(LANGUAGES), default="zh", show_default=True,
              help="Language of headers, instructions and drop-down lists.")
@click.option("--blank", is_flag=True, help="Write one empty template for a new campaign to --out.")
@click.option("--deadline", metavar="YYYY-MM-DD", default=None, callback=lambda ctx, param, value: _iso_date(value),
              help="Date by which offices return the workbook, said in the instructions.")
@click.option("--contact", metavar="TEXT", default=None,
              help="To whom offices return the workbook (a name, office, phone or e-mail), said in the instructions.")
def template(campaign_dir: Path | None, out: Path, units: tuple[str, ...], language: str, blank: bool,
             deadline, contact: str | None) -> None:
    """Write Excel templates for offices to fill in: one per office, its rows pre-filled.

    Send each office its workbook; collect the returned ones with `campaign-analytics collect`.
    """
    from analytics.data.loading import read_campaign
    from analytics.exchange.template import write_blank_template, write_templates

    if blank:
        if campaign_dir is not None or units:
            raise click.UsageError("--blank writes a template for a new campaign: give no CAMPAIGN_DIR or --units")
        refuse_onto_inputs("--out", out, {})
        click.echo(write_blank_template(out, language, deadline, contact or ""))
        return
    if campaign_dir is None:
        raise click.UsageError("give CAMPAIGN_DIR (or --blank for a new campaign)")
    refuse_onto_inputs("--out", out, {"CAMPAIGN_DIR": campaign_dir}, folder=True)
    campaign = read_campaign(campaign_dir)
    ids = [u.strip() for raw in units for u in raw.split(",") if u.strip()]
    for path in write_templates(campaign, out, ids or None, language, deadline, contact or ""):
        click.echo(path)


def _iso_date(value: str | None):
    """--deadline as a date (YYYY-MM-DD only), else a usage error."""
    import datetime as dt
    import re

    if value is None:
        return None
    text = value.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date as YYYY-MM-DD") from None


@cli.command("collect")
@click.argument("returned_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--campaign", "campaign_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The base campaign folder the templates were written from.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the merged campaign (new, or one an earlier collect wrote).")
@click.option("--report", "report", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for summary.json, summary.csv and the checked workbooks (default OUT.collect).")
@click.option("--dry-run", is_flag=True, help="Write the report only, not the merged campaign.")
@click.option("--language", type=click.Choice(LANGUAGES), default="zh", show_default=True,
              help="Language of the summary (checked workbooks use each template's own).")
def collect_command(returned_dir: Path, campaign_dir: Path, out: Path, report: Path | None, dry_run: bool,
                    language: str) -> None:
    """Merge returned workbooks (and CSV files) into a new campaign folder, marking each one's errors.

    Exit status: 0 every returned row accepted, 1 some rows or files left out (the good ones are merged;
    see the report), 2 bad usage or a base campaign that breaks the contract.
    """
    from analytics.exchange.run import run_collect
    from analytics.exchange.summary import summary_lines
    from analytics.text.labels import message

    try:
        run = run_collect(returned_dir, campaign_dir, out, report, dry_run=dry_run, language=language)
    except CampaignDataError as exc:
        click.echo(f"error: {exc.text(language)}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    for line in summary_lines(run.summary, language):
        click.echo(line)
    if run.merged_dir is None:
        click.echo(message("collect.summary_dry_run", language))
    else:
        tables = ", ".join(f"{name} {rows}" for name, rows in run.summary["merged_tables"].items())
        click.echo(message("collect.summary_merged", language, path=run.merged_dir, tables=tables))
    click.echo(message("collect.summary_report", language, path=run.report_dir))
    if run.exit_code:
        raise SystemExit(run.exit_code)


class _progress:
    """A rich progress bar on a terminal, one plain log line per unit otherwise."""

    def __enter__(self):
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), transient=True)
            self.bar.start()
            self.task = None
        return self.update

    def update(self, result, done: int, total: int) -> None:
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task("rendering", total=total)
            self.bar.update(self.task, completed=done, description=f"{result.unit_id[:30]}")
        else:
            logging.getLogger("analytics.batch").info(
                "[%d/%d] %s %s (%.2f s)%s", done, total, result.unit_id, result.status, result.duration_s,
                f": {result.error}" if result.error else "")

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point: usage and input errors exit 2, environment faults 1, each one clear line, never a traceback.

    argv None: this process's own command line (the console script), which ends after the command.
    """
    _tune_process(own_process=argv is None)
    try:
        return _main(argv)
    finally:
        if argv is None:
            # Python collects every object once more as it exits: with a campaign's frames loaded that took 1.2 s
            # of a one-leaf re-run (200,000 visit rows). Frozen objects are left to the OS.
            gc.freeze()


# -- start-up tuning: here and in the workers' start (analytics.batch.worker), nowhere else ---------------------------

# Arrow's allocator for this process and the workers it starts, unless the user chose one: with jemalloc, `validate`
# of 1,000,000 visit rows peaked at 430-450 MB with 0.4-0.5 s of system time, against 500-505 MB and 0.9-1.1 s
# with the default (mimalloc), which keeps more of what the CSV reader freed. pyarrow reads it on first use.
ARROW_POOL = ("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")


def _tune_process(own_process: bool) -> None:
    """Settings for the command's process: Arrow's allocator (only in a process of its own, as the environment
    reaches the workers it starts) and no IRI grammar."""
    if own_process:
        os.environ.setdefault(*ARROW_POOL)
    without_iri_grammar()


def _main(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="campaign-analytics", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if isinstance(exc, click.UsageError) and ctx else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("aborted (interrupted): files already written are kept whole, and nothing is half-written; "
                   "`run` reuses the pages it finished when the same command runs again", err=True)
        return EXIT_INTERRUPTED
    except AnalyticsError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_BAD_INPUT
    except OSError as exc:
        # Inputs are read (and their OS errors turned into usage errors) before anything is written, so an
        # OSError that gets here is the environment failing a write: a full disk, a vanished folder.
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        return EXIT_FAILED
    except SystemExit as exc:
        return int(exc.code or 0)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
