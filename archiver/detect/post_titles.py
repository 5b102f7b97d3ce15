"""A post page's title as X writes it: ``Name on X: "TEXT" / X`` and its variants, in each
language X titles its pages in.

The text form reads it on a line of extracted text (``text_titles``), HTML detection in a
link's label or a frame's title, and snapshots in the title of a post's own page: its own
module, so that each reads the one definition without importing the text detector.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A display name may quote a nickname (``Dwayne "The Rock" Johnson``): quotes in pairs only,
# so that the first unpaired quote is where the post's text starts.
_NAME = r'(?:[^\n"“”„«「]|"[^\n"“”]{1,40}"|“[^\n"“”]{1,40}”){1,80}?'
_SITE = r"(?:Twitter|X)"
# How X titles a post's page in the language of its interface: English ``Name on X: "TEXT"
# / X``, German ``Name auf X: „TEXT“ / X``, French ``Name sur X : "TEXT" / X``, Italian
# ``Name su X: …``, Portuguese ``Name no X: …``, Spanish ``Name en X: …`` and Japanese
# ``XユーザーのNameさん: 「TEXT」 / X``, Chinese ``X 上的 Name："TEXT" / X`` (X's own
# bundle writes the name part ``"X 上的 "+fullName``, also with a space after the name)
# (``Twitter`` in each before 2023). Other languages' forms are not read.
TITLE_RE = re.compile(
    rf"^(?P<name>{_NAME})(?: on {_SITE}(?: \(formerly Twitter\))?|(?P<local> (?:auf|sur|su|no|en)"
    rf" {_SITE}))[ \u00a0]?: [\"“„«](?P<text>.*)$"
)
JA_TITLE_RE = re.compile(rf"^{_SITE}ユーザーの(?P<name>[^\n「」]{{1,80}}?)さん: 「(?P<text>.*)$")
ZH_TITLE_RE = re.compile(rf"^{_SITE} 上的 (?P<name>[^\n：\"“”]{{1,80}}?) ?：[\"“](?P<text>.*)$")
_TITLE_END = re.compile(
    r'^(?P<text>.*?)(?:(?P<inner> / X)["”]|["”“»」](?P<outer> / (?:X|Twitter))|["”“»」])'
    r"(?: \((?:mobile\.)?(?:twitter|x)\.com\))?\s*$",
    re.S,
)
# The count of unread notifications X puts before its tab's title: ``(3) Name on X: …``.
_UNREAD = re.compile(r"^\(\d{1,4}\) ")


def may_hold_title(text: str) -> bool:
    """A cheap test before ``TITLE_WORDS``: the site's name as a title writes it."""
    return " X" in text or " Twitter" in text or "ユーザーの" in text or " 上的 " in text


# What a line holding a title holds: `` on `` or a localized title's words.
TITLE_WORDS = re.compile(rf" (?:on|auf|sur|su|no|en) {_SITE}\b|ユーザーの|\b{_SITE} 上的 ")


class Title(NamedTuple):
    """A post page's title: the author's name (and handle, when the title gives it), the
    text, and whether it ends with the `` / X`` suffix."""

    name: str
    text: str
    suffixed: bool
    handle: str | None = None


# The name as X's og:title writes it, ``Name (@handle) on X``.
_NAME_AND_HANDLE = re.compile(r"(?P<name>.*?\S)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)")


def parse_title(line: str) -> Title | None:
    """``Name on X: "TEXT" / X`` (also ``Name (@handle) on X: …``, a tab's ``(3) `` before
    it, `` (x.com)`` after it as Edge copies a link), else None. A title in another language
    counts only with its `` / X`` suffix: ``Macron a écrit sur X : « … »`` is prose."""
    line = _UNREAD.sub("", line.strip())
    head = TITLE_RE.match(line) or JA_TITLE_RE.match(line) or ZH_TITLE_RE.match(line)
    if not head:
        return None
    tail = _TITLE_END.match(head.group("text"))
    if not tail or len(head.group("name").split()) > 10:
        return None
    suffixed = bool(tail.group("inner") or tail.group("outer"))
    if not suffixed and (head.re is not TITLE_RE or head.group("local")):
        return None
    name = head.group("name").strip()
    named = _NAME_AND_HANDLE.fullmatch(name)
    handle = named["handle"] if named else None
    return Title(named["name"] if named else name, tail.group("text").strip(), suffixed, handle)


def vouched_title(title: Title, status: tuple[str, str | None] | None) -> bool:
    """A title without X's suffix still names a post when it is the label of a link to that
    post and gives the same handle (``[Jane Roe (@janeroe) on Twitter: "…"](…/janeroe/status/…)``,
    or such a link around a screenshot whose ``alt`` is the title): the link vouches for it."""
    if status is None or not title.handle or not status[1]:
        return False
    return title.handle.casefold() == status[1].casefold()
