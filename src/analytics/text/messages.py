"""The message catalogue of `analytics.text.labels`: every validation problem, accepted-habit note and data-quality
finding in Chinese and English, by code, with named parameters (`str.format` fields), and the report's
sentences that carry figures (`report.*`).

Kept in its own file because it is long; use it through `analytics.text.labels` (`message`, `MESSAGES`).
A Chinese text is written for the office that filled the spreadsheet (issue 14 puts it in cell comments),
so it says the rule in plain words, not a translation of the English sentence structure.
"""

from __future__ import annotations

from typing import Any

from analytics.text.language import MESSAGE_LANGUAGE

DEFAULT_MESSAGE_LANGUAGE = MESSAGE_LANGUAGE  # the command line speaks English unless told; see analytics.text.language

MESSAGES: dict[str, dict[str, str]] = {
    # How a problem is located and introduced
    "where.row": {"en": "row {row}", "zh": "第{row}行"},
    "where.rows": {"en": "rows {first}–{last}", "zh": "第{first}至{last}行"},
    "where.column": {"en": "column {column}", "zh": "{column}列"},
    "where.value": {"en": "value {value}", "zh": "值{value}"},
    "error.heading": {"en": "{count} problem{s} in campaign data at {source}:", "zh": "活动数据（{source}）有{count}个问题："},
    "error.heading_no_source": {"en": "{count} problem{s} in campaign data:", "zh": "活动数据有{count}个问题："},
    # Folders and files
    "file.not_folder": {"en": "is not a folder", "zh": "不是文件夹"},
    "file.second_for_table": {"en": "a second file for table {table}", "zh": "表{table}有第二个文件"},
    "file.two_workbooks": {"en": "more than one .xlsx workbook; keep one", "zh": "有多个.xlsx工作簿，只能保留一个"},
    "file.table_also_sheet": {"en": "table {table} is also a sheet of {book}",
                              "zh": "表{table}同时也是工作簿{book}中的工作表，只能保留一处"},
    "file.table_missing": {"en": "is missing; every campaign needs a {table} table",
                           "zh": "缺少此文件：每个活动都必须有{table}表"},
    "file.table_missing_hint": {"en": "is missing; every campaign needs a {table} table ({hint})",
                                "zh": "缺少此文件：每个活动都必须有{table}表（{hint}）"},
    "file.sheet_missing": {"en": "has no {table} sheet and there is no {table}.csv; every campaign needs a {table} table",
                           "zh": "工作簿中没有{table}工作表，也没有{table}.csv：每个活动都必须有{table}表"},
    "file.too_large": {"en": "is {mb} MB; the limit is {limit} MB", "zh": "文件大小为{mb} MB，超过{limit} MB的上限"},
    "file.empty": {"en": "is empty: it needs a header row and data rows", "zh": "文件是空的：需要一行表头和若干数据行"},
    "file.ignored_old_excel": {
        "en": "is an old-format Excel workbook (.xls) and is not read; save it as .xlsx or as CSV UTF-8, or delete it",
        "zh": "是旧版Excel工作簿（.xls），程序不读取：请另存为.xlsx或CSV UTF-8，或删除该文件"},
    "file.ignored_other_format": {
        "en": "is a {kind} file and is not read; save it as .xlsx or as CSV UTF-8, or delete it",
        "zh": "是{kind}文件，程序不读取：请另存为.xlsx或CSV UTF-8，或删除该文件"},
    "file.ignored_copy": {
        "en": "is not read: its name is not {expected}; if it holds the {table} table, replace {expected} with it, "
              "else delete it",
        "zh": "未读取：文件名不是{expected}。如果它才是{table}表，请用它替换{expected}，否则请删除"},
    "file.copy_only_source": {
        "en": "looks like the {table} table but is not read under this name; rename it {expected}",
        "zh": "看起来是{table}表，但程序只读取名为{expected}的文件：请改名为{expected}"},
    "file.old_excel_only_source": {
        "en": "is an old-format Excel workbook (.xls), the only file for table {table}, and cannot be read; "
              "save it as {table}.csv (CSV UTF-8) or as a sheet of one .xlsx workbook",
        "zh": "是旧版Excel工作簿（.xls），是{table}表唯一的文件，程序无法读取：请另存为{table}.csv（CSV UTF-8）"
              "或放入一个.xlsx工作簿的工作表中"},
    "file.other_format_only_source": {
        "en": "is a {kind} file, the only file for table {table}, and cannot be read; save it as {table}.csv "
              "(CSV UTF-8) or as a sheet of one .xlsx workbook",
        "zh": "是{kind}文件，是{table}表唯一的文件，程序无法读取：请另存为{table}.csv（CSV UTF-8）"
              "或放入一个.xlsx工作簿的工作表中"},
    "file.excel_lock": {
        "en": "is Excel's lock file: {book} is open in Excel, and changes not yet saved are not read; save and close it",
        "zh": "是Excel的锁定文件：{book}正在Excel中打开，未保存的修改不会被读取，请保存并关闭它"},
    # CSV text
    "csv.not_text": {"en": "is not text in UTF-8 or GB18030; save it as CSV UTF-8",
                     "zh": "不是UTF-8或GB18030编码的文本：请另存为“CSV UTF-8”格式"},
    "csv.not_text_nul": {"en": "is not text in UTF-8 or GB18030 (it holds NUL bytes, as UTF-16 does); save it as CSV UTF-8",
                         "zh": "不是UTF-8或GB18030编码的文本（含有UTF-16那样的空字节）：请另存为“CSV UTF-8”格式"},
    "csv.malformed": {"en": "is not well-formed CSV from this row on ({detail}); check for a quote (\") that is not closed",
                      "zh": "从这一行起不是规范的CSV（{detail}）：请检查是否有未闭合的引号（\"）"},
    "csv.separator": {"en": "is separated by {separator}, not commas; save it as CSV (comma-separated)",
                      "zh": "用{separator_zh}而不是逗号分隔：请另存为CSV（逗号分隔）"},
    "csv.ragged": {"en": "has {cells} cells but the header has {width}", "zh": "这一行有{cells}个单元格，但表头只有{width}列"},
    "csv.ragged_quote": {"en": "has {cells} cells but the header has {width}; a quote (\") in it is not closed",
                         "zh": "这一行有{cells}个单元格，但表头有{width}列：其中有未闭合的引号（\"）"},
    # Workbooks
    "xlsx.unreadable": {"en": "cannot be read as an .xlsx workbook ({detail})", "zh": "无法作为.xlsx工作簿读取（{detail}）"},
    "xlsx.encrypted": {
        "en": "is protected by a password (encrypted) and cannot be read; open it in Excel, remove the password "
              "(File > Info > Protect Workbook > Encrypt with Password, clear it) and save it",
        "zh": "设置了打开密码（已加密），程序无法读取：请在Excel中打开，取消密码（文件 > 信息 > 保护工作簿 > 用密码进行加密，"
              "清空密码）后保存"},
    "xlsx.old_format": {"en": "is an old-format .xls workbook under an .xlsx name; open it in Excel and save it as .xlsx",
                        "zh": "实际是旧版.xls工作簿，只是扩展名为.xlsx：请在Excel中打开并另存为.xlsx"},
    "xlsx.too_many_cells": {
        "en": "sheet {sheet} declares {cells} cells ({ref}); the limit is {limit} cells per workbook: delete the empty "
              "rows and columns below and right of the data, or split the workbook",
        "zh": "工作表{sheet}声明的范围为{ref}，共{cells}个单元格，超过每个工作簿{limit}个单元格的上限："
              "请删除数据下方和右侧的空行空列，"
              "或拆分工作簿"},
    "xlsx.too_large_unpacked": {
        "en": "sheet {sheet} unpacks to {mb} MB; the limit is {limit} MB per workbook: delete the empty rows and "
              "columns below and right of the data, or split the workbook",
        "zh": "工作表{sheet}解压后为{mb} MB，超过每个工作簿{limit} MB的上限：请删除数据下方和右侧的空行空列，或拆分工作簿"},
    "xlsx.unknown_sheet": {"en": "sheet is not a table name; use one of: {tables}",
                           "zh": "工作表名称不是表名：请使用以下之一：{tables}"},
    "xlsx.hidden_sheet_ignored": {
        "en": "hidden sheet {sheet} is not a table and is not read; unhide and rename it if it holds data, else delete it",
        "zh": "隐藏的工作表{sheet}不是数据表，程序不读取：如果其中有数据，请取消隐藏并改为表名，否则请删除"},
    "xlsx.template_sheets": {
        "en": "a template written by campaign-analytics (campaign {campaign}, office {office}): its own sheets "
              "({sheets}) and its hidden marker sheet are not read as tables",
        "zh": "这是campaign-analytics生成的填报模板（活动{campaign}，单位{office}）：模板自带的工作表（{sheets}）"
              "和隐藏的标记工作表不作为数据表读取"},
    "xlsx.template_sheet_empty": {"en": "a sheet of the template left empty: no {table} rows",
                                  "zh": "模板中未填写的工作表：没有{table}数据"},
    "xlsx.dimension_understated": {
        "en": "the sheet declares its size as {ref} but holds rows up to row {last}: every row is read",
        "zh": "工作表声明的范围为{ref}，但数据一直到第{last}行：已读取全部行"},
    "xlsx.hidden_rows_read": {
        "en": "{count} hidden row{s} read as data (rows {rows}); unhide them to see what is counted, or delete them",
        "zh": "{count}个隐藏行作为数据读取（第{rows}行）：请取消隐藏以核对计入的数据，或将其删除"},
    "xlsx.hidden_sheet_read": {"en": "hidden sheet {sheet} is read as the {table} table",
                               "zh": "隐藏的工作表{sheet}作为{table}表读取"},
    "xlsx.merged_filled": {
        "en": "merged cells {range} read as {text!r} in each of rows {first}–{last}, as the workbook shows them",
        "zh": "合并单元格{range}按工作簿中显示的样子读取：第{first}至{last}行均为“{text}”"},
    "xlsx.merged_value_column": {
        "en": "merged cells {range} span rows {first}–{last} in a column of figures: each row needs its own figure; "
              "unmerge the cells and fill in every row",
        "zh": "合并单元格{range}跨越第{first}至{last}行，但这是数值列，每一行都需要自己的数值：请取消合并并逐行填写"},
    "xlsx.merged_unique_column": {
        "en": "merged cells {range} span rows {first}–{last} in a column whose values must differ from row to row; "
              "unmerge the cells and fill in every row",
        "zh": "合并单元格{range}跨越第{first}至{last}行，但此列每行的值必须各不相同：请取消合并并逐行填写"},
    "xlsx.merged_across_columns": {
        "en": "merged cells {range} span several columns ({columns}); a value belongs to one column: unmerge them",
        "zh": "合并单元格{range}跨越多列（{columns}），一个值只能属于一列：请取消合并"},
    "xlsx.merged_header": {
        "en": "merged cells {range} in the header row; each column needs its own header: unmerge them",
        "zh": "表头行中有合并单元格{range}，每列都需要自己的表头：请取消合并"},
    "xlsx.percent_read": {
        "en": "a percent cell (shown {shown}) read as {number} under measure %",
        "zh": "百分比格式的单元格（显示为{shown}）在计量单位为%时读作{number}"},
    "xlsx.percent_read_many": {
        "en": "percent cells read under measure %: {shown} as {number}, and {more} more in this column",
        "zh": "百分比格式的单元格在计量单位为%时按百分数读取：{shown}读作{number}，此列另有{more}个"},
    "xlsx.percent_other_measure": {
        "en": "a percent cell (shown {shown}) under measure {measure}: a percentage is read only for measure %; "
              "format the cell as a number and write the figure in {measure}",
        "zh": "单元格是百分比格式（显示为{shown}），但计量单位是{measure}：只有计量单位为%的指标才能按百分比读取，"
              "请把单元格设为数值格式并按{measure}填写"},
    "xlsx.percent_no_measure": {
        "en": "a percent cell (shown {shown}) without a measure: write % in the measure column of this indicator's "
              "targets, or format the cell as a number",
        "zh": "单元格是百分比格式（显示为{shown}），但该指标没有计量单位：请在目标表的计量单位列填写%，或把单元格设为数值格式"},
    "xlsx.percent_count": {
        "en": "a percent cell (shown {shown}) in a column of counts; format the cell as a number and write the count",
        "zh": "单元格是百分比格式（显示为{shown}），但此列是人数或份数：请把单元格设为数值格式并填写数量"},
    "xlsx.date_is_number": {
        "en": "is a number, not a date; format the cell as a date or write it as YYYY-MM-DD",
        "zh": "是数字而不是日期：请把单元格设为日期格式，或写成YYYY-MM-DD"},
    # Headers and rows
    "table.no_header": {"en": "has no header row", "zh": "没有表头行"},
    "table.no_rows": {"en": "has a header but no data rows", "zh": "只有表头，没有数据行"},
    "table.repeated_column": {"en": "repeats column {name} (also given as {other})",
                              "zh": "重复了{name}列（另一处写作{other}）"},
    "table.missing_column": {"en": "missing column {name} (or {alias})", "zh": "缺少{name}列（或{alias}）"},
    "table.missing_column_hint": {"en": "missing column {name} (or {alias}); unrecognised headers: {unknown}",
                                  "zh": "缺少{name}列（或{alias}）；无法识别的表头：{unknown}"},
    "table.unknown_column": {"en": "is not a column of this table; fix its spelling or remove it",
                             "zh": "不是这张表的列：请改正拼写或删除"},
    "table.unknown_column_hint": {"en": "is not a column of this table; did you mean {suggestion}?",
                                  "zh": "不是这张表的列：是否应为{suggestion}？"},
    "table.empty_header": {"en": "(empty header in position {position})", "zh": "（第{position}列表头为空）"},
    "table.title_rows": {"en": "{count} title line{s} above the header (row {header}) not read as data: {title!r}",
                         "zh": "表头（第{header}行）上方的{count}行标题不作为数据读取：“{title}”"},
    "table.blank_rows": {"en": "{count} blank row{s} between the data rows skipped",
                         "zh": "跳过了数据行之间的{count}个空行"},
    "table.totals_dropped": {
        "en": "a totals row ({word}) equal to the sums of the rows above is not read as data",
        "zh": "合计行（{word}）与上方各行之和相等，不作为数据读取"},
    "table.totals_differ": {
        "en": "a totals row ({word}) whose figures differ from the sums of the rows above ({detail}); correct it or delete it",
        "zh": "合计行（{word}）的数字与上方各行之和不符（{detail}）：请改正或删除这一行"},
    # Cells
    "cell.required": {"en": "is empty; a value is required", "zh": "不能为空，必须填写"},
    "cell.required_column": {"en": "is empty in every row ({rows} rows); a value is required",
                             "zh": "所有行（共{rows}行）都是空的，必须填写"},
    "cell.too_large_count": {"en": "is too large to be a count", "zh": "数值太大，不可能是一个数量"},
    "cell.too_large_number": {"en": "is too large to be a number", "zh": "数值太大，无法读取"},
    "cell.whole_number": {"en": "must be a whole number", "zh": "必须是整数"},
    "cell.whole_number_digits": {"en": "must be a whole number written in digits", "zh": "必须是用阿拉伯数字填写的整数"},
    "cell.number_digits": {"en": "must be a number written in digits", "zh": "必须是用阿拉伯数字填写的数"},
    "cell.chinese_numerals": {"en": "must be written in digits (Chinese numerals are not read)",
                              "zh": "必须用阿拉伯数字填写（不识别中文数字）"},
    "cell.percent_sign": {
        "en": "is written with a percent sign; write the figure without it ({number} under measure %)",
        "zh": "带有百分号：请去掉百分号填写数字（计量单位为%时填{number}）"},
    "cell.decimal_comma": {
        "en": "is ambiguous: a comma here may be a decimal comma or a thousands separator; write {dot} or {plain}",
        "zh": "有歧义：这里的逗号可能是小数点，也可能是千位分隔符，请写成{dot}或{plain}"},
    "cell.digit_groups": {
        "en": "is ambiguous: digits grouped as {written} are not thousands; write the number without separators",
        "zh": "有歧义：数字分组{written}不是千位分隔，请去掉分隔符填写"},
    "cell.thousands_read": {"en": "thousands separators read in {rows} cell{rs} of this column, e.g. {written} as {number}",
                            "zh": "此列有{rows}个单元格按千位分隔符读取，例如{written}读作{number}"},
    "cell.date_invalid": {"en": "is not a valid date; write it as YYYY-MM-DD", "zh": "不是有效的日期：请写成YYYY-MM-DD"},
    "cell.date_out_of_range": {"en": "is outside the dates this program handles (1678 to 2261)",
                               "zh": "超出程序能处理的日期范围（1678年至2261年）"},
    "cell.date_compact": {
        "en": "is a string of digits, not a date: it is not guessed; write it as YYYY-MM-DD",
        "zh": "是一串数字而不是日期，程序不作猜测：请写成YYYY-MM-DD"},
    "cell.date_day_month": {
        "en": "could be day/month or month/day and is not guessed; write it as YYYY-MM-DD",
        "zh": "无法确定是“日/月”还是“月/日”，程序不作猜测：请写成YYYY-MM-DD"},
    "cell.date_two_digit_year": {"en": "has a two-digit year and is not guessed; write it as YYYY-MM-DD",
                                 "zh": "年份只有两位，程序不作猜测：请写成YYYY-MM-DD"},
    # Value rules
    "rule.ge0": {"en": "must be 0 or more", "zh": "不能小于0"},
    "rule.gt0": {"en": "must be greater than 0", "zh": "必须大于0"},
    "rule.score": {"en": "must be a score from 1 to 5", "zh": "评分必须是1到5之间的整数"},
    "rule.unique": {"en": "repeats a value that must be unique", "zh": "与前面的行重复，此列的值必须唯一"},
    "rule.unknown_unit": {"en": "is not a unit_id in units", "zh": "不是单位表中的单位编码"},
    "rule.unknown_unit_hint": {"en": "is not a unit_id in units; did you mean {suggestion}?",
                               "zh": "不是单位表中的单位编码：是否应为{suggestion}？"},
    "rule.unit_name_not_id": {"en": "is not a unit_id in units: it is the name of unit {suggestion}; write its unit_id",
                              "zh": "不是单位编码，而是单位{suggestion}的名称：请填写单位编码"},
    "rule.unknown_code": {"en": "is not a known {what} ({known})", "zh": "不是已知的{what_zh}（{known}）"},
    "rule.unknown_code_hint": {"en": "is not a known {what} ({known}); did you mean {suggestion}?",
                               "zh": "不是已知的{what_zh}（{known}）：是否应为{suggestion}？"},
    "rule.no_surveys_table": {
        "en": "refers to surveys, but there is no surveys table; add surveys.csv (or a surveys sheet) with one row "
              "per survey_id",
        "zh": "引用了问卷批次，但没有问卷表：请添加surveys.csv（或surveys工作表），每个问卷批次一行"},
    "rule.unknown_survey": {"en": "is not a survey_id in surveys", "zh": "不是问卷表中的问卷批次"},
    "rule.returned_gt_issued": {"en": "returned must not exceed issued", "zh": "回收数不能大于发放数"},
    "rule.valid_gt_returned": {"en": "valid must not exceed returned", "zh": "有效数不能大于回收数"},
    "rule.period_reversed": {"en": "period_start must not be after period_end", "zh": "起始日期不能晚于截止日期"},
    "rule.repeated_key": {"en": "repeats an earlier row's key", "zh": "与前面某一行的{key_zh}完全相同"},
    "rule.repeated_answer": {
        "en": "respondent {respondent} answers question {question} of survey {survey} again: rows {first} and {again} "
              "(one answer per respondent, question and survey; delete the repeated row)",
        "zh": "答卷人{respondent}对问卷批次{survey}的问题{question}重复作答：第{first}行和第{again}行"
              "（每位答卷人对每批问卷的每个问题只能有一个答案，请删除重复的行）"},
    "rule.unit_id_invisible": {
        "en": "looks the same as the unit_id {shown} in row {other} but differs by invisible characters ({chars}): "
              "two units would look like one; delete the invisible characters",
        "zh": "与第{other}行的单位编码{shown}看起来相同，但含有不可见字符（{chars}）：两个单位会显示得一模一样，"
              "请删除不可见字符"},
    "rule.own_parent": {"en": "a unit cannot be its own parent", "zh": "单位不能是自己的上级单位"},
    "rule.no_root": {"en": "no root unit: one unit needs an empty parent_id",
                     "zh": "没有最上级单位：必须有一个单位的上级单位编码为空"},
    "rule.cycle": {"en": "parents form a cycle", "zh": "上级单位关系形成了循环"},
    "rule.mixed_aggregation": {"en": "indicator mixes sum and none", "zh": "同一指标的汇总方式既有汇总又有不汇总"},
    "rule.mixed_pacing": {"en": "indicator mixes linear and level pacing", "zh": "同一指标的考核方式既有序时进度又有达标值"},
    "rule.level_not_summed": {
        "en": "indicator {indicator} is a level indicator (pacing level): it is never summed from the units below, "
              "its aggregation is read as none",
        "zh": "指标{indicator}为达标值指标（pacing为level），不由下级单位汇总，汇总方式按不汇总（none）读取"},
    "rule.mixed_measures": {
        "en": "targets of indicator {indicator} summed into {parent} use different measures: {measure} here, "
              "{other_measure} in row {other_row}; use one measure for the indicator",
        "zh": "指标{indicator}汇总到{parent}的目标使用了不同的计量单位：本行为{measure}，第{other_row}行为{other_measure}，"
              "同一指标请使用同一计量单位"},
    "rule.indicator_case": {
        "en": "indicator {indicator} has no target; the targets write it {suggestion}: write it exactly so",
        "zh": "指标{indicator}没有对应的目标，目标表中写作{suggestion}：请写成完全一致的{suggestion}"},
    "rule.indicator_unknown": {"en": "indicator {indicator} has no target; targets have: {known}",
                               "zh": "指标{indicator}没有对应的目标；目标表中的指标有：{known}"},
    "rule.indicator_unknown_hint": {"en": "indicator {indicator} has no target; did you mean {suggestion}?",
                                    "zh": "指标{indicator}没有对应的目标：是否应为{suggestion}？"},
    "rule.actuals_without_targets": {"en": "has rows but there are no targets: every actual needs a target",
                                     "zh": "有实际值，但没有目标表：每个实际值都需要对应的目标"},
    # campaign.yaml
    "meta.missing": {"en": "is missing; a campaign folder needs campaign.yaml",
                     "zh": "缺少此文件：每个活动文件夹都需要campaign.yaml"},
    "meta.not_utf8": {"en": "is not UTF-8 text", "zh": "不是UTF-8编码的文本：请以UTF-8编码保存"},
    "meta.too_large": {"en": "is {kb} KB; campaign.yaml is limited to 1 MB",
                       "zh": "文件大小为{kb} KB，campaign.yaml不能超过1 MB"},
    "meta.alias": {"en": "uses a YAML {what} ({token}); anchors and aliases are not accepted: write the value out",
                   "zh": "使用了YAML的{what_zh}（{token}），不接受锚点和别名：请直接写出取值"},
    "meta.invalid_yaml": {"en": "is not valid YAML ({detail})", "zh": "不是有效的YAML（{detail}）"},
    "meta.impossible_date": {"en": "holds an impossible date ({detail}); write dates as YYYY-MM-DD",
                             "zh": "含有不存在的日期（{detail}）：日期请写成YYYY-MM-DD"},
    "meta.not_mapping": {"en": "must be a mapping of keys such as id, name, start, end",
                         "zh": "必须是由id、name、start、end等键组成的映射"},
    "meta.unknown_key": {"en": "is not a key of campaign.yaml here; did you mean {suggestion}?",
                         "zh": "不是campaign.yaml此处的键：是否应为{suggestion}？"},
    "meta.unknown_key_list": {"en": "is not a key of campaign.yaml here; the keys are: {known}",
                              "zh": "不是campaign.yaml此处的键；可用的键有：{known}"},
    "meta.duplicate_key": {"en": "is given twice (lines {first} and {second}); keep one",
                           "zh": "出现了两次（第{first}行和第{second}行），只能保留一个"},
    "meta.id_required": {"en": "is required: a short campaign id", "zh": "必须填写：简短的活动编码"},
    "meta.id_format": {
        "en": "must be 1 to 64 ASCII letters, digits, _ or - (it names the output folder)",
        "zh": "只能由1至64个英文字母、数字、下划线或连字符组成（它用作输出文件夹的名称）"},
    "meta.id_number": {"en": "is read by YAML as a number; write it in quotes, e.g. id: '{number}'",
                       "zh": "被YAML读成了数字：请加引号，例如 id: '{number}'"},
    "meta.name_required": {"en": "is required: a mapping with zh and en, e.g. {{zh: 某某调研, en: Field research}}",
                           "zh": "必须填写：包含zh和en的映射，例如 {{zh: 某某调研, en: Field research}}"},
    "meta.labels_required": {"en": "must be a mapping with zh and en, each non-empty text",
                             "zh": "必须是包含zh和en的映射，两者都不能为空"},
    "meta.text_or_labels": {"en": "must be text, or a mapping with zh and en", "zh": "必须是文本，或包含zh和en的映射"},
    "meta.date_required": {"en": "is required: a date as YYYY-MM-DD", "zh": "必须填写：日期，格式为YYYY-MM-DD"},
    "meta.date": {"en": "must be a date as YYYY-MM-DD", "zh": "必须是日期，格式为YYYY-MM-DD"},
    "meta.date_range": {"en": "must be between 1900-01-01 and 2100-12-31", "zh": "必须在1900-01-01至2100-12-31之间"},
    "meta.start_after_end": {"en": "start must not be after end", "zh": "开始日期不能晚于结束日期"},
    "meta.as_of_range": {"en": "must be between start {start} and end + 366 days ({latest})",
                         "zh": "必须在开始日期{start}至结束日期后366天（{latest}）之间"},
    "meta.timezone": {"en": "is not an IANA time zone name such as Asia/Shanghai",
                      "zh": "不是IANA时区名称（例如Asia/Shanghai）"},
    "meta.timezone_hint": {"en": "is not an IANA time zone name; did you mean {suggestion}?",
                           "zh": "不是IANA时区名称：是否应为{suggestion}？"},
    "meta.satisfaction_min": {"en": "must be a whole number from 1 to 5", "zh": "必须是1到5之间的整数"},
    "meta.mapping": {"en": "must be a mapping ({keys})", "zh": "必须是映射（{keys}）"},
    "meta.codes": {"en": "must map each code to its labels {{zh: …, en: …}}", "zh": "必须为每个编码给出标签 {{zh: …, en: …}}"},
    "meta.code_text": {"en": "codes must be text", "zh": "编码必须是文本"},
    "meta.label_taken": {"en": "label already belongs to code {other}", "zh": "此标签已属于编码{other}"},
    # The reporting section (analytics.data.reporting)
    "reporting.period": {"en": "must be one of {known}", "zh": "必须是以下之一：{known}"},
    "reporting.points": {"en": "must be a finite number of percentage points greater than 0",
                         "zh": "必须是大于0的有限数（百分点）"},
    "reporting.lights_order": {"en": "yellow must not be greater than red (0 < yellow ≤ red)",
                               "zh": "黄灯阈值不能大于红灯阈值（0 < 黄灯 ≤ 红灯）"},
    "reporting.fraction": {"en": "must be a fraction greater than 0 and at most 1 (e.g. 0.8)",
                           "zh": "必须是大于0且不超过1的小数（例如0.8）"},
    "reporting.fraction_required": {"en": "is required: a fraction greater than 0 and at most 1 (e.g. 0.8)",
                                    "zh": "必须填写：大于0且不超过1的小数（例如0.8）"},
    "reporting.coverage_order": {"en": "red must not be greater than yellow (0 < red ≤ yellow ≤ 1)",
                                 "zh": "红灯阈值不能大于黄灯阈值（0 < 红灯 ≤ 黄灯 ≤ 1）"},
    "reporting.text": {"en": "must be text, printed as written", "zh": "必须是文本，按原样印出"},
    "reporting.template": {"en": "must be a .docx file named relative to the campaign folder, e.g. "
                                 "bulletin-template.docx",
                           "zh": "必须是相对于活动文件夹的.docx文件名，例如bulletin-template.docx"},
    # The appraisal section (analytics.data.appraisal). {item} / {item_zh}: "item 2 (coverage)" / "第2项（coverage）",
    # made by message() from the parameters number and metric.
    "appraisal.mapping": {"en": "must be a mapping with items and grades",
                          "zh": "必须是包含items（评分项）和grades（等次分数线）的映射"},
    "appraisal.unknown_key": {"en": "is not a key of appraisal; known keys: {known}",
                              "zh": "不是appraisal中的键：可用的键为{known}"},
    "appraisal.unknown_key_hint": {"en": "is not a key of appraisal; did you mean {suggestion}?",
                                   "zh": "不是appraisal中的键：是否应为{suggestion}？"},
    "appraisal.items_required": {"en": "is required: a list of {{metric, key, weight, full_at}}",
                                 "zh": "必须填写：评分项列表，每项为{{metric, key, weight, full_at}}"},
    "appraisal.items_list": {"en": "must be a list of items such as {{metric: coverage, weight: 20, full_at: 1.0}}",
                             "zh": "必须是评分项列表，例如{{metric: coverage, weight: 20, full_at: 1.0}}"},
    "appraisal.item_mapping": {
        "en": "item {number} must be a mapping such as {{metric: coverage, weight: 20, full_at: 1.0}}",
        "zh": "第{number}项必须写成映射，例如{{metric: coverage, weight: 20, full_at: 1.0}}"},
    "appraisal.item_repeated": {"en": "{item}: repeats item {first}; each metric and key is scored once",
                                "zh": "{item_zh}：与第{first}项重复，每个指标（连同其key）只能评分一次"},
    "appraisal.weights_total": {"en": "weights must add up to {total}", "zh": "各项权重之和必须为{total}"},
    "appraisal.item_unknown_key": {"en": "{item}: is not a key of an item; known keys: {known}",
                                   "zh": "{item_zh}：不是评分项的键，可用的键为{known}"},
    "appraisal.item_unknown_key_hint": {"en": "{item}: is not a key of an item; did you mean {suggestion}?",
                                        "zh": "{item_zh}：不是评分项的键，是否应为{suggestion}？"},
    "appraisal.metric_required": {"en": "{item}: metric is required, e.g. completion, coverage, satisfaction",
                                  "zh": "{item_zh}：必须填写metric（考核指标），例如completion、coverage、satisfaction"},
    "appraisal.metric_not_scorable": {
        "en": "{item}: is not a metric where higher is better, so it cannot be scored",
        "zh": "{item_zh}：这个指标不是越高越好的数值，不能用于评分"},
    "appraisal.metric_unknown": {"en": "{item}: is not a metric that can be scored; use one of {known}",
                                 "zh": "{item_zh}：不是可以评分的指标，请使用以下之一：{known}"},
    "appraisal.metric_unknown_hint": {"en": "{item}: is not a metric that can be scored; did you mean {suggestion}?",
                                      "zh": "{item_zh}：不是可以评分的指标，是否应为{suggestion}？"},
    "appraisal.key_text": {"en": "{item}: key must be a code written as text", "zh": "{item_zh}：key必须是文本形式的编码"},
    "appraisal.key_required": {"en": "{item}: key is required: the indicator code, e.g. key: gdp",
                               "zh": "{item_zh}：必须填写key（指标编码），例如key: gdp"},
    "appraisal.key_not_taken": {"en": "{item}: {metric} takes no key", "zh": "{item_zh}：{metric}不带key，请删除key"},
    "appraisal.weight_required": {"en": "{item}: weight is required: a number greater than 0",
                                  "zh": "{item_zh}：必须填写weight（权重），即大于0的数"},
    "appraisal.weight_positive": {"en": "{item}: weight must be a number greater than 0",
                                  "zh": "{item_zh}：weight（权重）必须是大于0的数"},
    "appraisal.number_text": {"en": "{item}: {field} {text} is text, not a number: write it without quotes",
                               "zh": "{item_zh}：{field}的值{text}是文本而不是数：请去掉引号"},
    "appraisal.number_text_exponent": {
        "en": "{item}: {field} {text} is read as text, not a number: YAML needs a decimal point and a sign in an "
              "exponent (write {fixed})",
        "zh": "{item_zh}：{field}的值{text}被读作文本而不是数：YAML中的科学计数法需要小数点和正负号（请写作{fixed}）"},
    "appraisal.full_at_required": {
        "en": "{item}: full_at is required: the value that earns the full weight (1.0 for 100%)",
        "zh": "{item_zh}：必须填写full_at（满分标准），即得到全部权重分的数值（100%写作1.0）"},
    "appraisal.full_at_positive": {"en": "{item}: full_at must be a number greater than 0",
                                   "zh": "{item_zh}：full_at（满分标准）必须是大于0的数"},
    "appraisal.grades_required": {"en": "is required: {{excellent: 90, good: 80, pass: 60}}",
                                  "zh": "必须填写各等次的分数线，例如{{excellent: 90, good: 80, pass: 60}}"},
    "appraisal.grades_mapping": {"en": "must be a mapping such as {{excellent: 90, good: 80, pass: 60}}",
                                 "zh": "必须写成映射，例如{{excellent: 90, good: 80, pass: 60}}"},
    "appraisal.unknown_grade": {"en": "is not a grade; known keys: {known}",
                                "zh": "不是等次名称：可用的等次为{known}"},
    "appraisal.unknown_grade_hint": {"en": "is not a grade; did you mean {suggestion}?",
                                     "zh": "不是等次名称：是否应为{suggestion}？"},
    "appraisal.grade_required": {"en": "is required: the lowest score of that grade (0 to 100)",
                                 "zh": "必须填写：该等次的最低分数（0至100）"},
    "appraisal.grade_text_exponent": {
        "en": "{text} is read as text, not a number: YAML needs a decimal point and a sign in an exponent (write {fixed})",
        "zh": "{text}被读作文本而不是数：YAML中的科学计数法需要小数点和正负号（请写作{fixed}）"},
    "appraisal.grade_range": {"en": "must be a score from 0 to 100", "zh": "必须是0至100之间的分数"},
    "appraisal.veto_mapping": {"en": "must be a mapping such as {{no_activity: fail, missed: pass, overdue: pass}}",
                               "zh": "必须是映射，例如{{no_activity: fail, missed: pass, overdue: pass}}"},
    "appraisal.veto_unknown_rule": {"en": "is not a veto rule; known rules: {known}",
                                    "zh": "不是一票否决规则：可用的规则为{known}"},
    "appraisal.veto_unknown_rule_hint": {"en": "is not a veto rule; did you mean {suggestion}?",
                                         "zh": "不是一票否决规则：是否应为{suggestion}？"},
    "appraisal.veto_grade": {"en": "must be the grade it caps at: one of {known}",
                             "zh": "必须是封顶的等次：{known}之一"},
    "appraisal.grades_order": {"en": "thresholds must be in order: excellent > good > pass",
                               "zh": "分数线必须依次降低：优秀 > 良好 > 合格（excellent > good > pass）"},
    "appraisal.key_no_table": {"en": "{item}: there is no {table} table to take it from",
                               "zh": "{item_zh}：活动没有{table}表，无法取得这个key"},
    "appraisal.key_unknown": {"en": "{item}: is not {article} {what} in {table}",
                              "zh": "{item_zh}：不是{table}表中的{what_zh}"},
    "appraisal.key_unknown_hint": {"en": "{item}: is not {article} {what} in {table}; did you mean {suggestion}?",
                                   "zh": "{item_zh}：不是{table}表中的{what_zh}，是否应为{suggestion}？"},
    "usage.as_of_range": {"en": "as_of {as_of} is outside {start} … {latest} (start to end + 366 days)",
                          "zh": "截至日期{as_of}超出{start}至{latest}（开始日期至结束日期后366天）的范围"},
    "usage.as_of_format": {"en": "as_of {as_of!r} is not a date as YYYY-MM-DD",
                           "zh": "截至日期{as_of!r}不是YYYY-MM-DD格式的日期"},
    # Data-quality findings (the `detail` of metrics.quality_flags rows)
    "flag.returned_gt_issued": {"en": "returned {returned} > issued {issued}", "zh": "回收{returned}份，多于发放的{issued}份"},
    "flag.valid_gt_returned": {"en": "valid {valid} > returned {returned}", "zh": "有效{valid}份，多于回收的{returned}份"},
    "flag.not_in_units": {"en": "not in units", "zh": "不在单位表中"},
    "flag.before_start": {"en": "{date} is before the campaign's start {start}: this row is not counted",
                          "zh": "{date}早于活动开始日期{start}：此行不计入统计"},
    "flag.outside_period": {"en": "{date} is outside {start}–{end}", "zh": "{date}不在活动期间{start}至{end}内"},
    # {kind} is the visit kind's label in the message's language (the report and validate pass it so).
    "flag.outlier_kind": {"en": "modified z-score {z} among {kind} visits (threshold {threshold})",
                          "zh": "人次在“{kind}”类活动中偏离中位数过大：修正标准分数{z}，超过阈值{threshold}"},
    "flag.outlier": {"en": "modified z-score {z} (threshold {threshold})",
                     "zh": "偏离中位数过大：修正标准分数{z}，超过阈值{threshold}"},
    "flag.outlier_rating": {"en": "modified z-score {z} among rating surveys (threshold {threshold})",
                            "zh": "发放数在评议问卷批次中偏离中位数过大：修正标准分数{z}，超过阈值{threshold}"},
    "flag.outlier_questionnaire": {"en": "modified z-score {z} among questionnaire batches (threshold {threshold})",
                                   "zh": "发放数在调查问卷批次中偏离中位数过大：修正标准分数{z}，超过阈值{threshold}"},
    "flag.actual_no_target": {
        "en": "{unit} has no target of {indicator}, own or summed from its units below: this actual is not counted",
        "zh": "{unit}没有{indicator}的目标（本级或下级汇总均无），此实际值不计入"},
    "flag.actual_summed_unit": {
        "en": "{unit}'s {indicator} is the sum of its units below: this actual of its own is not counted",
        "zh": "{unit}的{indicator}由下级单位汇总得出，本级填报的这一实际值不计入"},
    "flag.no_actual": {"en": "no actual reported for {indicator} on or before {as_of}",
                       "zh": "截至{as_of}，{indicator}没有填报实际值"},
    "flag.decreasing": {
        "en": "cumulative {indicator} falls from {previous} ({previous_date}, row {previous_row}) to {number} ({date})",
        "zh": "{indicator}的累计值从{previous}（{previous_date}，第{previous_row}行）降到{number}（{date}）"},
    # The at-a-glance sentence of a unit page and the index's summary (report.glance): who is behind, on what,
    # by how much. Each clause is one sentence; `lead` starts the first one.
    "glance.lead": {"en": "As of {date}, ", "zh": "截至{date}，"},
    "print.running": {"en": "{name} · as of {date} · ", "zh": "{name} · 截至{date} · "},
    "glance.lead_named": {"en": "As of {date}, at {name}, ", "zh": "截至{date}，{name}"},
    "glance.no_activity": {"en": "{name} has no activity: no visit at or below it.",
                           "zh": "{name}无活动：本单位及下级单位均没有走访记录。"},
    "glance.no_activity_leaf": {"en": "{name} has no activity: no visit recorded.",
                                "zh": "{name}无活动：没有走访记录。"},
    "glance.indicators": {"en": "Of {total} indicator{s}, {parts}.", "zh": "{total}项指标中{parts}。"},
    "glance.status.completed": {"en": "{n} are completed", "zh": "{n}项已完成"},
    "glance.status.completed_one": {"en": "1 is completed", "zh": "1项已完成"},
    "glance.status.ahead": {"en": "{n} are ahead of pace", "zh": "{n}项快于序时进度"},
    "glance.status.ahead_one": {"en": "1 is ahead of pace", "zh": "1项快于序时进度"},
    "glance.status.on_pace": {"en": "{n} are on pace", "zh": "{n}项符合序时进度"},
    "glance.status.on_pace_one": {"en": "1 is on pace", "zh": "1项符合序时进度"},
    "glance.status.below": {"en": "{n} are below target", "zh": "{n}项低于目标"},
    "glance.status.below_one": {"en": "1 is below target", "zh": "1项低于目标"},
    "glance.status.behind": {"en": "{n} are behind pace", "zh": "{n}项落后序时进度"},
    "glance.status.behind_one": {"en": "1 is behind pace", "zh": "1项落后序时进度"},
    "glance.status.missed": {"en": "{n} missed the target", "zh": "{n}项未完成"},
    "glance.status.no_data": {"en": "{n} have no actual yet", "zh": "{n}项暂无实际值"},
    "glance.status.no_data_one": {"en": "1 has no actual yet", "zh": "1项暂无实际值"},
    "glance.status.level_completed": {"en": "{n} meet their target level", "zh": "{n}项达标"},
    "glance.status.level_completed_one": {"en": "1 meets its target level", "zh": "1项达标"},
    "glance.status.level_missed": {"en": "{n} missed their target level", "zh": "{n}项未达标"},
    "glance.status.level_missed_one": {"en": "1 missed its target level", "zh": "1项未达标"},
    "glance.lagging_intro": {"en": "Behind or missed: ", "zh": "落后或未完成："},
    "glance.lagging_intro_level": {"en": "Behind, below target or missed: ", "zh": "落后、低于目标或未完成："},
    # A level indicator (pacing level): against its target alone, the gap in its measure (points for a %).
    "glance.below_item": {"en": " at {completion}, {gap} below target", "zh": "完成{completion}，低于目标{gap}"},
    "glance.level_missed_item": {"en": " missed its target level: {completion} at the end of the period, {gap} short",
                                 "zh": "期末完成{completion}，未达标，差{gap}"},
    "glance.behind_item": {"en": " at {completion}, {gap} points behind pace ({elapsed} of the period elapsed)",
                           "zh": "完成{completion}，落后序时进度{gap}个百分点（时间进度{elapsed}）"},
    "glance.missed_item": {"en": " missed its target: {completion} at the end of the period, {short} points short",
                           "zh": "期末完成{completion}，未完成目标，差{short}个百分点"},
    "glance.item_separator": {"en": "; ", "zh": "；"},
    "glance.end": {"en": ".", "zh": "。"},
    "glance.children": {"en": "Of {total} units below, {parts}.", "zh": "下级单位{total}个：{parts}。"},
    "glance.part_separator": {"en": ", ", "zh": "，"},
    "glance.part_last": {"en": " and ", "zh": "，"},
    "glance.list_separator": {"en": ", ", "zh": "、"},
    "glance.last_separator": {"en": " and ", "zh": "、"},
    "glance.children_behind": {"en": "{n} are behind or missed", "zh": "{n}个落后或未完成"},
    "glance.children_behind_one": {"en": "1 is behind or missed", "zh": "1个落后或未完成"},
    "glance.children_none_behind": {"en": "none is behind", "zh": "均无落后指标"},
    "glance.children_idle": {"en": "{n} have no activity", "zh": "{n}个无活动"},
    "glance.children_idle_one": {"en": "1 has no activity", "zh": "1个无活动"},
    "glance.children_all_active": {"en": "all have activity", "zh": "均有活动"},
    "glance.coverage_gap": {"en": "{uncovered} of {leaves} grassroots units have no visit (grassroots coverage {share}).",
                            "zh": "{leaves}个基层单位中{uncovered}个没有走访记录（基层覆盖率{share}）。"},
    "glance.coverage_gap_one": {"en": "{uncovered} of {leaves} grassroots units has no visit (grassroots coverage {share}).",
                                "zh": "{leaves}个基层单位中{uncovered}个没有走访记录（基层覆盖率{share}）。"},
    "glance.coverage_gap_light": {
        "en": "{uncovered} of {leaves} grassroots units have no visit (grassroots coverage {share}, {light}).",
        "zh": "{leaves}个基层单位中{uncovered}个没有走访记录（基层覆盖率{share}，{light}）。"},
    "glance.coverage_gap_one_light": {
        "en": "{uncovered} of {leaves} grassroots units has no visit (grassroots coverage {share}, {light}).",
        "zh": "{leaves}个基层单位中{uncovered}个没有走访记录（基层覆盖率{share}，{light}）。"},
    "glance.coverage_light": {"en": "Grassroots coverage {share} ({light}).", "zh": "基层覆盖率{share}（{light}）。"},
    "glance.units": {"en": "Of {total} units, {parts}.", "zh": "全部单位{total}个：{parts}。"},
    "glance.units_behind": {"en": "{n} have an indicator behind or missed", "zh": "{n}个有指标落后或未完成"},
    "glance.units_behind_one": {"en": "1 has an indicator behind or missed", "zh": "1个有指标落后或未完成"},
    "glance.units_none_behind": {"en": "none has an indicator behind or missed", "zh": "均无落后或未完成的指标"},
    "glance.units_idle": {"en": "{n} have no activity", "zh": "{n}个无活动"},
    "glance.units_idle_one": {"en": "1 has no activity", "zh": "1个无活动"},
    "glance.more": {"en": "and {n} more", "zh": "另有{n}个"},
    "glance.appraisal": {"en": "Appraisal score {score}, grade {grade}.", "zh": "考核得分{score}分，等次{grade}。"},
    "glance.appraisal_ranked": {
        "en": "Appraisal score {score}, grade {grade}, rank {rank} of {among} units with the same parent.",
        "zh": "考核得分{score}分，等次{grade}，在同级{among}个单位中排第{rank}名。"},
    "glance.grades": {"en": "Appraisal grades: {parts}.", "zh": "考核等次：{parts}。"},
    "glance.grade_count": {"en": "{n} {grade}", "zh": "{grade}{n}个"},
    # Change since the previous period (环比) on a unit page (report.glance.change_clause, report.sections).
    "glance.change_up": {"en": "{indicator} completion rose from {before} on {date} to {now}, up {points} points",
                         "zh": "{indicator}完成率由{date}的{before}提高到{now}，提高{points}个百分点"},
    "glance.change_down": {"en": "{indicator} completion fell from {before} on {date} to {now}, down {points} points",
                           "zh": "{indicator}完成率由{date}的{before}下降到{now}，下降{points}个百分点"},
    "glance.change_same": {"en": "{indicator} completion unchanged since {date}, at {now}",
                           "zh": "{indicator}完成率与{date}持平，为{now}"},
    "glance.events_added": {"en": "{n} events added in the period", "zh": "本期新增活动{n}次"},
    "glance.events_added_one": {"en": "1 event added in the period", "zh": "本期新增活动1次"},
    "glance.no_earlier_period": {"en": "Change since the last period: no earlier period.",
                                 "zh": "与上期比较：无可比数据（此前无上一期）。"},
    "glance.light_thresholds": {
        "en": "Warning lights: yellow at {yellow} points or more behind pace, red at {red} points or more or a missed "
              "target; a level indicator below its target is yellow.",
        "zh": "预警标准：落后序时进度{yellow}个百分点及以上为黄灯，{red}个百分点及以上或未完成目标为红灯；"
              "达标类指标低于目标为黄灯。"},
    "glance.coverage_thresholds": {"en": " Grassroots coverage below {yellow} is yellow, below {red} red.",
                                   "zh": "基层覆盖率低于{yellow}为黄灯，低于{red}为红灯。"},
    "restated.item": {"en": "{figure}: published {published} for {date}, now {now} (data revised)",
                      "zh": "{figure}：{date}上期公布{published}，现为{now}（数据已修订）"},
    "revised.item": {"en": "{figure}: first published {published} for this period, now {now} (data revised)",
                     "zh": "{figure}：本期首次公布{published}，现为{now}（数据已修订）"},
    "glance.item_change": {"en": ", {points} points since {date}", "zh": "，较{date}{points}个百分点"},
    "index.shown": {"en": "{shown} of {total} units shown", "zh": "显示{shown}个单位，共{total}个"},
    "index.lights": {"en": "{red} units have a red light and {yellow} a yellow light.",
                     "zh": "红灯单位{red}个、黄灯单位{yellow}个。"},
    "index.changed": {"en": "Since {date}: {new_red} newly red, {green} back to green; {up} moved up and {down} "
                            "down in rank.",
                      "zh": "较{date}：新亮红灯{new_red}个，预警解除{green}个；排名上升{up}个、下降{down}个。"},
    "index.restated": {"en": "Published figures restated for {n} units (see kpis.csv).",
                       "zh": "{n}个单位的已公布数据有修订（见kpis.csv）。"},
    "index.change_column": {"en": "{indicator}: change (points)", "zh": "{indicator}较上期（百分点）"},
    # Report sentences with figures in them (analytics.report)
    "report.appraisal_rule": {
        "en": "How a score is made: each item earns weight × min(value ÷ full marks at, 1) points, and 0 points "
              "without data; items that do not apply to a unit are left out, and its score is 100 × the points "
              "earned ÷ the weights of the items that apply, rounded half up to 2 decimals; a score of {excellent} "
              "or more is excellent, {good} or more good, {pass} or more pass, below {pass} fail; units with the "
              "same parent are ranked by score, equal scores sharing a rank.",
        "zh": "计分方法：每个考核项目得分 = 权重 × 实际值 ÷ 满分标准（实际值达到满分标准即得满分），暂无数据的项目得0分；"
              "对本单位不适用的项目不计，总分 = 100 × 适用项目得分之和 ÷ 适用项目权重之和，四舍五入保留两位小数；"
              "总分{excellent}分及以上为优秀，{good}分及以上为良好，{pass}分及以上为合格，低于{pass}分为不合格；"
              "同一上级单位的下级单位按总分排名，同分同名次。"},
    "report.bounded": {
        "en": "… and {rest} more: ranked by {ranking}, the top {top} and the bottom {bottom} of {total} units are "
              "shown.",
        "zh": "……另有{rest}个单位未列出：按{ranking}排序，显示{total}个单位中的前{top}名和后{bottom}名。",
    },
    "report.satisfaction_rule": {
        "en": "Satisfaction = ratings of {min} or more ({lowest} or better) ÷ all ratings; mean score = sum of "
              "scores ÷ ratings (5 very satisfied … 1 dissatisfied).",
        "zh": "满意率 = {min}分及以上（{lowest}及以上）的评价数 ÷ 评价数；"
              "平均分 = 评分之和 ÷ 评价数（5分为非常满意，1分为不满意）。"},
    "report.not_recorded": {"en": "This campaign does not record: {sections}.", "zh": "本活动未记录：{sections}。"},
    "report.fulfilment_rule": {
        "en": "Fulfilment = kept on time {kept} ÷ due {due} (due by {as_of}: kept on time {kept} + kept late {late} + "
              "overdue {overdue} + due today {due_today}) = {fulfilment}; {not_due} more not yet due.",
        "zh": "承诺兑现率 = 按期兑现{kept}项 ÷ 已到期{due}项（截至{as_of}已到期：按期兑现{kept} + 逾期兑现{late} + "
              "逾期未兑现{overdue} + 当日到期未兑现{due_today}）= {fulfilment}；另有{not_due}项尚未到期。"},
    "report.more_overdue": {"en": "{count} more overdue commitments are not listed; all are in the sheet “{sheet}” of",
                            "zh": "另有{count}条逾期未兑现的承诺未列出，全部清单见“{sheet}”工作表："},
    "report.grade_capped": {"en": "Veto (one-vote rule): {rule}, so the grade is capped at {grade}; the score is "
                                   "unchanged",
                             "zh": "一票否决：{rule}，等次定为{grade}（得分不变）"},
    "veto.no_activity": {"en": "no activity by the reporting date", "zh": "截至统计日无活动"},
    "veto.missed": {"en": "a target missed", "zh": "有目标任务未完成"},
    "veto.overdue": {"en": "a commitment overdue", "zh": "有承诺逾期未兑现"},
    "report.appraisal_this_unit": {"en": "This unit: 100 × {points} ÷ {weights} = {score}",
                                   "zh": "本单位：100 × {points} ÷ {weights} = {score}"},
    # validate's summary
    "validate.title": {"en": "{id}: {zh} / {en}", "zh": "{id}：{zh} / {en}"},
    "validate.period": {"en": "period {start} to {end}, as_of {as_of}", "zh": "期间{start}至{end}，截至{as_of}"},
    "validate.units": {"en": "units: {count} ({roots} root{s})", "zh": "单位：{count}个（最上级{roots}个）"},
    "validate.rows": {"en": "{table}: {count} rows", "zh": "{table}：{count}行"},
    "validate.rows_before_start": {"en": "{table}: {count} rows ({early} dated before the start, not counted)",
                                   "zh": "{table}：{count}行（其中{early}行早于活动开始日期，不计入统计）"},
    "validate.appraisal": {"en": "appraisal: {items}", "zh": "考核评分：{items}"},
    "validate.reporting": {"en": "reporting: compared with the previous {period}; lights: yellow at {yellow} and red at "
                                 "{red} points behind pace; {coverage}; bulletin: {bulletin}",
                           "zh": "通报设置：与上一{period}对比；预警：落后序时进度{yellow}个百分点为黄灯、{red}个百分点为红灯；"
                                 "{coverage}；通报要素：{bulletin}"},
    "validate.coverage_lights": {"en": "coverage lights: yellow below {yellow}, red below {red}",
                                 "zh": "基层覆盖率低于{yellow}为黄灯、低于{red}为红灯"},
    "validate.no_coverage_lights": {"en": "no coverage lights", "zh": "未设基层覆盖率预警"},
    "validate.none": {"en": "none", "zh": "无"},
    "validate.period_week": {"en": "week", "zh": "周"},
    "validate.period_month": {"en": "month", "zh": "月"},
    "validate.period_quarter": {"en": "quarter", "zh": "季度"},
    "validate.compare": {"en": "compared with {previous} (the previous {period})",
                         "zh": "对比日期{previous}（上一{period}）"},
    "validate.no_compare": {"en": "no earlier period: {previous} is before the start",
                            "zh": "无可比数据：{previous}早于开始日期"},
    "validate.fingerprint": {"en": "fingerprint {fingerprint}", "zh": "数据指纹 {fingerprint}"},
    "validate.notes": {"en": "{count} note{s} (habits accepted and read as described):",
                       "zh": "{count}条说明（已接受的填写习惯，按所述方式读取）："},
    "validate.findings": {"en": "{count} data-quality finding{s} (shown in the report too; not errors):",
                          "zh": "{count}个数据质量问题（报告中同样列出，不属于错误）："},
    "validate.finding": {"en": "{where}: {flag}: {detail}", "zh": "{where}：{flag}：{detail}"},
    "validate.more": {"en": "… and {count} more", "zh": "……另有{count}条"},
    "validate.ok": {"en": "ok: the campaign meets the data contract", "zh": "通过：活动数据符合数据约定"},
    # Templates (campaign-analytics template): instructions, drop-down checks and their prompts
    "template.title": {"en": "{campaign}: data template for {office_name} ({office})",
                       "zh": "{campaign}：数据填报模板（{office_name}，{office}）"},
    "template.instructions_sheet": {"en": "Instructions", "zh": "说明"},
    "template.title_blank": {"en": "Campaign data template (blank)", "zh": "活动数据填报模板（空白）"},
    "template.intro": {
        "en": "This workbook is for the data of {office_name} ({office}) and the units below it. The rows the "
              "campaign already holds are filled in: check and correct them, and add new rows below them on each "
              "sheet.",
        "zh": "本工作簿用于填报{office_name}（{office}）及其下级单位的数据。活动中已有的数据已经预先填好：请逐行核对、"
              "改正，并在每张表已有数据的下方接着填写新的行。"},
    "template.intro_blank": {
        "en": "An empty template for a new campaign: each sheet is one table, its first row the headers. Put the "
              "workbook in a folder with campaign.yaml and run campaign-analytics validate on the folder.",
        "zh": "这是新活动的空白模板：每张工作表是一张数据表，第一行是表头。填好后与campaign.yaml放在同一个文件夹中，"
              "用campaign-analytics validate检查该文件夹。"},
    "template.sheets": {
        "en": "Each sheet is one table: {tables}. Keep the sheet names and the headers in the first row as they "
              "are, and do not delete sheets.",
        "zh": "每张工作表是一张表：{tables}。请不要修改工作表名称和第一行的表头，不要删除工作表。"},
    "template.sheet_units": {"en": "units", "zh": "单位"},
    "template.sheet_visits": {"en": "visits (visits and seminars)", "zh": "走访座谈"},
    "template.sheet_surveys": {"en": "surveys (questionnaires)", "zh": "问卷"},
    "template.sheet_targets": {"en": "targets", "zh": "目标（目标任务）"},
    "template.sheet_actuals": {"en": "actuals (cumulative figures)", "zh": "实际完成（累计完成情况）"},
    "template.sheet_responses": {"en": "responses (ratings)", "zh": "问卷评分"},
    "template.sheet_commitments": {"en": "commitments", "zh": "公开承诺"},
    "template.units_locked": {
        "en": "The units sheet lists your unit and the units below it and is locked: to add, remove or rename a "
              "unit, ask the campaign's organisers.",
        "zh": "units（单位）工作表列出本单位及下级单位，已锁定，不能修改；如需增加、删除或改名单位，请联系活动组织者。"},
    "template.units_locked_comment": {
        "en": "Locked: units are changed by the campaign's organisers.",
        "zh": "已锁定：单位由活动组织者维护。"},
    "template.units_blank": {
        "en": "List every unit on the units sheet first, one row each, with its parent's unit code (empty for the "
              "top unit): the unit codes of the other sheets are chosen from it.",
        "zh": "请先在units工作表中逐行列出所有单位及其上级单位编码（最上级单位的上级单位编码为空），"
              "其他工作表的单位编码从中选择。"},
    "template.lists": {
        "en": "Choose unit codes, visit kinds, groups, indicators, measures and aggregations from the drop-down lists. Write "
              "dates as dates (e.g. 2010-03-15), person-times and questionnaire counts as whole numbers; issued ≥ "
              "returned ≥ valid.",
        "zh": "单位编码、活动类型、对象类别、指标、计量单位和汇总方式请从下拉列表中选择。日期请填日期（例如2010-03-15）；"
              "人次和问卷份数填整数；发放数≥回收数≥有效数。"},
    "template.habits": {
        "en": "One record per row. Do not merge cells, and do not add title rows, totals rows or blank rows (they "
              "are recognised, but each is pointed out).",
        "zh": "每行只填一条记录。不要合并单元格，不要加标题行、合计行或空行（程序能够识别，但会逐一提示）。"},
    "template.empty": {
        "en": "A sheet left with only its header keeps your rows of the campaign. To say a table now has none of "
              "your rows, write (none) in one cell of its first row and leave the rest of the sheet empty.",
        "zh": "只剩表头的工作表表示不修改，保留活动中本单位原有的数据。"
              "如该表确实已无本单位的数据，请在第一行的任一单元格填写“（无）”，其余留空。"},
    "template.return": {
        "en": "When done, save the workbook as .xlsx and send it back as it is; do not save it as .xls, .et or "
              "another format.",
        "zh": "填好后保存为.xlsx文件，原样发回；不要另存为.xls、.et或其他格式。"},
    "template.due_both": {"en": "Return the filled-in workbook by {deadline} to {contact}.",
                          "zh": "请于{deadline}前将填好的工作簿发回{contact}。"},
    "template.due_deadline": {"en": "Return the filled-in workbook by {deadline}; ask the campaign office whom "
                                    "to send it to.",
                              "zh": "请于{deadline}前将填好的工作簿发回；发给谁请向活动办公室询问。"},
    "template.due_contact": {"en": "Return the filled-in workbook to {contact}; ask the campaign office by when.",
                             "zh": "请将填好的工作簿发回{contact}；截止时间请向活动办公室询问。"},
    "template.due_ask": {"en": "Ask the campaign office by when and to whom to return the filled-in workbook.",
                         "zh": "填好后何时发回、发给谁，请向活动办公室询问。"},
    "template.example": {
        "en": "A worked example: one row of the visits sheet (for reference only; write your rows on the visits "
              "sheet):",
        "zh": "填写示例：visits（走访座谈）表的一行（仅供参考，请在visits工作表中填写）："},
    "template.example_unit": {"en": "(unit code)", "zh": "（单位编码）"},
    "template.example_team": {"en": "Township party committee", "zh": "乡镇党委"},
    "template.example_topic": {"en": "Seminar with village cadres", "zh": "村干部座谈"},
    "template.units_list": {"en": "Your unit and the units below it:", "zh": "本单位及下级单位："},
    "template.dv_title": {"en": "Check this value", "zh": "请检查填写的内容"},
    "template.dv_unit": {"en": "Choose from the list a unit code of your unit or of a unit below it.",
                         "zh": "请从下拉列表中选择本单位或下级单位的单位编码。"},
    "template.dv_list": {"en": "Choose a value from the list.", "zh": "请从下拉列表中选择。"},
    "template.dv_list_open": {"en": "This value is not in the list: continue only if it is really a new one.",
                              "zh": "列表中没有这个值：只有确实是新增的值时才继续。"},
    "template.dv_whole": {"en": "Write a whole number, 0 or more.", "zh": "请填写0或更大的整数。"},
    "template.dv_score": {"en": "Write a whole number from 1 to 5.", "zh": "请填写1到5之间的整数。"},
    "template.dv_positive": {"en": "Write a number greater than 0.", "zh": "请填写大于0的数。"},
    "template.dv_number": {"en": "Write a number, 0 or more.", "zh": "请填写0或更大的数。"},
    "template.dv_date": {"en": "Dates of this campaign run from {start} to {end}: is this date right?",
                         "zh": "本次活动的日期为{start}至{end}：这个日期对吗？"},
    "template.dv_date_any": {"en": "Write a date, e.g. 2010-03-15.", "zh": "请填写日期，例如2010-03-15。"},
    "template.prompt_unit": {"en": "Unit code, from the list", "zh": "单位编码，从下拉列表中选择"},
    "template.prompt_kind": {"en": "Kind of activity, from the list", "zh": "活动类型，从下拉列表中选择"},
    "template.prompt_group": {"en": "Group of people met, from the list", "zh": "对象类别，从下拉列表中选择"},
    "template.prompt_indicator": {"en": "Indicator code, from the list", "zh": "指标，从下拉列表中选择"},
    "template.prompt_measure": {"en": "Measure, from the list", "zh": "计量单位，从下拉列表中选择"},
    "template.prompt_aggregation": {"en": "sum: units below add up; none: never summed",
                                    "zh": "sum：下级单位相加汇总；none：不汇总"},
    "template.prompt_date": {"en": "A date from {start} to {end}", "zh": "日期，{start}至{end}"},
    "template.prompt_date_any": {"en": "A date, e.g. 2010-03-15", "zh": "日期，例如2010-03-15"},
    "template.prompt_count": {"en": "A whole number, 0 or more", "zh": "整数，0或更大"},
    "template.prompt_score": {"en": "5 very satisfied … 1 not satisfied", "zh": "5 非常满意 … 1 不满意"},
    "template.prompt_target": {"en": "The target, a number greater than 0", "zh": "目标值，大于0"},
    "template.prompt_value": {"en": "Cumulative since the period's start", "zh": "自起始日期起的累计值"},
    # Collecting returned files (campaign-analytics collect): problems, notes, the summary
    "collect.other_format": {"en": "is a {kind} file and cannot be read; save it as .xlsx and send it again",
                             "zh": "是{kind}文件，程序无法读取：请另存为.xlsx后重新报送"},
    "collect.ignored_file": {"en": "is not a workbook (.xlsx) or CSV file and is not read",
                             "zh": "不是工作簿（.xlsx）或CSV文件，不读取"},
    "collect.hidden_file": {"en": "begins with \".\" (a hidden or system file) and is not read; rename it to "
                                  "collect it",
                            "zh": "文件名以“.”开头（隐藏文件或系统文件），不读取：如需汇总，请重命名"},
    "collect.dangling_link": {"en": "is a link to {target}, which does not exist: nothing of it is read",
                              "zh": "是指向{target}的链接，但该文件不存在：未读取"},
    "collect.csv_no_table": {
        "en": "is a CSV file whose name does not say which table it holds; name it after the table, e.g. {example}",
        "zh": "是CSV文件，但文件名没有说明是哪张表：请按表名命名，例如{example}"},
    "collect.no_tables": {"en": "holds no table file (units.csv, visits.csv, … or one .xlsx workbook)",
                          "zh": "文件夹中没有数据表文件（units.csv、visits.csv等，或一个.xlsx工作簿）"},
    "collect.template_version": {
        "en": "is a template of version {version}; this program reads templates up to version {known}: update "
              "campaign-analytics",
        "zh": "是第{version}版的填报模板，本程序只能读取第{known}版及以前的模板：请更新campaign-analytics"},
    "collect.other_campaign": {"en": "is a template of campaign {marked}, not of campaign {campaign}",
                               "zh": "是活动{marked}的填报模板，不是本活动（{campaign}）的"},
    "collect.unknown_office": {"en": "is the template of unit {office}, which is not in the campaign's units",
                               "zh": "是单位{office}的填报模板，但本活动的单位表中没有这个单位"},
    "collect.office_none": {
        "en": "names no unit of this campaign, so whose file it is cannot be told; use the office's template",
        "zh": "没有填写本活动的任何单位编码，无法确定是哪个单位报送的：请使用本单位的填报模板"},
    "collect.office_ambiguous": {
        "en": "holds rows of several offices ({offices}) and is not a template, so whose file it is cannot be told; "
              "use each office's template, or split the file",
        "zh": "包含多个单位的数据（{offices}），又不是填报模板，无法确定是哪个单位报送的：请使用各单位的填报模板，或拆分文件"},
    "collect.misfiled": {
        "en": "is the template of {office_name} ({office}), but none of its rows is of {office_name} or a unit below "
              "it: they are the rows of {owners}. The file is not merged and {office_name} keeps its rows; fill in "
              "the template of {owners} and send it again",
        "zh": "是{office_name}（{office}）的填报模板，但其中没有一行属于{office_name}或其下级单位，而是{owners}的数据："
              "本文件未合并，{office_name}原有的数据保留不变；请使用{owners}的填报模板重新填写报送"},
    "collect.same_office": {
        "en": "is a second file for {office_name} ({office}), besides {other}: keep one and collect again (which is "
              "newer is not guessed)",
        "zh": "与{other}都是{office_name}（{office}）报送的文件：请只保留一个后重新汇总（程序不猜测哪个更新）"},
    "collect.overlapping_office": {
        "en": "holds {office_name} ({office}), and {other} holds {other_name} ({other_office}): one office is within "
              "the other; keep one file for them and collect again",
        "zh": "报送的是{office_name}（{office}）的数据，而{other}报送的是{other_name}（{other_office}）的数据，"
              "两者的单位互相包含：请只保留一个文件后重新汇总"},
    "collect.outside_subtree": {
        "en": "unit {unit} is not {office_name} ({office}) or a unit below it: this file holds the rows of "
              "{office_name} only",
        "zh": "单位{unit}不是{office_name}（{office}）或其下级单位：本文件只能填写本单位及下级单位的数据"},
    "collect.survey_outside_subtree": {
        "en": "survey {survey} belongs to unit {unit}, not to {office_name} ({office}) or a unit below it",
        "zh": "问卷批次{survey}属于单位{unit}，不属于{office_name}（{office}）及其下级单位"},
    "collect.survey_id_taken": {
        "en": "survey id {survey} is already the campaign's survey of {unit_name} ({unit}), which is not {office_name} "
              "({office}) or a unit below it: give this survey a new id (the other office's survey is kept)",
        "zh": "问卷批次{survey}已是活动中{unit_name}（{unit}）的问卷，该单位不是{office_name}（{office}）或其下级单位："
              "请为本问卷另编批次号（另一单位的问卷保留不变）"},
    "collect.survey_left_out": {
        "en": "answers survey {survey}, whose row ({where}, row {survey_row}) is left out for its own problem: "
              "correct that row and these responses are taken with it",
        "zh": "回答的是问卷批次{survey}，该批次的行（{where}第{survey_row}行）因自身问题未被采用：改正该行后，这些答卷随之采用"},
    "collect.unit_row_changed": {
        "en": "differs from the campaign's units ({expected}); units are kept by the campaign's organisers and "
              "are not taken from returned files: ask them to change it",
        "zh": "与活动单位表不一致（应为{expected}）：单位表由活动组织者维护，不从报送的文件中读取，如需修改请联系活动组织者"},
    "collect.unit_row_added": {
        "en": "unit {unit} is not in the campaign's units; new units are added by the campaign's organisers, not in "
              "returned files",
        "zh": "单位{unit}不在本活动的单位表中：新增单位由活动组织者添加，不能在报送的文件中添加"},
    "collect.table_missing_kept": {
        "en": "returns no {table} rows (the table is missing or empty): the campaign's {rows} {table} rows of this "
              "office are kept; to remove them, send the table with (none) in one cell of its first row",
        "zh": "没有报送{table}数据（缺少该表或该表为空）：保留活动中本单位原有的{rows}行{table}数据；如需删除，"
              "请报送该表并在第一行的任一单元格填写“（无）”"},
    "collect.rows_removed": {
        "en": "replaces this office's {rows} {table} rows of the campaign: {removed} of them are not in this file as "
              "they were (removed, changed or left out) and are not in the merged campaign; to keep a row, put it "
              "back in the file",
        "zh": "替换活动中本单位原有的{rows}行{table}数据：其中{removed}行不在本文件中（已删除、已修改或未被采用），"
              "不会出现在合并后的数据中；如需保留，请把这些行补回文件"},
    "collect.table_emptied": {
        "en": "is marked empty ((none)): this office's {rows} {table} rows of the campaign are removed",
        "zh": "标记为“（无）”：删除活动中本单位原有的{rows}行{table}数据"},
    "collect.empty_marker_not_alone": {
        "en": "holds {marker}, which marks a table that is now empty, but the table has other rows: delete this row "
              "or the others",
        "zh": "填写了“（无）”（表示该表已无数据），但该表还有其他行：请删除这一行或其他各行"},
    "collect.table_unreadable_kept": {
        "en": "the {table} table could not be read: the campaign's {rows} {table} rows of this office are kept",
        "zh": "{table}表无法读取：保留活动中本单位原有的{rows}行{table}数据"},
    "collect.base_changed": {
        "en": "the campaign's rows of this office changed after the template was written; the returned rows "
              "replace them",
        "zh": "模板生成之后，活动中本单位的数据有过改动：以报送的数据为准"},
    "collect.summary_return": {
        "en": "{file} → {office} {name}: {accepted} rows accepted, {rejected} left out, {problems} problem{s}, "
              "{notes} note{ns}",
        "zh": "{file} → {office} {name}：采用{accepted}行，未采用{rejected}行，{problems}个问题，{notes}条说明"},
    "collect.summary_refused": {"en": "{file}: not merged, {problems} problem{s}",
                                "zh": "{file}：未合并，{problems}个问题"},
    "collect.summary_silent": {"en": "{office} {name}: no file returned; the campaign's rows are kept",
                               "zh": "{office} {name}：未报送，保留活动中原有的数据"},
    "collect.summary_merged": {"en": "merged campaign: {path} ({tables})", "zh": "合并后的活动数据：{path}（{tables}）"},
    "collect.summary_dry_run": {"en": "dry run: the merged campaign is not written", "zh": "试运行：不写入合并后的活动数据"},
    "collect.summary_report": {"en": "report: {path}", "zh": "报告：{path}"},
    "collect.summary_unchanged": {"en": "unchanged", "zh": "未改动"},
    # The checked copy of a returned workbook
    "checked.sheet": {"en": "Problems", "zh": "问题"},
    "checked.title": {"en": "{file}: {count} problem{s}", "zh": "{file}：{count}个问题"},
    "checked.intro": {
        "en": "Each problem's cells are marked in red, with a comment saying what is wrong. Correct them and send "
              "the workbook back (this file will do).",
        "zh": "每个问题所在的单元格已用红色标出，批注中说明了问题。请改正后把工作簿重新报送（直接报送本文件即可）。"},
    "checked.rows": {"en": "{accepted} rows accepted, {rejected} rows left out.", "zh": "采用{accepted}行，未采用{rejected}行。"},
    "checked.col_no": {"en": "No.", "zh": "序号"},
    "checked.col_sheet": {"en": "Sheet", "zh": "工作表"},
    "checked.col_cell": {"en": "Cell", "zh": "单元格"},
    "checked.col_row": {"en": "Row", "zh": "行"},
    "checked.col_column": {"en": "Column", "zh": "列"},
    "checked.col_value": {"en": "Value written", "zh": "填写的值"},
    "checked.col_problem": {"en": "Problem", "zh": "问题"},
    "checked.notes": {"en": "Accepted as written and read as described:", "zh": "以下填写方式已被接受，按所述方式读取："},
    "checked.whole_file": {"en": "(whole file)", "zh": "（整个文件）"},
}

