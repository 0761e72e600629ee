"""Every piece of report and explorer UI text in Chinese and English, status colours and number formats.

One table, `LABELS`, holds key -> {"zh": ..., "en": ...}; keys are namespaced by where the text is used
(`section.`, `sub.`, `kpi.`, `axis.`, `funnel.`, `rate.`, `status.`, `col.`, `flag.`, `note.`, `header.`, `tag.`,
`freq.`, `legend.`, `fig.`; for ratings and the appraisal `score.`, `grade.`, `metric.`, `item.`, `rating.`).
Vocabulary of the data itself (visit kinds, groups, indicators) is not here:
CampaignMeta.kind_label, group_label and indicator_label give those. Messages with parameters (validation
problems, accepted-habit notes, data-quality findings) are in `MESSAGES` (kept in analytics/text/messages.py for
length), filled by `message(code, language, **params)`.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from numbers import Number

from analytics.text.language import LANGUAGES as _LANGUAGES
from analytics.text.language import PAGE_LANGUAGE
from analytics.text.messages import MESSAGES, message, where_text

LANGUAGES = _LANGUAGES
DEFAULT_LANGUAGE = PAGE_LANGUAGE  # pages default to Chinese; see analytics.text.language
MISSING = "—"

LABELS: dict[str, dict[str, str]] = {
    # Section titles
    "section.overview": {"zh": "概览", "en": "Overview"},
    "section.kpis": {"zh": "核心指标", "en": "Key figures"},
    "section.visits": {"zh": "走访与座谈", "en": "Visits and seminars"},
    "section.surveys": {"zh": "问卷调查", "en": "Questionnaires"},
    "section.targets": {"zh": "目标任务序时进度", "en": "Targets and pace"},
    "section.children": {"zh": "下级单位", "en": "Units below"},
    "section.quality": {"zh": "数据质量", "en": "Data quality"},
    "section.tags": {"zh": "先进与后进对比", "en": "Advanced vs lagging"},
    "section.trend": {"zh": "活动趋势", "en": "Activity over time"},
    "section.coverage": {"zh": "下级单位覆盖情况", "en": "Coverage of units below"},
    "section.compare": {"zh": "单位对比", "en": "Compare units"},
    "section.glance": {"zh": "进度一览", "en": "At a glance"},
    "section.pace_over_time": {"zh": "累计完成与序时进度", "en": "Actual over time against pace"},
    "section.coverage_gaps": {"zh": "覆盖情况", "en": "Coverage"},
    # KPI cards
    "kpi.events": {"zh": "活动次数", "en": "Events"},
    "kpi.persons": {"zh": "接触人次", "en": "Person-times"},
    "kpi.coverage": {"zh": "下级单位覆盖率", "en": "Coverage"},
    "kpi.grassroots_coverage": {"zh": "基层覆盖率", "en": "Grassroots coverage"},
    "kpi.survey_effective_rate": {"zh": "问卷有效回收率", "en": "Survey effective rate"},
    "kpi.targets_on_pace": {"zh": "已完成或达到序时进度的指标", "en": "Targets completed or on pace"},
    "kpi.targets_behind": {"zh": "落后或未完成的指标", "en": "Targets behind or missed"},
    # Axis titles
    "axis.persons": {"zh": "人次", "en": "Person-times"},
    "axis.events": {"zh": "活动次数", "en": "Events"},
    "axis.date": {"zh": "日期", "en": "Date"},
    "axis.completion": {"zh": "完成率（%）", "en": "Completion (%)"},
    "axis.elapsed": {"zh": "时间进度（%）", "en": "Elapsed (%)"},
    "axis.share": {"zh": "占比", "en": "Share"},
    "axis.count": {"zh": "数量", "en": "Count"},
    "axis.rate": {"zh": "比率", "en": "Rate"},
    "axis.per_unit": {"zh": "单位平均", "en": "Per unit"},
    "axis.group": {"zh": "对象类别", "en": "Group"},
    "axis.kind": {"zh": "活动类型", "en": "Kind"},
    "axis.indicator": {"zh": "指标", "en": "Indicator"},
    # Survey funnel stages and rates
    "funnel.issued": {"zh": "发放", "en": "Issued"},
    "funnel.returned": {"zh": "回收", "en": "Returned"},
    "funnel.valid": {"zh": "有效", "en": "Valid"},
    "rate.return_rate": {"zh": "回收率", "en": "Return rate"},
    "rate.validity": {"zh": "有效率", "en": "Validity"},
    "rate.effective_rate": {"zh": "有效回收率", "en": "Effective rate"},
    # Pace statuses
    "status.completed": {"zh": "已完成", "en": "Completed"},
    "status.ahead": {"zh": "快于序时进度", "en": "Ahead"},
    "status.on_pace": {"zh": "符合序时进度", "en": "On pace"},
    "status.below": {"zh": "低于目标", "en": "Below target"},
    "status.behind": {"zh": "落后序时进度", "en": "Behind"},
    "status.missed": {"zh": "未完成", "en": "Missed"},
    "status.no_data": {"zh": "暂无数据", "en": "No data"},
    # A level indicator (pacing level) is judged against its target alone: 达标 / 低于目标 / 未达标.
    "level_status.completed": {"zh": "达标", "en": "Met"},
    "level_status.below": {"zh": "低于目标", "en": "Below target"},
    "level_status.missed": {"zh": "未达标", "en": "Missed"},
    "col.level_gap": {"zh": "与目标差距", "en": "Gap to target"},
    # Table headers: children ranking, targets and data-quality tables
    "col.unit": {"zh": "单位", "en": "Unit"},
    "col.unit_id": {"zh": "单位编码", "en": "Unit code"},
    "col.events": {"zh": "活动次数", "en": "Events"},
    "col.persons": {"zh": "人次", "en": "Person-times"},
    "col.coverage": {"zh": "覆盖率", "en": "Coverage"},
    "col.issued": {"zh": "发放问卷", "en": "Issued"},
    "col.returned": {"zh": "回收问卷", "en": "Returned"},
    "col.valid": {"zh": "有效问卷", "en": "Valid"},
    "col.effective_rate": {"zh": "有效回收率", "en": "Effective rate"},
    "col.return_rate": {"zh": "回收率", "en": "Return rate"},
    "col.validity": {"zh": "有效率", "en": "Validity"},
    "col.grassroots_coverage": {"zh": "基层覆盖率", "en": "Grassroots coverage"},
    "col.uncovered": {"zh": "未覆盖基层单位", "en": "Grassroots units not visited"},
    "col.name": {"zh": "单位名称", "en": "Name"},
    "col.parent": {"zh": "上级单位", "en": "Parent"},
    "col.parent_id": {"zh": "上级单位编码", "en": "Parent code"},
    "col.level": {"zh": "级别", "en": "Level"},
    "col.kind": {"zh": "单位类型", "en": "Kind"},
    "col.path": {"zh": "所属上级", "en": "Above it"},
    "col.progress": {"zh": "进度状态", "en": "Status"},
    "col.no_activity": {"zh": "无活动", "en": "No activity"},
    "col.targets_lagging": {"zh": "落后或未完成指标数", "en": "Indicators behind or missed"},
    "col.targets_behind": {"zh": "落后或未完成指标数", "en": "Targets behind or missed"},
    "col.units": {"zh": "单位数", "en": "Units"},
    "col.indicator": {"zh": "指标", "en": "Indicator"},
    "col.measure": {"zh": "计量单位", "en": "Measure"},
    "col.target": {"zh": "目标值", "en": "Target"},
    "col.actual": {"zh": "实际完成", "en": "Actual"},
    "col.completion": {"zh": "完成率", "en": "Completion"},
    "col.elapsed": {"zh": "时间进度", "en": "Elapsed"},
    "col.pace_gap": {"zh": "差距（百分点）", "en": "Gap (points)"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.source": {"zh": "来源", "en": "Source"},
    "col.table": {"zh": "数据表", "en": "Table"},
    "col.row": {"zh": "行号", "en": "Row"},
    "col.column": {"zh": "列", "en": "Column"},
    "col.value": {"zh": "值", "en": "Value"},
    "col.detail": {"zh": "说明", "en": "Detail"},
    "col.flag": {"zh": "问题类型", "en": "Finding"},
    "col.rank": {"zh": "排名", "en": "Rank"},
    # Data-quality flags and notes
    "flag.consistency": {"zh": "数据不一致", "en": "Inconsistent figures"},
    "flag.unknown_unit": {"zh": "未知单位", "en": "Unknown unit"},
    "flag.out_of_period": {"zh": "日期超出活动期间", "en": "Date outside the period"},
    "flag.outlier": {"zh": "异常值", "en": "Outlier"},
    "flag.actual_not_counted": {"zh": "实际值未计入", "en": "Actual not counted"},
    "flag.no_actual": {"zh": "未填报实际值", "en": "No actual reported"},
    "flag.decreasing_actual": {"zh": "累计值减少", "en": "Cumulative actual decreases"},
    "flag.count": {"zh": "问题数", "en": "Findings"},
    "note.no_data": {"zh": "本部分暂无数据", "en": "No data for this section"},
    # A label's colon: full width on a Chinese page ("编码：SH"), ASCII and a space in English ("Code: SH")
    "punct.colon": {"zh": "：", "en": ": "},
    # What a campaign without a responses or commitments table, or an appraisal section, does not record (one line
    # at the end of a unit's page and of the explorer, instead of a section each)
    "not_recorded.ratings": {"zh": "群众评议", "en": "ratings"},
    "not_recorded.commitments": {"zh": "公开承诺", "en": "commitments"},
    "not_recorded.appraisal": {"zh": "考核评分", "en": "appraisal"},
    "note.no_flags": {"zh": "未发现数据质量问题", "en": "No data-quality findings"},
    "note.points": {"zh": "个百分点", "en": "points"},
    "note.more_rows": {"zh": "另有未列出的行", "en": "Rows not shown"},
    "note.full_list": {"zh": "完整名单", "en": "Full list"},
    "note.laggard_legend": {
        "zh": "标色并标注“需关注”的行：无活动、有指标落后序时进度或覆盖率低于50%的单位",
        "en": "Highlighted and marked “needs attention”: units with no events, a target behind pace, or coverage below 50%",
    },
    "note.attention": {"zh": "需关注", "en": "needs attention"},
    "note.untranslated_measures": {"zh": "以下计量单位按原文显示", "en": "Measures shown as written (no English name)"},
    # Tables of a campaign (the data-quality table names the table and column of each finding)
    "table.units": {"zh": "单位表", "en": "Units"},
    "table.visits": {"zh": "走访座谈记录", "en": "Visits"},
    "table.surveys": {"zh": "问卷批次", "en": "Surveys"},
    "table.targets": {"zh": "目标任务", "en": "Targets"},
    "table.actuals": {"zh": "实际完成", "en": "Actuals"},
    "table.responses": {"zh": "评议答卷", "en": "Responses"},
    "table.commitments": {"zh": "公开承诺", "en": "Commitments"},
    # Columns of those tables, by their canonical names (docs/domain.md's labels: 发放/回收/有效)
    "field.unit_id": {"zh": "单位编码", "en": "Unit code"},
    "field.name": {"zh": "单位名称", "en": "Name"},
    "field.parent_id": {"zh": "上级单位编码", "en": "Parent code"},
    "field.kind": {"zh": "类型", "en": "Kind"},
    "field.sector": {"zh": "领域", "en": "Sector"},
    "field.tags": {"zh": "标签", "en": "Tags"},
    "field.date": {"zh": "日期", "en": "Date"},
    "field.group": {"zh": "对象类别", "en": "Group"},
    "field.persons": {"zh": "人次", "en": "Person-times"},
    "field.team": {"zh": "调研组", "en": "Team"},
    "field.topic": {"zh": "主题", "en": "Topic"},
    "field.survey_id": {"zh": "问卷批次", "en": "Survey"},
    "field.issued": {"zh": "发放", "en": "Issued"},
    "field.returned": {"zh": "回收", "en": "Returned"},
    "field.valid": {"zh": "有效", "en": "Valid"},
    "field.indicator": {"zh": "指标", "en": "Indicator"},
    "field.target": {"zh": "目标值", "en": "Target"},
    "field.measure": {"zh": "计量单位", "en": "Measure"},
    "field.period_start": {"zh": "起始日期", "en": "Period start"},
    "field.period_end": {"zh": "截止日期", "en": "Period end"},
    "field.aggregation": {"zh": "汇总方式", "en": "Aggregation"},
    "field.value": {"zh": "实际值", "en": "Value"},
    "field.question": {"zh": "问题", "en": "Question"},
    "field.score": {"zh": "评分", "en": "Score"},
    "field.respondent": {"zh": "答卷人编号", "en": "Respondent"},
    "field.commitment_id": {"zh": "承诺编号", "en": "Commitment no."},
    "field.text": {"zh": "承诺事项", "en": "Commitment"},
    "field.due": {"zh": "承诺时限", "en": "Due"},
    "field.done": {"zh": "完成日期", "en": "Done"},
    # Header words
    "header.campaign": {"zh": "活动", "en": "Campaign"},
    "header.period": {"zh": "期间", "en": "Period"},
    "header.as_of": {"zh": "截至", "en": "As of"},
    "header.fingerprint": {"zh": "数据指纹", "en": "Data fingerprint"},
    "header.version": {"zh": "程序版本", "en": "Program version"},
    "header.generated_at": {"zh": "生成时间", "en": "Generated at"},
    "header.parent": {"zh": "上级单位", "en": "Parent"},
    "header.children": {"zh": "下级单位", "en": "Children"},
    "header.index": {"zh": "全部单位", "en": "All units"},
    # Batch outcome of a unit's page (index page)
    "batch.rendered": {"zh": "已生成", "en": "Rendered"},
    "batch.up_to_date": {"zh": "无变化", "en": "Up to date"},
    "batch.failed": {"zh": "生成失败", "en": "Failed"},
    "batch.not_rendered": {"zh": "未生成", "en": "Not rendered"},
    "batch.stale": {"zh": "已过期", "en": "Stale"},
    "batch.stale_help": {"zh": "此页面由旧数据生成，与本索引和 kpis.csv 不一致；请重新运行（不带 --units）以更新",
                         "en": "This page was made from other data than this index and kpis.csv; "
                               "run again without --units to refresh it"},
    # Unit tags
    "tag.advanced": {"zh": "先进", "en": "Advanced"},
    "tag.lagging": {"zh": "后进", "en": "Lagging"},
    # Trend granularity
    "freq.day": {"zh": "按日", "en": "Daily"},
    "freq.week": {"zh": "按周", "en": "Weekly"},
    "freq.month": {"zh": "按月", "en": "Monthly"},
    "freq.week_of": {"zh": "当周起始", "en": "Week of"},
    # Legends
    "legend.covered": {"zh": "已覆盖", "en": "Covered"},
    "legend.not_covered": {"zh": "未覆盖", "en": "Not covered"},
    "legend.elapsed": {"zh": "时间进度", "en": "Elapsed"},
    "legend.target": {"zh": "目标（100%）", "en": "Target (100%)"},
    "legend.actual": {"zh": "累计完成", "en": "Cumulative actual"},
    "legend.pace": {"zh": "序时进度", "en": "Pace"},
    "legend.as_of": {"zh": "截至", "en": "As of"},
    "legend.partial_week": {"zh": "不完整周", "en": "partial week"},
    "legend.partial_month": {"zh": "不完整月", "en": "partial month"},
    "note.days_of": {"zh": "（不完整：{days}/{whole}天）", "en": "(partial: {days} of {whole} days)"},
    "note.unsurveyed_children": {"zh": "没有问卷的下级单位（图中未列出）",
                                 "en": "Units below without questionnaires (not in the chart)"},
    "note.tag_units": {"zh": "{tag}（{n}个单位）", "en": "{tag} ({n} units)"},
    "note.tags_one_side": {"zh": "只有一类单位带有先进或后进标签，不作对比",
                           "en": "Only one of advanced and lagging units is tagged: no comparison"},
    # Figure titles
    "fig.persons_by_group": {"zh": "各类对象接触人次", "en": "Person-times by group"},
    "fig.events_by_kind": {"zh": "各类活动次数", "en": "Events by kind"},
    "fig.trend": {"zh": "活动次数与人次趋势", "en": "Events and person-times over time"},
    "fig.coverage": {"zh": "下级单位活动次数", "en": "Events per unit below"},
    "fig.survey_funnel": {"zh": "问卷发放、回收与有效", "en": "Questionnaires issued, returned and valid"},
    "fig.survey_rates": {"zh": "各单位问卷回收率、有效率与有效回收率",
                         "en": "Return rate, validity and effective rate by unit"},
    "fig.target_pace": {"zh": "指标完成率与时间进度", "en": "Completion against elapsed time"},
    "fig.bullet": {"zh": "各项指标完成情况", "en": "Each indicator against its target"},
    "fig.actual_over_time": {"zh": "累计完成与序时进度", "en": "Cumulative actual against pace"},
    "fig.tags": {"zh": "先进与后进对比（单位平均）", "en": "Advanced vs lagging units (per unit)"},
    "fig.events_per_unit": {"zh": "单位平均活动次数", "en": "Events per unit"},
    "fig.persons_per_unit": {"zh": "单位平均人次", "en": "Person-times per unit"},
    # Ratings (群众评议), commitments (公开承诺) and the appraisal (考核评分): sections, cards, tables, figures
    "section.ratings": {"zh": "群众评议", "en": "Public rating"},
    "section.commitments": {"zh": "公开承诺", "en": "Public commitments"},
    "section.appraisal": {"zh": "考核评分", "en": "Appraisal"},
    "sub.ratings_by_question": {"zh": "分问题评议结果", "en": "By question"},
    "sub.ratings_children": {"zh": "下级单位评议对比", "en": "Units below compared"},
    "sub.commitments_children": {"zh": "下级单位承诺兑现对比", "en": "Units below compared"},
    "sub.overdue": {"zh": "逾期未兑现的承诺", "en": "Overdue commitments"},
    "sub.appraisal_items": {"zh": "分项得分", "en": "Points by item"},
    "sub.appraisal_children": {"zh": "下级单位考核排名", "en": "Ranking of the units below"},
    "kpi.rating_count": {"zh": "评价数", "en": "Ratings"},
    "kpi.rating_mean": {"zh": "平均分（满分5分）", "en": "Mean score (of 5)"},
    "kpi.satisfaction": {"zh": "满意率", "en": "Satisfaction"},
    "kpi.commitment_fulfilment": {"zh": "承诺兑现率", "en": "Fulfilment"},
    "kpi.commitments_due": {"zh": "已到期承诺", "en": "Due"},
    "kpi.commitments_kept": {"zh": "按期兑现", "en": "Kept on time"},
    "kpi.commitments_late": {"zh": "逾期兑现", "en": "Kept late"},
    "kpi.commitments_overdue": {"zh": "逾期未兑现", "en": "Overdue"},
    "kpi.commitments_due_today": {"zh": "当日到期未兑现", "en": "Due today"},
    "kpi.commitments_not_due": {"zh": "未到期", "en": "Not yet due"},
    "kpi.appraisal_score": {"zh": "考核得分", "en": "Score"},
    "kpi.grade": {"zh": "等次", "en": "Grade"},
    "kpi.rank": {"zh": "同级排名", "en": "Rank among siblings"},
    "col.question": {"zh": "问题", "en": "Question"},
    "col.rating_count": {"zh": "评价数", "en": "Ratings"},
    "col.rating_mean": {"zh": "平均分", "en": "Mean score"},
    "col.satisfaction": {"zh": "满意率", "en": "Satisfaction"},
    "col.commitment": {"zh": "承诺事项", "en": "Commitment"},
    "col.due": {"zh": "承诺时限", "en": "Due"},
    "col.days_overdue": {"zh": "逾期天数", "en": "Days overdue"},
    "col.commitments_due": {"zh": "已到期", "en": "Due"},
    "col.fulfilment": {"zh": "兑现率", "en": "Fulfilment"},
    "col.item": {"zh": "考核项目", "en": "Item"},
    "col.item_value": {"zh": "实际值", "en": "Value"},
    "col.points_of": {"zh": "得分", "en": " (points)"},  # after an item's name: 基层覆盖率得分
    "col.full_at": {"zh": "满分标准", "en": "Full marks at"},
    "col.weight": {"zh": "权重", "en": "Weight"},
    "col.points": {"zh": "得分", "en": "Points"},
    "col.lost": {"zh": "失分", "en": "Points lost"},
    "col.score": {"zh": "考核得分", "en": "Score"},
    "col.rank_among_siblings": {"zh": "同级排名", "en": "Rank"},
    "col.commitments_due_all": {"zh": "已到期承诺", "en": "Commitments due"},
    "col.grade": {"zh": "等次", "en": "Grade"},
    "score.5": {"zh": "非常满意", "en": "Very satisfied"},
    "score.4": {"zh": "满意", "en": "Satisfied"},
    "score.3": {"zh": "基本满意", "en": "Fairly satisfied"},
    "score.2": {"zh": "不太满意", "en": "Not very satisfied"},
    "score.1": {"zh": "不满意", "en": "Dissatisfied"},
    "grade.excellent": {"zh": "优秀", "en": "Excellent"},
    "grade.good": {"zh": "良好", "en": "Good"},
    "grade.pass": {"zh": "合格", "en": "Pass"},
    "grade.fail": {"zh": "不合格", "en": "Fail"},
    "grade.no_data": {"zh": "暂无数据", "en": "No data"},
    "metric.completion": {"zh": "完成率", "en": "Completion"},
    "metric.coverage": {"zh": "下级单位覆盖率", "en": "Coverage"},
    "metric.grassroots_coverage": {"zh": "基层覆盖率", "en": "Grassroots coverage"},
    "metric.survey_return_rate": {"zh": "问卷回收率", "en": "Survey return rate"},
    "metric.survey_validity": {"zh": "问卷有效率", "en": "Survey validity"},
    "metric.survey_effective_rate": {"zh": "问卷有效回收率", "en": "Survey effective rate"},
    "metric.rating_mean": {"zh": "评议平均分", "en": "Mean rating score"},
    "metric.satisfaction": {"zh": "满意率", "en": "Satisfaction"},
    "metric.commitment_fulfilment": {"zh": "承诺兑现率", "en": "Commitment fulfilment"},
    "metric.events": {"zh": "活动次数", "en": "Events"},
    "metric.persons": {"zh": "接触人次", "en": "Person-times"},
    "item.not_applicable": {"zh": "不适用", "en": "Not applicable"},
    "item.no_data": {"zh": "暂无数据", "en": "No data"},
    "item.total": {"zh": "合计（适用项目）", "en": "Total (items that apply)"},
    "rating.all_questions": {"zh": "全部问题", "en": "All questions"},
    "fig.rating_distribution": {"zh": "评分分布", "en": "Distribution of scores"},
    "fig.ratings_by_child": {"zh": "下级单位满意率", "en": "Satisfaction by unit below"},
    "fig.commitments_by_child": {"zh": "下级单位已到期承诺的兑现情况", "en": "Due commitments by unit below"},
    "fig.appraisal_items": {"zh": "各考核项目得分与失分", "en": "Points earned and lost by item"},
    "fig.appraisal_children": {"zh": "下级单位考核得分", "en": "Scores of the units below"},
    "axis.share_of_ratings": {"zh": "占评价数比例", "en": "Share of ratings"},
    "axis.commitments": {"zh": "已到期承诺数", "en": "Due commitments"},
    "axis.points": {"zh": "分", "en": "Points"},
    "axis.score": {"zh": "考核得分", "en": "Score"},
    "legend.points": {"zh": "得分", "en": "Points earned"},
    "legend.lost": {"zh": "失分", "en": "Points lost"},
    "note.no_overdue": {"zh": "没有逾期未兑现的承诺", "en": "No commitment is overdue"},
    "note.unrated_children": {"zh": "没有评议数据的下级单位", "en": "Units below without ratings"},
    "note.no_due_children": {"zh": "没有已到期承诺的下级单位", "en": "Units below with no commitment due"},
    "note.unscored_children": {"zh": "没有考核得分的下级单位", "en": "Units below without a score"},
    "note.ranked_by_persons": {"zh": "按接触人次排名（人次相同的按活动次数）",
                               "en": "Ranked by person-times (equal person-times by events)"},
    "note.points_rounded": {
        "zh": "各项得分保留两位小数，尾差已调整，使各项之和等于合计",
        "en": "Points are shown to 2 decimals, adjusted by 0.01 where needed so that they add up to the total",
    },
    # Interactive explorer (analytics.explore): controls, panel and messages
    "explore.campaign": {"zh": "活动", "en": "Campaign"},
    "explore.search": {"zh": "查找单位", "en": "Find unit"},
    "explore.search_placeholder": {"zh": "名称或编码", "en": "Name or code"},
    "explore.unit": {"zh": "单位", "en": "Unit"},
    "explore.start": {"zh": "起始日期", "en": "From"},
    "explore.end": {"zh": "截止日期", "en": "To"},
    "explore.as_of": {"zh": "截至", "en": "As of"},
    "explore.compare_with": {"zh": "对比日期", "en": "Compare with"},
    "explore.kinds": {"zh": "活动类型", "en": "Kinds"},
    "explore.groups": {"zh": "对象类别", "en": "Groups"},
    "explore.indicators": {"zh": "指标", "en": "Indicators"},
    "explore.language": {"zh": "语言", "en": "Language"},
    "explore.compare": {"zh": "单位对比", "en": "Compare units"},
    "explore.compare_units": {"zh": "对比单位", "en": "Units"},
    "explore.compare_default": {"zh": "下级单位", "en": "Units below"},
    "explore.compare_placeholder": {"zh": "输入名称或编码添加", "en": "Type a name or code to add"},
    "explore.all": {"zh": "全选", "en": "All"},
    "explore.none": {"zh": "清空", "en": "None"},
    "explore.compare_metric": {"zh": "对比内容", "en": "Compare on"},
    "explore.compare_hint": {"zh": "请选择2至5个单位进行对比", "en": "Choose 2 to 5 units to compare"},
    "explore.compare_limit": {"zh": "最多对比5个单位，仅显示前5个", "en": "At most 5 units are compared; showing the first 5"},
    "explore.metric_survey_rates": {"zh": "问卷回收率、有效率与有效回收率",
                                    "en": "Return rate, validity and effective rate"},
    "explore.metric_completion": {"zh": "指标完成率", "en": "Target completion"},
    "explore.metric_satisfaction": {"zh": "满意率（分问题）", "en": "Satisfaction by question"},
    "explore.metric_appraisal": {"zh": "考核分项得分", "en": "Appraisal points by item"},
    "explore.window": {"zh": "统计期间", "en": "Window"},
    "explore.code": {"zh": "编码", "en": "Code"},
    "explore.findings": {"zh": "数据质量问题", "en": "Data-quality findings"},
    "explore.no_match": {"zh": "没有匹配的单位", "en": "No matching unit"},
    "explore.export": {"zh": "导出本单位报告", "en": "Export this unit"},
    "explore.exporting": {"zh": "正在导出本单位报告……", "en": "Exporting this unit's report…"},
    "explore.exported": {"zh": "已导出", "en": "Exported"},
    "explore.export_failed": {"zh": "导出失败", "en": "Export failed"},
    "explore.no_folder": {
        "zh": "此活动不是从文件夹加载的，无法导出",
        "en": "This campaign was not loaded from a folder; it cannot be exported",
    },
    "explore.load_failed": {"zh": "无法加载活动", "en": "Could not load the campaign"},
    "explore.error": {"zh": "出错", "en": "Error"},
    "explore.scorecard": {"zh": "本单位及下级单位", "en": "This unit and the units below"},
    # At a glance (top of every unit page) and coverage
    "glance.children_behind": {"zh": "落后或未完成的下级单位", "en": "Units below that are behind or missed"},
    "glance.children_idle": {"zh": "无活动的下级单位", "en": "Units below with no activity"},
    "glance.uncovered": {"zh": "没有走访记录的基层单位", "en": "Grassroots units with no visit"},
    "glance.full_list": {"zh": "完整名单见", "en": "The full list is in"},
    "glance.downloads": {"zh": "全部单位的指标：", "en": "Every unit's figures:"},
    "glance.points": {"zh": "个百分点", "en": "points"},
    "light.red": {"zh": "红灯", "en": "Red light"},
    "light.yellow": {"zh": "黄灯", "en": "Yellow light"},
    "light.none": {"zh": "无预警", "en": "No light"},
    "light.new_red": {"zh": "新亮红灯", "en": "New red"},
    "light.back_to_green": {"zh": "预警解除", "en": "Back to green"},
    "col.light": {"zh": "预警", "en": "Light"},
    "col.index_rank_change": {"zh": "排名（较上期）", "en": "Rank (change)"},
    "index.light_up": {"zh": "较上期加重", "en": "worse than the previous period"},
    "index.light_down": {"zh": "较上期减轻", "en": "better than the previous period"},
    "index.previous": {"zh": "上期", "en": "previous period"},
    "index.no_siblings": {"zh": "无同级单位，不排名", "en": "no siblings: no rank"},
    "index.lowest_coverage": {"zh": "同级最低", "en": "lowest among siblings"},
    "col.coverage_light": {"zh": "基层覆盖率 · 预警", "en": "Grassroots coverage · light"},
    "index.only_red": {"zh": "只看红灯", "en": "Only red"},
    "index.newly_red": {"zh": "新亮红灯", "en": "Newly red"},
    "index.only_restated": {"zh": "数据已修订", "en": "Restated"},
    "index.light_key": {"zh": "预警：↑ 较上期加重，↓ 较上期减轻；排名：▲ 上升，▼ 下降，= 持平",
                        "en": "Lights: ↑ worse than the previous period, ↓ better; rank: ▲ up, ▼ down, = same"},
    "col.completion_vs_previous": {"zh": "完成率较上期", "en": "Change (points)"},
    "col.previous_completion": {"zh": "上期完成率", "en": "Previous completion"},
    "section.restatements": {"zh": "数据修订", "en": "Restated figures"},
    "legend.previous": {"zh": "上期完成率", "en": "Previous period"},
    # The index's scorecard: controls and words its script shows
    "index.search": {"zh": "查找单位", "en": "Find a unit"},
    "index.search_placeholder": {"zh": "名称或编码", "en": "Name or code"},
    "index.only_lagging": {"zh": "只看落后或未完成", "en": "Only behind or missed"},
    "index.only_idle": {"zh": "只看无活动", "en": "Only no activity"},
    "index.grade": {"zh": "等次", "en": "Grade"},
    "index.all_grades": {"zh": "全部等次", "en": "All grades"},
    "index.level": {"zh": "级别", "en": "Level"},
    "index.all_levels": {"zh": "全部级别", "en": "All levels"},
    "index.expand": {"zh": "展开至", "en": "Expand to"},
    "index.expand_all": {"zh": "全部展开", "en": "All levels"},
    "index.level_n": {"zh": "第{n}级", "en": "Level {n}"},
    "index.tree_order": {"zh": "恢复层级顺序", "en": "Back to the tree"},
    "index.no_match": {"zh": "没有符合条件的单位", "en": "No unit matches"},
    "index.focus_points": {"zh": "点", "en": " pts"},  # after a gap in the progress cell: 民生实事 −16.4点
    "index.more": {"zh": "显示更多", "en": "Show more"},
    "index.noscript": {"zh": "此表需要浏览器启用JavaScript（无需联网）。", "en": "This table needs JavaScript (no network)."},
    "index.gap": {"zh": "差距", "en": "gap"},
    "index.expand_row": {"zh": "展开或收起下级单位", "en": "Show or hide the units below"},
    "index.no_target": {"zh": "无此指标", "en": "No target"},
    "index.page": {"zh": "页面", "en": "Page"},
    "status.no_activity": {"zh": "无活动", "en": "No activity"},
    # Unit kinds (units.kind) the samples and the source documents use; others show as written
    "unit_kind.county": {"zh": "县", "en": "County"},
    "unit_kind.township": {"zh": "乡镇", "en": "Township"},
    "unit_kind.town": {"zh": "镇", "en": "Town"},
    "unit_kind.industrial_park": {"zh": "产业集聚区", "en": "Industrial park"},
    "unit_kind.village": {"zh": "村", "en": "Village"},
    "unit_kind.community": {"zh": "社区", "en": "Community"},
    "unit_kind.branch": {"zh": "党支部", "en": "Party branch"},
    "unit_kind.enterprise": {"zh": "企业", "en": "Enterprise"},
    "unit_kind.department": {"zh": "部门", "en": "Department"},
    "unit_kind.regulator": {"zh": "监管机构", "en": "Regulator"},
    "unit_kind.bureau": {"zh": "监管局", "en": "Bureau"},
    "unit_kind.sub_bureau": {"zh": "监管分局", "en": "Sub-bureau"},
    # kpis.xlsx
    "sheet.units": {"zh": "单位指标", "en": "Units"},
    "sheet.uncovered": {"zh": "未覆盖基层单位", "en": "Grassroots not visited"},
    "sheet.appraisal": {"zh": "考核分项得分", "en": "Appraisal by item"},
    "sheet.overdue": {"zh": "逾期未兑现承诺", "en": "Overdue commitments"},
    "col.commitment_id": {"zh": "承诺编号", "en": "Commitment no."},
    "col.weights_applied": {"zh": "适用项目权重", "en": "Weights that apply"},
    "sheet.as_of": {"zh": "统计截至", "en": "as of"},
    "sheet.yes": {"zh": "是", "en": "yes"},
    "sheet.no": {"zh": "否", "en": "no"},
    "sheet.points": {"zh": "百分点", "en": "points"},
    "sheet.restated": {"zh": "数据修订", "en": "Restated"},
    "sheet.compared_with": {"zh": "对比", "en": "compared with"},
    "sheet.light.red": {"zh": "红灯", "en": "red"},
    "sheet.light.yellow": {"zh": "黄灯", "en": "yellow"},
    "sheet.light.none": {"zh": "—", "en": "—"},
    "sheet.kind.restated": {"zh": "上期数据修订", "en": "restated"},
    "sheet.kind.revised": {"zh": "本期数据修订", "en": "revised"},
    "col.completion_change": {"zh": "完成率变化（百分点）", "en": "Completion change (points)"},
    "col.pace_gap_change": {"zh": "差距变化（百分点）", "en": "Gap change (points)"},
    "col.events_added": {"zh": "本期新增活动次数", "en": "Events added"},
    "col.persons_added": {"zh": "本期新增人次", "en": "Person-times added"},
    "col.rank_now": {"zh": "排名", "en": "Rank"},
    "col.rank_previous": {"zh": "上期排名", "en": "Previous rank"},
    "col.rank_change": {"zh": "排名变化", "en": "Rank change"},
    "col.figure": {"zh": "数据项", "en": "Figure"},
    "col.revision": {"zh": "修订类型", "en": "Kind"},
    "col.published": {"zh": "公布值", "en": "Published"},
    "col.now": {"zh": "现值", "en": "Now"},
}

# Short names some callers use -> the namespaced key holding the text (no second copy of any text).
ALIASES: dict[str, str] = {
    **{k: f"section.{k}" for k in ("overview", "visits", "surveys", "targets", "children", "quality", "glance")},
    "kpi_cards": "section.kpis",
    "tag_comparison": "section.tags",
    **{k: f"header.{k}" for k in ("campaign", "period", "as_of", "fingerprint", "generated_at", "parent")},
    "all_units": "header.index",
    **{
        k: f"col.{k}"
        for k in (
            "unit",
            "unit_id",
            "events",
            "persons",
            "coverage",
            "issued",
            "returned",
            "valid",
            "effective_rate",
            "targets_behind",
            "grassroots_coverage",
            "indicator",
            "measure",
            "target",
            "actual",
            "completion",
            "elapsed",
            "pace_gap",
            "status",
            "table",
            "row",
            "column",
            "value",
            "detail",
            "flag",
            "rank",
            "units",
        )
    },
    "targets_on_pace": "kpi.targets_on_pace",
    **{k: f"status.{k}" for k in ("completed", "ahead", "on_pace", "below", "behind", "missed",
                                                   "no_data")},
    **{k: f"flag.{k}" for k in ("consistency", "unknown_unit", "out_of_period", "outlier", "actual_not_counted",
                                "no_actual", "decreasing_actual")},
    "count": "flag.count",
    **{k: f"note.{k}" for k in ("no_flags", "more_rows", "laggard_legend")},
    **{k: f"tag.{k}" for k in ("advanced", "lagging")},
    **{k: f"section.{k}" for k in ("ratings", "commitments", "appraisal")},
    **{k: f"kpi.{k}" for k in ("rating_count", "rating_mean", "satisfaction", "commitment_fulfilment",
                               "commitments_due", "commitments_kept", "commitments_late", "commitments_overdue",
                               "commitments_due_today", "commitments_not_due", "appraisal_score", "grade")},
    "rank_among_siblings": "kpi.rank",
    **{k: f"batch.{k}" for k in ("rendered", "up_to_date", "failed", "not_rendered", "stale", "stale_help")},
}

# Plotly's own words (modebar tooltips, notices) in Chinese: registered as plotly.js locale zh-CN on Chinese pages,
# so no English shows on hover. Keys are plotly.js's English strings, as its locale files use them.
PLOTLY_ZH: dict[str, str] = {
    "Autoscale": "自动缩放",
    "Box Select": "矩形框选",
    "Compare data on hover": "悬停时比较数据",
    "Double-click on legend to isolate one trace": "双击图例可只显示该项",
    "Double-click to zoom back out": "双击恢复原来的缩放",
    "Download plot": "下载图片",
    "Download plot as a PNG": "下载图片",
    "Download plot as a png": "下载图片",
    "Lasso Select": "套索选择",
    "Orbital rotation": "轨道旋转",
    "Pan": "平移",
    "Produced with Plotly.js": "由绘图程序生成",
    "Reset": "重置",
    "Reset axes": "重置坐标轴",
    "Reset view": "重置视图",
    "Share chart...": "分享图表……",
    "Show closest data on hover": "悬停时显示最近的数据",
    "Snapshot succeeded": "图片已生成",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，下载图片时出错！",
    "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候",
    "Toggle Spike Lines": "显示或隐藏参考线",
    "Toggle show closest data on hover": "切换悬停时显示最近的数据",
    "Zoom": "缩放",
    "Zoom in": "放大",
    "Zoom out": "缩小",
}

# docs/domain.md's "Measures in English": a measure written in Chinese, as an English reader reads it. A campaign's
# `vocabulary.measures` adds others (CampaignMeta.measure_label); any other is shown as written and listed once.
MEASURES_EN: dict[str, str] = {
    "万元": "10k yuan", "元": "yuan", "亿元": "100m yuan", "个": "items", "件": "items", "项": "items",
    "篇": "articles", "条": "items", "人": "persons", "人次": "person-times", "次": "times", "户": "households",
    "套": "flats", "%": "%",
}

FREQ_KEYS = {"D": "freq.day", "W": "freq.week", "MS": "freq.month"}

# Fixed per status so figures and HTML tables agree; each reads on white and carries white text
# (contrast ratio 4.5:1 or more, tests/text/test_labels.py).
STATUS_COLOURS: dict[str, str] = {
    "completed": "#1b7837",
    "ahead": "#2e7d32",
    "on_pace": "#4c78a8",
    "below": "#6a3d9a",
    "behind": "#bf360c",
    "missed": "#a4161a",
    "no_data": "#757575",
}

# Warning lights (预警) as badges: background and text colours (the word is always written beside the colour, so a
# print without colour keeps it). Red as a missed target; yellow dark-on-amber, 9:1.
LIGHT_COLOURS: dict[str, tuple[str, str]] = {
    "red": ("#a4161a", "#ffffff"),
    "yellow": ("#ffd54f", "#3e2723"),
}


def light_style(light: object) -> str:
    """The inline style of a warning light's badge ('' for none or anything else)."""
    colours = LIGHT_COLOURS.get(light) if isinstance(light, str) else None
    return "" if colours is None else f"background:{colours[0]};color:{colours[1]}"


