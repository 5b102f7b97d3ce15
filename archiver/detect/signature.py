"""The publish-markup signature line: ``— Display Name (@handle) DATE``.

The line is recognised by its structure, not by its language: a dash, the display name, the
handle in ``(@…)``, then the date as the page's locale writes it (``March 18, 2025``,
``18 mars 2025``, ``2025. március 18.``, ``2025年3月18日``, ``١٨ مارس ٢٠٢٥``…): a short rest
of the line holding a four-digit year. The date's text is kept as shown; it is also parsed to ISO
where possible: English month names by a table of the twelve names, the shapes embeds write
in other locales by dateparser's month names (``local_dates``), and anything else by
``dateparser`` itself (imported on the first such date only: with its language data, 0.09-0.48 s
in each process on the first date of each script), trying the page's language, then the
languages of the date's script.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import TypedDict

# The em dash, also as a text that kept its entity (``&mdash;``, or ``&#8212;`` as
# WordPress writes it) undecoded; Pandoc's Markdown writes it ``---``.
EM_DASH_ENTITIES = r"&mdash;|&#8212;|&#x2014;"
EM_DASH = rf"(?:—|{EM_DASH_ENTITIES})"
DASH = rf"(?:{EM_DASH}|–|---|--|-)"
# A date as written after the handle: the rest of the line, short, with a digit in it.
MAX_DATE_CHARS = 40
MAX_DATE_WORDS = 6
# An em dash right after the post's last word, then a space: the publish markup's
# ``</p>&mdash; Name`` read as one run of text (``textContent``, BeautifulSoup's
# ``get_text()``) glues the dash to the text. Not a hyphen or en dash (words join with
# those), and not a dash without a space after it (``Jean—Luc``, ``a win—Jane``).
GLUED_DASH = rf"(?<=[^\s—–-]){EM_DASH}(?=[^\S\n])"
# Parsed from the right: display names may hold parentheses, colons, emoji, "(@x)" or an em
# dash between two words ("Jean—Luc"), the one dash a name cannot start at. A handle's
# underscores may be escaped (``(@ESA\\_Rosetta)``: Markdown from reader tools).
_SIGNER = (
    rf"(?:(?:^|(?<=\s)|(?<=[.!?\"”…]))(?P<dash>{DASH})|{GLUED_DASH})[^\S\n]*"
    rf"(?P<name>(?:(?!\s[-–—]\s|(?<!\w)—|—(?!\w)|{EM_DASH_ENTITIES})[^\n]){{0,100}}?)[^\S\n]*"
    r"\(@(?P<handle>(?:[A-Za-z0-9_]|\\_){1,15})\)[^\S\n]*"
)
SIGNATURE_RE = re.compile(
    _SIGNER
    + rf"(?P<date>(?=[^\n]{{0,{MAX_DATE_CHARS}}}?\d)[^\n@]{{1,{MAX_DATE_CHARS}}}?)[^\S\n]*$",
    re.M,
)
# The signature without its date, ending the text (``split_undated_signature``).
UNDATED_SIGNATURE_RE = re.compile(_SIGNER + r"\Z")
FIRST_POST_YEAR, LAST_YEAR = 2006, 2100
# dateparser: absolute dates only ("3 days ago" is not a signature date), all three parts.
DATEPARSER_SETTINGS = {
    "PARSERS": ["absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
}
# A signature's date is a day, a month name and a year (CJK: year, month, day). dateparser
# first reads it with these formats after translating it to English ("26. Mai 2019" →
# "26. may 2019"), which needs only the language's own tables; its general parser, tried
# when no format fits, first builds its time-zone patterns (0.15 s once per process).
SIGNATURE_FORMATS = ["%d %B %Y", "%d. %B %Y", "%B %d, %Y", "%B %d %Y", "%Y %B %d", "%Y-%m-%d"]
FORMAT_SETTINGS = {**DATEPARSER_SETTINGS, "PARSERS": ["custom-formats"]}
# The languages dateparser tries, by the script the date is written in (after the page's own
# language). Trying all of its ~200 locales costs 2.5 s the first time in a process; a
# script's few languages cost 0.02–0.7 s once, then about a millisecond per date.
SCRIPT_LANGUAGES = {
    "ARABIC": ("ar", "fa", "ur"),
    "HEBREW": ("he",),
    "CYRILLIC": ("ru", "uk", "bg", "sr", "be", "mk", "kk"),
    "GREEK": ("el",),
    "CJK": ("ja", "zh", "ko"),
    "HIRAGANA": ("ja",),
    "KATAKANA": ("ja",),
    "HANGUL": ("ko",),
    "THAI": ("th",),
    "DEVANAGARI": ("hi", "mr", "ne"),
    "BENGALI": ("bn",),
    "LATIN": (
        "de", "fr", "es", "it", "pt", "nl", "pl", "hu", "tr", "cs", "sk", "sv", "da", "nb",
        "fi", "ro", "hr", "sl", "ca", "id", "vi", "et", "lv", "lt",
    ),
}  # fmt: skip
YEAR = re.compile(r"(?<![0-9])(\d{4})(?![0-9])")
NUMBERS = re.compile(r"[0-9]+")
ENGLISH_MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}  # fmt: skip
# strptime's %d (01-31, or 1-9 alone) and %Y (four digits of any script, as int() reads).
ENGLISH_DATE = re.compile(r"(?P<month>[A-Za-z]+) (?P<day>3[01]|[12]\d|0?[1-9]), (?P<year>\d{4})")


class Signature(TypedDict):
    author: str | None
    handle: str
    date: str | None  # ISO 8601 (YYYY-MM-DD) when the date could be read
    date_text: str | None  # the date as the page shows it (None: the page shows none)


def date_year(value: str) -> int | None:
    """The year of a signature date: its one four-digit number (in any script's digits)
    between 2006 and 2100, else None. Publish markup always writes the full date, so a
    "date" without a year ("3 hours ago", "Mar 17") is not a signature's."""
    years = [int(y) for y in YEAR.findall(ascii_digits(value))]
    if len(years) != 1 or not FIRST_POST_YEAR <= years[0] <= LAST_YEAR:
        return None
    return years[0]


def is_date_like(value: str) -> bool:
    """Short text with a year, a day (another number: every locale's date writes its day
    in digits; ``joined in 2019`` after a bio's handle is no date) and no address, not
    going on as a sentence after its year nor set off by a comma (``(@handle), March 3,
    2024``: a writer's attribution): what a signature's date looks like."""
    return (
        "://" not in value
        and value.lstrip()[:1] not in (",", ";")
        and len(value.split()) <= MAX_DATE_WORDS
        and bool(date_year(value))
        and len(NUMBERS.findall(ascii_digits(value))) >= 2
        and not _prose_after_year(value)
    )


def _prose_after_year(value: str) -> bool:
    """Two words or more after the year, none with a digit (``March 3, 2024, before deleting
    it``): a sentence quoting a signature, not a date. A date in any locale ends at its year
    or holds a digit after it (``2025. március 18.``, ``May 2, 2019 at 8:15 AM``), or one
    word (``16 мая 2018 г.``)."""
    plain = ascii_digits(value)
    year = YEAR.search(plain)
    rest = plain[year.end() :] if year else ""
    return len(rest.split()) >= 2 and not any(c.isdigit() for c in rest)


def english_date(value: str) -> date | None:
    """``March 18, 2025`` (a full English month name, in any case), as ``strptime`` reads it
    with ``%B %d, %Y``. Not ``strptime`` itself: its first call builds the locale's tables and
    patterns, 3-4 ms of a one-page scan."""
    match = ENGLISH_DATE.fullmatch(" ".join(value.replace(",", ", ").split()))
    month = ENGLISH_MONTHS.get(match["month"].lower()) if match else None
    if match is None or month is None:
        return None
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def ascii_digits(value: str) -> str:
    """Digits of any script as ASCII (``١٨ مارس ٢٠٢٥`` → ``18 مارس 2025``)."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def script_languages(value: str) -> list[str]:
    """The languages written in the script of the date's first letter (Latin by default)."""
    letter = next((c for c in value if c.isalpha()), "")
    script = unicodedata.name(letter, "").split(" ")[0] if letter else "LATIN"
    return list(SCRIPT_LANGUAGES.get(script, ()))


def attempts(value: str, hint: str | None) -> list[list[str]]:
    """The lists of languages a date is read in, in turn: the page's, then its script's."""
    return [*([[hint.split("-")[0].lower()]] if hint else []), script_languages(value)]


def _common_locale(value: str, hint: str | None) -> date | None:
    """The date as ``local_dates`` reads it without dateparser (None: not vouched for)."""
    from .local_dates import table_date

    return table_date(value, [lang for languages in attempts(value, hint) for lang in languages])


def _any_locale(value: str, hint: str | None) -> date | None:
    import dateparser  # a date that neither table reads: the only place the library is needed

    for languages in attempts(value, hint):
        for formats, settings in (
            (SIGNATURE_FORMATS, FORMAT_SETTINGS),
            (None, DATEPARSER_SETTINGS),
        ):
            try:
                parsed = dateparser.parse(
                    value, date_formats=formats, languages=languages, settings=settings
                )
            # A language dateparser does not know (ValueError), or a word its normalising
            # breaks (KeyError: upper-case Turkish ``NİSAN`` lower-cases to ``ni̇san``).
            except (ValueError, KeyError):
                break
            if parsed:
                return parsed.date()
    return None


@lru_cache(maxsize=4096)
def parse_date(value: str | None, language: str | None = None) -> str | None:
    """A signature date in any locale → ``YYYY-MM-DD`` (None when it cannot be read).

    ``language`` is the page's language, when known (``<html lang>``, ``data-lang``). A date
    needs a four-digit year between 2006 and 2100: anything else is not sent to a parser.
    """
    if not value or not is_date_like(value):
        return None
    plain = ascii_digits(value.strip())
    texts = [*_without_time(plain), plain, *_through_year(plain)]
    parsed = next(
        (
            found
            for text in texts
            if (found := english_date(text) or _common_locale(text, language))
        ),
        None,
    ) or next((found for text in texts if (found := _any_locale(text, language))), None)
    if parsed is None or parsed.year != date_year(plain):
        return None
    return parsed.isoformat()


def _through_year(value: str) -> list[str]:
    """The date without the one word after its year (``January 11, 2020 Report``: BBC's
    link to report the post, extracted with its signature), else nothing."""
    year = YEAR.search(value)
    rest = value[year.end() :].split() if year else []
    return [value[: year.end()]] if year and len(rest) == 1 and rest[0].isalpha() else []


# A time of day beside a date (``8:15 AM - 2 May 2019``, ``May 2, 2019 at 8:15 AM``, ``2 mai
# 2019 à 08:15``), and what joins the two: punctuation, or one word (``at``, ``à``, ``um``).
TIME_OF_DAY = re.compile(r"\d{1,2}:\d\d(?::\d\d)?(?:[^\S\n]?[AaPp]\.?[^\S\n]?[Mm]\.?)?")
JOINING = " \u00a0\u202f·∙•|,-–—"


def _without_time(value: str) -> list[str]:
    """The date of a date and a time: the side of the time that holds the year, without the
    punctuation joining them, then also without the word next to the time (nothing when the
    value holds no time)."""
    time = TIME_OF_DAY.search(value)
    if time is None:
        return []
    before, after = value[: time.start()].rstrip(JOINING), value[time.end() :].lstrip(JOINING)
    if date_year(before):
        return [before, before.rsplit(None, 1)[0]] if " " in before else [before]
    return [after, after.split(None, 1)[-1]] if " " in after else [after]


def find_signature(text: str) -> re.Match[str] | None:
    """The first signature line in a text whose date part looks like a date."""
    if "(@" not in text:  # the pattern's one literal: most texts are read without it
        return None
    for match in SIGNATURE_RE.finditer(text):
        if is_date_like(match.group("date")):
            return match
    return None


# The publish markup's em dash before the display name: starting a line, or after the
# post's text on the same line (after a space, a sentence's end or the text's last word,
# with a space after it).
LINE_DASH = re.compile(rf"[^\S\n]*{EM_DASH}[^\S\n]*")
INLINE_DASH = re.compile(rf"(?<=[^—–-]){EM_DASH}[^\S\n]+")


def em_dash_name(text: str, match: re.Match[str]) -> tuple[int, str] | None:
    """The pattern takes the dash nearest the handle, so a display name holding a hyphen or
    en dash (``— ABC 7 News - WJLA (@ABC7News)``) would lose its first part: when the em
    dash of the publish markup comes before it on the line (at its start, or after the
    post's text), the signature starts there. Where it starts and the name, or None when
    the pattern's match stands."""
    if match.group("dash") not in ("-", "–"):
        return None
    line_start = text.rfind("\n", 0, match.start()) + 1
    lead = LINE_DASH.match(text, line_start)
    start = line_start
    if lead is None:
        inline = list(INLINE_DASH.finditer(text, line_start, match.start()))
        lead = inline[-1] if inline else None
        start = lead.start() if lead else start
    if lead is None or lead.end() >= match.start():
        return None
    name = text[lead.end() : match.start("handle") - 2].strip()
    return (start, name) if len(name) <= 100 and "(@" not in name else None


def split_signature(text: str, language: str | None = None) -> tuple[str, Signature | None]:
    """Split ``TEXT — Name (@handle) Date`` into TEXT and the signature's parts (``language``:
    the page's, a hint for reading the date)."""
    match = find_signature(text)
    if not match:
        return text, None
    date_text = match.group("date").strip()
    start, name = em_dash_name(text, match) or (match.start(), match.group("name").strip())
    return text[:start].rstrip(), {
        "author": name or None,
        "handle": match.group("handle").replace("\\", ""),  # Markdown's escaped "\\_"
        "date": parse_date(date_text, language),
        "date_text": date_text,
    }


def split_undated_signature(text: str) -> tuple[str, Signature | None]:
    """Split ``TEXT — Name (@handle)`` ending ``text`` into TEXT and a signature whose date
    is unknown: what the publish markup leaves when the page emptied its date link (``—
    Name (@handle) <a href=STATUS></a>``). The caller vouches for the link."""
    match = UNDATED_SIGNATURE_RE.search(text.rstrip())
    if not match:
        return text, None
    start, name = em_dash_name(text, match) or (match.start(), match.group("name").strip())
    handle = match.group("handle").replace("\\", "")
    return text[:start].rstrip(), {
        "author": name or None,
        "handle": handle,
        "date": None,
        "date_text": None,
    }