_ZH_SEPARATOR = {"semicolons": "分号", "tabs": "制表符"}


def message(code: str, language: str = DEFAULT_MESSAGE_LANGUAGE, **params: Any) -> str:
    """MESSAGES[code] in language (English when the language has no text), filled with params.

    An unknown code gives the code itself, so that a missing entry shows up in a test, not as a crash.
    """
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    template = entry.get(language) or entry[DEFAULT_MESSAGE_LANGUAGE]
    if "separator" in params and "separator_zh" not in params:
        params["separator_zh"] = _ZH_SEPARATOR.get(str(params["separator"]), str(params["separator"]))
    if "what" in params and "what_zh" not in params:
        params["what_zh"] = _WHAT_ZH.get(str(params["what"]), str(params["what"]))
    if "key" in params and "key_zh" not in params:
        params["key_zh"] = str(params["key"])
    if "number" in params and "metric" in params and "item" not in params:
        number, metric = params["number"], params["metric"]
        params["item"] = f"item {number} ({metric})" if metric else f"item {number}"
        params["item_zh"] = f"第{number}项（{metric}）" if metric else f"第{number}项"
    if "s" not in params and "count" in params:
        params["s"] = "" if params["count"] == 1 else "s"
    if "ns" not in params and "notes" in params:
        params["ns"] = "" if params["notes"] == 1 else "s"
    if "rs" not in params and "rows" in params:
        params["rs"] = "" if params["rows"] == 1 else "s"
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


_WHAT_ZH = {"visit kind": "活动类型", "group": "对象类别", "indicator": "指标", "question": "问题", "sector": "领域",
            "aggregation": "汇总方式", "pacing": "考核方式", "anchor": "锚点", "alias": "别名"}


def where_text(file: str, row: int | None, column: str | None, value: str | None, rule: str, language: str) -> str:
    """ "file, row N, column C: value V: rule" in English, "file，第N行，C列：值V：rule" in Chinese."""
    parts = [file]
    if row is not None:
        parts.append(message("where.row", language, row=row))
    if column:
        parts.append(message("where.column", language, column=column))
    comma, colon = ("，", "：") if language == "zh" else (", ", ": ")
    text = comma.join(parts)
    if value is not None:
        text += colon + message("where.value", language, value=value)
    return text + colon + rule