# One shape per status, so a traffic light still says which on a black-and-white print (and to a reader who
# does not tell the colours apart).
STATUS_SYMBOLS: dict[str, str] = {
    "completed": "\u2714",  # ✔
    "ahead": "\u25B2",  # ▲
    "on_pace": "\u25CF",  # ●
    "below": "\u25BD",  # ▽
    "behind": "\u25BC",  # ▼
    "missed": "\u2716",  # ✖
    "no_data": "\u25CB",  # ○
}


def label(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The text for key (or an ALIASES short name) in language; Chinese for an unknown language, the key
    itself for an unknown key."""
    entry = LABELS.get(key) or LABELS.get(ALIASES.get(key, ""))
    if entry is None:
        return key
    return entry.get(language) or entry.get(DEFAULT_LANGUAGE) or key


def grade_key(grade: object) -> str:
    """An appraisal grade (excellent, good, pass, fail) as a key of the grade labels and colours: unknown, None
    and NaN mean no_data."""
    return grade if isinstance(grade, str) and f"grade.{grade}" in LABELS else "no_data"


def grade_label(grade: object, language: str = DEFAULT_LANGUAGE) -> str:
    """The name of an appraisal grade (优秀 / 良好 / 合格 / 不合格); None or NaN reads as 'no data'."""
    return label(f"grade.{grade_key(grade)}", language)


def status_key(status: object) -> str:
    """A pace status as a STATUS_COLOURS key: unknown, None and NaN all mean no_data."""
    return status if isinstance(status, str) and status in STATUS_COLOURS else "no_data"


def status_label(status: object, language: str = DEFAULT_LANGUAGE) -> str:
    """The name of a pace status; None or NaN reads as 'no data'."""
    return label(f"status.{status_key(status)}", language)


def indicator_status_label(status: object, pacing: object, language: str = DEFAULT_LANGUAGE) -> str:
    """A status as its indicator reads it: a level indicator's completed, below, missed as 达标 / 低于目标 / 未达标
    (met / below target / missed), any other as status_label."""
    key = status_key(status)
    if pacing == "level" and key in ("completed", "below", "missed"):
        return label(f"level_status.{key}", language)
    return status_label(status, language)


def fmt_level_gap(gap: object, measure: object, measure_text: str, language: str = DEFAULT_LANGUAGE,
                  signed: bool = False) -> str:
    """A level indicator's distance to its target in its measure (DOMAIN.md, "Level indicators"): in points for a %
    measure ('10.00个百分点', '10.00 points'), else in the measure's words ('5件', '5 cases'); unsigned unless
    `signed` ('−10.00个百分点' reads as 'below'); '—' when missing."""
    value = as_number(gap)
    if value is None:
        return MISSING
    shown = value if signed else abs(value)
    if measure == "%":
        number, unit = (fmt_points(shown) if signed else f"{shown:.2f}"), label("glance.points", language)
    else:
        number, unit = fmt_number(shown), measure_text
        if signed and shown > 0:
            number = f"+{number}"
    if not unit:
        return number
    return f"{number}{unit}" if language == "zh" else f"{number} {unit}"


def status_colour(status: object) -> str:
    """The colour of a pace status (completed, ahead, on_pace, behind); grey for none or anything else."""
    return STATUS_COLOURS[status_key(status)]


def status_symbol(status: object) -> str:
    """The traffic light's shape for a pace status (STATUS_SYMBOLS); ○ for none or anything else."""
    return STATUS_SYMBOLS[status_key(status)]


def fmt_date(d, language: str = DEFAULT_LANGUAGE, year: bool = True) -> str:
    """A date in words: 2012年6月30日, 30 June 2012; without the year (year=False): 6月30日, 30 June."""
    if language == "zh":
        return f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}" if year else f"{d.day} {_MONTHS[d.month - 1]}"


