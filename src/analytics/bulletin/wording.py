"""The bulletin's words in Chinese and English: phrases as data (one table per language), and the formatters
that print a KPI table figure the way the pages do (percentages and points with two decimals, ASCII %).

Sentences read as an office writes them: the absolute figure first, then the rate, then the gap to pace.
Formatters never round differently from the pages: percentages are labels.fmt_percent(x, 2).
"""

from __future__ import annotations

from analytics.text.labels import fmt_date, fmt_int, fmt_number, fmt_percent, grade_label, indicator_status_label

# Phrases; {placeholders} are filled by `phrase`. Keys are shared by both languages.
PHRASES: dict[str, dict[str, str]] = {
    "zh": {
        "list_sep": "、", "clause_sep": "；", "stop": "。", "comma": "，", "colon": "：", "as_of_sep": "",
        "title": "关于{campaign}推进情况的通报",
        "title_unit": "关于{unit}{campaign}推进情况的通报",
        "number_placeholder": "〔文号〕",
        "recipients_default": "各有关单位：",
        "issuer_placeholder": "〔发文单位〕",
        "h_overall": "一、总体情况",
        "h_ranking": "二、进度靠前和滞后的单位",
        "h_leading": "（一）进度靠前的单位",
        "h_lagging": "（二）进度滞后的单位",
        "h_changes": "（三）排名变化",
        "h_problems": "三、存在的问题",
        "h_requirements": "四、下步要求",
        "requirements_placeholder": "〔下步要求：此段由办公室填写，替换本段文字。〕",
        "as_of": "截至{date}，{name}",
        "elapsed": "时间进度为{elapsed}",
        "no_targets": "{name}未设目标任务，本期无指标完成情况。",
        "no_earlier": "本期无上一期可比数据。",
        "compared_with": "与上期（{date}）相比：",
        "no_snapshots": "此前未公布过数据，无已公布数据可供比对。",
        "indicator": "{label}完成{actual}{measure}，占目标的{completion}",
        "indicator_no_data": "{label}暂无实际完成数据",
        "ahead": "快于序时进度{points}个百分点",
        "behind": "慢于序时进度{points}个百分点",
        "on_pace": "与序时进度持平",
        # a level indicator: 达标 / 低于目标 / 未达标 and its gap to the target (never a pace)
        "level_above": "{status}，高于目标{gap}",
        "level_below": "{status}，差{gap}",
        "level_at": "{status}",
        "status_done": "已完成目标",
        "status_missed": "期末未完成目标",
        "light_red": "亮红灯",
        "light_yellow": "亮黄灯",
        "light_new_red": "新亮红灯",
        "light_off": "已解除预警",
        "change_up": "完成率较上期（{previous}）提高{points}个百分点",
        "change_down": "完成率较上期（{previous}）降低{points}个百分点",
        "change_same": "完成率与上期（{previous}）持平",
        "change_none": "无可比期数据",
        "thresholds": "预警标准：慢于序时进度{yellow}个百分点及以上亮黄灯，{red}个百分点及以上亮红灯。",
        "activity": "累计开展活动{events}次、{persons}人次",
        "activity_added": "其中本期新增{events}次、{persons}人次",
        "no_activity": "{name}暂无活动记录。",
        "coverage": "下级单位覆盖率{coverage}，基层覆盖率{grassroots}",
        "grassroots_only": "基层覆盖率{grassroots}",
        "appraisal": "考核评分{score}分，等次为{grade}",
        "no_children": "{name}无下级单位，不作排名。",
        "children_untargeted": "下级单位未设目标任务，不作进度排名。",
        "leading_rank": "按{by}排名居前的是：{units}。",
        "by_score": "考核评分",
        "by_progress": "序时进度",
        "leading_status": "各项指标均快于序时进度或已完成的有：{units}。",
        "none_lagging": "各下级单位均无预警，无指标滞后于序时进度。",
        "red": "亮红灯的有：{units}",
        "yellow": "亮黄灯的有：{units}",
        "back_green": "已解除预警的有：{units}",
        "lagging_status": "有指标滞后于序时进度的有：{units}。",
        "named_new_red": "{name}（新亮红灯）",
        "named_with": "{name}（{what}）",
        "score_points": "{score}分",
        "rank_up": "排名较上期上升的有：{units}",
        "rank_down": "排名较上期下降的有：{units}",
        "rank_move": "{name}（{before}→{now}）",
        "and_more": "等{count}个单位",
        "overdue": "逾期未兑现承诺{count}项",
        "overdue_units": "，涉及{units}",
        "overdue_count": "{name}（{count}项）",
        "uncovered": "尚有{count}个基层单位未开展活动：{units}。",
        "restated": "数据修订：{items}（以修订后数据为准）。",
        "revised": "本期数据在首次公布后有变动：{items}。",
        "restated_item": "{name}{figure}上期公布{published}，现为{now}",
        "restated_only": "{name}{figure}上期公布{published}，现已修订",
        "revised_item": "{name}{figure}首次公布{published}，现为{now}",
        "quality": "部分数据存在质量问题，详见各单位报告的“数据质量”部分。",
        "no_problems": "本期未发现逾期承诺、未覆盖单位和数据修订等问题。",
        "annex1": "附件1",
        "annex1_title": "{name}下级单位进度排名表",
        "annex2": "附件2",
        "annex2_title": "数据修订情况",
        "annex_more": "另有{count}个单位未列出，详见kpis.xlsx。",
        "annex_more_indicators": "其余{count}项指标详见kpis.xlsx。",
        "col_rank": "排名", "col_unit": "单位", "col_light": "预警", "col_score": "考核评分", "col_grade": "等次",
        "col_score_change": "评分变化", "col_rank_change": "排名变化（上期→本期）",
        "col_figure": "数据项", "col_published": "已公布", "col_now": "现为", "col_kind": "类别",
        "kind_restated": "上期数据修订", "kind_revised": "本期数据变动",
        "light_word_red": "红灯", "light_word_yellow": "黄灯", "light_word_none": "无",
        "completion_of": "{label}完成率",
        "completion_of_change": "{label}完成率（较上期变化，百分点）",
        "unchanged": "持平",
    },
    "en": {
        "list_sep": ", ", "clause_sep": "; ", "stop": ".", "comma": ", ", "colon": ": ", "as_of_sep": ": ",
        "title": "Progress of {campaign}",
        "title_unit": "Progress of {unit}: {campaign}",
        "number_placeholder": "[Reference number]",
        "recipients_default": "To all units concerned:",
        "issuer_placeholder": "[Issuing office]",
        "h_overall": "1. Overall progress",
        "h_ranking": "2. Units ahead and units behind",
        "h_leading": "(1) Units ahead",
        "h_lagging": "(2) Units behind",
        "h_changes": "(3) Changes of rank",
        "h_problems": "3. Problems",
        "h_requirements": "4. Requirements for the next period",
        "requirements_placeholder": "[Requirements: the office replaces this paragraph with its own.]",
        "as_of": "As of {date}, {name}",
        "elapsed": "{elapsed} of the period has elapsed",
        "no_targets": "{name} has no targets: there is no indicator progress to report.",
        "no_earlier": "There is no earlier period to compare with.",
        "compared_with": "Compared with the previous period ({date}): ",
        "no_snapshots": "No figures were published before: there are no published figures to compare.",
        "indicator": "{label} reached {actual}{measure}, {completion} of the target",
        "indicator_no_data": "{label} has no actual reported yet",
        "ahead": "{points} points ahead of pace",
        "behind": "{points} points behind pace",
        "on_pace": "on pace",
        # a level indicator: met / below target / missed and its gap to the target (never a pace)
        "level_above": "{status}, {gap} above the target",
        "level_below": "{status}, {gap} short of the target",
        "level_at": "{status}",
        "status_done": "target completed",
        "status_missed": "target missed at the end of its period",
        "light_red": "red light",
        "light_yellow": "yellow light",
        "light_new_red": "new red light",
        "light_off": "back to green",
        "change_up": "completion up {points} points on the previous period ({previous})",
        "change_down": "completion down {points} points on the previous period ({previous})",
        "change_same": "completion unchanged on the previous period ({previous})",
        "change_none": "no comparable period",
        "thresholds": "Warning lights: yellow at {yellow} points or more behind pace, red at {red} points or more.",
        "activity": "{events} activities and {persons} person-times in all",
        "activity_added": "{events} activities and {persons} person-times added in this period",
        "no_activity": "{name} has no activity on record.",
        "coverage": "coverage of direct units {coverage}, grassroots coverage {grassroots}",
        "grassroots_only": "grassroots coverage {grassroots}",
        "appraisal": "appraisal score {score}, grade {grade}",
        "no_children": "{name} has no units below it: there is no ranking.",
        "children_untargeted": "The units below have no targets: there is no progress ranking.",
        "leading_rank": "Leading by {by}: {units}.",
        "by_score": "appraisal score",
        "by_progress": "progress against pace",
        "leading_status": "Ahead of pace or completed on every indicator: {units}.",
        "none_lagging": "No unit below has a warning light or an indicator behind pace.",
        "red": "Red light: {units}",
        "yellow": "yellow light: {units}",
        "back_green": "back to green: {units}",
        "lagging_status": "Behind pace on some indicator: {units}.",
        "named_new_red": "{name} (new red)",
        "named_with": "{name} ({what})",
        "score_points": "{score}",
        "rank_up": "Moved up: {units}",
        "rank_down": "moved down: {units}",
        "rank_move": "{name} ({before} → {now})",
        "and_more": " and {rest} more",
        "overdue": "{count} commitments are overdue",
        "overdue_units": ", at {units}",
        "overdue_count": "{name} ({count})",
        "uncovered": "{count} grassroots units have had no activity: {units}.",
        "restated": "Restated figures: {items} (the restated figures are used).",
        "revised": "Figures of this period changed after they were first published: {items}.",
        "restated_item": "{name} {figure} published as {published}, now {now}",
        "restated_only": "{name} {figure} published as {published}, since restated",
        "revised_item": "{name} {figure} first published as {published}, now {now}",
        "quality": "Some data have quality problems: see the data quality part of each unit's report.",
        "no_problems": "No overdue commitment, uncovered unit or restated figure in this period.",
        "annex1": "Annex 1",
        "annex1_title": "Units under {name} ranked",
        "annex2": "Annex 2",
        "annex2_title": "Restated figures",
        "annex_more": "And {count} more units: see kpis.xlsx.",
        "annex_more_indicators": "{count} more indicators: see kpis.xlsx.",
        "col_rank": "Rank", "col_unit": "Unit", "col_light": "Light", "col_score": "Score", "col_grade": "Grade",
        "col_score_change": "Score change", "col_rank_change": "Rank (previous → now)",
        "col_figure": "Figure", "col_published": "Published", "col_now": "Now", "col_kind": "Kind",
        "kind_restated": "previous period restated", "kind_revised": "this period revised",
        "light_word_red": "red", "light_word_yellow": "yellow", "light_word_none": "none",
        "completion_of": "{label} completion",
        "completion_of_change": "{label} completion (change in points)",
        "unchanged": "unchanged",
    },
}

