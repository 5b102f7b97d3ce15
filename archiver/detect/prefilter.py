"""The byte-level pre-filter: can this page hold an embed at all?

Every embed form the detectors accept writes one of a few literal markers into the page.
The markers are searched in one pass (an Aho-Corasick automaton from ``ahocorasick_rs``,
whose SIMD prefilter runs at several GB/s: a tenth of the cost of the ``bytes.find`` passes
it replaced). The one two-byte marker, ``(@``, is left out of it (so short a pattern would
make the automaton check candidates at every other byte): it is found with a ``memchr`` pass
for ``@``. Each hit is then checked for the context that makes it real:

* a status path (``/status``, ``%2Fstatus``, or its slash as any entity: ``&#x2F;status``,
  ``&#47;status``, ``&sol;status``, one marker ``;status``) only counts with a post host
  (twitter, x.com, a mirror) just before it, as the URL grammar requires;
* ``twitter-tweet`` or ``twitter-video`` counts only as a whole class name (the embed classes
  are whole names): not after a dot (a CSS selector), not inside a longer name
  (``sharebar-twitter-tweet``, ``twitter-tweet-button``; ``twitter-tweet-rendered`` is one);
* ``data-tweet`` counts in any attribute name but a timeline widget's ``data-tweet-limit``
  (``read_props`` reads the JSON of ``data-tweet-options`` and the like), also in upper or
  title case (``DATA-TWEET-ID``): HTML reads attribute names in any case;
* a title marker (`` on X: ``) counts only when a quote may follow it, after spaces, tags or
  a Markdown link's ``[``: the title form quotes the post (``Follow her on X: @ada`` is not
  one);
* a card's timestamp marker (``M ·``, ``M∙``, ``M - ``, ``m. · ``…: ``card_text.TIME_HINTS``)
  counts only inside X's timestamp form, ``3:04 PM · Oct 7, 2025`` (Twitter's before 2019:
  ``8:27 AM - 21 Jun 2016``; X in German: ``11:42 vorm. · 1. Januar 2024``);
* a Hugo or Jekyll opening (``{{<``, ``{% t``…) only counts with a tweet shortcode's name
  (``tweet``, ``twitter``, ``x``) just after it: templates of every kind write the rest;
* ``(@`` (Pandoc's Markdown: ``(\\@``) only counts as the signature of a flattened embed:
  ``(@handle)`` then a date in any locale (a year soon after, or an English month name),
  possibly after a few tags
  (``<a href=…>18. März 2025</a>``). The handle may be a link inside the parentheses
  (``(<a href=…>@handle</a>)``, a CMS that links mentions): a ``@`` after a ``>`` is read
  back to its ``(``.

Markup kept as base64 (Borlabs Cookie: in an attribute, or as a script's text) has its own
markers: what ``twitter-tweet`` and ``/status/`` look like inside base64 at each of the three
alignments.

``survey`` also tells the HTML detector which of its (costlier) searches a candidate
page needs at all.
"""

from __future__ import annotations

import base64
import re
from typing import NamedTuple

import ahocorasick_rs

from .card_text import AM_PM_SPACES, DOT_SPACES, TIME_HINTS