def measure_label(measure: object, language: str = DEFAULT_LANGUAGE,
                  vocabulary: dict[str, dict[str, str]] | None = None) -> str:
    """A target's measure in the page's language: the campaign's vocabulary, else docs/domain.md's English words
    (万元 -> 10k yuan, 篇 -> articles), else as written; '' when missing."""
    if not isinstance(measure, str):
        return ""
    own = (vocabulary or {}).get(measure, {})
    if own.get(language):
        return own[language]
    if language == "en" and measure in MEASURES_EN:
        return MEASURES_EN[measure]
    return measure


def is_translated_measure(measure: object, language: str = DEFAULT_LANGUAGE,
                          vocabulary: dict[str, dict[str, str]] | None = None) -> bool:
    """Whether a reader of `language` reads the measure: in the vocabulary or docs/domain.md's table for English, and
    for Chinese any measure holding no ASCII letter (万元, 篇, %)."""
    if not isinstance(measure, str) or measure == "" or (vocabulary or {}).get(measure, {}).get(language):
        return True
    if language == "en":
        return measure in MEASURES_EN or measure.isascii()
    return not any("a" <= ch.lower() <= "z" for ch in measure)


# Zones read as Beijing time by a Chinese reader (北京时间): the PRC's one civil time, under its IANA names.
_BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})