LISTED = 50  # names listed in a sentence, the rest counted (DOMAIN.md: uncovered units up to 50)

# Metrics printed as shares (fractions shown as percentages); points; counts; everything else a number.
SHARES = frozenset({"completion", "completion_previous", "elapsed", "coverage", "grassroots_coverage",
                    "survey_return_rate", "survey_validity", "survey_effective_rate", "satisfaction",
                    "commitment_fulfilment"})
POINTS = frozenset({"pace_gap", "pace_gap_previous", "pace_gap_change", "completion_change", "appraisal_score",
                    "appraisal_score_change", "appraisal_item", "light_threshold"})
COUNTS = frozenset({"events", "persons", "events_added", "persons_added", "survey_issued", "survey_returned",
                    "survey_valid", "rating_count", "commitments_due", "commitments_kept", "commitments_late",
                    "commitments_overdue", "commitments_due_today", "rank", "rank_previous", "progress_rank",
                    "progress_rank_previous"})


def phrase(language: str, key: str, **values: object) -> str:
    return PHRASES[language][key].format(**values)


def percent(x: object) -> str:
    """A share as the pages print it: 0.584106 -> '58.41%'."""
    return fmt_percent(x, 2)


def points(x: float) -> str:
    """Percentage points without sign, two decimals: -8.6838 -> '8.68' (the sentence says ahead or behind)."""
    return f"{abs(x):.2f}"


