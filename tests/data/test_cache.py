"""The validated-data cache: hit on unchanged bytes, rebuilt on change or damage, optional when unwritable.

Each second load reads a fresh copy of the folder: the copy has the same file names and bytes (so the same
fingerprint) but a new path, so only the on-disk cache, not an in-process memo keyed by path, can serve it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analytics import CampaignDataError, load_campaign
from analytics.data import cache, loading

UNITS_CSV = "unit_id,name,parent_id\nA,县,\nB,甲乡,A\nC,乙乡,A\nD,某村,B\n"  # A -> B, C; B -> D

VISITS = "date,unit_id,kind,group,persons\n2012-03-01,B,visit,residents,5\n2012-03-02,D,seminar,群众,7\n"


@pytest.fixture
def folder(make_campaign) -> Path:
    return make_campaign({"units": UNITS_CSV, "visits": VISITS})


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Names of the CSV files load_campaign reads from disk."""
    calls: list[str] = []
    real = loading.read_csv

    def counting(path, table):
        calls.append(Path(path).name)
        return real(path, table)

    monkeypatch.setattr(loading, "read_csv", counting)
    return calls


_copies = iter(range(1_000_000))


def _copy(folder: Path) -> Path:
    return Path(shutil.copytree(folder, folder.parent / f"{folder.name}-copy{next(_copies)}"))


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.iterdir() if p.is_dir())


def test_an_unchanged_folder_is_served_from_the_cache(folder, cache_dir, monkeypatch):
    first = load_campaign(folder)

    def refuse(*args, **kwargs):
        raise AssertionError("read a raw file although the cache holds it")

    monkeypatch.setattr(loading, "read_csv", refuse)
    monkeypatch.setattr(loading, "read_workbook_with_notes", refuse)
    second = load_campaign(_copy(folder))
    assert second.fingerprint == first.fingerprint
    assert second.present == first.present
    for name in first.present:  # the Parquet round trip keeps values, dtypes and spreadsheet-row index
        pd.testing.assert_frame_equal(second.tables[name], first.tables[name], obj=name)


def test_a_cache_entry_is_complete_and_leaves_no_temporary_folders(folder, cache_dir):
    campaign = load_campaign(folder)
    entries = _entries(cache_dir)
    assert [e.name for e in entries] == [campaign.fingerprint[:32]]
    assert sorted(p.name for p in entries[0].iterdir()) == ["meta.json", "units.parquet", "visits.parquet"]


def test_changed_bytes_invalidate_the_cache(folder, reads):
    load_campaign(folder)
    assert sorted(reads) == ["units.csv", "visits.csv"]
    changed = _copy(folder)
    path = changed / "visits.csv"
    path.write_bytes(path.read_bytes().replace(b",5\n", b",6\n"))  # same size, different bytes
    reads.clear()
    campaign = load_campaign(changed)
    assert sorted(reads) == ["units.csv", "visits.csv"]
    assert list(campaign.visits["persons"]) == [6, 7]


def test_changed_campaign_yaml_invalidates_the_cache(folder, reads):
    load_campaign(folder)
    changed = _copy(folder)
    meta = changed / "campaign.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "as_of: 2012-06-30\n", encoding="utf-8")
    reads.clear()
    load_campaign(changed)
    assert sorted(reads) == ["units.csv", "visits.csv"]


@pytest.mark.parametrize("damage", ["corrupt-parquet", "missing-meta", "truncated-meta", "foreign-fingerprint"])
def test_a_damaged_entry_is_rebuilt_not_trusted(folder, cache_dir, reads, damage):
    first = load_campaign(folder)
    entry = _entries(cache_dir)[0]
    if damage == "corrupt-parquet":
        (entry / "visits.parquet").write_bytes(b"PAR1 this is not parquet")
    elif damage == "missing-meta":
        (entry / "meta.json").unlink()
    elif damage == "truncated-meta":
        (entry / "meta.json").write_text('{"fingerprint": ', encoding="utf-8")
    else:
        (entry / "meta.json").write_text('{"fingerprint": "0000", "tables": [], "rows": {}}', encoding="utf-8")
    reads.clear()
    rebuilt = load_campaign(_copy(folder))
    assert sorted(reads) == ["units.csv", "visits.csv"]  # read again from the raw files
    pd.testing.assert_frame_equal(rebuilt.visits, first.visits)
    # ... and the rebuilt entry serves the next load
    reads.clear()
    load_campaign(_copy(folder))
    assert reads == []


