"""Generate the three sample campaigns under data/raw/ (deterministic, fixed seeds).

Run from the repository root::

    python scripts/make_samples.py            # writes data/raw/{weishi,regulator_2014,shunhe_2012}
    python scripts/make_samples.py --out DIR  # writes elsewhere
    python scripts/make_samples.py --check    # also reads the files back and asserts the figures

Every run gives byte-identical files (stdlib ``random`` with fixed seeds; fixed
timestamps inside the xlsx zip and its docProps/core.xml).

What each campaign reproduces (figures from the sources in DOMAIN.md):

weishi/ -- Weishi county organisation department concentrated research, 2010-03-01..05-31.
    CSV in GB18030 with Chinese headers. County root, 17 townships, 2 industrial parks,
    a graduate-official office, 80 villages (19 tagged advanced, 19 lagging, all 38 visited;
    a few untagged villages unvisited), 4 park enterprises.
    Visits: 36 seminars; person-times township_leaders 180, county_leaders 42,
    village_cadres 570, residents 874, graduate_officials 432, enterprise_staff 176 (2,274).
    Of these, team 县大学生村干部管理办公室: 23 seminars; graduate_officials 432,
    township_leaders 120, village_cadres 165, residents 174.
    Surveys: issued 2,800, returned 2,680, valid 2,600; the office's batches (WS-DXS*)
    issued 891, valid 875. Targets at the county: research reports 60 -> 62, contact points
    180 -> 180, poor-household information 460 -> 460, practical things 80 -> 78.
    Coverage lights (reporting.lights.coverage): yellow below 80%, red below 70% grassroots coverage.

regulator_2014/ -- Banking regulator grassroots tour, 2014-02-15..03-10, no as_of.
    One workbook regulator_2014.xlsx, canonical headers. CBRC root, 30 provincial bureaus
    (the 15 named in the source and 15 more), 2-4 sub-bureaus each. 36 research teams
    (第1调研组..第36调研组) visiting 1-2 bureaus each: lectures, seminars, visits to local
    government, deputies and enterprises, service to hardship staff. Targets: contact_points
    3 per bureau (aggregation sum, no root target), so the root rolls up the sum.

shunhe_2012/ -- Shunhe town, first half of 2012, period 2012-01-01..12-31, as_of 2012-06-30.
    CSV in UTF-8 with BOM; canonical headers for units/targets/actuals, Chinese headers for
    visits/surveys. Town root, 6 community party committees, 38 residential-area branches.
    Town targets gdp 357000, fiscal_revenue 18000, general_budget_revenue 10000,
    per_capita_income 13206; 2012-06-30 actuals 208526, 9500, 5020, 7682 (58.41%, 52.78%,
    50.20%, 58.17%) and a 2012-07-31 value that as_of must ignore. livelihood_tasks: targets per
    community summing to 66 (sum, no town target). five_good_share: target 100, actual 90, pacing level.
    Jinwan-style evaluation (its own random stream, so the figures above never move): public
    commitments (公开承诺) of the 6 community committees and 38 branches (3 each, one due by June),
    due from February to December, kept, late, overdue (some done only after as_of) or not yet due,
    two due on as_of itself; a residents' rating survey (群众评议) of 3 questions at every branch
    in June (one batch of 8-12 questionnaires each, one response per valid questionnaire and
    question); an appraisal section: 民生实事 completion (full at 50%, 时间过半任务过半) 30,
    grassroots coverage 15, satisfaction 30 (full at 90%), commitment fulfilment 25.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

import yaml

from analytics.data.contract import TABLES, alias_map

REPO = Path(__file__).resolve().parents[1]

FIXED_XLSX_TIME = dt.datetime(2014, 3, 10, 0, 0, 0)
TABLE_ORDER = ("units", "visits", "surveys", "targets", "actuals")


# --------------------------------------------------------------------------- helpers


# Optional columns added to the contract after the samples were first made: written only in a table whose rows use
# them, so the other samples' files stay byte for byte as they were.
WRITTEN_WHEN_USED = {"pacing"}


def columns(table: str, rows: list[dict] | None = None) -> list[str]:
    used = {name for row in rows or () for name in row}
    return [c.name for c in TABLES[table] if c.name not in WRITTEN_WHEN_USED or c.name in used]


def header(table: str, chinese: bool, rows: list[dict] | None = None) -> list[str]:
    names = columns(table, rows)
    return [c.alias if chinese else c.name for c in TABLES[table] if c.name in names]


def row_values(table: str, row: dict, rows: list[dict] | None = None) -> list:
    """Values of one row in contract column order; None/missing become empty."""
    unknown = set(row) - set(columns(table, [row]))
    if unknown:
        raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
    return [row.get(name) for name in columns(table, rows)]


def split_total(total: int, n: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """Split ``total`` into ``n`` integers >= ``minimum`` that add up exactly, randomly but unevenly."""
    if n <= 0:
        raise ValueError("n must be positive")
    spare = total - n * minimum
    if spare < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {minimum}")
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    scale = spare / sum(weights)
    parts = [int(w * scale) for w in weights]
    for i in range(spare - sum(parts)):  # hand out the rounding remainder
        parts[i % n] += 1
    return [p + minimum for p in parts]


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def iso(d: dt.date) -> str:
    return d.isoformat()


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


class _NoAliasDumper(yaml.SafeDumper):
    """SafeDumper that never writes anchors/aliases (end and as_of may be the same date object)."""

    def ignore_aliases(self, data) -> bool:
        return True


def write_yaml(path: Path, meta: dict) -> None:
    text = yaml.dump(meta, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_csv(path: Path, table: str, rows: list[dict], encoding: str, chinese: bool) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header(table, chinese, rows))
        for row in rows:
            writer.writerow(["" if v is None else v for v in row_values(table, row, rows)])


def write_xlsx(path: Path, tables: dict[str, list[dict]], chinese: bool = False) -> None:
    """One sheet per table; fixed document properties and zip timestamps for identical bytes."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.active)
    for table, rows in tables.items():
        ws = wb.create_sheet(table)
        ws.append(header(table, chinese, rows))
        for row in rows:
            ws.append(row_values(table, row, rows))
    wb.properties.creator = "scripts/make_samples.py"
    wb.properties.created = FIXED_XLSX_TIME
    wb.properties.modified = FIXED_XLSX_TIME

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # unlike save_workbook, keeps properties.modified
    stamp = FIXED_XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # belt and braces
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + stamp.encode() + rb"\2",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_XLSX_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)


