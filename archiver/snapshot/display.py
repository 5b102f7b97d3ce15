"""The text of a post the way X displays it, from either provider's answer (no I/O).

Stored verbatim: HTML entities decoded once, nothing else changed (zero-width joiners inside
emoji, the Persian zero-width non-joiner, line breaks and spaces are kept). Normalising is
for comparing and hashing only (``result.content_sha256``).

syndication's ``display_text_range`` counts UTF-16 code units (X's clients are JavaScript),
while entity ``indices`` count code points: with three 👏 before the hidden link the range
ends three units past the code-point index of the link. Media links are never displayed, even
when they lie inside the range (posts from before the range existed, such as 2012's).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from ..detect.dom import Node, get

Cut = tuple[str, str, str]  # (before, inside, after) the display range

_LEADING_MENTIONS = re.compile(r"(?:\s*@[A-Za-z0-9_]{1,15})*\s*")
_TCO_CODE = re.compile(r"(?:https?://)?t\.co/([A-Za-z0-9]+)", re.IGNORECASE)
_TCO_LINK = re.compile(r"[ \t]*(?i:https?://t\.co/)([A-Za-z0-9]+)\b")
# A whole t.co link as the text holds it: always with its scheme (entity ``url`` values are
# ``https://t.co/CODE``, ``http://`` on 2012-era posts), so a cut inside one is no link.
_TCO_URL = re.compile(r"https?://t\.co/[A-Za-z0-9]+", re.IGNORECASE)
_MEDIA_TEXT = re.compile(r"\s*(?:https?://)?pic\.(?:twitter|x)\.com/[A-Za-z0-9]+\s*", re.I)


def syndication_cut(raw: str, display_range: object) -> Cut:
    """A syndication ``text``, entities decoded once, split at its ``display_range``
    (UTF-16 units): (what is hidden before, what is displayed, what is hidden after).

    Whether the range counts ``&amp;`` as one unit or five is undocumented, so the readings
    are tried in turn (UTF-16 over the decoded text first, then over the escaped text, then
    code points for older fixtures): the first that cuts off only leading @mentions before
    the range and only t.co links after it wins. Without a plausible reading, the first.
    """
    decoded = html.unescape(raw)
    bounds = _bounds(display_range)
    if bounds is None:
        return "", decoded, ""
    return _first_plausible(_readings(raw, decoded, *bounds), decoded)


def whole_note_text(note: str, cut: Cut, hidden_links: Iterable[str]) -> str:
    """The displayed text of a long post from its whole text (``note_tweet``'s), given how
    its cut-short ``text`` was split (``syndication_cut``): entities decoded once, without
    the leading @mentions and the trailing links that split hid, nor ``hidden_links``."""
    text = html.unescape(note)
    before, _, after = cut
    if before.strip() and text.startswith(before):
        text = text[len(before) :]
    return drop_links(text, [*hidden_links, *shown_links(after)]).strip()


def _first_plausible(readings: Iterator[Cut | None], whole: str) -> Cut:
    """The first plausible reading (the others are not computed), else the first reading,
    else the whole text shown."""
    first: Cut | None = None
    for cut in readings:
        if cut is None:
            continue
        if _plausible(cut):
            return cut
        first = first or cut
    return first or ("", whole, "")


def drop_links(text: str, links: Iterable[str]) -> str:
    """``text`` without the t.co links given (http or https, wherever they appear)."""
    codes = {m.group(1) for m in map(_TCO_CODE.fullmatch, links) if m}
    if not codes:
        return text
    # One fixed pattern, the codes looked up per match: a pattern built from each post's
    # codes missed re's cache and was compiled on every check. Codes are case-sensitive.
    return _TCO_LINK.sub(lambda m: "" if m.group(1) in codes else m.group(0), text)


def _bounds(value: object) -> tuple[int, int] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        return None
    start, end = value
    return (start, end) if 0 <= start <= end else None


def _readings(raw: str, decoded: str, start: int, end: int) -> Iterator[Cut | None]:
    """Each reading of the range, decoded; None when it splits a surrogate pair (so it is
    not a UTF-16 reading of this text)."""
    yield utf16_cut(decoded, start, end)
    yield _decoded(utf16_cut(raw, start, end))
    yield decoded[:start], decoded[start:end], decoded[end:]
    yield _decoded((raw[:start], raw[start:end], raw[end:]))


def _decoded(cut: Cut | None) -> Cut | None:
    return (html.unescape(cut[0]), html.unescape(cut[1]), html.unescape(cut[2])) if cut else None


def utf16_cut(text: str, start: int, end: int) -> Cut | None:
    """``text`` split at two UTF-16 code-unit offsets (clamped to its length), or None when
    an offset falls inside a surrogate pair."""
    data = text.encode("utf-16-le", "surrogatepass")
    size = len(data) // 2
    start, end = min(start, size), min(end, size)
    try:
        return (
            data[: 2 * start].decode("utf-16-le"),
            data[2 * start : 2 * end].decode("utf-16-le"),
            data[2 * end :].decode("utf-16-le"),
        )
    except UnicodeDecodeError:
        return None


def _plausible(cut: Cut) -> bool:
    """X hides leading @mentions (replies) and trailing t.co links (media, quotes), nothing
    else: whole links, so a reading that cuts one after its ``https://`` is not this one."""
    before, _, after = cut
    if not _LEADING_MENTIONS.fullmatch(before):
        return False
    return all(_TCO_URL.fullmatch(part) for part in after.split())


def oembed_text(paragraph: Node) -> tuple[str, list[tuple[str, str]]]:
    """The displayed text of an oEmbed blockquote's ``<p>``, and its media links as
    (t.co href, ``pic.twitter.com/…`` text) pairs.

    ``<br>`` is a line break; a ``pic.twitter.com`` anchor is media, not text; any other
    anchor to t.co is written as its t.co address (what the post's text holds and what
    syndication gives; 2012-era markup showed a shortened form of the target instead);
    mentions and hashtags keep their text.
    """
    parts: list[str] = []
    media: list[tuple[str, str]] = []
    _walk(paragraph, parts, media)
    return "".join(parts).strip(), media


MAX_LINKS = 25  # more than any post's text holds; a hostile answer listed thousands


def link_item(url: str, expanded_url: object = None, display_url: object = None) -> dict:
    """One link a post's text shows: the t.co address it holds, where it leads (when the
    answer says) and the short form X shows for it (when not the address itself)."""
    shown = display_url.strip() if isinstance(display_url, str) else ""
    expanded = expanded_url if isinstance(expanded_url, str) and expanded_url else None
    return {"url": url, "expanded_url": expanded, "display_url": shown or None}


def shown_links(text: str) -> list[str]:
    """The t.co links a displayed text holds, as written, each once, in order."""
    return list(dict.fromkeys(_TCO_URL.findall(text)))


def oembed_links(paragraph: Node) -> list[dict]:
    """The t.co links of an oEmbed ``<p>`` that are not media, each with the text its anchor
    shows (2012 markup: a short form of the target; today's: the t.co address itself)."""
    links: list[dict] = []
    for a in paragraph.css("a"):
        href, shown = (get(a, "href") or "").strip(), a.text(deep=True).strip()
        if not _TCO_URL.fullmatch(href) or _MEDIA_TEXT.fullmatch(shown):
            continue
        if all(link["url"] != href for link in links):
            links.append(link_item(href, None, None if shown == href else shown))
    return links[:MAX_LINKS]


def _walk(element: Node, parts: list[str], media: list[tuple[str, str]]) -> None:
    """Text, line breaks and anchors in document order. Iterative: a reply nesting a few
    thousand elements overflowed Python's stack when this recursed."""
    levels = [element.iter(include_text=True)]
    while levels:
        child = next(levels[-1], None)
        if child is None:
            levels.pop()
        elif child.is_text_node:
            parts.append(child.text_content or "")
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag == "a":
            _anchor(child, parts, media)
        elif child.is_element_node:
            levels.append(child.iter(include_text=True))


def _anchor(a: Node, parts: list[str], media: list[tuple[str, str]]) -> None:
    href = (get(a, "href") or "").strip()
    shown = a.text(deep=True)
    if _MEDIA_TEXT.fullmatch(shown):
        media.append((href, shown.strip()))
        if parts:  # the space before a media link goes with it
            parts[-1] = parts[-1].rstrip(" ")
    elif _TCO_CODE.fullmatch(href):
        parts.append(href)
    else:
        parts.append(shown)


# twitter-text's weighting (config v3): code points in these ranges count 1, all others 2
# (CJK, emoji); a joiner, variation selector or skin tone inside an emoji adds nothing.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_WEIGHTLESS = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_AFTER_JOINER = re.compile("\u200d.")

# A long post's text as oEmbed shows it: cut near 280 and ended with "…" (published
# blockquotes of four long posts were 278-282 long), while a post that is not long is at
# most 280. Below this, a text ending in "…" is taken for the post's own.
LONG_POST_CUT = 260


def weighted_length(text: str) -> int:
    """A text's length as X counts it against the 280 limit (twitter-text's weights; an
    emoji sequence joined by zero-width joiners counts as its first emoji, a flag as two
    letters: 4, where X counts 2)."""
    text = _WEIGHTLESS.sub("", _AFTER_JOINER.sub("\u200d", text))
    return sum(1 if any(a <= ord(c) <= b for a, b in _LIGHT) else 2 for c in text)


def looks_cut_long(text: str | None) -> bool:
    """True when oEmbed's text is a long post's cut: it ends in "…" at a length near 280.
    oEmbed does not say a post is long; a post that ends so by itself is taken for one."""
    text = (text or "").rstrip()
    return text.endswith("\u2026") and weighted_length(text) >= LONG_POST_CUT
