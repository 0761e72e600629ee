"""Languages are data (analytics.text.language): the rules of each, and no code outside text/ branching on a code."""

import re

import pytest

from analytics.text.labels import DEFAULT_LANGUAGE
from analytics.text.language import LANGUAGES, MESSAGE_LANGUAGE, PAGE_LANGUAGE, Language, rules_of
from analytics.text.messages import DEFAULT_MESSAGE_LANGUAGE

from builders import SRC

TEXT = SRC / "text"

# `language == "zh"`, `lang != 'en'`, `"zh" if …`, `in ("zh", "en")`, Jinja's `language == "zh"` alike
_CODE = r"""["'](?:zh|en)["']"""
COMPARISON = re.compile(rf"""(?:==|!=)\s*{_CODE}|{_CODE}\s*(?:==|!=)|\bin\s*[(\[{{]\s*{_CODE}|{_CODE}\s+if\b""")


def test_the_rules_of_each_language():
    zh, en = rules_of("zh"), rules_of("en")
    assert (zh.colon, zh.join(["甲", "乙"]), zh.bracketed("3/4"), zh.in_sentence("优秀")) == ("：", "甲、乙", "（3/4）", "优秀")
    assert (en.colon, en.join(["a", "b"]), en.bracketed("3 of 4"), en.in_sentence("Excellent")) == \
        (": ", "a, b", " (3 of 4)", "excellent")
    assert (zh.count_of(3, 4), en.count_of(3, 4)) == ("3/4", "3 of 4")
    assert en.sentence_start("units behind.") == "Units behind." and zh.sentence_start("单位") == "单位"
    assert en.clause_start("Two units") == "two units" and en.clause_start("KPI figures") == "KPI figures"
    assert Language("zh").rules is zh and (zh.html_lang, en.html_lang) == ("zh-CN", "en")


def test_an_unknown_language_is_an_error_naming_the_known_ones():
    with pytest.raises(ValueError, match="zh, en.*'fr'"):
        rules_of("fr")


def test_one_default_per_audience():
    assert LANGUAGES == ("zh", "en")
    assert DEFAULT_LANGUAGE == PAGE_LANGUAGE == "zh"  # pages are written for the offices
    assert DEFAULT_MESSAGE_LANGUAGE == MESSAGE_LANGUAGE == "en"  # the command line, unless --language


def test_the_pattern_finds_what_it_bans():
    for line in ('x = "：" if language == "zh" else ": "', "if lang != 'en':", 'ok = code in ("zh", "en")',
                 '{{ "、" if language == "zh" else ", " }}', 'tag = "zh" if chinese else "en"'):
        assert COMPARISON.search(line), line
    assert not COMPARISON.search('labels.get("zh") or code')


def test_no_module_outside_text_compares_a_language_with_a_code():
    found = [f"{path.relative_to(SRC)}:{n}: {line.strip()}"
             for path in sorted(SRC.rglob("*"))
             if path.suffix in (".py", ".j2", ".js") and TEXT not in path.parents and "vendor" not in path.parts
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if COMPARISON.search(line)]
    assert found == [], "ask analytics.text.language's rules instead:\n" + "\n".join(found)
