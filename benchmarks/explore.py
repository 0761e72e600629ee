"""How long the explorer takes to update after a control changes, and how much memory it holds.

Two campaigns: the largest sample under data/raw (budget 200 ms per update) and a synthetic one of 1,000
units and 1,000,000 visit rows built in memory (issue 15's target: median <= 200 ms, max <= 400 ms). The explorer
is driven through its Python API (setting each control's `value`, exactly what the widgets' front end does);
every update is measured with its computed figures cache emptied first, except the figures of what is shown at
that moment (a session always holds those), so the times are those of a value never seen before. Wall time and
CPU time are printed: on a machine shared with other work the CPU time says what the update itself costs. What a
person waits for in JupyterLab is measured by benchmarks/explore_lab.py (`make bench-lab`).

Bytes (issue 25): the state of every widget the explorer shows, and of every widget those name, as the kernel
sends it to draw the dashboard: the bytes of plotly's widget bundle in it (as text in a chart's `_esm`, or gzipped
and base64 in the script widget), and the whole state's size (what a notebook saved with its widget state
holds, besides the notebook itself; buffers counted as they travel, not base64). The real page's
bytes and the real saved notebook are measured by `make bench-lab`.

    .venv/bin/python benchmarks/explore.py                   # both campaigns
    .venv/bin/python benchmarks/explore.py --units 200 --rows 100000 --repeat 3
    .venv/bin/python benchmarks/explore.py --check           # exit status 1 when a budget is exceeded
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import itertools
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import Campaign, CampaignMeta, load_campaign
from analytics.config import RAW_DATA_DIR
from analytics.data.contract import GROUPS, VISIT_KINDS
from analytics.explore.plotly_script import bundle_source, plotly_script
from analytics.explore.widgets import CampaignExplorer, discover_campaigns

SAMPLE_BUDGET_S = 0.2
TARGET_PLOTLY_MB, TARGET_NOTEBOOK_MB = 6.0, 10.0  # issue 25: plotly.js on first draw; the saved notebook
SYNTHETIC_MEDIAN_S, SYNTHETIC_BUDGET_S = 0.2, 0.4  # issue 15: 1M rows, any control
START, END, AS_OF = dt.date(2020, 1, 1), dt.date(2020, 12, 31), dt.date(2020, 6, 30)
INDICATORS = {"reports": ("调研报告", "Research reports"), "contacts": ("联系点", "Contact points"),
              "services": ("办实事", "Practical things done"), "five_good_share": ("五好党组织比例", "Five-good share")}


def synthetic_campaign(units: int = 1000, rows: int = 1_000_000, seed: int = 0) -> Campaign:
    """A county of `units` units (townships, then villages) with `rows` visits and matching surveys, targets
    and actuals, typed like a loaded campaign; built in memory, nothing written to disk."""
    rng = np.random.default_rng(seed)
    n_towns = max(1, min(units - 1, round(units ** 0.5)))
    ids, names, parents, kinds = ["R"], ["合成县"], [None], ["county"]
    for t in range(n_towns):
        ids.append(f"R-T{t:03d}")
        names.append(f"第{t + 1}镇")
        parents.append("R")
        kinds.append("township")
    for v in range(units - 1 - n_towns):
        town = v % n_towns
        ids.append(f"R-T{town:03d}-V{v:04d}")
        names.append(f"第{town + 1}镇第{v // n_towns + 1}村")
        parents.append(f"R-T{town:03d}")
        kinds.append("village")
    unit_frame = _typed(pd.DataFrame({"unit_id": ids, "name": names, "parent_id": parents, "kind": kinds,
                                      "sector": "rural", "tags": None}), text=["unit_id", "name", "parent_id", "kind",
                                                                              "sector", "tags"])
    villages = np.array([i for i, k in zip(ids, kinds, strict=True) if k == "village"] or ids, dtype=object)
    all_ids = np.array(ids, dtype=object)
    days = (END - START).days + 1

    # Visits: mostly in villages, some at township and county level; a few outlying person counts.
    at_village = rng.random(rows) < 0.9
    where = np.where(at_village, villages[rng.integers(0, len(villages), rows)], all_ids[rng.integers(0, len(ids), rows)])
    persons = rng.integers(1, 40, rows)
    persons[rng.choice(rows, size=min(rows, 20), replace=False)] = 900
    visits = _typed(pd.DataFrame({
        "date": pd.Timestamp(START) + pd.to_timedelta(rng.integers(0, days, rows), unit="D"),
        "unit_id": where,
        "kind": np.array(list(VISIT_KINDS), dtype=object)[rng.integers(0, len(VISIT_KINDS), rows)],
        "group": np.array(list(GROUPS), dtype=object)[rng.integers(0, len(GROUPS), rows)],
        "persons": persons,
        "team": None,
        "topic": None,
    }), text=["unit_id", "kind", "group", "team", "topic"], ints=["persons"])

    # Questionnaires: five batches per village.
    n_surveys = len(villages) * 5
    issued = rng.integers(50, 200, n_surveys)
    returned = issued - rng.integers(0, 20, n_surveys)
    valid = returned - rng.integers(0, 10, n_surveys)
    surveys = _typed(pd.DataFrame({
        "survey_id": [f"Q{i:05d}" for i in range(n_surveys)],
        "unit_id": np.repeat(villages, 5),
        "date": pd.Timestamp(START) + pd.to_timedelta(rng.integers(0, days, n_surveys), unit="D"),
        "issued": issued, "returned": returned, "valid": np.maximum(valid, 0),
    }), text=["survey_id", "unit_id"], ints=["issued", "returned", "valid"])

    # Targets: three summed indicators per village (townships and the county take their children's sums) and a
    # share judged at the county only; actuals are cumulative month ends.
    summed = [k for k in INDICATORS if k != "five_good_share"]
    t_units = [*np.repeat(villages, len(summed)), "R"]
    t_codes = [*itertools.islice(itertools.cycle(summed), len(villages) * len(summed)), "five_good_share"]
    targets = _typed(pd.DataFrame({
        "unit_id": t_units, "indicator": t_codes,
        "target": [float(x) for x in rng.integers(10, 100, len(t_units))],
        "measure": ["count"] * (len(t_units) - 1) + ["%"],
        "period_start": pd.Timestamp(START), "period_end": pd.Timestamp(END),
        "aggregation": ["sum"] * (len(t_units) - 1) + ["none"],
    }), text=["unit_id", "indicator", "measure", "aggregation"], numbers=["target"])
    month_ends = pd.date_range(START, END, freq="ME")
    a_rows = len(t_units) * len(month_ends)
    pace = np.tile(np.arange(1, len(month_ends) + 1) / len(month_ends), len(t_units))
    actuals = _typed(pd.DataFrame({
        "unit_id": np.repeat(t_units, len(month_ends)), "indicator": np.repeat(t_codes, len(month_ends)),
        "date": np.tile(month_ends, len(t_units)),
        "value": np.repeat(targets["target"].to_numpy(dtype=float), len(month_ends)) * pace
        * rng.uniform(0.8, 1.2, a_rows),
    }), text=["unit_id", "indicator"], numbers=["value"])

    meta = CampaignMeta(
        id="synthetic", name={"zh": "合成活动", "en": "Synthetic campaign"}, start=START, end=END, as_of=AS_OF,
        indicators={k: {"zh": zh, "en": en} for k, (zh, en) in INDICATORS.items()},
    )
    tables = {"units": unit_frame, "visits": visits, "surveys": surveys, "targets": targets, "actuals": actuals}
    return Campaign(meta, tables, f"synthetic-{units}-{rows}-{seed}", Path("<memory>"), frozenset(tables))


def _typed(frame: pd.DataFrame, text=(), ints=(), numbers=()) -> pd.DataFrame:
    """Column types of a loaded campaign; the index counts spreadsheet rows (header = row 1)."""
    out = frame.astype({**{c: "str" for c in text}, **{c: "Int64" for c in ints}, **{c: "Float64" for c in numbers}})
    out.index = pd.RangeIndex(2, len(out) + 2)
    return out


def controls(ex: CampaignExplorer) -> dict[str, Callable[[], Iterator[object]]]:
    """Per control type, an endless supply of new values (each differs from the one before)."""
    index, meta = ex.index, ex.index.meta
    h = index.campaign.hierarchy
    by_depth: dict[int, list[str]] = {}
    for u in index.order:
        by_depth.setdefault(index.depth[u], []).append(u)
    # Units of every depth in turn, every other one the root: its subtree holds every row (the worst case).
    root = index.order[0]
    mixed = [u for group in itertools.zip_longest(*reversed(by_depth.values())) for u in group if u not in (None, root)]
    units = [u for other in mixed for u in (root, other)] or [root]
    span = (meta.end - meta.start).days
    kinds, groups, indicators = index.kinds(), index.groups(), index.indicators()

    def subsets(codes: list[str]) -> Iterator[tuple[str, ...]]:
        for n in itertools.cycle(range(len(codes) - 1, -1, -1)):
            yield from itertools.islice(itertools.combinations(codes, n), 3)
            yield tuple(codes)

    def names() -> Iterator[str]:
        for u in itertools.cycle(index.order[1:] or index.order):
            yield h.name[u][-3:]

    def compare_sets() -> Iterator[tuple[str, ...]]:
        peers = [u for u in index.order if len(h.children[u]) >= 2] or index.order
        for u in itertools.cycle(peers):
            yield tuple(index.default_compare(u))

    return {
        "unit": lambda: itertools.cycle(units),
        "search": names,
        "start": lambda: (meta.start + dt.timedelta(days=d) for d in itertools.cycle(range(1, span // 2, 7))),
        "end": lambda: (meta.end - dt.timedelta(days=d) for d in itertools.cycle(range(1, span // 2, 7))),
        "as_of": lambda: (meta.start + dt.timedelta(days=d) for d in itertools.cycle(range(span // 3, span, 5))),
        "kinds": lambda: subsets(kinds),
        "groups": lambda: subsets(groups),
        "indicators": lambda: subsets(indicators),
        "language": lambda: itertools.cycle(["en", "zh"]),
        "compare": lambda: itertools.cycle([True, False]),
        "compare_units": compare_sets,
        "compare_metric": lambda: itertools.cycle(["persons", "survey_rates", "completion", "events"]),
    }


def drive(ex: CampaignExplorer, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """Set each control `repeat` times; (wall, CPU) seconds per update, each measured with the figures cache
    holding only what is shown.

    Controls other than the unit are measured with the root selected: its subtree holds every row."""
    times: dict[str, list[tuple[float, float]]] = {}
    for name, supply in controls(ex).items():
        control = getattr(ex, name)
        values = supply()
        if name.startswith("compare_") and not ex.compare.value:
            ex.compare.value = True
        for _ in range(repeat):
            value = next(values)
            if value == control.value:
                value = next(values)
            ex.index.clear_cache()
            ex.index.kpis(ex.query())  # what is shown now was computed to show it
            ex.index.comparison(ex.query())  # and its panel's comparison rows
            if ex.compare.value:
                ex.index.kpis_of(ex.query(), ex.compared_units())  # the units compared are shown
            started, cpu = time.perf_counter(), time.process_time()
            control.value = value
            times.setdefault(name, []).append((time.perf_counter() - started, time.process_time() - cpu))
        if ex.status.value and "error" in ex.status.value:
            raise RuntimeError(f"the explorer reported an error after setting {name}: {ex.status.value}")
        if name in ("search", "unit"):
            ex.search.value = ""
            ex.unit.value = ex.index.order[0]  # the other controls are measured on the root, the largest subtree
        if name.startswith("compare"):
            ex.compare.value = False
    return times


def peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(title: str, times: dict[str, list[tuple[float, float]]], budget: float, median_target: float | None = None) -> bool:
    target = f"median <= {median_target * 1000:.0f} ms, max <= " if median_target else "max <= "
    print(f"\n{title} (target {target}{budget * 1000:.0f} ms per update)")
    print(f"  {'control':<16}{'n':>4}{'median ms':>12}{'max ms':>10}{'CPU median':>12}{'CPU max':>10}")
    ok = True
    for name, pairs in times.items():
        wall, cpu = [w for w, _ in pairs], [c for _, c in pairs]
        flag = "" if max(wall) <= budget else "  over"
        print(f"  {name:<16}{len(wall):>4}{statistics.median(wall) * 1000:>12.1f}{max(wall) * 1000:>10.1f}"
              f"{statistics.median(cpu) * 1000:>12.1f}{max(cpu) * 1000:>10.1f}{flag}")
    wall = [w for pairs in times.values() for w, _ in pairs]
    cpu = [c for pairs in times.values() for _, c in pairs]
    ok = max(wall) <= budget and (median_target is None or statistics.median(wall) <= median_target)
    print(f"  {'any control':<16}{len(wall):>4}{statistics.median(wall) * 1000:>12.1f}{max(wall) * 1000:>10.1f}"
          f"{statistics.median(cpu) * 1000:>12.1f}{max(cpu) * 1000:>10.1f}  target {'met' if ok else 'NOT met'}")
    return ok


def report_bytes(ex: CampaignExplorer) -> bool:
    """plotly.js and widget state sent to draw the explorer, from the kernel's side (see the module's docstring)."""
    from ipywidgets.embed import dependency_state

    encoded = json.dumps(bundle_source(), ensure_ascii=False)[1:-1]
    gzipped = plotly_script().gzipped
    states = list(dependency_state(ex.widget, drop_defaults=False).values())
    buffers = [base64.b64decode(b["data"]) for s in states for b in s.pop("buffers", [])]
    texts = [json.dumps(s, ensure_ascii=False, default=str) for s in states]
    forms = [(encoded, sum(text.count(encoded) for text in texts)), (gzipped, sum(text.count(gzipped) for text in texts))]
    copies = sum(n for _, n in forms)
    plotly_mb = sum(n * len(text.encode()) for text, n in forms) / 1e6
    state_mb = (sum(len(text.encode()) for text in texts) + sum(len(b) for b in buffers)) / 1e6
    ok = plotly_mb <= TARGET_PLOTLY_MB and state_mb <= TARGET_NOTEBOOK_MB
    print(f"  bytes of plotly.js on first draw  {plotly_mb:6.2f} MB ({copies} cop{'y' if copies == 1 else 'ies'})"
          f"   target <= {TARGET_PLOTLY_MB:.0f} MB: {'met' if plotly_mb <= TARGET_PLOTLY_MB else 'NOT met'}")
    print(f"  widget state of a saved notebook  {state_mb:6.2f} MB"
          f"   target <= {TARGET_NOTEBOOK_MB:.0f} MB (whole notebook, make bench-lab): "
          f"{'met' if state_mb <= TARGET_NOTEBOOK_MB else 'NOT met'}")
    return ok


def largest_sample() -> Path:
    """The sample campaign with the most visit rows (then units)."""
    folders = discover_campaigns(RAW_DATA_DIR)
    if not folders:
        raise SystemExit(f"no sample campaigns under {RAW_DATA_DIR}")
    return max(folders, key=lambda f: (len(load_campaign(f).visits), len(load_campaign(f).units)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="units of the synthetic campaign")
    parser.add_argument("--rows", type=int, default=1_000_000, help="visit rows of the synthetic campaign")
    parser.add_argument("--repeat", type=int, default=7, help="updates measured per control type")
    parser.add_argument("--skip-samples", action="store_true", help="only the synthetic campaign")
    parser.add_argument("--check", action="store_true", help="exit status 1 when an update exceeds its budget")
    args = parser.parse_args(argv)
    ok = True
    if not args.skip_samples:
        folder = largest_sample()
        started = time.perf_counter()
        ex = CampaignExplorer.from_folder(folder)
        c = ex.index.campaign
        print(f"sample {folder.name}: {len(c.units)} units, {len(c.visits)} visit rows; "
              f"explorer ready in {time.perf_counter() - started:.2f} s")
        ok &= report_bytes(ex)
        ok &= report(f"largest sample campaign ({folder.name})", drive(ex, args.repeat), SAMPLE_BUDGET_S)
    started = time.perf_counter()
    campaign = synthetic_campaign(args.units, args.rows)
    built = time.perf_counter() - started
    print(f"\nsynthetic campaign: {len(campaign.units)} units, {len(campaign.visits):,} visit rows, "
          f"{len(campaign.surveys):,} surveys, {len(campaign.targets):,} targets, {len(campaign.actuals):,} actuals; "
          f"built in {built:.2f} s, peak memory {peak_mb():.0f} MB")
    started = time.perf_counter()
    ex = CampaignExplorer(campaign)
    print(f"explorer ready in {time.perf_counter() - started:.2f} s (tree-order index, quality flags, first draw), "
          f"peak memory {peak_mb():.0f} MB")
    ok &= report_bytes(ex)
    ok &= report(f"synthetic campaign ({len(campaign.units)} units, {len(campaign.visits):,} rows)",
                 drive(ex, args.repeat), SYNTHETIC_BUDGET_S, SYNTHETIC_MEDIAN_S)
    print(f"\npeak memory {peak_mb():.0f} MB")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
