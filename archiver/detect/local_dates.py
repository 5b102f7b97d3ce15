"""Signature dates of the common locales, read without dateparser.

Importing dateparser and loading a language's data costs 0.09-0.48 s in each process, on the
first date of each script: a crawl's worker processes paid it again for every language
they met. The shapes that embeds write (``26. Mai 2019``, ``18 de marzo de 2025``,
``18 марта 2025 г.``, ``2025. március 18.``, ``2025年3月18日``) are read here with the
month names, filler words and year words of dateparser's own locale data
(``month_table``). Words are compared as dateparser compares them (its ``NORMALIZE``
setting: lower case, without combining marks, so a decomposed ``März`` is ``März``), and a
month name must be letters only: one with a sign such as ``॰`` or ``׳`` may be split by
dateparser into a shorter name of another month (``जन॰``, January in Hindi, is June in
Marathi), and one with Turkish ``İ`` or long ``ſ`` makes dateparser fail (KeyError). A
date is claimed only when every language tried (the page's, then the script's) that knows
its month name gives it the same month, so the order in which dateparser tries them does
not matter; anything else returns None and goes to dateparser. The tests hold this reading
to dateparser's over the tables' names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from typing import NamedTuple

from .month_table import LANGUAGES

DAY = r"(?P<day>3[01]|[12][0-9]|0?[1-9])"
WORD = r"[^\s\d.,]+"
DAY_MONTH_YEAR = re.compile(
    rf"{DAY}\.? (?:(?P<before>{WORD}) )?(?P<month>{WORD})(?: (?P<after>{WORD}))? "
    rf"(?P<year>[0-9]{{4}})(?: (?P<era>{WORD})\.?)?"
)
YEAR_MONTH_DAY = re.compile(rf"(?P<year>[0-9]{{4}})\. (?P<month>{WORD}) {DAY}\.")
# Chinese and Japanese 2025年3月18日, Korean 2025년 3월 18일: not the one's signs with the other's.
NUMERIC_CJK = re.compile(
    rf"(?P<year>[0-9]{{4}})(?:(?P<han>年)|년 )(?P<month>1[0-2]|0?[1-9])(?(han)月|월 )"
    rf"{DAY}(?(han)日|일)"
)


class LocaleWords(NamedTuple):
    """One language's month names (→ number), filler words and year words."""

    months: dict[str, int]
    fillers: frozenset[str]
    year_words: frozenset[str]


@functools.cache
def locale_words(language: str) -> LocaleWords | None:
    row = LANGUAGES.get(language)
    if row is None:
        return None
    months: dict[str, int] = {}
    for number, names in enumerate(row[:12], 1):
        for name in names.split():
            months.setdefault(folded(name), number)  # a name under two months: the first's
    fillers = frozenset(folded(word) for word in row[12].split())
    return LocaleWords(months, fillers, frozenset(folded(word) for word in row[13].split()))


def folded(word: str) -> str:
    """A word as dateparser compares it (``NORMALIZE``): lower case, decomposed (NFKD),
    without its combining marks."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def is_plain(word: str) -> bool:
    """Letters and marks only (nothing dateparser could split the word at, as ``॰`` or
    ``׳``), none that lower-cases to two characters (Turkish ``İ``) or is changed by
    compatibility decomposition only (long ``ſ``): dateparser fails on those (KeyError)."""
    return (
        all(unicodedata.category(c)[0] in "LM" for c in word)
        and len(word.lower()) == len(word)
        and unicodedata.normalize("NFKD", word) == unicodedata.normalize("NFD", word)
    )


def table_date(plain: str, languages: list[str]) -> date | None:
    """The date of ``plain`` (ASCII digits) read in ``languages`` (every language dateparser
    tries: the page's, then the script's); None when these tables cannot vouch for
    dateparser's reading."""
    if plain != " ".join(plain.split()) or not all(lang in LANGUAGES for lang in languages):
        return None
    if cjk := NUMERIC_CJK.fullmatch(plain):
        return _date(cjk["year"], int(cjk["month"]), cjk["day"])
    match = DAY_MONTH_YEAR.fullmatch(plain) or YEAR_MONTH_DAY.fullmatch(plain)
    if match is None:
        return None
    month = _month(match, [words for lang in languages if (words := locale_words(lang))])
    return _date(match["year"], month, match["day"]) if month else None


def _month(match: re.Match[str], locales: list[LocaleWords]) -> int | None:
    """The month of the first locale whose words the date is written in, when all that know
    its name agree on the month."""
    if not is_plain(match["month"]):
        return None
    name = folded(match["month"])
    parts = match.groupdict()
    fillers = {folded(word) for word in (parts.get("before"), parts.get("after")) if word}
    era = folded(parts.get("era") or "")
    if len({words.months[name] for words in locales if name in words.months}) != 1:
        return None
    return next(
        (
            words.months[name]
            for words in locales
            if name in words.months
            and fillers <= words.fillers
            and (not era or era in words.year_words)
        ),
        None,
    )


def _date(year: str, month: int | None, day: str) -> date | None:
    try:
        return date(int(year), month, int(day)) if month else None
    except ValueError:  # 31 April: left to dateparser
        return None
