"""What a batch does before its first unit: decide cheaply, start kernels early, warm them with the campaign.

The kernels' own start (and the load code run there before they are taken) is in tests/batch/test_warm_kernels.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from analytics.batch.warmup import campaign_source, campaign_tables
from analytics.data import loading
from analytics.data.sources import in_cache
from analytics.measures import kpis
from analytics.report import UnitReport

from builders import SHUNHE

SECTIONS = ("header", "at_a_glance", "kpi_cards", "visits", "surveys", "targets", "children", "ratings",
            "commitments", "appraisal", "quality", "footer")
# The header's generation time: the one thing two renders of one unit may differ in.
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间，UTC\+8）")


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_in_cache_tells_new_data_without_importing_pandas(tmp_path, cache_dir):
    data = tmp_path / "shunhe"
    data.mkdir()
    for f in SHUNHE.iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    check = ("import sys; from analytics.data.sources import in_cache; "
             f"print(in_cache({str(data)!r}), 'pandas' in sys.modules)")
    assert _python(check).stdout.split() == ["False", "False"]  # new data, and no pandas to tell it
    loading.load_campaign(data)  # validates and fills the cache
    assert in_cache(data)
    assert _python(check).stdout.split() == ["True", "False"]
    visits = data / "visits.csv"
    visits.write_bytes(visits.read_bytes() + b"\n")  # a blank line: other bytes, so another cache entry
    assert _python(check).stdout.split() == ["False", "False"]


def test_the_command_line_skips_the_iri_grammar_and_notebooks_still_validate():
    done = _python(
        "import sys; from analytics.batch.papermilled import without_iri_grammar; without_iri_grammar(); "
        "import nbformat; nbformat.validate(nbformat.v4.new_notebook()); import papermill, nbconvert; "
        "print('lark' in sys.modules, sys.modules['rfc3987_syntax'])")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "None"]


def _pages(units: list[str]) -> dict[str, str]:
    """Each unit's sections as HTML, as its notebook shows them (the generation time blanked)."""
    out = {}
    for uid in units:
        report = UnitReport.load(str(SHUNHE.resolve()), uid, as_of="2012-06-30", language="zh", tolerance=1.0)
        out[uid] = STAMP.sub("<time>", "".join(getattr(report, name)().html() for name in SECTIONS))
    return out


def test_campaign_tables_built_ahead_change_no_section():
    units = ["SH", "SH-C01", "SH-C01-B02", "SH-C06"]
    loading._LOADED.clear()
    plain = _pages(units)
    loading._LOADED.clear()
    campaign_tables(str(SHUNHE.resolve()), "2012-06-30", 1.0)
    campaign = loading.load_campaign(SHUNHE.resolve())
    assert kpis.pace_is_built(campaign, campaign.as_of("2012-06-30"), 1.0)
    assert _pages(units) == plain


def test_campaign_source_is_the_call_with_its_arguments(tmp_path):
    source = campaign_source(Path("data") / "x", "2012-06-30", 1)
    assert f"_tables({str((Path('data') / 'x').resolve())!r}, '2012-06-30', 1.0, None, None)" in source
    compile(source, "<warm-up>", "exec")
    source = campaign_source(Path("data") / "x", "2012-06-30", 1, "2012-05-31", tmp_path / "out")
    assert f"'2012-06-30', 1.0, '2012-05-31', {str(tmp_path / 'out')!r})" in source


def test_the_command_line_gives_arrow_jemalloc_unless_the_user_chose():
    code = ("import sys; sys.argv = ['campaign-analytics', '--version']; from analytics.cli import main; main(); "
            "import pyarrow as pa; print(pa.default_memory_pool().backend_name)")
    env = {k: v for k, v in __import__("os").environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert chosen.stdout.split()[-1] == "jemalloc"
    env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    kept = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert kept.stdout.split()[-1] == "system"


def test_index_with_its_summary_built_ahead_is_the_same_page():
    from analytics.report.index import index_html, index_summary_of

    campaign = loading.load_campaign(SHUNHE)
    when = campaign.as_of("2012-06-30")
    results = {}
    ahead = index_summary_of(campaign, when, "zh", 1.0)
    with_summary = index_html(campaign, results, when, "zh", 1.0, summary=ahead)
    plain = index_html(campaign, results, when, "zh", 1.0)
    assert "<time>" not in plain
    assert STAMP.sub("<time>", with_summary) == STAMP.sub("<time>", plain)
    assert STAMP.search(plain)  # the one difference allowed is there to be blanked
