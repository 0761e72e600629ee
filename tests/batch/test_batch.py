"""The batch runner over sample campaigns: manifest, kpis.csv, links, asset modes, exit codes."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import nbformat
import pytest

from analytics.batch import BatchOptions, run_batch
from analytics.cli import main
from analytics.report.layout import unit_filename

from builders import RAW_DIR, REPO_ROOT, SHUNHE, UNIT_NOTEBOOK

HREF = re.compile(r'href="([^"]+)"')
SRC = re.compile(r'<script[^>]*\ssrc="([^"]+)"')


def test_manifest_lists_every_unit_rendered(shunhe_shared):
    manifest = json.loads((shunhe_shared.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True
    assert manifest["counts"] == {"rendered": 45}
    assert len(manifest["units"]) == 45
    for line in manifest["units"]:
        assert line["status"] == "rendered" and line["error"] is None
        assert (shunhe_shared.out_dir / line["output"]).is_file()
        assert len(line["input_key"]) == 64 and line["duration_s"] > 0
    assert shunhe_shared.exit_code == 0


def test_kpis_csv_holds_the_published_figures(shunhe_shared):
    with open(shunhe_shared.out_dir / "kpis.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["unit_id", "unit_name", "metric", "key", "value"]
    got = {(r["unit_id"], r["metric"], r["key"]): r["value"] for r in rows}
    # 208,526 / 357,000 = 0.58411; 5,020 / 10,000 = 0.502
    assert round(float(got[("SH", "completion", "gdp")]), 4) == 0.5841
    assert got[("SH", "status", "gdp")] == "ahead"
    assert got[("SH", "status", "general_budget_revenue")] == "on_pace"


def test_index_and_pages_link_to_each_other(shunhe_shared):
    out = shunhe_shared.out_dir
    index = (out / "index.html").read_text(encoding="utf-8")
    # The index's rows (and their links) are drawn by its script from the JSON it embeds.
    data = json.loads(re.search(r'<script type="application/json" id="scorecard-data">(.*?)</script>', index,
                                re.S).group(1))
    linked = {row[data["fields"].index("href")] for row in data["rows"]}
    assert linked == {f"units/{unit_filename(u.unit_id)}" for u in shunhe_shared.units}
    town = (out / "units" / unit_filename("SH")).read_text(encoding="utf-8")
    hrefs = set(HREF.findall(town))
    assert "../index.html" in hrefs
    for child in ("SH-C01", "SH-C06"):
        assert unit_filename(child) in hrefs
    branch = (out / "units" / unit_filename("SH-C01-B01")).read_text(encoding="utf-8")
    assert unit_filename("SH") in HREF.findall(branch) and unit_filename("SH-C01") in HREF.findall(branch)
    for page in (out / "units").iterdir():
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().is_file(), (page.name, href)


def test_shared_mode_references_one_local_plotly(shunhe_shared):
    out = shunhe_shared.out_dir
    assert (out / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    for page in (out / "units").iterdir():
        text = page.read_text(encoding="utf-8")
        assert SRC.findall(text) == ["../assets/plotly.min.js"]
        assert "cdn" not in text.lower() and "require.js" not in text and "mathjax" not in text.lower()
        assert page.stat().st_size < 400 * 1024


def test_self_contained_pages_embed_plotly_once(weishi_en):
    for unit in weishi_en.units:
        text = (weishi_en.out_dir / unit.output).read_text(encoding="utf-8")
        assert SRC.findall(text) == []
        assert text.count("plotly.js (basic - minified) v") == 1  # the vendored bundle's banner comment
        assert len(text.encode()) < 1.5e6


def test_rerun_without_changes_renders_nothing(shunhe_shared, tmp_path):
    again = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=shunhe_shared.out_dir, jobs=2,
                                   assets="shared"))
    assert {u.status for u in again.units} == {"up_to_date"}
    assert again.exit_code == 0


def test_failing_unit_does_not_stop_the_others(tmp_path, cache_dir):
    nb = nbformat.read(UNIT_NOTEBOOK, as_version=4)
    boom = nbformat.v4.new_code_cell('if unit_id == "SH-C02":\n    raise RuntimeError("boom for " + unit_id)')
    nb.cells.insert(3, boom)
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    out = tmp_path / "out"
    result = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=out, notebook=broken,
                                    units=["SH", "SH-C01", "SH-C02", "SH-C03"]))
    status = {u.unit_id: u.status for u in result.units}
    assert status == {"SH": "rendered", "SH-C01": "rendered", "SH-C02": "failed", "SH-C03": "rendered"}
    assert result.exit_code == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    failed = next(u for u in manifest["units"] if u["unit_id"] == "SH-C02")
    assert "boom for SH-C02" in failed["error"] and failed["output"] is None
    kept = nbformat.read(out / failed["notebook"], as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in kept.cells for o in c.get("outputs", []))
    assert not (out / "units" / unit_filename("SH-C02")).exists()


def test_cli_run_with_parameter_file_and_overrides(tmp_path, capsys, cache_dir):
    params = tmp_path / "p.yaml"
    params.write_text(f"data_dir: {RAW_DIR / 'shunhe_2012'}\nout: {tmp_path / 'ignored'}\nlanguage: zh\n",
                      encoding="utf-8")
    out = tmp_path / "out"
    code = main(["run", str(params), "--out", str(out), "--units", "SH-C01,SH-C01-B01", "--language", "en",
                 "--assets", "shared"])
    assert code == 0
    assert "index:" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [u["unit_id"] for u in manifest["units"]] == ["SH-C01", "SH-C01-B01"]
    assert manifest["language"] == "en"
    assert not (tmp_path / "ignored").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["run"], "give a parameter file or --data"),
        (["run", "--data", str(SHUNHE), "--units", "NOPE"], "unknown unit id"),
        (["run", "--data", str(SHUNHE), "--jobs", "0"], "jobs"),
    ],
)
def test_cli_run_usage_errors_exit_2(args, message, capsys, tmp_path):
    assert main([*args, "--out", str(tmp_path / "o")] if "--data" in args else args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_parameter_key_is_a_usage_error(tmp_path, capsys):
    params = tmp_path / "p.yaml"
    params.write_text("data_dir: data/raw/shunhe_2012\nlangauge: en\n", encoding="utf-8")
    assert main(["run", str(params)]) == 2
    assert "langauge" in capsys.readouterr().err


def test_bad_campaign_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "campaign.yaml").write_text("id: x\nname: x\nstart: 2012-01-01\nend: 2012-12-31\n", encoding="utf-8")
    (bad / "units.csv").write_text("unit_id,name,parent_id\nA,a,\nA,b,\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--data", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "units.csv, row 3, column unit_id" in err
    assert not out.exists()


def test_every_sample_has_a_parameter_file():
    names = {p.stem for p in (REPO_ROOT / "parameters").glob("*.yaml")}
    assert names == {p.name for p in RAW_DIR.iterdir() if p.is_dir()}


def test_unit_filenames_are_safe_and_distinct():
    ids = ["A", "a", "A.", "../etc/passwd", "CON", "<b>x</b>", "单位/1", "x" * 300, ""]
    names = [unit_filename(i) for i in ids]
    assert len(set(n.lower() for n in names)) == len(ids)
    for n in names:
        assert "/" not in n and "\\" not in n and not n.startswith(".") and len(n) < 80
        assert Path(n).name == n and n.endswith(".html")
