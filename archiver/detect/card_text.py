"""A post card flattened to text: what a text extractor keeps of a post a page renders in its
own markup (react-tweet on Next.js sites, Substack's and other static cards) rather than in
X's frame, whose text no extractor sees.

The card's lines are its header (the author's name, then ``@handle`` on its own line or
after the name; a ``·`` and ``Follow`` may come after it, and ``Replying to @someone``),
the post's text, and X's timestamp line, ``3:04 PM · Oct 7, 2025`` (Substack writes ``∙``).
The timestamp line is the anchor: X writes that form, prose does not. A card quoting
another post holds the quoted post's header and text before the timestamp too: the text is
cut at the first header after the card's own.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from .signature import ENGLISH_MONTHS, parse_date

# A card's timestamp, ``3:04 PM · Oct 7, 2025``, defined once here for the detector, the
# test of which lines to try, and the pre-filter's markers. Before AM or PM: a space or none,
# or a no-break one as Intl.DateTimeFormat writes it (U+202F, U+00A0). The separator: X's
# middle dot or Substack's bullet operator, with a space or a no-break space (``&nbsp;``)
# each side; or a hyphen between spaces, as Twitter wrote it until 2019 (its post pages and
# the embeds widgets.js rendered: ``8:27 AM - 21 Jun 2016``). Not read: a separator without
# its spaces (``PM·Oct``): its marker, three bytes, made the pre-filter's pass a sixth slower.
AM_PM_SPACES = ("", " ", "\u00a0", "\u202f")
DOT_SPACES = (" ", "\u00a0")
DOTS = ("·", "∙")
HYPHEN = " - "


def _one_of(options: tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(option) for option in options) + ")"


_DOT_SEPARATOR = f"{_one_of(DOT_SPACES)}{_one_of(DOTS)}{_one_of(DOT_SPACES)}"
_SEPARATOR = f"(?:{_DOT_SEPARATOR}|{re.escape(HYPHEN)})"
# The date: month first (``Oct 7, 2025``, X in American English) or day first (``7 Oct
# 2025`` in British English and on Twitter's pages before 2019; ``7 oct. 2025``, ``7. Okt.
# 2025`` in the locales whose month names ``signature.parse_date`` reads).
_DATE = (
    r"(?P<date>(?P<month>[A-Za-z]{3,4})\.? (?P<day>\d{1,2}), (?P<year>(?:19|20)\d\d)"
    r"|(?P<day_first>\d{1,2})\.? (?P<name>[^\W\d_]{3,9})\.? (?P<its_year>(?:19|20)\d\d))"
)
# Before or after noon as X writes it: ``AM``/``PM``, and in its German and Spanish
# interfaces ``vorm.``/``nachm.`` and ``a. m.``/``p. m.`` (``11:42 vorm. · 1. Januar 2024``).
# Not ``p.m.`` without its space: news sites' own times (AP style) write it so.
LOCAL_NOON = ("vorm.", "nachm.")
_AM_PM = rf"(?:[AP]M|{_one_of(LOCAL_NOON)}|[ap]\.{_one_of(AM_PM_SPACES[1:])}m\.)"
# x.com's own page writes the post's views after its date, on the same row (``3:04 PM · Oct
# 7, 2025 · 1.2M Views``): a reader copying it keeps them on the line.
CARD_TIME = re.compile(
    rf"(?P<time>\d{{1,2}}:\d\d{_one_of(AM_PM_SPACES)}{_AM_PM}){_SEPARATOR}{_DATE}"
    rf"(?:{_DOT_SEPARATOR}\d[\d.,]*[KMB]? Views?)?"
)
# What a line holding a card's timestamp holds from its ``M`` to its separator: the
# pre-filter's markers (as UTF-8), and the text detector's test of which lines to try.
TIME_HINTS = (
    *(f"M{space}{dot}" for space in DOT_SPACES for dot in DOTS),
    f"M{HYPHEN}",
    "m. · ",  # the localized forms' (``vorm. · ``, ``nachm. · ``, ``a. m. · ``)
)
# What may follow the handle in a card's header, on its line or the next: a separator and a
# follow button, each alone or run together (``·Follow``: the text of two inline elements).
_EXTRA = r"(?:[·∙•]\s*(?:Follow|Following|Subscribe)?|Follow|Following|Subscribe)"
HEADER_EXTRA = re.compile(_EXTRA)
HANDLE_LINE = re.compile(
    r"(?:(?P<name>[^@\n]{1,50}?)\s+)?@(?P<handle>[A-Za-z0-9_]{1,15})(?P<extra>\s*" + _EXTRA + ")?"
)
REPLYING = re.compile(r"Replying to (?:@[A-Za-z0-9_]{1,15}[ ,and]*)+")
MONTHS = {
    name: number
    for number, names in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep sept", "oct", "nov", "dec"),
        start=1,
    )
    for name in names.split()
}
WINDOW = 16  # lines from a card's header to its timestamp, at most
MAX_NAME_CHARACTERS = 50
# A name before ``@handle`` on its line that may be an article's words, not a display name:
# a byline (``By Jane Roe @janeroe``), a label (``Speaker: Jane Roe @janeroe``), an invitation
# to follow (``Follow our reporter on X @janeroe``). Such a line is a card's header only when
# the card shows a card's own marks (``_card_marks``): an account may be named so.
# A name ending in a lowercase word that links it to the handle is prose too (an event's
# listing: ``Meetup with @janeroe``, ``Talk by @janeroe``).
PROSE_NAME = re.compile(
    r"(?:by|follow)\b.*|.*:.*|.*\bon (?:x|twitter)(?: \(formerly twitter\))?"
    r"|.*\s(?-i:with|and|by|from|featuring|feat\.|ft\.|at|for|to|of|via|w/)",
    re.IGNORECASE,
)
# What an author box shows where a card shows its post: the author's role (``Jane Roe`` /
# ``@janeroe`` / ``Senior reporter`` / the article's time), a label of the time (``Updated``)
# or the author's contact (``Email``, an address). Such a text is a card's only with a card's
# marks (``_card_marks``, ``_actions_after``), or when its time links the post.
_WORD = r"[^\s.!?@#/]+"
BYLINE_TEXT = re.compile(
    rf"(?:{_WORD}\s+){{0,5}}?"
    r"(?:reporter|writer|editor|correspondent|columnist|journalist|contributor|producer"
    r"|photographer|photojournalist|anchor|presenter|host|analyst|critic|commentator"
    rf"|author|freelancer|intern)s?(?:(?:\s+|,\s*|\s*[|–—-]\s*){_WORD}){{0,5}}"
    r"|(?:published|updated|last updated|posted|e-?mail|contact)(?: (?:on|at))?:?"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
# The row under a card's time: its counts and actions (``214`` / ``Reply`` / ``Copy link``;
# ``LikeReply``, ``1,204Likes312Retweets`` as some extractors run them together).
ACTIONS = re.compile(
    r"(?:\s*(?:\d[\d.,]*[KMB]?|Likes?|Repl(?:y|ies)|Reposts?|Retweets?|Quotes?|Bookmarks?"
    r"|Views?|Copy link|Share|Read \d[\d.,]*[KMB]? repl(?:y|ies)))+\s*"
)


class Header(NamedTuple):
    """A header line: the name before the handle (if any), the handle, whether the name
    reads as prose, whether the line goes on with a separator or follow button."""

    name: str | None
    handle: str
    prose: bool
    marked: bool


class Card(NamedTuple):
    """A flattened card: its first and last lines, and what it shows."""

    first_line: int
    last_line: int
    name: str | None
    handle: str
    text: str
    date: str | None
    date_text: str


def may_hold_card_time(line: str) -> bool:
    return any(hint in line for hint in TIME_HINTS)


def find_card(lines: list[str], index: int, taken: int, linked: bool = False) -> Card | None:
    """The card whose timestamp is line ``index``, its header after line ``taken`` (lines
    already used) and no further than ``WINDOW`` lines above; None when the line is no
    card's timestamp or no header is found. The card's header is the first above the
    text; a later one is a quoted post's, which ends the card's own text. ``linked``: the
    timestamp links to a post. None too for an author box (``BYLINE_TEXT``)."""
    stamp = CARD_TIME.fullmatch(lines[index].strip())
    if stamp is None:
        return None
    top = max(taken + 1, index - WINDOW)
    headers = {
        i: found
        for i in range(top, index)
        if (found := _handle_of(lines[i]))
        and (not found.prose or linked or _card_marks(lines, i, found, index))
    }
    if not headers:
        return None
    first = header = min(headers)
    name, handle = headers[header].name, headers[header].handle
    if name is None and (name := _name_above(lines, header, top)) is not None:
        first = header - 1
    body_start = _after_header(lines, header + 1, index)
    body_end = min((i for i in headers if i >= body_start), default=index)
    text = "\n".join(line.strip() for line in lines[body_start:body_end] if line.strip())
    prose = bool(name and PROSE_NAME.fullmatch(name))  # ``By Jane Roe`` above ``@janeroe``
    if (prose or BYLINE_TEXT.fullmatch(text)) and not (
        linked or _card_marks(lines, header, headers[header], index) or _actions_after(lines, index)
    ):
        return None  # an author box: a name, a handle, a role and the article's time
    return Card(first, index, name, handle, text, _iso_date(stamp), stamp["date"])


def _handle_of(line: str) -> Header | None:
    """A header line: ``@handle`` alone, or after a short name, maybe with a separator and
    a follow button after it."""
    match = HANDLE_LINE.fullmatch(line.strip())
    if match is None or REPLYING.fullmatch(line.strip()):
        return None
    name = match["name"].strip() if match["name"] else None
    prose = bool(name and PROSE_NAME.fullmatch(name))
    return Header(name, match["handle"], prose, match["extra"] is not None)


def _card_marks(lines: list[str], at: int, header: Header, end: int) -> bool:
    """The header at line ``at`` is followed by a card's marks: a separator or follow button
    on its line or the next, or ``Replying to @…`` next."""
    after = next((lines[i].strip() for i in range(at + 1, end) if lines[i].strip()), "")
    return header.marked or _is_extra(after)


def _actions_after(lines: list[str], stamp: int) -> bool:
    """The first line after the timestamp at line ``stamp`` is a card's counts and actions."""
    after = next((line.strip() for line in lines[stamp + 1 :] if line.strip()), "")
    return bool(ACTIONS.fullmatch(after))


