"""Fixtures for the exchange tests: a tiny county with two townships, its templates, and collect runs.

    C 县 ─ T1 甲乡 ─ V1 一村, V2 二村
         └ T2 乙乡 ─ V3 三村

Test modules get these through fixtures (tests/conftest.py explains why nothing is imported from here).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analytics import load_campaign
from analytics.exchange.run import run_collect
from analytics.exchange.template import write_templates

UNITS = ("unit_id,name,parent_id,kind\n"
         "C,县,,county\nT1,甲乡,C,township\nT2,乙乡,C,township\nV1,一村,T1,village\nV2,二村,T1,village\n"
         "V3,三村,T2,village\n")
VISITS = ("date,unit_id,kind,group,persons,team,topic\n"
          "2012-03-01,V1,visit,residents,10,组织科,入户走访\n"
          "2012-03-02,V2,seminar,village_cadres,20,组织科,村干部座谈\n"
          "2012-03-03,T1,seminar,township_leaders,5,,\n"
          "2012-03-04,V3,visit,residents,7,,=1+1\n"
          "2012-03-05,C,seminar,county_leaders,3,,\n")
SURVEYS = ("survey_id,unit_id,date,issued,returned,valid\n"
           "S1,T1,2012-04-01,100,90,80\nS2,T2,2012-04-02,50,40,40\nS0,C,2012-04-03,30,30,30\n")
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
           "T1,gdp,600,万元,2012-01-01,2012-12-31,sum\nT2,gdp,400,万元,2012-01-01,2012-12-31,sum\n"
           "T1,rate,90,%,2012-01-01,2012-12-31,none\n")
ACTUALS = ("unit_id,indicator,date,value\n"
           "T1,gdp,2012-06-30,300\nT2,gdp,2012-06-30,250\nT1,rate,2012-06-30,85\n")
RESPONSES = "survey_id,question,score\nS1,q1,5\nS1,q1,4\nS2,q1,3\n"
TINY = {"units": UNITS, "visits": VISITS, "surveys": SURVEYS, "targets": TARGETS, "actuals": ACTUALS,
        "responses": RESPONSES}


@pytest.fixture
def tiny(make_campaign) -> Path:
    """The tiny campaign folder (see the module doc)."""
    return make_campaign(TINY, name="tiny")


@pytest.fixture
def templates(tiny: Path, tmp_path: Path) -> dict[str, Path]:
    """office -> its template (Chinese), written for T1 and T2."""
    paths = write_templates(load_campaign(tiny), tmp_path / "templates", ["T1", "T2"], "zh")
    return {"T1": paths[0], "T2": paths[1]}


@pytest.fixture
def returned(tmp_path: Path) -> Path:
    folder = tmp_path / "returned"
    folder.mkdir()
    return folder


Edit = Callable[..., Path]


@pytest.fixture
def send(templates: dict[str, Path], returned: Path) -> Edit:
    """send(office, edit=None, name=None): copy the office's template into RETURNED_DIR, let edit(workbook)
    change it as an office would (openpyxl), and return the returned file's path."""

    def send_(office: str, edit: Callable | None = None, name: str | None = None) -> Path:
        path = returned / (name or templates[office].name)
        shutil.copy(templates[office], path)
        if edit is not None:
            book = load_workbook(path)
            edit(book)
            book.save(path)
        return path

    return send_


@pytest.fixture
def collect_tiny(tiny: Path, returned: Path, tmp_path: Path):
    """collect_tiny(**options): run collect of RETURNED_DIR against the tiny campaign into tmp/merged."""

    def run(**options):
        return run_collect(returned, tiny, options.pop("out", tmp_path / "merged"), **options)

    return run
