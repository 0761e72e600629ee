"""The campaign-analytics command: a thin layer over the library. Exit 0 ok, 1 some units failed, 2 bad input."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .errors import AnalyticsError
from .fileio import write_text_atomic
from .kpis import kpi_table
from .loading import load_campaign

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


@cli.command()
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
def validate(data_dir: Path) -> None:
    """Check a campaign folder against the data contract and summarise what it holds."""
    campaign = load_campaign(data_dir)
    meta = campaign.meta
    click.echo(f"{meta.id}: {meta.title('zh')} / {meta.title('en')}")
    click.echo(f"period {meta.start} to {meta.end}, as_of {campaign.as_of()}")
    h = campaign.hierarchy
    click.echo(f"units: {len(h.ids)} ({len(h.roots)} root{'s' if len(h.roots) != 1 else ''})")
    for name in ("visits", "surveys", "targets", "actuals", "responses"):
        if name in campaign.present:
            click.echo(f"{name}: {len(campaign.tables[name])} rows")
    click.echo(f"fingerprint {campaign.fingerprint[:16]}")
    click.echo("ok: the campaign meets the data contract")


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
