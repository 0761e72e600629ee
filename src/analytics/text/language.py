"""The languages of the pages, templates and messages, as data: punctuation, list joining and sentence rules.

Code outside `analytics.text` never compares a language with a code ("zh", "en"); it asks the language's rules:

    rules = rules_of(language)
    rules.colon                          # "：" or ": "
    rules.join(["a", "b"])               # "a、b" or "a, b"
    rules.bracketed("3/4")               # "（3/4）" or " (3/4)"
    rules.in_sentence("Excellent")       # "Excellent" (zh has no case) or "excellent"

A third language is one more `Language` member and one more `Rules` row (and its column in the catalogues).

Two defaults, on purpose: pages, workbooks and bulletins are written for the offices, in Chinese (`PAGE_LANGUAGE`);
the command line speaks to whoever runs it, in English unless told (`MESSAGE_LANGUAGE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Language(StrEnum):
    """A language of the catalogues; its value is the code written in files and options."""

    ZH = "zh"
    EN = "en"

    @property
    def rules(self) -> Rules:
        return _RULES[self]


LANGUAGES: tuple[str, ...] = tuple(m.value for m in Language)  # plain codes (click shows enum choices by name)
PAGE_LANGUAGE = Language.ZH  # pages, templates, bulletins: written for the offices
MESSAGE_LANGUAGE = Language.EN  # the command line's messages, unless --language says otherwise


@dataclass(frozen=True)
class Rules:
    """How a language punctuates and builds sentences."""

    language: Language
    html_lang: str  # the BCP 47 tag of pages and documents
    colon: str
    comma: str  # between clauses
    list_separator: str  # between items of a list
    full_stop: str
    open_bracket: str
    close_bracket: str
    bracket_space: str  # before an opening bracket
    sentence_space: str  # between two sentences (or a sentence and its clause)
    word_space: str  # between a number and its measure, a name and the word after it
    capitalises: bool  # sentences start with a capital and words inside them are lower case
    wide_script: bool  # a character takes about twice the width of a Latin letter
    part_of: str  # "{part} of {whole}" in a count
    writes_aliases: bool  # templates show columns and codes by the data contract's (Chinese) aliases
    pair_index: int  # the place of this language in the contract's (zh, en) label pairs

    def join(self, items) -> str:
        return self.list_separator.join(items)

    def bracketed(self, text: object) -> str:
        """`text` in brackets after a word: "名称（x）", "name (x)"."""
        return f"{self.bracket_space}{self.open_bracket}{text}{self.close_bracket}"

    def count_of(self, part: object, whole: object) -> str:
        """"3/4" or "3 of 4"."""
        return self.part_of.format(part=part, whole=whole)

    def in_sentence(self, word: str) -> str:
        """A label as it reads inside a sentence ("Excellent" -> "excellent")."""
        return word.lower() if self.capitalises else word

    def sentence_start(self, text: str) -> str:
        """A sentence with its first letter capitalised where the language does that."""
        return text[:1].upper() + text[1:] if self.capitalises and text else text

    def clause_start(self, text: str) -> str:
        """A sentence that becomes a clause after a lead: its first word lower-cased unless it is a name (an
        upper-case word of two capitals stays)."""
        if self.capitalises and text[:1].isupper() and text[1:2].islower():
            return text[0].lower() + text[1:]
        return text


_RULES: dict[Language, Rules] = {
    Language.ZH: Rules(Language.ZH, html_lang="zh-CN", colon="：", comma="，", list_separator="、", full_stop="。",
                       open_bracket="（", close_bracket="）", bracket_space="", sentence_space="", word_space="",
                       capitalises=False, wide_script=True, part_of="{part}/{whole}",
                       writes_aliases=True, pair_index=0),
    Language.EN: Rules(Language.EN, html_lang="en", colon=": ", comma=", ", list_separator=", ", full_stop=".",
                       open_bracket="(", close_bracket=")", bracket_space=" ", sentence_space=" ", word_space=" ",
                       capitalises=True, wide_script=False, part_of="{part} of {whole}",
                       writes_aliases=False, pair_index=1),
}


def rules_of(language: str) -> Rules:
    """The rules of a language given by its code; an unknown code is an error naming the known ones."""
    try:
        return _RULES[Language(language)]
    except ValueError:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}") from None


def is_language(code: object) -> bool:
    """Whether `code` names a language of the catalogues."""
    return code in LANGUAGES


__all__ = ["LANGUAGES", "MESSAGE_LANGUAGE", "PAGE_LANGUAGE", "Language", "Rules", "is_language", "rules_of"]
