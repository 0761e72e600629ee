"""batch.history: snapshots written, versioned, never overwritten, read back; damaged ones are notes; restatements
from real snapshot files of a tiny campaign whose April actual is corrected."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import numbers
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics import load_campaign
from analytics.cli import main
from analytics.fileio import write_bytes_new
from analytics.measures.kpis import kpi_table
from analytics.report.history import (
    METADATA_KEY,
    _kinds,
    publish,
    published_kpis,
    read_snapshot,
    read_snapshots,
)

APRIL, MAY = dt.date(2012, 4, 30), dt.date(2012, 5, 31)
UNITS = "unit_id,name,parent_id\nA,Town,\nB,Village,A\n"
TARGETS = "unit_id,indicator,target,measure,period_start,period_end,aggregation\nA,gdp,1000,万元,2012-01-01,2012-12-31,none\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-02,B,visit,residents,12\n2012-04-10,B,lecture,staff,30\n"


def _actuals(april: int) -> str:
    return f"unit_id,indicator,date,value\nA,gdp,2012-03-31,300\nA,gdp,2012-04-30,{april}\nA,gdp,2012-05-31,500\n"


@pytest.fixture
def umask_022():
    saved = os.umask(0o022)
    yield
    os.umask(saved)


def _campaign(make_campaign, april: int):
    return load_campaign(make_campaign({"units": UNITS, "targets": TARGETS, "actuals": _actuals(april),
                                        "visits": VISITS}))


def _publish(campaign, as_of: dt.date, out: Path, previous_as_of: dt.date | None = None):
    published = published_kpis(campaign, kpi_table(campaign, as_of), as_of, 1.0, out, previous_as_of)
    return published, publish(published, out)


def _rows(table, metric: str) -> list[tuple]:
    part = table[table["metric"] == metric]
    return list(zip(part["unit_id"], part["key"], part["value"], strict=True))


def test_a_snapshot_holds_the_published_table_and_the_run(make_campaign, tmp_path, umask_022):
    campaign = _campaign(make_campaign, 400)
    published, path = _publish(campaign, APRIL, tmp_path)
    assert path == tmp_path / "history" / "2012-04-30" / "v0001.parquet"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["v0001.parquet"]  # no temp file left
    snapshot = read_snapshot(path)
    info = snapshot.info
    assert (info["as_of"], info["version"], info["tolerance"], info["campaign"]) == ("2012-04-30", 1, 1.0, "test")
    assert info["fingerprint"] == campaign.fingerprint and info["lights"] is None and info["format"] == 1
    assert dt.datetime.fromisoformat(info["written_at"]).tzinfo is not None
    got = {(r.unit_id, r.metric, r.key): r.value for r in snapshot.table.itertuples()}
    # 400 of 1,000; 2 visit rows at B (12 + 30 person-times), rolled up into A
    assert got[("A", "actual", "gdp")] == 400 and got[("A", "completion", "gdp")] == 0.4
    assert got[("A", "status", "gdp")] == "ahead" and got[("A", "events", "")] == 2
    assert got[("A", "persons", "")] == 42 and isinstance(got[("A", "persons", "")], int)
    assert snapshot.table["unit_name"].tolist()[:1] == ["Town"]
    assert len(snapshot.table) == len(published.table)


def test_the_same_table_again_writes_no_snapshot_and_changed_data_adds_a_version(make_campaign, tmp_path):
    _publish(_campaign(make_campaign, 400), APRIL, tmp_path)
    first = (tmp_path / "history" / "2012-04-30" / "v0001.parquet").read_bytes()
    again, path = _publish(_campaign(make_campaign, 400), APRIL, tmp_path)
    assert path is None and _rows(again.table, "revised") == []
    corrected, path = _publish(_campaign(make_campaign, 380), APRIL, tmp_path)
    assert path is not None and path.name == "v0002.parquet"
    assert (tmp_path / "history" / "2012-04-30" / "v0001.parquet").read_bytes() == first  # never overwritten
    # Now 380 of 1,000 = 38 %, 4.939891 points ahead (121/366 elapsed); first published 400, 40 %, 6.939891.
    revised = _rows(corrected.table, "revised")
    assert [r[:2] for r in revised] == [("A", "actual:gdp"), ("A", "completion:gdp"), ("A", "pace_gap:gdp")]
    assert revised[0][2] == 400 and revised[1][2] == 0.4
    assert revised[2][2] == pytest.approx((400 / 1000 - 121 / 366) * 100)  # 6.939891
    # The same corrected data once more: the revised rows are the same, so the table is v0002's: no v0003.
    again, path = _publish(_campaign(make_campaign, 380), APRIL, tmp_path)
    assert path is None and _rows(again.table, "revised") == revised


def test_an_april_actual_changed_between_two_runs_is_restated_in_may(make_campaign, tmp_path):
    _publish(_campaign(make_campaign, 400), APRIL, tmp_path)
    campaign = _campaign(make_campaign, 380)
    may, path = _publish(campaign, MAY, tmp_path, previous_as_of=APRIL)
    assert path == tmp_path / "history" / "2012-05-31" / "v0001.parquet"
    # April recomputed now: 380 -> 38 %, (0.38 - 121/366) x 100 = 4.939891 points; published: 400, 40 %, 6.939891.
    restated = _rows(may.table, "restated")
    assert [r[:2] for r in restated] == [("A", "actual:gdp"), ("A", "completion:gdp"), ("A", "pace_gap:gdp")]
    assert restated[0][2] == 400 and restated[1][2] == 0.4
    assert restated[2][2] == pytest.approx(6.939891, abs=1e-6)
    recomputed = kpi_table(campaign, APRIL).set_index(["unit_id", "metric", "key"])["value"]
    assert recomputed[("A", "actual", "gdp")] == 380
    assert recomputed[("A", "pace_gap", "gdp")] == pytest.approx(4.939891, abs=1e-6)
    # The restated rows sit after A's own figures, before B's.
    units = may.table["unit_id"].tolist()
    assert units.index("B") > max(i for i, m in enumerate(may.table["metric"]) if m == "restated")
    # Without an earlier period, or without an output folder, there is nothing to restate.
    assert _rows(published_kpis(campaign, kpi_table(campaign, MAY), MAY, 1.0, tmp_path).table, "restated") == []
    assert len(published_kpis(campaign, kpi_table(campaign, MAY), MAY, 1.0, None, APRIL).table) == \
        len(kpi_table(campaign, MAY))


def _damage(path: Path, how: str) -> None:
    good = pq.read_table(path)
    if how == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    elif how == "not_parquet":
        path.write_text("unit_id,metric\nA,events\n", encoding="utf-8")
    elif how == "wrong_schema":
        pq.write_table(good.drop_columns(["value_text"]), path)
    elif how == "no_metadata":
        pq.write_table(good.replace_schema_metadata(None), path)
    elif how == "other_as_of":
        info = json.loads(good.schema.metadata[METADATA_KEY])
        pq.write_table(good.replace_schema_metadata({METADATA_KEY: json.dumps({**info, "as_of": "2012-03-31"})}), path)


@pytest.mark.parametrize("how", ["truncated", "not_parquet", "wrong_schema", "no_metadata", "other_as_of"])
def test_a_damaged_snapshot_is_a_note_and_never_used(make_campaign, tmp_path, how):
    _publish(_campaign(make_campaign, 400), APRIL, tmp_path)
    day = tmp_path / "history" / "2012-04-30"
    _damage(day / "v0001.parquet", how)
    damaged = (day / "v0001.parquet").read_bytes()
    published, path = _publish(_campaign(make_campaign, 380), APRIL, tmp_path)
    assert len(published.notes) == 1
    assert published.notes[0].startswith("history/2012-04-30/v0001.parquet is damaged and was not used: ")
    assert _rows(published.table, "revised") == []  # v0001 not used: nothing to compare with
    assert path == day / "v0002.parquet"  # the next version: the damaged file is kept as it is
    assert (day / "v0001.parquet").read_bytes() == damaged
    notes: list[str] = []
    assert [s.version for s in read_snapshots(tmp_path / "history", APRIL, notes)] == [2] and len(notes) == 1


def test_a_restatement_skips_a_damaged_latest_snapshot_for_the_one_before(make_campaign, tmp_path):
    _publish(_campaign(make_campaign, 400), APRIL, tmp_path)
    _publish(_campaign(make_campaign, 390), APRIL, tmp_path)
    (tmp_path / "history" / "2012-04-30" / "v0002.parquet").write_bytes(b"PAR1")
    may, _ = _publish(_campaign(make_campaign, 380), MAY, tmp_path, previous_as_of=APRIL)
    assert _rows(may.table, "restated")[0] == ("A", "actual:gdp", 400)
    assert len(may.notes) == 1 and "v0002.parquet is damaged" in may.notes[0]


def test_write_bytes_new_never_replaces_a_file(tmp_path, umask_022):
    path = tmp_path / "v0001.parquet"
    write_bytes_new(path, b"first")
    with pytest.raises(FileExistsError):
        write_bytes_new(path, b"second")
    assert path.read_bytes() == b"first" and stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["v0001.parquet"]


def test_kpis_reports_adds_revised_rows_from_the_folders_snapshots(make_campaign, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    _publish(_campaign(make_campaign, 400), APRIL, tmp_path / "out")
    data = make_campaign({"units": UNITS, "targets": TARGETS, "actuals": _actuals(380), "visits": VISITS})
    assert main(["kpis", str(data), "--as-of", "2012-04-30", "--reports", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "A,Town,revised,actual:gdp,400.0" in lines and "A,Town,revised,completion:gdp,0.4" in lines
    assert main(["kpis", str(data), "--as-of", "2012-04-30"]) == 0
    assert not any(",revised," in line for line in capsys.readouterr().out.splitlines())
    (tmp_path / "out" / "history" / "2012-04-30" / "v0001.parquet").write_bytes(b"not parquet")
    assert main(["kpis", str(data), "--as-of", "2012-04-30", "--reports", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "note: history/2012-04-30/v0001.parquet is damaged" in captured.err
    assert not any(",revised," in line for line in captured.out.splitlines())
    assert main(["kpis", str(data), "--reports", str(tmp_path / "missing")]) == 2


def test_snapshot_schema_is_what_the_docs_say():
    from analytics.report.history import SCHEMA

    assert [(f.name, str(f.type)) for f in SCHEMA] == [
        ("unit_id", "string"), ("unit_name", "string"), ("metric", "string"), ("key", "string"),
        ("value_int", "int64"), ("value_float", "double"), ("value_text", "string")]
    assert isinstance(SCHEMA, pa.Schema)


def test_a_history_that_is_not_a_folder_cannot_be_written_and_has_nothing_to_read(make_campaign, tmp_path):
    (tmp_path / "history").write_text("not a folder", encoding="utf-8")
    campaign = _campaign(make_campaign, 400)
    published = published_kpis(campaign, kpi_table(campaign, APRIL), APRIL, 1.0, tmp_path, APRIL)
    assert published.notes == [] and published.latest is None
    with pytest.raises(OSError):
        publish(published, tmp_path)  # the run lists it as a file it could not write (exit 1)
    assert (tmp_path / "history").read_text(encoding="utf-8") == "not a folder"


def test_value_kinds_are_each_values_own():
    """_kinds by whole columns: each value's kind and float as it alone would give them (pandas' to_numeric)."""
    values = ["a", "", 1, -5, True, np.int64(7), 2.5, -0.0, math.nan, math.inf, np.float64(1.25), None, pd.NA,
              decimal.Decimal("1.1"), 2 ** 53 + 1, 2 ** 70, "3.5", pd.Timestamp("2024-01-01")]
    column = np.empty(len(values), dtype=object)
    column[:] = values
    text, whole, real = _kinds(column)
    assert text.tolist() == [isinstance(v, str) for v in values]
    assert whole.tolist() == [isinstance(v, numbers.Integral) for v in values]
    alone = [math.nan if isinstance(v, str) else
             pd.to_numeric(pd.Series([v], dtype=object), errors="coerce").to_numpy("float64", na_value=np.nan)[0]
             for v in values]
    assert real.tobytes() == np.array(alone, dtype="float64").tobytes()  # -0.0 stays -0.0