def test_an_unwritable_cache_does_not_break_loading(folder, tmp_path, monkeypatch):
    # A regular file where the cache folder should be: nothing can be created under it, even as root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN_ANALYTICS_CACHE", str(blocker / "cache"))
    campaign = load_campaign(folder)
    again = load_campaign(_copy(folder))
    assert list(again.visits["persons"]) == list(campaign.visits["persons"]) == [5, 7]
    assert blocker.read_text(encoding="utf-8") == "x"


def test_use_cache_false_neither_reads_nor_writes_the_cache(folder, cache_dir, reads):
    load_campaign(folder, use_cache=False)
    assert _entries(cache_dir) == []
    load_campaign(folder)
    reads.clear()
    load_campaign(_copy(folder), use_cache=False)
    assert sorted(reads) == ["units.csv", "visits.csv"]


def test_a_folder_that_fails_validation_is_not_cached(make_campaign, cache_dir):
    folder = make_campaign({"units": UNITS_CSV + "E,x,Q\n"})
    with pytest.raises(CampaignDataError):
        load_campaign(folder)
    assert _entries(cache_dir) == []


def test_fingerprint_depends_on_names_and_bytes_only(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "units.csv").write_bytes(b"unit_id,name,parent_id\nA,x,\n")
    assert cache.fingerprint([a / "units.csv"]) == cache.fingerprint([b / "units.csv"])
    (b / "units.csv").rename(b / "visits.csv")
    assert cache.fingerprint([a / "units.csv"]) != cache.fingerprint([b / "visits.csv"])
    (b / "visits.csv").rename(b / "units.csv")
    (b / "units.csv").write_bytes(b"unit_id,name,parent_id\nB,x,\n")
    assert cache.fingerprint([a / "units.csv"]) != cache.fingerprint([b / "units.csv"])


def test_a_damaged_but_readable_entry_is_caught_by_its_digest(folder, cache_dir, reads):
    """Issue 12: one flipped bit in a Parquet page changed 55 into 56 and the entry still read. Any change to a
    cached file, readable or not, fails the sha256 kept in meta.json: the entry is rebuilt from the raw files."""
    first = load_campaign(folder)
    entry = _entries(cache_dir)[0]
    damaged = pd.read_parquet(entry / "visits.parquet")
    damaged.loc[damaged.index[0], "persons"] += 1  # a valid Parquet file, same rows, one figure off by one
    damaged.to_parquet(entry / "visits.parquet", index=True)
    assert len(pd.read_parquet(entry / "visits.parquet")) == len(first.visits)
    reads.clear()
    again = load_campaign(_copy(folder))
    assert sorted(reads) == ["units.csv", "visits.csv"]
    assert list(again.visits["persons"]) == [5, 7]


def test_an_entry_written_in_the_background_is_the_same_and_ignores_later_changes(folder, cache_dir):
    """`validate` hands the entry to a thread (cache_later): once settled it holds what a plain write holds, and a
    change the caller makes to its tables afterwards (pandas' copy-on-write) does not reach it."""
    later = load_campaign(folder, cache_later=True)
    later.tables["visits"].loc[later.tables["visits"].index[0], "persons"] = 99  # after the hand-over
    cache.settle()
    assert not any(p.name.startswith(".tmp-") for p in cache_dir.iterdir())
    tables, _, sources = cache.read(later.fingerprint)
    assert tables["visits"]["persons"].tolist() == [5, 7]  # as read from the file, not the 99 set afterwards
    assert sources == {"units": "units.csv", "visits": "visits.csv"}
    [entry] = _entries(cache_dir)
    written = {p.name: p.read_bytes() for p in entry.iterdir()}
    shutil.rmtree(entry)
    loading._LOADED.clear()
    load_campaign(_copy(folder))  # the same bytes, written in the foreground
    [again] = _entries(cache_dir)
    assert {p.name: p.read_bytes() for p in again.iterdir()} == written


def test_the_validate_command_leaves_a_whole_cache_entry(folder, cache_dir):
    from click.testing import CliRunner

    from analytics.cli import cli

    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    [entry] = _entries(cache_dir)
    assert sorted(p.name for p in entry.iterdir()) == ["meta.json", "units.parquet", "visits.parquet"]
