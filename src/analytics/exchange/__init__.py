"""Data as offices really send it: templates out, workbooks back, errors marked in place.

`template` writes one workbook per office (analytics.exchange.template); `collect` reads the returned ones,
judges their rows by the data layer's rules and writes a merged campaign folder (analytics.exchange.collect),
marks each workbook's bad cells in a checked copy (analytics.exchange.checked) and summarises per office
(analytics.exchange.summary). Sits just above the data layer: it reads and validates through it.
"""
