"""Runs keep what they published: a snapshot per run that publishes, versions at the same as_of, `revised` rows in
kpis.csv, none for a run with nothing changed, a damaged snapshot a note (exit 0)."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest

from analytics.batch import BatchOptions, run_batch
from analytics.cli import main
from analytics.report.history import read_snapshot

UNITS = "unit_id,name,parent_id\nA,Town,\nB,Village,A\n"
TARGETS = "unit_id,indicator,target,measure,period_start,period_end,aggregation\nA,gdp,1000,万元,2012-01-01,2012-12-31,none\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-02,B,visit,residents,12\n2012-04-10,B,lecture,staff,30\n"


def _actuals(april: int) -> str:
    return f"unit_id,indicator,date,value\nA,gdp,2012-03-31,300\nA,gdp,2012-04-30,{april}\n"


def _kpis(out: Path) -> list[dict[str, str]]:
    with open(out / "kpis.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _versions(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "history" / "2012-04-30").iterdir())


@pytest.fixture
def umask_022():
    saved = os.umask(0o022)
    yield
    os.umask(saved)


def test_runs_at_one_as_of_keep_every_version_they_published(make_campaign, tmp_path, cache_dir, umask_022, capsys):
    data = make_campaign({"units": UNITS, "targets": TARGETS, "actuals": _actuals(400), "visits": VISITS})
    out = tmp_path / "out"

    def run(**extra):
        return run_batch(BatchOptions(data_dir=data, out_dir=out, as_of="2012-04-30", **{"language": "en", **extra}))

    first = run()
    assert first.exit_code == 0 and first.notes == []
    assert _versions(out) == ["v0001.parquet"]
    v1 = out / "history" / "2012-04-30" / "v0001.parquet"
    assert stat.S_IMODE(v1.stat().st_mode) == 0o644
    published = read_snapshot(v1).table
    rows = _kpis(out)
    assert [(r["unit_id"], r["unit_name"], r["metric"], r["key"]) for r in rows] == \
        list(zip(published["unit_id"], published["unit_name"], published["metric"], published["key"], strict=True))
    assert not any(r["metric"] in ("revised", "restated") for r in rows)

    # Nothing changed (the quick re-run): no new snapshot, the first one untouched.
    before = v1.read_bytes()
    assert run().exit_code == 0 and _versions(out) == ["v0001.parquet"] and v1.read_bytes() == before

    # The April actual corrected, one unit re-rendered: kpis.csv (the whole table) changed, so a second version,
    # holding every unit, and `revised` rows with the figures first published: 400, 40 %, and
    # (0.4 - 121/366) x 100 = 6.939891 points (now 380, 38 %, 4.939891).
    (data / "actuals.csv").write_text(_actuals(380), encoding="utf-8")
    third = run(units=["B"])
    assert third.exit_code == 0
    assert _versions(out) == ["v0001.parquet", "v0002.parquet"] and v1.read_bytes() == before
    revised = {r["key"]: r["value"] for r in _kpis(out) if r["metric"] == "revised"}
    assert set(revised) == {"actual:gdp", "completion:gdp", "pace_gap:gdp"}
    assert float(revised["actual:gdp"]) == 400 and float(revised["completion:gdp"]) == 0.4
    assert float(revised["pace_gap:gdp"]) == pytest.approx(6.939891, abs=1e-6)
    v2 = read_snapshot(out / "history" / "2012-04-30" / "v0002.parquet")
    assert set(v2.table["unit_id"]) == {"A", "B"} and v2.info["version"] == 2
    assert (v2.table["metric"] == "revised").sum() == 3

    # The same data in another language (pages and kpis.xlsx re-made, kpis.csv's table the same): no new version.
    assert run(language="zh").exit_code == 0 and _versions(out) == ["v0001.parquet", "v0002.parquet"]

    # A damaged snapshot: a note, never used (the first published April actual is now v0002's 380, not v0001's
    # 400) and never replaced; the run goes on (exit 0) and publishes v0003.
    v1.write_bytes(b"PAR1 not really")
    (data / "actuals.csv").write_text(_actuals(390), encoding="utf-8")
    code = main(["run", "--data", str(data), "--out", str(out), "--as-of", "2012-04-30", "--language", "en"])
    assert code == 0
    assert "note: history/2012-04-30/v0001.parquet is damaged and was not used" in capsys.readouterr().err
    assert v1.read_bytes() == b"PAR1 not really"
    assert _versions(out) == ["v0001.parquet", "v0002.parquet", "v0003.parquet"]
    revised = {r["key"]: r["value"] for r in _kpis(out) if r["metric"] == "revised"}
    assert float(revised["actual:gdp"]) == 380 and float(revised["completion:gdp"]) == 0.38