def fmt_time(moment: dt.datetime, timezone: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A moment in the campaign's time zone, the zone named: '2026-11-26 05:05（北京时间，UTC+8）' or
    '2026-11-26 05:05 (Asia/Shanghai, UTC+8)'. A naive moment is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(zoneinfo.ZoneInfo(timezone))
    offset = _utc_offset(local.utcoffset() or dt.timedelta(0))
    stamp = local.strftime("%Y-%m-%d %H:%M")
    if language == "zh":
        zone = "北京时间" if timezone in _BEIJING_ZONES else f"时区{timezone}"
        return f"{stamp}（{zone}，{offset}）"
    return f"{stamp} ({timezone}, {offset})"


def _utc_offset(delta: dt.timedelta) -> str:
    """UTC+8, UTC-3:30, UTC+5:45; UTC for no offset."""
    minutes = round(delta.total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def as_number(x: object) -> float | None:
    """x as a float, or None when it is missing (None, NaN, pd.NA) or not a number."""
    if type(x) is float or type(x) is int:  # the usual case, without asking the abstract Number (slow)
        return None if math.isnan(x) or math.isinf(x) else float(x)
    if x is None or isinstance(x, bool) or not isinstance(x, Number):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def fmt_percent(x: object, digits: int = 2) -> str:
    """A share as a percentage with two decimals (DOMAIN.md, "Precision people read"): 0.58411 -> '58.41%';
    '—' when missing."""
    value = as_number(x)
    return MISSING if value is None else f"{value * 100:.{digits}f}%"


def fmt_int(x: object) -> str:
    """A count with thousands separators: 2274 -> '2,274'; '—' when missing."""
    value = as_number(x)
    return MISSING if value is None else f"{value:,.0f}"


def fmt_number(x: object, digits: int = 2) -> str:
    """A figure with separators and at most `digits` decimals, trailing zeros dropped: '208,526', '52.8'."""
    value = as_number(x)
    if value is None:
        return MISSING
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_score(x: object) -> str:
    """A score or points with exactly 2 decimals: 80.9402 -> '80.94', 30 -> '30.00'; '—' when missing."""
    value = as_number(x)
    return MISSING if value is None else f"{value:,.2f}"


def fmt_points(x: object, digits: int = 2) -> str:
    """A pace gap in percentage points with its sign and two decimals: 8.6839 -> '+8.68'; '—' when missing."""
    value = as_number(x)
    return MISSING if value is None else f"{value:+.{digits}f}"


__all__ = [
    "ALIASES",
    "DEFAULT_LANGUAGE",
    "FREQ_KEYS",
    "LABELS",
    "LANGUAGES",
    "LIGHT_COLOURS",
    "MEASURES_EN",
    "MESSAGES",
    "MISSING",
    "PLOTLY_ZH",
    "STATUS_COLOURS",
    "STATUS_SYMBOLS",
    "as_number",
    "fmt_date",
    "fmt_int",
    "fmt_level_gap",
    "fmt_number",
    "fmt_percent",
    "fmt_points",
    "fmt_score",
    "fmt_time",
    "grade_key",
    "grade_label",
    "indicator_status_label",
    "is_translated_measure",
    "label",
    "light_style",
    "measure_label",
    "message",
    "status_colour",
    "status_symbol",
    "status_key",
    "status_label",
    "where_text",
]
