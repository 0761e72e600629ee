"""The data contract of docs/domain.md as data: tables, columns, Chinese aliases, vocabularies."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.text.language import LANGUAGES, rules_of


@dataclass(frozen=True)
class Column:
    """One column of a table: canonical name, Chinese alias, type and whether it must be present."""

    name: str
    alias: str
    dtype: str  # "text", "int", "number", "date", "tags"
    required: bool = True
    nullable: bool = False
    also: tuple[str, ...] = ()  # further headers read as this column (发放 as well as 发出)


# The pandas dtype a column of each type has once validated (and in an absent table's empty frame).
DTYPES = {"int": "Int64", "number": "Float64", "date": "datetime64[ns]", "text": "str", "tags": "str"}

TABLES: dict[str, tuple[Column, ...]] = {
    "units": (
        Column("unit_id", "单位编码", "text"),
        Column("name", "单位名称", "text"),
        Column("parent_id", "上级单位编码", "text", nullable=True),
        Column("kind", "单位类型", "text", required=False, nullable=True),
        Column("sector", "领域", "text", required=False, nullable=True),
        Column("tags", "标签", "tags", required=False, nullable=True),
    ),
    "visits": (
        Column("date", "日期", "date"),
        Column("unit_id", "单位编码", "text"),
        Column("kind", "活动类型", "text"),
        Column("group", "对象类别", "text"),
        Column("persons", "人次", "int"),
        Column("team", "调研组", "text", required=False, nullable=True),
        Column("topic", "主题", "text", required=False, nullable=True),
    ),
    "surveys": (
        Column("survey_id", "问卷批次", "text"),
        Column("unit_id", "单位编码", "text"),
        Column("date", "日期", "date"),
        Column("issued", "发出", "int", also=("发放",)),
        Column("returned", "收回", "int", also=("回收",)),
        Column("valid", "有效", "int"),
    ),
    "targets": (
        Column("unit_id", "单位编码", "text"),
        Column("indicator", "指标", "text"),
        Column("target", "目标值", "number"),
        Column("measure", "计量单位", "text", required=False, nullable=True),
        Column("period_start", "起始日期", "date"),
        Column("period_end", "截止日期", "date"),
        Column("aggregation", "汇总方式", "text", required=False, nullable=True),
        Column("pacing", "考核方式", "text", required=False, nullable=True),
    ),
    "actuals": (
        Column("unit_id", "单位编码", "text"),
        Column("indicator", "指标", "text"),
        Column("date", "日期", "date"),
        Column("value", "实际值", "number"),
    ),
    "responses": (
        Column("survey_id", "问卷批次", "text"),
        Column("question", "问题", "text"),
        Column("score", "评分", "int"),
        Column("respondent", "答卷人编号", "text", required=False, nullable=True),
    ),
    "commitments": (
        Column("commitment_id", "承诺编号", "text"),
        Column("unit_id", "单位编码", "text"),
        Column("text", "承诺事项", "text"),
        Column("due", "承诺时限", "date"),
        # The column must be there (a missing one cannot be told from "nothing done"); empty cells = not done.
        Column("done", "完成日期", "date", nullable=True),
    ),
}

REQUIRED_TABLES = ("units",)

# Visit kinds and groups: code -> (zh, en). campaign.yaml may add more.
VISIT_KINDS: dict[str, tuple[str, str]] = {
    "seminar": ("座谈会", "Seminar"),
    "visit": ("走访", "Visit"),
    "inspection": ("实地察看", "Site inspection"),
    "lecture": ("宣讲", "Lecture"),
    "service": ("办实事", "Practical service"),
}

GROUPS: dict[str, tuple[str, str]] = {
    "township_leaders": ("乡镇领导干部", "Township leaders"),
    "county_leaders": ("县直单位领导干部", "County-department leaders"),
    "village_cadres": ("村干部", "Village cadres"),
    "residents": ("群众", "Residents"),
    "graduate_officials": ("大学生村干部", "Graduate village officials"),
    "enterprise_staff": ("企业干部", "Enterprise staff"),
    "deputies": ("人大代表政协委员", "Deputies and CPPCC members"),
    "staff": ("基层干部职工", "Grassroots staff"),
    "other": ("其他", "Other"),
}

SECTORS: dict[str, tuple[str, str]] = {
    "rural": ("农村", "Rural"),
    "community": ("社区", "Community"),
    "organ": ("机关", "Government organ"),
    "soe": ("国有企业", "State enterprise"),
    "public_institution": ("事业单位", "School or hospital"),
    "non_public": ("非公有制组织", "Non-public organisation"),
}

AGGREGATIONS: dict[str, tuple[str, str]] = {
    "sum": ("汇总", "Sum"),
    "none": ("不汇总", "None"),
}

# How a target is judged: against the elapsed share of its period (序时进度), or a level to reach and hold
# (五好党组织比例 90%: against the target alone). A level indicator is never summed from children.
PACINGS: dict[str, tuple[str, str]] = {
    "linear": ("序时进度", "Linear"),
    "level": ("达标值", "Level"),
}

# Unit tags: code -> (zh, en); a tag written in Chinese is read as its code.
TAGS: dict[str, tuple[str, str]] = {
    "advanced": ("先进", "Advanced"),
    "lagging": ("后进", "Lagging"),
}

ENCODINGS = ("utf-8-sig", "gb18030")

# Sheet names of a table in a template: (zh, en). A workbook's sheet is read as a table when it is named
# as the table (any case) or by either of these (templates written before were named as the tables).
SHEET_NAMES: dict[str, tuple[str, str]] = {
    "units": ("单位", "units"),
    "visits": ("走访座谈", "visits"),
    "surveys": ("问卷", "surveys"),
    "targets": ("目标", "targets"),
    "actuals": ("实际完成", "actuals"),
    "responses": ("问卷评分", "responses"),
    "commitments": ("公开承诺", "commitments"),
}


def sheet_name(table: str, language: str) -> str:
    """The sheet name a template in `language` gives a table."""
    return SHEET_NAMES[table][rules_of(language).pair_index]


def table_of_sheet(sheet: str) -> str | None:
    """The table a sheet name stands for (its table name in any case, or a template's name for it), else None."""
    name = sheet.strip()
    if name.lower() in TABLES:
        return name.lower()
    return next((t for t, names in SHEET_NAMES.items() if name in names), None)


def label_codes(vocabulary: dict[str, tuple[str, str]], extra: dict[str, dict] | None = None) -> dict[str, str]:
    """Accepted text -> code for a vocabulary: each code, and its Chinese and English labels (campaign.yaml's
    extras added). A label that is another entry's code stays that code."""
    out: dict[str, str] = {}
    labels: dict[str, str] = {}
    for code, (zh, en) in vocabulary.items():
        out[code] = code
        labels.setdefault(zh, code)
        labels.setdefault(en, code)
    for code, words in (extra or {}).items():
        out[str(code)] = str(code)
        for language in LANGUAGES:
            if words.get(language):
                labels.setdefault(str(words[language]), str(code))
    for text, code in labels.items():
        out.setdefault(text, code)
    return out


def alias_map(table: str) -> dict[str, str]:
    """Header text (canonical or Chinese alias) -> canonical column name."""
    out: dict[str, str] = {}
    for col in TABLES[table]:
        out[col.name] = col.name
        out[col.alias] = col.name
        for other in col.also:
            out[other] = col.name
    return out
