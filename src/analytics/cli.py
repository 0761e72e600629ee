"""The campaign-analytics command: a thin layer over the library. Exit 0 ok, 1 some units failed, 2 bad input."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import click

from analytics import __version__
from analytics.data.loading import load_campaign
from analytics.errors import AnalyticsError, CampaignDataError
from analytics.fileio import write_text_atomic
from analytics.kpis import kpi_table
from analytics.labels import where_text

EXIT_OK, EXIT_FAILED_UNITS, EXIT_BAD_INPUT = 0, 1, 2


class _Date(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date as YYYY-MM-DD", param, ctx)


DATE = _Date()


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
@click.option("--language", type=click.Choice(["zh", "en"]), default="en", show_default=True,
              help="Language of the messages.")
def validate(data_dir: Path, language: str) -> None:
    """Check a campaign folder against the data contract and summarise what it holds.

    Prints every problem (exit 2), the habits accepted while reading (notes) and the data-quality findings
    (exit 0: they are shown in the report too).
    """
    from analytics.kpis import campaign_flags
    from analytics.labels import label, message

    try:
        campaign = load_campaign(data_dir)
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
            say("validate.rows", table=name, count=len(campaign.tables[name]))
    if meta.appraisal is not None:
        say("validate.appraisal", items=", ".join(f"{i.code} {i.weight:g}" for i in meta.appraisal.items))
    say("validate.fingerprint", fingerprint=campaign.fingerprint[:16])
    _echo_notes(campaign.notes, language)
    flags = campaign_flags(campaign)
    if len(flags):
        say("validate.findings", count=len(flags))
        for f in flags.head(MAX_FINDINGS_SHOWN).itertuples(index=False):
            where = campaign.source_of(f.table)
            detail = message(f.code, language, **f.params) if f.code else f.detail
            colon = "：" if language == "zh" else ": "
            text = where_text(where, int(f.row), None, None,
                              colon.join([str(f.unit_id), label(f"flag.{f.flag}", language), detail]), language)
            click.echo(f"  ! {text}")
        if len(flags) > MAX_FINDINGS_SHOWN:
            click.echo("  " + message("validate.more", language, count=len(flags) - MAX_FINDINGS_SHOWN))
    say("validate.ok")


def _echo_notes(notes, language: str, err: bool = False) -> None:
    from analytics.labels import message

    if notes:
        click.echo(message("validate.notes", language, count=len(notes)), err=err)
        for note in notes:
            click.echo(f"  * {note.text(language)}", err=err)


@cli.command()
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--as-of", "as_of", type=DATE, default=None, help="Date of the figures (default: the campaign's).")
@click.option("--tolerance", type=float, default=1.0, show_default=True, help="Pace tolerance in points.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write CSV here instead of standard output.")
def kpis(data_dir: Path, as_of: dt.date | None, tolerance: float, out: Path | None) -> None:
    """Every unit's KPIs as a tidy CSV: unit_id, metric, key, value."""
    campaign = load_campaign(data_dir)
    table = kpi_table(campaign, as_of=as_of, tolerance=tolerance)
    text = table.to_csv(index=False)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(out, text, encoding="utf-8-sig")
        click.echo(f"wrote {len(table)} rows to {out}", err=True)


@cli.command()
@click.argument("params_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), help="Campaign folder.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default reports/<campaign id>).")
@click.option("--units", "units", multiple=True, help="Unit ids to render (repeat, or comma-separated).")
@click.option("--as-of", "as_of", type=DATE, help="Date of the figures (default: the campaign's).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Parallel kernels (default 1).")
@click.option("--assets", type=click.Choice(["self_contained", "shared"]), help="How pages get plotly.js.")
@click.option("--language", type=click.Choice(["zh", "en"]), help="Report language.")
@click.option("--tolerance", type=float, help="Pace tolerance in points (default 1).")
@click.option("--timeout", type=float, help="Seconds allowed per unit (default 600).")
@click.option("--force", is_flag=True, default=None, help="Re-render units that are up to date.")
@click.option("--executor", type=click.Choice(["local", "dask"]), help="Where units run (default local).")
@click.option("--scheduler", help="With --executor dask: scheduler address (tcp://host:8786) or 'local'.")
def run(params_file: Path | None, **flags) -> None:
    """Render each unit's report notebook to offline HTML, plus index.html, kpis.csv and manifest.json.

    PARAMS_FILE is a YAML file (see parameters/); command-line flags override its keys.
    Exit status: 0 every unit rendered, 1 some units failed, 2 bad input or usage.
    """
    from analytics.batch.params import read_parameters, resolve_paths

    params = read_parameters(params_file) if params_file else {}
    cli_values = {k: v for k, v in flags.items() if v not in (None, ())}
    if "units" in cli_values:
        cli_values["units"] = [u.strip() for raw in cli_values["units"] for u in raw.split(",") if u.strip()]
    if "data_dir" in cli_values:
        cli_values["data_dir"] = str(cli_values["data_dir"])
    params.update(cli_values)
    params = resolve_paths(params)
    if "data_dir" not in params:
        raise click.UsageError("give a parameter file or --data DIR")
    # Validate before importing the notebook machinery (~2 s), so bad input fails fast; the batch reuses it.
    load_campaign(params["data_dir"])
    from analytics.batch.runner import BatchOptions, run_batch

    options = BatchOptions(
        data_dir=params["data_dir"], out_dir=params.get("out"), units=params.get("units"),
        as_of=params.get("as_of"), jobs=params.get("jobs", 1), assets=params.get("assets", "self_contained"),
        language=params.get("language", "zh"), tolerance=params.get("tolerance", 1.0),
        timeout=params.get("timeout", 600.0), force=bool(params.get("force", False)),
        executor=params.get("executor", "local"), scheduler=params.get("scheduler"),
    )
    with _progress() as report:
        result = run_batch(options, progress=report)
    counts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(result.counts().items()))
    click.echo(f"{len(result.units)} units in {result.duration_s:.1f} s: {counts}", err=True)
    for unit in result.units:
        if unit.status == "failed":
            click.echo(f"failed: {unit.unit_id}: {unit.error} (notebook: {unit.notebook})", err=True)
    click.echo(f"index: {result.index.resolve()}")
    if result.exit_code:
        raise SystemExit(result.exit_code)


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
    """Entry point: bad input and usage errors exit 2 with a message, never a traceback."""
    try:
        cli.main(args=argv, prog_name="campaign-analytics", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_BAD_INPUT
    except AnalyticsError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_BAD_INPUT
    except OSError as exc:
        click.echo(f"error: {exc.strerror or exc} ({exc.filename or ''})", err=True)
        return EXIT_BAD_INPUT
    except SystemExit as exc:
        return int(exc.code or 0)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