def _is_extra(line: str) -> bool:
    return bool(HEADER_EXTRA.fullmatch(line) or REPLYING.fullmatch(line))


def _name_above(lines: list[str], header: int, top: int) -> str | None:
    """The author's name: the line just above a header that is ``@handle`` alone."""
    above = header - 1
    if above < top:
        return None
    name = lines[above].strip()
    if not name or len(name) > MAX_NAME_CHARACTERS or name[-1] in ".:;!?":
        return None
    return name


def _after_header(lines: list[str], start: int, end: int) -> int:
    """The first line of the post's text: after the header's ``·``, ``Follow`` and
    ``Replying to`` lines."""
    at = start
    while at < end and (not lines[at].strip() or _is_extra(lines[at].strip())):
        at += 1
    return at


def _iso_date(stamp: re.Match[str]) -> str | None:
    """The date as YYYY-MM-DD: an English month by the table, any other as a signature's
    date is read (``signature.parse_date``)."""
    if stamp["month"] is not None:
        name, day, year = stamp["month"], stamp["day"], stamp["year"]
    else:
        name, day, year = stamp["name"], stamp["day_first"], stamp["its_year"]
    month = MONTHS.get(name.lower()) or ENGLISH_MONTHS.get(name.lower())
    if month is None:
        return None if stamp["month"] is not None else parse_date(stamp["date"])
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None