def score(x: object) -> str:
    return f"{float(x):.2f}"  # type: ignore[arg-type]


def count(x: object) -> str:
    return fmt_int(x)


def amount(x: object) -> str:
    return fmt_number(x, 2)


def figure_text(metric: str, value: object, language: str, level: bool = False) -> str:
    """Any KPI figure at display precision (restated and revised figures are shown so); a status of a level
    indicator (`level`) in its own words: 达标 / 低于目标 / 未达标."""
    if isinstance(value, str) and metric in ("status", "status_previous"):
        return indicator_status_label(value, "level" if level else None, language)
    if isinstance(value, str) and metric == "grade":
        return grade_label(value, language)
    if metric in SHARES:
        return percent(value)
    if metric in POINTS:
        try:
            return f"{float(value):.2f}"  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)
    if metric in COUNTS:
        return count(value)
    return amount(value) if not isinstance(value, str) else value


def names(items: list[str], language: str, total: int | None = None) -> str:
    """Up to LISTED names joined as the language lists them, then 'and N more'."""
    total = len(items) if total is None else total
    shown = PHRASES[language]["list_sep"].join(items[:LISTED])
    if total > LISTED:
        shown += phrase(language, "and_more", count=fmt_int(total), rest=fmt_int(total - LISTED))
    return shown


def date_text(d, language: str) -> str:
    return fmt_date(d, language)


__all__ = ["COUNTS", "LISTED", "PHRASES", "POINTS", "SHARES", "amount", "count", "date_text", "figure_text", "names",
           "percent", "phrase", "points", "score"]
