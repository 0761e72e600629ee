"""kpis.xlsx's data rows are written as worksheet XML by report/xlsxrows.py: text from data files stays text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from openpyxl import Workbook

from analytics.report.xlsxrows import StyleIds, Value, cell_xml, text_value


def _cell(value: Value) -> ET.Element:
    ws = Workbook(write_only=True).create_sheet()
    return ET.fromstring(cell_xml("B2", value, StyleIds(ws, {})))


def test_markup_in_a_name_is_escaped_text_of_an_inline_string():
    cell = _cell(text_value('</t></is></c><c r="Z9"><f>1+1</f> & more '))
    assert cell.get("t") == "inlineStr" and cell.get("r") == "B2"
    assert [e.tag for e in cell.iter()] == ["c", "is", "t"]  # no element smuggled in
    assert cell.find("is/t").text == '</t></is></c><c r="Z9"><f>1+1</f> & more '


def test_formula_like_text_is_quoted_and_control_characters_replaced():
    value = text_value("=SUM(A1)\x07")
    assert value.quote and value.value == "=SUM(A1)\ufffd"
    cell = _cell(value)
    assert cell.get("s") != "0" and cell.find("is/t").text == "=SUM(A1)\ufffd"  # a quote-prefix style, not <f>


def test_numbers_are_values_and_missing_ones_are_left_out():
    assert _cell(Value(0.25)).find("v").text == "0.25"
    ws = Workbook(write_only=True).create_sheet()
    assert cell_xml("C3", Value(None), StyleIds(ws, {})) == ""
    assert cell_xml("C3", Value(float("nan")), StyleIds(ws, {})) == '<c r="C3" t="n"><v></v></c>'


def test_numbers_are_written_as_openpyxl_writes_them():
    """"%.16g" of the number (openpyxl's form): 0.1 + 0.2 as 0.3, an int of 16 digits or more rounded
    as a float is, smaller ints by their digits; infinities, like NaN, as an empty value."""
    for number, text in [(0.1 + 0.2, "0.3"), (1e-05, "1e-05"), (1234.0, "1234"), (7, "7"),
                         (-42, "-42"), (10**15 - 1, "999999999999999"), (10**16 - 1, "1e+16"), (-(10**17), "-1e+17")]:
        assert _cell(Value(number)).find("v").text == text == f"{number:.16g}"
    assert _cell(Value(float("inf"))).find("v").text is None
