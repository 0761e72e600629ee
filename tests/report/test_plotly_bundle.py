"""The plotly.js bundle report pages carry: plotly.js's partial "basic" bundle, vendored at plotly's own version."""

from __future__ import annotations

from collections import Counter

import pytest
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from analytics.config import resource
from analytics.data.loading import load_campaign
from analytics.report.page import VENDOR, plotly_bundle, plotly_js, plotly_tag
from analytics.report.sections import UnitReport

from builders import RAW_DIR

UPDATE = "run `.venv/bin/python scripts/vendor_plotly.py` to vendor the bundle of plotly's version"


def test_vendored_bundle_is_plotly_packages_own_plotly_js_version():
    # The figures' JSON is written by the plotly package for its own plotly.js; a page drawing it with another
    # version may miss attributes. After upgrading plotly: .venv/bin/python scripts/vendor_plotly.py
    bundle = plotly_bundle()
    assert bundle["version"] == get_plotlyjs_version(), UPDATE
    assert bundle["package"] == "plotly.js-basic-dist-min"
    header = plotly_js()[:200]
    assert f"plotly.js (basic - minified) v{bundle['version']}" in header, UPDATE


def test_bundle_is_small_and_found_through_package_resources():
    js = plotly_js()
    # basic = bar + pie + scatter: about a quarter of plotly's full bundle (1.19 MB of 4.8 MB for 4.1.1)
    assert len(js.encode("utf-8")) < 1_300_000 < len(get_plotlyjs().encode("utf-8")) / 3
    assert resource(*VENDOR, bundle_file := plotly_bundle()["file"]).is_file() and bundle_file.endswith(".min.js")
    assert plotly_tag("self_contained").count(js[:60]) == 1


def test_bundle_licence_is_shipped_beside_it():
    licence = resource(*VENDOR, "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Plotly" in licence


@pytest.mark.slow
def test_every_trace_type_of_every_sample_page_is_in_the_bundle():
    """Every figure of every unit's page in the three samples (the builders the notebook calls, in process)."""
    used: Counter[str] = Counter()
    pages = 0
    for campaign in ("shunhe_2012", "weishi", "regulator_2014"):
        for unit_id in load_campaign(RAW_DIR / campaign).hierarchy.name:
            pages += 1
            report = UnitReport.load(RAW_DIR / campaign, unit_id)
            for section in report.sections():
                used.update(trace["type"] for fig in section.figures() for trace in fig["data"])
    # Shunhe 45 units (town, 6 communities, 38 branches), Weishi 105, the regulator 126 (see make_samples.py)
    assert pages == 45 + 105 + 126
    assert {"bar", "scatter"} <= set(used)
    missing = set(used) - set(plotly_bundle()["traces"])
    assert not missing, f"pages draw {sorted(missing)}, which plotly.js's basic bundle lacks: use bar/scatter/pie"