def write_campaign(
    folder: Path,
    meta: dict,
    tables: dict[str, list[dict]],
    *,
    encoding: str | None = None,
    chinese_tables: tuple[str, ...] = (),
    xlsx_name: str | None = None,
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    write_yaml(folder / "campaign.yaml", meta)
    written = [folder / "campaign.yaml"]
    if xlsx_name:
        write_xlsx(folder / xlsx_name, tables)
        written.append(folder / xlsx_name)
    else:
        for table, rows in tables.items():
            path = folder / f"{table}.csv"
            write_csv(path, table, rows, encoding or "utf-8", table in chinese_tables)
            written.append(path)
    return written


def sort_visits(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (r["date"], r["unit_id"], r["kind"], r["group"]))


def cumulative_actuals(unit_id, indicator, final, dates, rng, fractions=None) -> list[dict]:
    """Rising cumulative values on ``dates`` ending exactly at ``final`` on the last date."""
    n = len(dates)
    if fractions is None:
        fractions = sorted(rng.uniform(0.15, 0.95) for _ in range(n - 1)) + [1.0]
    values = [round(final * f) for f in fractions[:-1]] + [final]
    return [
        {"unit_id": unit_id, "indicator": indicator, "date": iso(d), "value": v}
        for d, v in zip(dates, values, strict=True)
    ]


# --------------------------------------------------------------------------- Weishi 2010

WS_TOWNSHIPS = [
    ("城关镇", 6),
    ("洧川镇", 6),
    ("朱曲镇", 5),
    ("蔡庄镇", 5),
    ("永兴镇", 5),
    ("张市镇", 5),
    ("十八里镇", 5),
    ("水坡镇", 5),
    ("大马乡", 4),
    ("邢庄乡", 4),
    ("庄头乡", 4),
    ("大营乡", 5),
    ("大桥乡", 4),
    ("南曹乡", 4),
    ("门楼任乡", 4),
    ("小陈乡", 5),
    ("岗李乡", 4),
]  # village counts add up to 80

WS_VILLAGE_STEMS = [
    "张",
    "王",
    "李",
    "赵",
    "刘",
    "陈",
    "杨",
    "黄",
    "孙",
    "周",
    "吴",
    "徐",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "高",
    "林",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "肖",
    "田",
    "董",
    "袁",
    "潘",
    "蒋",
    "蔡",
    "余",
    "杜",
    "叶",
    "程",
    "苏",
    "魏",
    "吕",
    "丁",
    "任",
    "沈",
    "姚",
]
WS_VILLAGE_SUFFIXES = ["庄村", "寨村", "岗村", "楼村", "营村", "店村", "桥村", "家村"]

WS_OFFICE = "县大学生村干部管理办公室"
WS_START, WS_END = dt.date(2010, 3, 1), dt.date(2010, 5, 31)


def weishi_units(rng: random.Random) -> tuple[list[dict], dict]:
    units = [{"unit_id": "WS", "name": "尉氏县", "parent_id": None, "kind": "county", "sector": "organ"}]
    units.append(
        {"unit_id": "WS-D01", "name": WS_OFFICE, "parent_id": "WS", "kind": "department", "sector": "organ"}
    )
    names = [s + suf for suf in WS_VILLAGE_SUFFIXES for s in WS_VILLAGE_STEMS]
    rng.shuffle(names)
    townships, villages = [], []
    for t, (tname, n_villages) in enumerate(WS_TOWNSHIPS, start=1):
        tid = f"WS-T{t:02d}"
        townships.append(tid)
        units.append(
            {"unit_id": tid, "name": tname, "parent_id": "WS", "kind": "township", "sector": "organ"}
        )
        for v in range(1, n_villages + 1):
            vid = f"{tid}-V{v:02d}"
            villages.append(vid)
            units.append(
                {"unit_id": vid, "name": names.pop(), "parent_id": tid, "kind": "village", "sector": "rural"}
            )
    parks = [("WS-P01", "尉氏县产业集聚区"), ("WS-P02", "尉氏县纺织服装工业园")]
    enterprises = [
        ("WS-P01-E01", "WS-P01", "尉氏县恒达机械有限公司"),
        ("WS-P01-E02", "WS-P01", "开封宏源食品有限公司"),
        ("WS-P02-E01", "WS-P02", "尉氏县华丰纺织有限公司"),
        ("WS-P02-E02", "WS-P02", "尉氏县锦程服饰有限公司"),
    ]
    for pid, pname in parks:
        units.append(
            {
                "unit_id": pid,
                "name": pname,
                "parent_id": "WS",
                "kind": "industrial_park",
                "sector": "non_public",
            }
        )
    for eid, pid, ename in enterprises:
        units.append(
            {"unit_id": eid, "name": ename, "parent_id": pid, "kind": "enterprise", "sector": "non_public"}
        )

    tagged = rng.sample(villages, 38)
    advanced, lagging = sorted(tagged[:19]), sorted(tagged[19:])
    by_id = {u["unit_id"]: u for u in units}
    for vid in advanced:
        by_id[vid]["tags"] = "advanced"
    for vid in lagging:
        by_id[vid]["tags"] = "lagging"
    untagged = sorted(set(villages) - set(tagged))
    unvisited = sorted(rng.sample(untagged, 7))
    layout = {
        "townships": townships,
        "villages": villages,
        "visited_villages": [v for v in villages if v not in unvisited],
        "parks": [p for p, _ in parks],
        "enterprises": [e for e, _, _ in enterprises],
    }
    return units, layout


def weishi_office_visits(rng: random.Random, layout: dict) -> list[dict]:
    """The graduate-official office: 23 seminars, one group met per seminar."""
    plan = [  # group, number of seminars, person-times, where
        ("graduate_officials", 9, 432, "township"),
        ("township_leaders", 5, 120, "township"),
        ("village_cadres", 5, 165, "village"),
        ("residents", 4, 174, "village"),
    ]
    topics = {
        "graduate_officials": "大学生村干部座谈：工作生活与成长成才",
        "township_leaders": "乡镇党委座谈：大学生村干部使用管理",
        "village_cadres": "村干部座谈：大学生村干部发挥作用情况",
        "residents": "群众座谈：对大学生村干部的评价",
    }
    rows = []
    for group, n, total, where in plan:
        places = rng.sample(layout["townships"] if where == "township" else layout["visited_villages"], n)
        if group == "graduate_officials":
            places[0] = "WS-D01"  # the county-wide meeting held at the office itself
        for place, persons in zip(places, split_total(total, n, rng), strict=True):
            rows.append(
                {
                    "date": iso(random_date(rng, WS_START, WS_END)),
                    "unit_id": place,
                    "kind": "seminar",
                    "group": group,
                    "persons": persons,
                    "team": WS_OFFICE,
                    "topic": topics[group],
                }
            )
    return rows


def weishi_other_visits(rng: random.Random, layout: dict) -> list[dict]:
    """Everything but the office: 13 seminars plus visits, inspections and services."""
    rows: list[dict] = []

    def add(unit_id, kind, group, persons, team, topic):
        rows.append(
            {
                "date": iso(random_date(rng, WS_START, WS_END)),
                "unit_id": unit_id,
                "kind": kind,
                "group": group,
                "persons": persons,
                "team": team,
                "topic": topic,
            }
        )

    # county_leaders 42: three seminars at county level (3 seminars)
    for p in split_total(42, 3, rng, minimum=8):
        add("WS", "seminar", "county_leaders", p, "办公室", "县直单位座谈：服务基层、转变作风")
    # township_leaders 60: one row per township, 6 seminars and 11 visits
    townships = layout["townships"]
    seminar_towns = set(rng.sample(townships, 6))
    for tid, p in zip(townships, split_total(60, len(townships), rng, minimum=2), strict=True):
        if tid in seminar_towns:
            add(tid, "seminar", "township_leaders", p, "组织科", "乡镇班子座谈：基层组织建设")
        else:
            add(tid, "visit", "township_leaders", p, "组织科", "走访乡镇班子成员")
    # enterprise_staff 176: a seminar in each park (2 seminars) and a visit to each enterprise
    places = [(pid, "seminar") for pid in layout["parks"]] + [(eid, "visit") for eid in layout["enterprises"]]
    for (uid, kind), p in zip(places, split_total(176, len(places), rng, minimum=10), strict=True):
        topic = "园区企业座谈：非公企业党建" if kind == "seminar" else "走访企业：用工与党组织组建"
        add(uid, kind, "enterprise_staff", p, "组织科", topic)
    # village_cadres 405: 2 seminars and 28 inspections in villages
    visited = layout["visited_villages"]
    cadre_villages = rng.sample(visited, 30)
    for i, (vid, p) in enumerate(zip(cadre_villages, split_total(405, 30, rng, minimum=5), strict=True)):
        if i < 2:
            add(vid, "seminar", "village_cadres", p, "干训科", "村干部座谈：村级组织活动场所")
        else:
            add(vid, "inspection", "village_cadres", p, "乡镇党委", "实地察看村级活动场所和产业项目")
    # residents 700: one visit to every visited village, and 12 practical services
    service_villages = rng.sample(visited, 12)
    slots = [(vid, "visit") for vid in visited] + [(vid, "service") for vid in service_villages]
    for (vid, kind), p in zip(slots, split_total(700, len(slots), rng, minimum=3), strict=True):
        if kind == "visit":
            add(vid, "visit", "residents", p, rng.choice(["组织科", "乡镇党委", "干训科"]), "入户走访群众")
        else:
            add(vid, "service", "residents", p, "乡镇党委", "为困难群众办实事")
    return rows


def weishi_surveys(rng: random.Random) -> list[dict]:
    def batches(prefix, n, issued, returned, valid, unit_ids):
        iss = split_total(issued, n, rng, minimum=60)
        lost = split_total(issued - returned, n, rng, minimum=0)
        bad = split_total(returned - valid, n, rng, minimum=0)
        out = []
        for i in range(n):
            out.append(
                {
                    "survey_id": f"{prefix}{i + 1:02d}",
                    "unit_id": unit_ids[i],
                    "date": iso(random_date(rng, WS_START, WS_END)),
                    "issued": iss[i],
                    "returned": iss[i] - lost[i],
                    "valid": iss[i] - lost[i] - bad[i],
                }
            )
        return out

    general = batches(
        "WS-Q",
        6,
        2800 - 891,
        2680 - 883,
        2600 - 875,
        ["WS", "WS-T01", "WS-T04", "WS-T07", "WS-T12", "WS-P01"],
    )
    office = batches("WS-DXS", 3, 891, 883, 875, ["WS-D01", "WS-T02", "WS-T09"])
    return general + office


def weishi_targets() -> tuple[list[dict], list[dict]]:
    period = {"period_start": iso(WS_START), "period_end": iso(WS_END), "aggregation": "none"}
    spec = [  # indicator, measure, target, cumulative actuals at the three month ends
        ("research_reports", "篇", 60, (18, 41, 62)),
        ("contact_points", "个", 180, (120, 170, 180)),
        ("poor_household_info", "条", 460, (150, 320, 460)),
        ("practical_things", "件", 80, (25, 52, 78)),
    ]
    dates = [month_end(2010, m) for m in (3, 4, 5)]
    targets, actuals = [], []
    for indicator, measure, target, values in spec:
        targets.append(
            {"unit_id": "WS", "indicator": indicator, "target": target, "measure": measure, **period}
        )
        for d, v in zip(dates, values, strict=True):
            actuals.append({"unit_id": "WS", "indicator": indicator, "date": iso(d), "value": v})
    return targets, actuals


def make_weishi(out: Path) -> list[Path]:
    rng = random.Random(2010)
    units, layout = weishi_units(rng)
    visits = sort_visits(weishi_office_visits(rng, layout) + weishi_other_visits(rng, layout))
    surveys = weishi_surveys(rng)
    targets, actuals = weishi_targets()
    meta = {
        "id": "weishi",
        "name": {
            "zh": "尉氏县委组织部集中调研",
            "en": "Weishi County Organisation Department field research",
        },
        "start": WS_START,
        "end": WS_END,
        "as_of": WS_END,
        "description": {
            "zh": "县委组织部组织全县组织系统开展集中调研：17个乡镇、2个产业集聚区，"
            "19个先进村和19个后进村对比调研，县大学生村干部管理办公室专题调研。",
            "en": "Concentrated field research by the county organisation system: 17 townships, "
            "2 industrial parks, 19 advanced and 19 lagging villages compared, and a study "
            "by the graduate village official office.",
        },
        "vocabulary": {
            "indicators": {
                "research_reports": {"zh": "调研报告", "en": "Research reports"},
                "contact_points": {"zh": "联系点", "en": "Contact points"},
                "poor_household_info": {"zh": "贫困户信息", "en": "Poor-household information"},
                "practical_things": {"zh": "办实事", "en": "Practical things done"},
            },
        },
        # The townships have no targets of their own: what flags one is its grassroots coverage
        # (小陈乡 60% red; 庄头乡 and 岗李乡 75% yellow; 张市镇 and 十八里镇 at 80% reach yellow's threshold).
        "reporting": {"lights": {"coverage": {"yellow": 0.8, "red": 0.7}}},
    }
    tables = {"units": units, "visits": visits, "surveys": surveys, "targets": targets, "actuals": actuals}
    return write_campaign(out / "weishi", meta, tables, encoding="gb18030", chinese_tables=TABLE_ORDER)


# --------------------------------------------------------------------------- banking regulator 2014

CBRC_BUREAUS = [  # code, province, sub-bureau seats (district offices for cities without prefectures)
    ("SH", "上海", ["浦东新区监管办事处", "闵行监管办事处", "嘉定监管办事处"]),
    ("TJ", "天津", ["滨海新区监管办事处", "武清监管办事处"]),
    ("GD", "广东", ["韶关银监分局", "汕头银监分局", "湛江银监分局", "佛山银监分局"]),
    ("JS", "江苏", ["苏州银监分局", "无锡银监分局", "徐州银监分局", "南通银监分局"]),
    ("ZJ", "浙江", ["温州银监分局", "嘉兴银监分局", "湖州银监分局", "金华银监分局"]),
    ("AH", "安徽", ["芜湖银监分局", "安庆银监分局", "阜阳银监分局"]),
    ("SD", "山东", ["烟台银监分局", "潍坊银监分局", "临沂银监分局", "济宁银监分局"]),
    ("HL", "黑龙江", ["齐齐哈尔银监分局", "牡丹江银监分局", "佳木斯银监分局"]),
    ("NX", "宁夏", ["石嘴山银监分局", "吴忠银监分局", "固原银监分局"]),
    ("XJ", "新疆", ["喀什银监分局", "伊犁银监分局", "阿克苏银监分局"]),
    ("NM", "内蒙古", ["包头银监分局", "赤峰银监分局", "鄂尔多斯银监分局", "通辽银监分局"]),
    ("XM", "厦门", ["集美监管办事处", "同安监管办事处"]),
    ("HA", "河南", ["开封银监分局", "洛阳银监分局", "南阳银监分局", "商丘银监分局"]),
    ("HN", "湖南", ["株洲银监分局", "衡阳银监分局", "岳阳银监分局", "常德银监分局"]),
    ("JL", "吉林", ["四平银监分局", "延边银监分局", "通化银监分局"]),
    ("BJ", "北京", ["海淀监管办事处", "朝阳监管办事处"]),
    ("HE", "河北", ["唐山银监分局", "保定银监分局", "邯郸银监分局"]),
    ("SX", "山西", ["大同银监分局", "长治银监分局", "运城银监分局"]),
    ("LN", "辽宁", ["鞍山银监分局", "锦州银监分局", "丹东银监分局"]),
    ("FJ", "福建", ["泉州银监分局", "漳州银监分局", "莆田银监分局"]),
    ("JX", "江西", ["九江银监分局", "赣州银监分局", "上饶银监分局"]),
    ("HB", "湖北", ["宜昌银监分局", "襄阳银监分局", "荆州银监分局", "黄冈银监分局"]),
    ("GX", "广西", ["柳州银监分局", "桂林银监分局", "北海银监分局"]),
    ("HI", "海南", ["三亚银监分局", "儋州银监分局"]),
    ("CQ", "重庆", ["万州银监分局", "涪陵银监分局", "黔江银监分局"]),
    ("SC", "四川", ["绵阳银监分局", "南充银监分局", "宜宾银监分局", "乐山银监分局"]),
    ("GZ", "贵州", ["遵义银监分局", "六盘水银监分局", "毕节银监分局"]),
    ("YN", "云南", ["曲靖银监分局", "大理银监分局", "红河银监分局"]),
    ("SN", "陕西", ["宝鸡银监分局", "汉中银监分局", "榆林银监分局"]),
    ("GS", "甘肃", ["天水银监分局", "酒泉银监分局", "庆阳银监分局"]),
]
CBRC_START, CBRC_END = dt.date(2014, 2, 15), dt.date(2014, 3, 10)
CBRC_TEAMS = 36


def regulator_units() -> tuple[list[dict], dict[str, list[str]]]:
    units = [
        {"unit_id": "CBRC", "name": "中国银监会", "parent_id": None, "kind": "regulator", "sector": "organ"}
    ]
    subs: dict[str, list[str]] = {}
    for code, province, seats in CBRC_BUREAUS:
        bid = f"CBRC-{code}"
        units.append(
            {
                "unit_id": bid,
                "name": f"{province}银监局",
                "parent_id": "CBRC",
                "kind": "bureau",
                "sector": "organ",
            }
        )
        subs[bid] = []
        for i, seat in enumerate(seats, start=1):
            sid = f"{bid}-S{i:02d}"
            subs[bid].append(sid)
            units.append(
                {"unit_id": sid, "name": seat, "parent_id": bid, "kind": "sub_bureau", "sector": "organ"}
            )
    return units, subs


def regulator_team_trips(rng: random.Random, bureaus: list[str]) -> list[tuple[str, list[str]]]:
    """36 teams, 1-2 bureaus each, every bureau visited at least once."""
    order = bureaus[:]
    rng.shuffle(order)
    extra = rng.sample(bureaus, 12)  # 12 teams take a second bureau
    trips = []
    for k in range(1, CBRC_TEAMS + 1):
        first = order[(k - 1) % len(order)]
        visited = [first]
        if k <= 12 and extra[k - 1] != first:
            visited.append(extra[k - 1])
        trips.append((f"第{k}调研组", visited))
    return trips


def regulator_visits(rng: random.Random, subs: dict[str, list[str]]) -> list[dict]:
    rows: list[dict] = []

    def add(when, unit_id, kind, group, persons, team, topic):
        rows.append(
            {
                "date": iso(min(when, CBRC_END)),
                "unit_id": unit_id,
                "kind": kind,
                "group": group,
                "persons": persons,
                "team": team,
                "topic": topic,
            }
        )

    for team, bureaus in regulator_team_trips(rng, list(subs)):
        day = dt.date(2014, 2, 17) + dt.timedelta(days=rng.randint(0, 10))
        for bid in bureaus:
            add(
                day,
                bid,
                "lecture",
                "staff",
                rng.randint(60, 180),
                team,
                "宣讲中央经济工作会议和全国银行业监管工作会议精神",
            )
            add(day, bid, "seminar", "staff", rng.randint(12, 30), team, "与银监局和辖内银行业机构座谈")
            add(day, bid, "visit", "other", rng.randint(3, 8), team, "走访地方党委政府")
            if rng.random() < 0.7:
                add(day, bid, "visit", "deputies", rng.randint(3, 10), team, "走访全国人大代表、政协委员")
            add(
                day + dt.timedelta(days=1),
                bid,
                "visit",
                "enterprise_staff",
                rng.randint(5, 20),
                team,
                "走访小微企业：融资难融资贵",
            )
            for sid in rng.sample(subs[bid], rng.randint(1, min(2, len(subs[bid])))):
                later = day + dt.timedelta(days=rng.randint(1, 3))
                add(later, sid, "seminar", "staff", rng.randint(8, 25), team, "基层监管座谈：监管力量与履职")
                if rng.random() < 0.6:
                    add(later, sid, "service", "staff", rng.randint(2, 6), team, "看望慰问困难职工")
            day = day + dt.timedelta(days=rng.randint(3, 5))
    return sort_visits(rows)


def regulator_surveys(rng: random.Random, subs: dict[str, list[str]]) -> list[dict]:
    rows = []
    for i, bid in enumerate(rng.sample(sorted(subs), 6), start=1):
        issued = rng.randint(80, 260)
        returned = issued - rng.randint(0, 15)
        valid = returned - rng.randint(0, 8)
        rows.append(
            {
                "survey_id": f"CBRC-Q{i:02d}",
                "unit_id": bid,
                "date": iso(random_date(rng, dt.date(2014, 2, 18), CBRC_END)),
                "issued": issued,
                "returned": returned,
                "valid": valid,
            }
        )
    return rows


def regulator_targets(rng: random.Random, subs: dict[str, list[str]]) -> tuple[list[dict], list[dict]]:
    """contact_points: 3 sub-bureaus per bureau (sum); the root has no target of its own."""
    targets, actuals = [], []
    for bid, sub_ids in subs.items():
        targets.append(
            {
                "unit_id": bid,
                "indicator": "contact_points",
                "target": 3,
                "measure": "个",
                "period_start": iso(CBRC_START),
                "period_end": iso(CBRC_END),
                "aggregation": "sum",
            }
        )
        final = min(3, len(sub_ids) + (1 if rng.random() < 0.5 else 0))  # some bureaus fall short
        first = rng.randint(0, final)
        actuals.append({"unit_id": bid, "indicator": "contact_points", "date": "2014-02-28", "value": first})
        actuals.append({"unit_id": bid, "indicator": "contact_points", "date": iso(CBRC_END), "value": final})
    return targets, actuals


def make_regulator(out: Path) -> list[Path]:
    rng = random.Random(2014)
    units, subs = regulator_units()
    visits = regulator_visits(rng, subs)
    surveys = regulator_surveys(rng, subs)
    targets, actuals = regulator_targets(rng, subs)
    meta = {
        "id": "regulator_2014",
        "name": {"zh": "银监会集中走基层调研", "en": "Banking regulator grassroots tour 2014"},
        "start": CBRC_START,
        "end": CBRC_END,
        "description": {
            "zh": "组成36个调研组（每组不超过3人，由会领导或部门负责人带队）赴各银监局、银监分局"
            "宣讲政策、座谈、走访地方政府、人大代表政协委员和企业，看望困难职工。",
            "en": "36 research teams (at most 3 people, each led by a commission leader or a "
            "department head) visited provincial bureaus and sub-bureaus: policy lectures, "
            "seminars, visits to local government, deputies and enterprises, hardship staff.",
        },
        "vocabulary": {
            "indicators": {"contact_points": {"zh": "基层联系点", "en": "Contact points"}},
        },
    }
    tables = {"units": units, "visits": visits, "surveys": surveys, "targets": targets, "actuals": actuals}
    return write_campaign(out / "regulator_2014", meta, tables, xlsx_name="regulator_2014.xlsx")


# --------------------------------------------------------------------------- Shunhe town 2012

SHUNHE_COMMUNITIES = [  # name, residential-area branches (7+6+7+6+6+6 = 38)
    ("雨露", ["幸福", "雨露花园", "建设路", "河滨", "阳光", "东关", "锦绣"]),
    ("顺河", ["顺河街", "人民路", "新华", "桥东", "桥西", "老街"]),
    ("豫苑", ["豫苑小区", "文化路", "翠苑", "和平", "春华", "秋实", "兴业"]),
    ("陆河", ["陆河新村", "南关", "北关", "振兴", "滨河", "花园"]),
    ("文昌", ["文昌苑", "学府", "书香", "育才", "解放路", "东方"]),
    ("卓圩", ["卓圩新村", "安置一区", "安置二区", "安置三区", "西关", "金桥"]),
]
SH_START, SH_END, SH_AS_OF = dt.date(2012, 1, 1), dt.date(2012, 12, 31), dt.date(2012, 6, 30)
SH_TOWN_INDICATORS = [  # indicator, measure, target, value at 2012-06-30, value at 2012-07-31
    ("gdp", "万元", 357000, 208526, 241380),
    ("fiscal_revenue", "万元", 18000, 9500, 11020),
    ("general_budget_revenue", "万元", 10000, 5020, 5860),
    ("per_capita_income", "元", 13206, 7682, 8790),
]
SH_LIVELIHOOD = [12, 10, 13, 11, 9, 11]  # per community, adds up to 66


def shunhe_units() -> tuple[list[dict], dict[str, list[str]]]:
    units = [{"unit_id": "SH", "name": "顺河镇", "parent_id": None, "kind": "town"}]
    branches: dict[str, list[str]] = {}
    for c, (cname, areas) in enumerate(SHUNHE_COMMUNITIES, start=1):
        cid = f"SH-C{c:02d}"
        units.append(
            {
                "unit_id": cid,
                "name": f"{cname}社区党委",
                "parent_id": "SH",
                "kind": "community",
                "sector": "community",
            }
        )
        branches[cid] = []
        for b, area in enumerate(areas, start=1):
            bid = f"{cid}-B{b:02d}"
            branches[cid].append(bid)
            units.append(
                {
                    "unit_id": bid,
                    "name": f"{area}居民区党支部",
                    "parent_id": cid,
                    "kind": "branch",
                    "sector": "community",
                }
            )
    return units, branches


def shunhe_targets(rng: random.Random) -> tuple[list[dict], list[dict]]:
    year = {"period_start": iso(SH_START), "period_end": iso(SH_END)}
    month_ends = [month_end(2012, m) for m in range(1, 7)]
    targets, actuals = [], []
    for indicator, measure, target, june, july in SH_TOWN_INDICATORS:
        targets.append(
            {
                "unit_id": "SH",
                "indicator": indicator,
                "target": target,
                "measure": measure,
                **year,
                "aggregation": "none",
            }
        )
        fractions = [0.13, 0.27, 0.43, 0.6, 0.79, 1.0]
        actuals += cumulative_actuals("SH", indicator, june, month_ends, rng, fractions)
        actuals.append({"unit_id": "SH", "indicator": indicator, "date": "2012-07-31", "value": july})
    for c, target in enumerate(SH_LIVELIHOOD, start=1):
        cid = f"SH-C{c:02d}"
        targets.append(
            {
                "unit_id": cid,
                "indicator": "livelihood_tasks",
                "target": target,
                "measure": "件",
                **year,
                "aggregation": "sum",
            }
        )
        june = rng.randint(target // 3, target * 3 // 4)
        actuals.append(
            {"unit_id": cid, "indicator": "livelihood_tasks", "date": "2012-03-31", "value": june // 2}
        )
        actuals.append(
            {"unit_id": cid, "indicator": "livelihood_tasks", "date": iso(SH_AS_OF), "value": june}
        )
    targets.append(
        {
            "unit_id": "SH",
            "indicator": "five_good_share",
            "target": 100,
            "measure": "%",
            **year,
            "aggregation": "none",
            "pacing": "level",  # a share to reach and hold: judged against the target alone
        }
    )
    actuals.append({"unit_id": "SH", "indicator": "five_good_share", "date": iso(SH_AS_OF), "value": 90})
    return targets, actuals


def shunhe_visits(rng: random.Random, branches: dict[str, list[str]]) -> list[dict]:
    rows = []
    jan1, jun30 = SH_START, SH_AS_OF
    all_branches = [b for bs in branches.values() for b in bs]
    for bid in rng.sample(all_branches, 24):
        rows.append(
            {
                "date": iso(random_date(rng, jan1, jun30)),
                "unit_id": bid,
                "kind": "visit",
                "group": "residents",
                "persons": rng.randint(8, 40),
                "team": "镇党委",
                "topic": "走访居民区：拆迁安置和民生诉求",
            }
        )
    for cid in branches:
        rows.append(
            {
                "date": iso(random_date(rng, jan1, jun30)),
                "unit_id": cid,
                "kind": "lecture",
                "group": "staff",
                "persons": rng.randint(20, 60),
                "team": "宣传办",
                "topic": "宣讲创先争优和“五好”“五带头”标准",
            }
        )
        rows.append(
            {
                "date": iso(random_date(rng, jan1, jun30)),
                "unit_id": cid,
                "kind": "seminar",
                "group": "other",
                "persons": rng.randint(6, 15),
                "team": "组织办",
                "topic": "社区党建座谈：驻区单位共建",
            }
        )
    for bid in rng.sample(all_branches, 8):
        rows.append(
            {
                "date": iso(random_date(rng, jan1, jun30)),
                "unit_id": bid,
                "kind": "service",
                "group": "residents",
                "persons": rng.randint(3, 12),
                "team": "镇党委",
                "topic": "为困难群众办实事：安置房交付",
            }
        )
    return sort_visits(rows)


SH_QUESTIONS = ["对社区党组织工作满意度", "对党员作用发挥评价", "对公开承诺兑现情况评价"]
SH_COMMITTEE_PROMISES = [
    "完成安置房分配入住", "建立党员联系服务群众制度", "落实“三有一化”社区经费保障", "建成社区党员活动室",
    "组织驻区单位共建座谈", "推行党务居务公开", "建立社区党员志愿者队伍", "开展“社区旗帜、服务先锋”活动",
]
SH_BRANCH_PROMISES = [
    "走访辖区困难党员和低保户", "整治楼道堆物和环境卫生", "调解邻里矛盾纠纷", "每月开展一次主题党日",
    "设立党员责任区", "帮助失业居民再就业", "修缮楼道照明", "组织居民健康义诊", "建立居民议事会",
    "开展“五带头”党员承诺践诺", "为空巢老人结对帮扶", "清理小区绿化带",
]
SH_GRADES = {"excellent": 90, "good": 80, "pass": 60}
SH_APPRAISAL = {
    "items": [
        {"metric": "completion", "key": "livelihood_tasks", "weight": 30, "full_at": 0.5},
        {"metric": "grassroots_coverage", "weight": 15, "full_at": 1.0},
        {"metric": "satisfaction", "weight": 30, "full_at": 0.9},
        {"metric": "commitment_fulfilment", "weight": 25, "full_at": 1.0},
    ],
    "grades": SH_GRADES,
    "veto": {"no_activity": "fail"},  # 一票否决: a branch with no visit at all is graded 不合格 whatever its score
}


def shunhe_commitments(rng: random.Random, quality: dict[str, float], units: list[str]) -> list[dict]:
    """Three commitments per committee and branch, the first due by June: a better unit keeps more of them."""
    rows = []
    due_dates = [month_end(2012, m) for m in range(2, 13)]
    for unit in units:
        committee = unit.count("-") == 1
        pool, n = (SH_COMMITTEE_PROMISES, 3) if committee else (SH_BRANCH_PROMISES, 3)
        for i, text in enumerate(rng.sample(pool, n), start=1):
            due = rng.choice(due_dates[:5] if i == 1 else due_dates)  # every unit has one due by June
            draw = rng.random()
            p_kept = 0.5 + 0.45 * quality[unit]
            if due <= SH_AS_OF:
                if draw < p_kept:  # kept: on or before the due date
                    done = due - dt.timedelta(days=rng.randint(0, 20))
                elif draw < p_kept + (1 - p_kept) / 2:  # late, done before as_of, or else after it
                    done = due + dt.timedelta(days=rng.randint(3, 35))
                else:  # not done yet, or only after as_of
                    done = SH_AS_OF + dt.timedelta(days=rng.randint(5, 60)) if rng.random() < 0.4 else None
            else:
                done = due - dt.timedelta(days=rng.randint(0, 30)) if draw < p_kept else None
            rows.append({"commitment_id": f"{unit}-K{i}", "unit_id": unit, "text": text, "due": iso(due),
                         "done": iso(done) if done else None})
    return rows


def shunhe_ratings(rng: random.Random, quality: dict[str, float], branches: list[str]) -> tuple[list, list]:
    """One rating batch per branch in June; scores centred higher where the branch's quality is higher."""
    surveys, responses = [], []
    for bid in branches:
        sid = "SH-PY" + bid[2:]
        issued = rng.randint(8, 12)
        returned = issued - rng.randint(0, 1)
        valid = returned - rng.randint(0, 1)
        surveys.append({"survey_id": sid, "unit_id": bid, "date": iso(dt.date(2012, 6, rng.randint(5, 25))),
                        "issued": issued, "returned": returned, "valid": valid})
        mu = 3.55 + 1.0 * quality[bid]
        for person in range(1, valid + 1):
            for offset, question in zip((0.0, -0.1, -0.2), SH_QUESTIONS, strict=True):
                score = min(5, max(1, round(rng.gauss(mu + offset, 0.8))))
                responses.append({"survey_id": sid, "question": question, "score": score,
                                  "respondent": f"{sid}-{person:02d}"})
    return surveys, responses


def make_shunhe(out: Path) -> list[Path]:
    rng = random.Random(2012)
    units, branches = shunhe_units()
    targets, actuals = shunhe_targets(rng)
    visits = shunhe_visits(rng, branches)
    surveys = [
        {
            "survey_id": "SH-Q01",
            "unit_id": "SH",
            "date": "2012-03-20",
            "issued": 500,
            "returned": 468,
            "valid": 452,
        },
        {
            "survey_id": "SH-Q02",
            "unit_id": "SH-C03",
            "date": "2012-05-16",
            "issued": 300,
            "returned": 287,
            "valid": 280,
        },
    ]
    meta = {
        "id": "shunhe_2012",
        "name": {"zh": "顺河镇2012年上半年工作", "en": "Shunhe town, first half of 2012"},
        "start": SH_START,
        "end": SH_END,
        "as_of": SH_AS_OF,
        "description": {
            "zh": "上半年主要经济指标完成情况与基层党建：6个社区党委、38个居民区党支部，66件民生实事。",
            "en": "Economic indicators for the first half of 2012 and grassroots party building: "
            "6 community party committees, 38 residential-area branches, 66 livelihood tasks.",
        },
        "vocabulary": {
            "indicators": {
                "gdp": {"zh": "地区生产总值", "en": "GDP"},
                "fiscal_revenue": {"zh": "财政收入", "en": "Fiscal revenue"},
                "general_budget_revenue": {"zh": "一般预算收入", "en": "General budget revenue"},
                "per_capita_income": {"zh": "农民人均纯收入", "en": "Per-capita net income"},
                "livelihood_tasks": {"zh": "民生实事", "en": "Livelihood tasks"},
                "five_good_share": {"zh": "五好党组织比例", "en": "Five-good organisations share"},
            },
        },
    }
    evaluation = random.Random(20120701)  # its own stream: the figures drawn from rng above never move
    all_branches = [b for bs in branches.values() for b in bs]
    rated = [*branches, *all_branches]
    quality = {u: evaluation.random() for u in rated}
    commitments = shunhe_commitments(evaluation, quality, [u["unit_id"] for u in units if u["unit_id"] in quality])
    rating_surveys, responses = shunhe_ratings(evaluation, quality, all_branches)
    surveys += rating_surveys
    meta["appraisal"] = SH_APPRAISAL
    tables = {"units": units, "visits": visits, "surveys": surveys, "targets": targets, "actuals": actuals,
              "responses": responses, "commitments": commitments}
    return write_campaign(
        out / "shunhe_2012", meta, tables, encoding="utf-8-sig",
        chinese_tables=("visits", "surveys", "responses", "commitments"),
    )


# --------------------------------------------------------------------------- read-back check


def read_table(folder: Path, table: str):
    import pandas as pd

    xlsx = sorted(folder.glob("*.xlsx"))
    if xlsx:
        df = pd.read_excel(xlsx[0], sheet_name=table, dtype=str)
    else:
        path = folder / f"{table}.csv"
        for enc in ("utf-8-sig", "gb18030"):
            try:
                df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(f"cannot decode {path}")
    df = df.rename(columns=alias_map(table))
    assert [c for c in df.columns if c not in WRITTEN_WHEN_USED] == columns(table), (folder, table, list(df.columns))
    return df.fillna("")


def load(folder: Path) -> dict:
    import pandas as pd

    out = {t: read_table(folder, t) for t in TABLE_ORDER}
    for t, cols in {
        "visits": ["persons"],
        "surveys": ["issued", "returned", "valid"],
        "targets": ["target"],
        "actuals": ["value"],
    }.items():
        for c in cols:
            out[t][c] = pd.to_numeric(out[t][c])
    return out


def check_common(folder: Path, d: dict, meta: dict) -> None:
    units = d["units"]
    ids = set(units["unit_id"])
    assert units["unit_id"].is_unique and (units["unit_id"] != "").all()
    assert (units["parent_id"] == "").sum() == 1
    assert set(units["parent_id"]) - {""} <= ids
    for t in ("visits", "surveys", "targets", "actuals"):
        assert set(d[t]["unit_id"]) <= ids, (folder, t)
    start, end = iso(meta["start"]), iso(meta["end"])
    for t in ("visits", "surveys", "actuals"):
        assert d[t]["date"].between(start, end).all(), (folder, t)
    s = d["surveys"]
    assert s["survey_id"].is_unique
    assert ((0 <= s["valid"]) & (s["valid"] <= s["returned"]) & (s["returned"] <= s["issued"])).all()
    assert (d["targets"]["target"] > 0).all() and (d["actuals"]["value"] >= 0).all()
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 500_000, (folder, size)


def check(out: Path) -> None:
    # Weishi
    folder = out / "weishi"
    raw = (folder / "units.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("gb18030").startswith("单位编码")
    meta = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    d = load(folder)
    check_common(folder, d, meta)
    u, v, s = d["units"], d["visits"], d["surveys"]
    kinds = u["kind"].value_counts().to_dict()
    assert kinds["township"] == 17 and kinds["industrial_park"] == 2, kinds
    assert (u["tags"] == "advanced").sum() == 19 and (u["tags"] == "lagging").sum() == 19
    assert (v["kind"] == "seminar").sum() == 36
    by_group = v.groupby("group")["persons"].sum().to_dict()
    assert by_group == {
        "township_leaders": 180,
        "county_leaders": 42,
        "village_cadres": 570,
        "residents": 874,
        "graduate_officials": 432,
        "enterprise_staff": 176,
    }, by_group
    assert v["persons"].sum() == 2274
    office = v[v["team"] == WS_OFFICE]
    assert len(office) == 23 and (office["kind"] == "seminar").all()
    assert office.groupby("group")["persons"].sum().to_dict() == {
        "graduate_officials": 432,
        "township_leaders": 120,
        "village_cadres": 165,
        "residents": 174,
    }
    visited = set(v["unit_id"])
    for kind in ("township", "industrial_park"):
        assert set(u.loc[u["kind"] == kind, "unit_id"]) <= visited, kind
    villages = u[u["kind"] == "village"]
    assert set(villages.loc[villages["tags"] != "", "unit_id"]) <= visited
    n_visited = villages["unit_id"].isin(visited).sum()
    assert 0 < n_visited < len(villages)
    assert (s["issued"].sum(), s["returned"].sum(), s["valid"].sum()) == (2800, 2680, 2600)
    dxs = s[s["survey_id"].str.startswith("WS-DXS")]
    assert (dxs["issued"].sum(), dxs["valid"].sum()) == (891, 875)
    print(
        f"weishi: {len(u)} units {kinds}; {len(v)} visit rows, seminars 36, persons {by_group} = 2274;"
        f" office 23 seminars; villages visited {n_visited}/{len(villages)};"
        f" surveys issued/returned/valid {s['issued'].sum()}/{s['returned'].sum()}/{s['valid'].sum()},"
        f" office {dxs['issued'].sum()}/{dxs['valid'].sum()}"
    )

    # Regulator
    folder = out / "regulator_2014"
    meta = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    d = load(folder)
    check_common(folder, d, meta)
    u, v, t, a = d["units"], d["visits"], d["targets"], d["actuals"]
    kinds = u["kind"].value_counts().to_dict()
    named = [
        "上海",
        "天津",
        "广东",
        "江苏",
        "浙江",
        "安徽",
        "山东",
        "黑龙江",
        "宁夏",
        "新疆",
        "内蒙古",
        "厦门",
        "河南",
        "湖南",
        "吉林",
    ]
    assert {f"{p}银监局" for p in named} <= set(u["name"])
    assert v["team"].nunique() == 36
    bureaus = set(u.loc[u["kind"] == "bureau", "unit_id"])
    assert bureaus <= set(v["unit_id"])
    assert set(t["unit_id"]) == bureaus and "CBRC" not in set(t["unit_id"])
    final = a[a["date"] == iso(CBRC_END)]
    print(
        f"regulator_2014: {len(u)} units {kinds}; {len(v)} visit rows by kind "
        f"{v['kind'].value_counts().to_dict()}; 36 teams; contact_points target {int(t['target'].sum())}"
        f" actual {int(final['value'].sum())} (sum rollup at CBRC)"
    )

    # Shunhe
    folder = out / "shunhe_2012"
    assert (folder / "units.csv").read_bytes().startswith(b"\xef\xbb\xbfunit_id")
    assert (folder / "visits.csv").read_bytes().startswith("\ufeff日期".encode())
    meta = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    d = load(folder)
    check_common(folder, d, meta)
    u, t, a = d["units"], d["targets"], d["actuals"]
    kinds = u["kind"].value_counts().to_dict()
    assert kinds == {"town": 1, "community": 6, "branch": 38}, kinds
    as_of = iso(meta["as_of"])
    for indicator, _, target, june, _ in SH_TOWN_INDICATORS:
        rows = a[(a["indicator"] == indicator) & (a["date"] <= as_of)].sort_values("date")
        assert rows["value"].is_monotonic_increasing and rows["value"].iloc[-1] == june
        tgt = t.loc[t["indicator"] == indicator, "target"].item()
        assert tgt == target
        print(f"shunhe_2012: {indicator} {june}/{target} = {june / target:.2%}")
    lt = t[t["indicator"] == "livelihood_tasks"]
    assert lt["target"].sum() == 66 and "SH" not in set(lt["unit_id"])
    assert (lt["aggregation"] == "sum").all()
    fg = a[a["indicator"] == "five_good_share"]
    assert fg["value"].tolist() == [90]
    lt_june = a[(a["indicator"] == "livelihood_tasks") & (a["date"] == as_of)]["value"].sum()
    print(
        f"shunhe_2012: {len(u)} units {kinds}; livelihood_tasks target 66 actual {int(lt_june)} (sum);"
        f" five_good_share 90/100; {len(d['visits'])} visit rows"
    )
    r, c, s = read_table(folder, "responses"), read_table(folder, "commitments"), d["surveys"]
    rating = s[s["survey_id"].str.startswith("SH-PY-")]
    assert set(r["survey_id"]) == set(rating["survey_id"])
    assert set(rating["unit_id"]) == set(u.loc[u["kind"] == "branch", "unit_id"])
    per_survey = r.groupby("survey_id").size()
    assert (per_survey == rating.set_index("survey_id")["valid"] * len(SH_QUESTIONS)).all()
    assert set(r["question"]) == set(SH_QUESTIONS) and r["score"].isin(list("12345")).all()
    assert c["commitment_id"].is_unique and set(c["unit_id"]) == set(u.loc[u["kind"] != "town", "unit_id"])
    due = c[c["due"] <= as_of]
    kept = due[(due["done"] != "") & (due["done"] <= due["due"])]
    assert meta["appraisal"] == SH_APPRAISAL and sum(i["weight"] for i in SH_APPRAISAL["items"]) == 100
    print(
        f"shunhe_2012: {len(r)} responses from {rating['valid'].sum()} questionnaires in {len(rating)} rating"
        f" batches; {len(c)} commitments, {len(due)} due by {as_of}, {len(kept)} kept"
        f" ({len(kept) / len(due):.2%})"
    )
    print("check: OK")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "data" / "raw", help="output folder (data/raw)")
    parser.add_argument("--check", action="store_true", help="read the files back and assert the figures")
    args = parser.parse_args(argv)
    written = make_weishi(args.out) + make_regulator(args.out) + make_shunhe(args.out)
    for path in written:
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    if args.check:
        check(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