def base64_markers(text: bytes) -> tuple[bytes, ...]:
    """What ``text`` looks like inside base64 at each of the three alignments: the
    characters whose six bits all come from ``text``, whatever bytes precede it."""
    found = []
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + text)
        start, end = -(-8 * pad // 6), 8 * (pad + len(text)) // 6
        found.append(encoded[start:end])
    return tuple(found)


# Base64 of embed markup holds one of these (the pre-filter looks for them).
BASE64_MARKERS = base64_markers(b"twitter-tweet") + base64_markers(b"/status/")


# Tweet shortcodes left as text: WordPress ``[tweet``; Hugo ``{{<`` or ``{{%`` then spaces or
# the shortcode's name; Jekyll ``{%``, an optional ``-`` and one optional space, then the
# tag's name (``shortcodes.SHORTCODE_RE`` accepts no more). A page may escape the ``[`` or ``<`` as
# an entity, which the parser reads as the shortcode: ``;tweet`` counts after one that
# stands for ``[`` (``&#91;``, ``&#x5B;``, ``&lsqb;``…), ``{{&lt``, ``{{&LT`` or ``{{&#``
# when the entity stands for ``<`` (``&lt;``, ``&#60;``…). Each is four bytes or more:
# shorter ones slowed the automaton by half. Those that other templates write too count
# only in their context (``SHORTCODE_AHEAD``, ``BRACKET_BEFORE``). Not read: braces written
# as entities too (``&#123;&#123;&lt;``), and a ``[`` entity without its ``;``.
ESCAPED_BRACKET_MARKER = b";tweet"
# XenForo's ``[MEDIA=twitter]ID[/MEDIA]`` left as text (whole: ``=twitter`` alone is in
# every share link's ``utm_source=twitter``, which cost the automaton a third of its time).
BBCODE_MARKERS = (b"[MEDIA=twitter]", b"[media=twitter]")
WORDPRESS_MARKERS = (b"[tweet", ESCAPED_BRACKET_MARKER, *BBCODE_MARKERS)
SHORTCODE_MARKERS = (
    b"[tweet",
    *BBCODE_MARKERS,
    b"{{&lt",
    b"{{&LT",
    b"{{&#",
    b"{{< ",
    b"{{<t",
    b"{{<x",
    b"{{% ",
    b"{{%t",
    b"{{%x",
    b"{% t",
    b"{%tw",
    b"{%- ",
    b"{%-t",
    # MDX components left as text in Markdown (``shortcodes.MDX_COMPONENTS``).
    b"<Tweet",
    b"<TwitterTweetEmbed",
    b"<StaticTweet",
    b"<EmbeddedTweet",
)
SHORTCODE_AHEAD = re.compile(
    rb"\{\{(?:<|%|&(?:lt|LT|#0*60|#[xX]0*3[cC]);?) *(?:tweet|twitter|x)(?:_simple)?\s"
    rb"|\{%-? ?(?:twitter|tweet)\s"
    rb"|<(?:Tweet|TwitterTweetEmbed|StaticTweet|EmbeddedTweet)\s"
)
# An entity standing for ``[``, just before ``;tweet``'s ``tweet``.
BRACKET_BEFORE = re.compile(rb"&(?:#0*91|#[xX]0*5[bB]|lsqb|lbrack);\Z")
BRACKET_WINDOW = 16
_SHORTCODE_MARKER_SET = frozenset((*SHORTCODE_MARKERS, ESCAPED_BRACKET_MARKER))
_WORDPRESS_MARKER_SET = frozenset(WORDPRESS_MARKERS)


# An ID attribute's name: HTML reads attribute names in any case (``DATA-TWEET-ID``).
ID_MARKERS = (b"data-tweet", b"DATA-TWEET", b"Data-Tweet")
_ID_MARKER_SET = frozenset(ID_MARKERS)


# heise's Embetty element, ``<embetty-tweet status="ID">``: its ID is in an attribute named
# ``status`` (read with the ID attributes' search).
EMBETTY_MARKER = b"<embetty-tweet"

# An embed component's props in a script's state (``script_props``): X's option beside the ID.
PROPS_MARKER = b"hideThread"

# Written by every markup form the HTML detector accepts (status URLs, plain or
# percent-/entity-encoded; embed classes; ID attributes; embed iframe paths; shortcodes).
# The slash as an entity: three markers, not one ``;status`` (a ``;`` starts too many places
# in scripts and styles: that marker made the survey of the generated pages 25% slower).
MARKERS = (
    b"/status",
    b"%2Fstatus",
    b"%2fstatus",
    b"&#x2F;status",
    b"&#x2f;status",
    b"&#47;status",
    b"twitter-tweet",
    b"twitter-video",
    b"nojs-tweet",
    *ID_MARKERS,
    b"tweetid",
    b"embed/Tweet",
    b"embed/Post.html",
    b"twitter.com/embed/index",
    b"i/videos/",  # the video player, ``i/videos/tweet/ID`` or ``i/videos/ID``
    b"twitter.com/i/cards/tfw",
    b"s9e.github.io",  # s9e MediaEmbed's frames (``urls.S9E_IFRAME_RE``; rare first bytes)
    *SHORTCODE_MARKERS,
    b"createTweet",
    b"tweetId",  # component props: data-react-props='{"tweetId": …}'
    PROPS_MARKER,
    EMBETTY_MARKER,
    *BASE64_MARKERS,
    ESCAPED_BRACKET_MARKER,  # last: placed with the others, it slowed the search by 20%
)
# A post card's timestamp line, flattened (``card_text``): ``3:04 PM · Oct 7, 2025``.
CARD_MARKERS = tuple(hint.encode() for hint in TIME_HINTS)
# A title in another language (``post_titles.TITLE_RE``): its words, checked for the colon after
# them (``sur X : "…"``, the space before it perhaps a no-break one); Japanese's ``さん: ``.
# Those of before 2023 (``auf Twitter``) have none: see ``MAX_FAST_MARKERS``.
LOCAL_TITLE_WORDS = (b"auf", b"sur", b"su", b"no")
# Spanish's ``Name en X: "…"`` and Chinese's ``X 上的 Name："…"`` have no fast marker: any
# pattern for them starts with bytes found everywhere (`` X: ``, `` en X``, `` 上的 `` cost
# the survey of the generated pages 10%), so only a text the automaton passed over is
# searched for them (``slow_titles``). In a page's HTML they count only beside another marker.
# Spanish's marker starts at the space before the ``X`` (a colon there never has a space
# before it), and `` en`` just before it is checked (``SPANISH_BEFORE``). Chinese's words,
# `` 上的 `` (``X`` or ``Twitter`` before them), are followed by the name and a full-width
# colon (``CHINESE_AHEAD``).
SPANISH_TITLE_MARKER = b" X: "
SPANISH_BEFORE = b" en"
CHINESE_TITLE_MARKER = " 上的 ".encode()
LOCAL_TITLE_MARKERS = (
    *(b" %s X" % word for word in LOCAL_TITLE_WORDS),
    "さん: ".encode(),
)
# Written by the flattened text forms (signature line, title line, card timestamp).
TEXT_MARKERS = (
    b"(@",
    b" on X: ",
    b" on X (formerly Twitter): ",
    b" on Twitter: ",
    *LOCAL_TITLE_MARKERS,
    *CARD_MARKERS,
)

HOST_HINTS = (
    b"twitter",
    b"Twitter",
    b"TWITTER",
    b"x.com",
    b"X.com",
    b"X.COM",
    b"nitter",
    b"xcancel",
    b"fixupx",
    b"fixvx",
    b"twittpr",
    b".onion",
)
HOST_WINDOW = 96  # bytes before "status": scheme-less host, "/#!/@", a 15-char handle, escapes
_MONTHS = b"January|February|March|April|May|June|July|August|September|October|November|December"
# A signature's date holds a year (20xx) soon after the handle, in ASCII, Arabic-Indic,
# Persian, fullwidth, Devanagari or Bengali digits (UTF-8 bytes), or starts with an English
# month: "(@anaruiz) 3 hours ago" under a comment is not a signature.
_YEAR = (
    rb"(?:20[0-9]{2}|\xd9\xa2\xd9\xa0|\xdb\xb2\xdb\xb0|\xef\xbc\x92\xef\xbc\x90"
    rb"|\xe0\xa5\xa8\xe0\xa5\xa6|\xe0\xa7\xa8\xe0\xa7\xa6)"
)
# The handle may be a link (``(<a href="https://twitter.com/jd">@jd</a>)``: a CMS that links
# every mention): up to two tags each side of it, within the parentheses. The date may be on
# the next line of a Markdown quote (``(@jd)\n> March 1, 2024``: a wrapped line).
SIGNATURE_AHEAD = re.compile(
    rb"\((?:<[^<>]{0,400}>){0,2}\\?@(?:[A-Za-z0-9_]|\\_){1,15}(?:</?[A-Za-z][^<>]{0,40}>){0,2}\)"
    rb"\s*(?:>[ \t]*)?(?:<[^<>]{0,400}>\s*){0,4}\[?"
    rb"(?:(?:" + _MONTHS + rb")\b|[^\n<]{0,48}?" + _YEAR + rb")"
)


# Before and after an embed class name: what may not touch it (a letter, digit, ``_`` or
# ``-`` makes a longer name; ``\\t`` or ``\\n`` before it is a JSON string's escaped space).
_CLASS_BEFORE = re.compile(rb"(?<![A-Za-z_.-])|(?<=\\[tnrf])")
_CLASS_AFTER = re.compile(rb"(?:-rendered)?(?![A-Za-z0-9_-])")
# A timeline widget's attribute, not a post's ID (``read_props`` reads the JSON of any other
# ``data-tweet…`` attribute).
_NOT_AN_ID = b"-limit"
# After a title marker: a quote (``"``, an entity, or any non-ASCII byte: curly quotes in
# every encoding), possibly after spaces, comments, tags (a ``>`` in a quoted value does not
# end one) or ``[``, within ``TITLE_WINDOW`` bytes.
TITLE_AHEAD = re.compile(
    rb"(?:\s|<!--(?:[^-]|-(?!->))*+-->|<(?:[^<>\"']|\"[^\"]*+\"|'[^']*+')*+>|\[)*+[\"&\x80-\xff]"
)
TITLE_WINDOW = 65536
# After a localized title's words (``LOCAL_TITLE_MARKERS``): the colon, perhaps after a
# space, a no-break space or a narrow one (French); Japanese's marker holds its colon.
LOCAL_COLON = re.compile(rb"(?: |\xc2\xa0)?: ")
_LOCAL_TITLE_SET = frozenset(b" %s X" % word for word in LOCAL_TITLE_WORDS)
# After Chinese's marker: the name (up to 80 characters: 320 bytes) and the colon (U+FF1A).
CHINESE_AHEAD = re.compile(rb"[^\n<>]{1,320}?\xef\xbc\x9a")
# Around a card marker (which runs from the ``M`` of AM or PM, or the ``m.`` of ``vorm.``,
# ``nachm.`` or ``a. m.``, to the separator): the time's digits and the space before AM/PM
# before it, the space after the separator and the date after it, month or day first, as
# ``card_text`` defines them (a month name in any script: its UTF-8 bytes; the detector
# reads the name).
CARD_BEFORE = re.compile(
    rb"\d:\d\d(?:"
    + b"|".join(re.escape(s.encode()) for s in AM_PM_SPACES)
    + rb")(?:[AP]|vor|nach|[ap]\.(?:"
    + b"|".join(re.escape(s.encode()) for s in AM_PM_SPACES[1:])
    + rb"))\Z"
)
CARD_WINDOW = 16  # bytes before a card marker: ``12:42\u202fnach``
CARD_AHEAD = re.compile(
    rb"(?:"
    + b"|".join(re.escape(s.encode()) for s in DOT_SPACES)
    + rb")?(?:[A-Za-z]{3,4}\.? \d{1,2}, |\d{1,2}\.? [A-Za-z\x80-\xff]{3,36}\.? )(?:19|20)\d\d"
)
_CARD_MARKER_SET = frozenset(CARD_MARKERS)


_TWEET_ID = (b"tweetId", b"tweetid")  # markers that start inside ``;tweet``

SIGNATURE = b"(@"
_TITLE_MARKERS = tuple(m for m in TEXT_MARKERS if m != SIGNATURE)
_TITLE_MARKER_SET = frozenset(_TITLE_MARKERS)
_SEARCHED = MARKERS + _TITLE_MARKERS
# The automaton's SIMD search (Teddy) takes at most 64 patterns: one more made the pre-filter
# five times slower on the real pages (3 ms to 17 ms). Each marker costs too, most those
# whose first bytes are common (``=twitter``, in every share link, cost a third).
MAX_FAST_MARKERS = 64


def _automaton(patterns: tuple[bytes, ...]) -> ahocorasick_rs.BytesAhoCorasick:
    # Leftmost-first, non-overlapping: no marker starts inside another (except data-tweet and
    # tweetid, which mean the same; Hugo's "{{%", which holds Jekyll's "{% ": a Hugo shortcode
    # either way; and ";tweet", which holds tweetId: ``_hits`` reports that one when ";tweet"
    # is not real), so no real marker is hidden by another's match.
    return ahocorasick_rs.BytesAhoCorasick(
        list(patterns), matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_FIRST
    )


_ALL = _automaton(_SEARCHED)
_TITLES = _automaton(_TITLE_MARKERS)


MEMCHR_HITS = 2000  # past this many "@", a two-byte find is cheaper than a loop per "@"


# Pandoc's Markdown escapes every ``@`` (``(\\@handle)``: not a citation).
ESCAPED_SIGNATURE = b"(\\@"
LINKED_HANDLE = b">@"  # a handle written as a link: ``(<a href=…>@jd</a>)``
LINK_WINDOW = 512  # bytes back from a linked handle to its "(": at most two start tags


def _signatures(data: bytes):
    """Start of every ``(@``, and the ``(`` before each linked handle's tags (the markers are
    too short for the automaton). A one-byte find for ``@`` is a memchr, ten times faster
    than a two-byte find, while ``@`` is rare."""
    at, seen = data.find(b"@"), 0
    while at >= 0 and seen < MEMCHR_HITS:
        if at and data[at - 1] == 0x28:  # "("
            yield at - 1
        elif at and data[at - 1] == 0x3E:  # ">"
            yield from _linked_opening(data, at)
        elif at > 1 and data[at - 1] == 0x5C and data[at - 2] == 0x28:  # "(\\@": Markdown's
            yield at - 2
        at, seen = data.find(b"@", at + 1), seen + 1
    if at < 0:
        return
    rest = max(at - 1, 0)
    found = data.find(SIGNATURE, rest)
    while found >= 0:
        yield found
        found = data.find(SIGNATURE, found + 2)
    found = data.find(LINKED_HANDLE, rest)
    while found >= 0:
        yield from _linked_opening(data, found + 1)
        found = data.find(LINKED_HANDLE, found + 2)
    found = data.find(ESCAPED_SIGNATURE, rest)
    while found >= 0:
        yield found
        found = data.find(ESCAPED_SIGNATURE, found + 3)


def _linked_opening(data: bytes, at: int):
    """The ``(`` that opens the parentheses of a handle at ``at`` written after a tag, if
    one is near (``_real`` checks that only tags stand between them)."""
    opening = data.rfind(b"(", max(0, at - LINK_WINDOW), at)
    if opening >= 0 and data[opening + 1 : opening + 2] == b"<":
        yield opening


CHUNK = 1 << 20  # the automaton returns a list: search big pages a megabyte at a time


def matches(data: bytes, automaton, markers: tuple[bytes, ...]):
    """(marker, start) of every marker occurrence, in order, in bounded memory."""
    if len(data) <= CHUNK:
        for index, start, _ in automaton.find_matches_as_indexes(data):
            yield markers[index], start
        return
    overlap = max(map(len, markers)) - 1  # a marker starting in a chunk ends in its window
    view = memoryview(data)
    for offset in range(0, len(data), CHUNK):
        window = view[offset : offset + CHUNK + overlap]
        for index, start, _ in automaton.find_matches_as_indexes(window):
            if start < CHUNK:
                yield markers[index], offset + start


def _hits(data: bytes, automaton, markers: tuple[bytes, ...]):
    """(marker, start) of every marker occurrence that is real, signatures last."""
    for marker, start in matches(data, automaton, markers):
        if _real(data, marker, start):
            yield marker, start
        elif marker == ESCAPED_BRACKET_MARKER and (
            hidden := next((m for m in _TWEET_ID if data.startswith(m, start + 1)), None)
        ):  # ``&quot;tweetId&quot;``: the automaton went past the marker inside this one
            yield hidden, start + 1
    for start in _signatures(data):
        if _real(data, SIGNATURE, start):
            yield SIGNATURE, start


def _real(data: bytes, marker: bytes, start: int) -> bool:
    """The context check for a marker found at ``start``."""
    if marker.endswith(b"status"):
        window = data[max(0, start - HOST_WINDOW) : start]
        return any(hint in window for hint in HOST_HINTS)
    if marker in (b"twitter-tweet", b"twitter-video"):
        end = start + len(marker)
        return bool(_CLASS_BEFORE.match(data, start) and _CLASS_AFTER.match(data, end))
    if marker in _ID_MARKER_SET:
        after = start + len(marker)
        return data[after : after + len(_NOT_AN_ID)].lower() != _NOT_AN_ID
    if marker in _CARD_MARKER_SET:
        after = start + len(marker)
        return bool(
            CARD_BEFORE.search(data, max(0, start - CARD_WINDOW), start)
            and CARD_AHEAD.match(data, after)
        )
    if marker in _TITLE_MARKER_SET:
        after = start + len(marker)
        if marker in _LOCAL_TITLE_SET:
            colon = LOCAL_COLON.match(data, after)
            if colon is None:
                return False
            after = colon.end()
        return TITLE_AHEAD.match(data, after, after + TITLE_WINDOW) is not None
    if marker == ESCAPED_BRACKET_MARKER:
        return BRACKET_BEFORE.search(data, max(0, start - BRACKET_WINDOW), start + 1) is not None
    if marker == b"(@":
        return SIGNATURE_AHEAD.match(data, start) is not None
    if marker in _SHORTCODE_MARKER_SET and marker not in _WORDPRESS_MARKER_SET:
        return SHORTCODE_AHEAD.match(data, start) is not None
    return True


def slow_titles(data: bytes) -> bool:
    """True when a text holds a title line whose marker would slow the automaton (Spanish's,
    Chinese's: ``SPANISH_TITLE_MARKER``), found with ``bytes.find``."""
    start = data.find(SPANISH_TITLE_MARKER)
    while start >= 0:
        after = start + len(SPANISH_TITLE_MARKER)
        before = start - len(SPANISH_BEFORE)  # negative: the text starts with the marker
        if (
            before >= 0
            and data.startswith(SPANISH_BEFORE, before)
            and TITLE_AHEAD.match(data, after, after + TITLE_WINDOW) is not None
        ):
            return True
        start = data.find(SPANISH_TITLE_MARKER, after)
    start = data.find(CHINESE_TITLE_MARKER)
    while start >= 0:
        if _chinese_title(data, start, start + len(CHINESE_TITLE_MARKER)):
            return True
        start = data.find(CHINESE_TITLE_MARKER, start + len(CHINESE_TITLE_MARKER))
    return False


def _chinese_title(data: bytes, start: int, after: int) -> bool:
    """Chinese's title marker: ``X`` or ``Twitter`` before it (prose writes `` 上的 `` after
    other names too), the name and the full-width colon after it, then the quote."""
    if not (data.endswith(b"X", 0, start) or data.endswith(b"Twitter", 0, start)):
        return False
    colon = CHINESE_AHEAD.match(data, after)
    end = colon.end() if colon is not None else 0
    return colon is not None and TITLE_AHEAD.match(data, end, end + TITLE_WINDOW) is not None


class PageHints(NamedTuple):
    """What the pre-filter saw, i.e. which searches a candidate page needs (a False one is
    provably useless for it)."""

    markup: bool = True  # a markup marker: the HTML detector can find something
    text_forms: bool = True  # a title or signature line of a flattened embed
    id_attributes: bool = True  # data-tweet-id / data-tweetid / data-tweet
    text_urls: bool = True  # a status URL or shortcode in text, not inside a tag
    generators: bool = True  # a Hugo or Jekyll shortcode's opening (WordPress's is a text URL)
    scripts: bool = True  # createTweet("ID") calls
    encoded: bool = True  # base64 of embed markup (in an attribute or a script's text)
    text_markers: int | None = None  # how many signature or title lines (None: not counted)
    json_markup: bool = True  # an embed class in JSON-escaped markup (``json_markup``)
    script_props: bool = True  # embed props in a script's state (``script_props``)

    @property
    def candidate(self) -> bool:
        return self.markup or self.text_forms


ALL_SEARCHES = PageHints()
_CLASS_MARKERS = frozenset({b"twitter-tweet", b"twitter-video"})
_ESCAPED_QUOTES = (b'\\"', b"\\u0022")  # a JSON string's quote
ESCAPED_WINDOW = 64  # bytes before an embed class: ``class=\"other-class twitter-tweet``


def _json_escaped(data: bytes, start: int) -> bool:
    """The embed class at ``start`` is in a class attribute written inside a JSON string."""
    window = data[max(0, start - ESCAPED_WINDOW) : start]
    return any(quote in window for quote in _ESCAPED_QUOTES)


_ID_MARKERS = frozenset({*ID_MARKERS, b"tweetid", EMBETTY_MARKER})
_BASE64_MARKER_SET = frozenset(BASE64_MARKERS)
_TEXT_MARKER_SET = frozenset(TEXT_MARKERS)


class _TagSide:
    """Whether an offset is in a page's text (its last ``<`` before it is closed) rather
    than inside a tag. Offsets come in order, so each byte is searched once: searching back
    from each to the page's start made a page of 200,000 status URLs and no tag quadratic
    (31 s)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.seen, self.lt, self.gt = data, 0, -1, -1

    def in_text(self, at: int) -> bool:
        if at < self.seen:  # out of order: searched afresh
            return self.data.rfind(b">", 0, at) > self.data.rfind(b"<", 0, at)
        self.lt = max(self.lt, self.data.rfind(b"<", self.seen, at))
        self.gt = max(self.gt, self.data.rfind(b">", self.seen, at))
        self.seen = at
        return self.gt > self.lt


def survey(data: bytes) -> PageHints:
    """One pass over the page, noting every kind of marker it holds."""
    markup = ids = text_urls = generators = scripts = encoded = escaped = props = False
    text = 0
    side = _TagSide(data)
    for marker, start in _hits(data, _ALL, _SEARCHED):
        if marker in _TEXT_MARKER_SET:
            text += 1
            continue
        markup = True
        if marker in _ID_MARKERS:
            ids = True
        elif marker == b"createTweet":
            scripts = True
        elif marker == PROPS_MARKER:
            props = True
        elif marker in _BASE64_MARKER_SET:
            encoded = True
        elif marker in _CLASS_MARKERS:
            escaped = escaped or _json_escaped(data, start)
        elif marker in _SHORTCODE_MARKER_SET or (
            marker.endswith(b"status") and side.in_text(start)
        ):
            text_urls = True
            generators = generators or (
                marker in _SHORTCODE_MARKER_SET and marker not in _WORDPRESS_MARKER_SET
            )
    found = (markup, text > 0, ids, text_urls, generators, scripts, encoded, text, escaped, props)
    return PageHints(*found)


def has_markers(data: bytes) -> bool:
    """True when the page may hold an embed in any supported form."""
    return survey(data).candidate


def text_marker_count(data: bytes) -> int:
    """How many text-form markers (signature or title) a page or fragment holds."""
    return sum(1 for _ in _hits(data, _TITLES, _TITLE_MARKERS))
