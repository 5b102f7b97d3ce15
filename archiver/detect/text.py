"""Find embedded posts in text extracted from an article (reader tools, copy-paste).

Two shapes survive extraction:

* the title form, ``Name on X: "TEXT" / X`` and its variants (``on X (formerly Twitter):
  "TEXT / X"``, ``on Twitter: "TEXT" / Twitter``), often followed by TEXT again in full: the
  repeat belongs to the same embed, and the full text wins over a truncated (``…``) title;
* the signature form, the post's text then ``— Name (@handle) DATE`` with the date in any
  locale (same line or its own paragraph).

A title line without the `` / X`` suffix is only taken when the text repeats after it or a
signature follows, so prose such as ``He wrote on X: "…"`` is not an embed.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from ..normalize import clean_text, comparable, is_truncated, split_media
from ..urls import (
    bare_status,
    canonical_id,
    find_status,
    iter_statuses,
)
from .bylines import is_byline_lead
from .card_text import Card, find_card, may_hold_card_time
from .placeholder_text import placeholder_notice
from .shortcodes import NOTATION_WORDS, find_shortcodes, may_hold_shortcode
from .signature import Signature, split_signature, split_undated_signature
from .text_marks import (
    DUMP_DEFINITION,
    FENCE,
    MD_DEFINITION,
    MD_LINK,
    MD_QUOTE,
    PANDOC_ATTRIBUTES,
    References,
    dump_only_posts,
    fenced_lines,
    image_alt,
    leads_elsewhere,
    linked_whole,
    outside_code_spans,
    references,
    unmark,
    unmark_line,
)

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


class TextHit(NamedTuple):
    """A post found in extracted text, with the lines it spans."""

    first_line: int
    last_line: int
    author: str | None
    handle: str | None
    text: str | None
    date: str | None
    raw: str
    media: tuple[str, ...] = ()
    status_id: str | None = None
    method: str = "text"
    date_text: str | None = None
    # The part of its lines that is the post, when it shares them with other text: where
    # it starts in its first line and ends in its last (None: that line's end).
    columns: tuple[int, int | None] | None = None
    located: bool = True  # False: a part of a line not found as written (its range unknown)

    @property
    def lines(self) -> tuple[int, int]:
        return self.first_line, self.last_line


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


# A title quoted in prose may follow the sentence that introduces it on its line (``Her post
# read: Jane Roe on X: "…" / X``): the part of the name before a colon is that sentence's
# when it reads as one: a capital, then a lowercase word that is no name's particle. A
# display name may hold a colon too (``NASA: Artemis``, ``Friends of the Earth:
# Scotland``): their words before it are capitalized or particles. Only a text's title line
# is read so; a frame's title or X's page title names the author as it is.
_INTRODUCED = re.compile(r"(?P<prose>[A-Z][^:]*?):\s+(?P<name>\S.*)")
_PROSE_WORD = re.compile(r"(?<![\w'’.-])[a-z]{2,}(?![\w'’.-])")
_NAME_PARTICLE = re.compile(
    r"of|the|and|for|d[aeiu]|del|della|des|dos|das|la|les?|van|von|der|den|et"
)


# A sentence telling who wrote it in the name's place (``She wrote on X: "…" / X``): a
# lowercase verb of saying ends it. The title's form is kept, its author is not known.
_SAYING = re.compile(
    r".*\s(?:wrote|writes|posted|posts|tweeted|tweets|said|says|replied|added|shared"
    r"|announced|asked|noted|warned|put it)"
)


def _name_in_prose(name: str) -> str | None:
    """The author's name of a title line, without a sentence introducing it (see above);
    None when the name is a sentence itself."""
    if _SAYING.fullmatch(name):
        return None
    introduced = _INTRODUCED.fullmatch(name)
    if introduced is None:
        return name
    words = _PROSE_WORD.findall(introduced["prose"])
    if all(_NAME_PARTICLE.fullmatch(word) for word in words):
        return name
    return _name_in_prose(introduced["name"])


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip() and not lines[index].startswith("\ufffc"):
            return index
        if lines[index].startswith("\ufffc"):
            return None
    return None


def _repeat_after(lines: list[str], start: int | None, title_text: str) -> tuple[str, int] | None:
    """The full text repeated after a title line: one or more lines equal to the title text,
    or, for a truncated title, the lines that the title is a prefix of. The title runs the
    post's paragraphs together, so the repeat may cross blank lines while it is still a
    prefix of the title's text."""
    if start is None:
        return None
    wanted = comparable(title_text)
    if not wanted:
        return None
    truncated = is_truncated(title_text)
    joined = ""
    for index in range(start, min(len(lines), start + 40)):
        line = lines[index].strip()
        if line.startswith("\ufffc"):
            break
        if not line:
            joined += "\n" if joined else ""
            continue
        joined = f"{joined}\n{line}" if joined else line
        have = comparable(joined)
        if have == wanted or (truncated and have.startswith(wanted)):
            return joined, index
        if not wanted.startswith(have):
            return None
    return None


# A post's text, its links left out, is at most 280 characters (X weighs each one 1 or 2;
# a long post's embed code holds its first 280 and an ellipsis): a little more, for the
# ellipsis and the media links ``comparable`` leaves in.
MAX_POST_CHARACTERS = 300


def _paragraph_before(
    lines: list[str], index: int, taken: int, blank_mode: bool, sig: Signature | None = None
) -> tuple[int, str]:
    """The paragraph just above a signature line (not crossing lines already used).

    A line ending with a colon introduces the embed ("As one resident put it:"): it is
    article prose, so the post's text is empty (a signature-only embed). So is a paragraph
    longer than any post (``MAX_POST_CHARACTERS``): the post's text was lost (a post of
    media only, or an extractor that dropped its ``<p>``) and the article's paragraph is
    what is left above its signature. But when that paragraph is several lines, of which
    the last fits in a post, the last is the post's (an extractor that writes each of a
    page's paragraphs on a line, trafilatura's text, runs the article's into the post's).
    """
    end = index - 1
    while end > taken and not lines[end].strip():
        end -= 1
    if end <= taken or lines[end].startswith("\ufffc") or lines[end].rstrip().endswith(":"):
        return index, ""
    start = end
    if blank_mode:
        while (
            start - 1 > taken
            and lines[start - 1].strip()
            and not _bounds_run(lines[start - 1])
            and not _item_signed(lines, start, index)
        ):
            start -= 1
    item = _item_start(lines, start, index, taken, sig) if blank_mode else None
    if item is not None:
        start = item
    text = _joined(lines[start : end + 1])
    if item is not None:
        return start, text
    if len(comparable(text)) <= MAX_POST_CHARACTERS and (start < end or blank_mode):
        first = _paragraphs_below_article(lines, (start, end), taken, sig) if blank_mode else None
        if first is not None:
            return first, _joined(lines[first : end + 1])
        return start, text
    run = _run_below_article(lines, end, taken)
    if run is not None:
        return run, _joined(lines[run : end + 1])
    last = lines[end].strip()
    return (
        (end, last)
        if (start < end or not blank_mode) and len(comparable(last)) <= MAX_POST_CHARACTERS
        else (index, "")
    )


# A post's own address cut at a line's end by a converter wrapping its lines (w3m breaks
# after a slash: ``pic.twitter.com/`` then ``zR3n2DqaiY``, ``https:/`` then ``/t.co/…``).
# Only the forms a post's links take, which never end with a slash when whole.
WRAPPED_ADDRESS = re.compile(
    r"((?:https?:/{1,2}(?:t\.co/)?|(?:https?://)?pic\.(?:twitter|x)\.com/))\n[^\S\n]*(?=[\w/])"
)


def _joined(lines: list[str]) -> str:
    """Lines as one text, each stripped, a post's address wrapped over two made whole."""
    return WRAPPED_ADDRESS.sub(r"\1", "\n".join(line.strip() for line in lines))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _item_signed(lines: list[str], at: int, index: int) -> re.Match[str] | None:
    """The list marker of line ``at`` when the signature on line ``index`` is indented under
    it: the post is an item of a list an extractor wrote (Pandoc's ``-   ``, Resiliparse's
    ``• ``, a Markdown ``* ``), its text from the item's first line, without the marker (a
    post's own list is indented as its signature is)."""
    marker = LIST_ITEM.match(lines[at])
    if marker is None or _indent(lines[index]) <= _indent(lines[at]):
        return None
    return marker


def _item_start(
    lines: list[str], start: int, index: int, taken: int, sig: Signature | None
) -> int | None:
    """The first line of a post listed as an item (``_item_signed``) whose paragraphs run
    down to line ``start``'s, each set where the item's text starts (Resiliparse writes a
    post's paragraphs so, its marker before the first; w3m sets them all under a marker
    alone on its line). None when line ``start`` is in no
    such item (one of the article's, the post set deeper), or what is between is the
    article's (``_article_s``) or longer than a post."""
    indents: set[int] = set()
    size = 0
    for at in range(start, taken, -1):
        line = lines[at]
        if not line.strip():
            continue
        if item := _item_signed(lines, at, index):
            alone = not line[item.end() :].strip()  # w3m's marker alone, the text below it
            return at if indents <= {item.end()} or (alone and len(indents) == 1) else None
        if _bounds_run(line) or _article_s(line, sig):
            return None
        indents.add(_indent(line))
        size += _joined_size(line, size)
        if size > MAX_POST_CHARACTERS:
            return None
    return None


def _run_below_article(lines: list[str], end: int, taken: int) -> int | None:
    """The first of the lines ending at ``end`` that together fit in a post and have the
    article's just above them (``_article_s``, its author not looked for: a line naming a
    place the author is named after is common there). A post of several paragraphs, in a
    text that writes each of a page's paragraphs on a line (trafilatura's) with nothing
    between the article's and the post's. None when nothing bounds them so (the text's
    start, a blank line, a line already used, or a short line that the post may not hold:
    an article's)."""
    start = end
    size = len(comparable(lines[end]))  # of the run, grown line by line (see below)
    while size <= MAX_POST_CHARACTERS:
        above = start - 1
        if above <= taken or _bounds_run(lines[above]) or not lines[above].strip():
            return None
        if _article_s(lines[above], None):
            return start if start < end else None
        if REPORTED_SPEECH.search(lines[above]):
            return None
        start = above
        size += _joined_size(lines[above], size)
    return None


def _joined_size(line: str, size: int) -> int:
    """What a line adds to the ``comparable`` length ``size`` of the lines under it: its
    own, and a space between. Counted so, a run is read once, not again for each line it
    grows by (lines of bare addresses add nothing: a run of them made the search
    quadratic)."""
    own = len(comparable(line))
    return own + 1 if own and size else own


def _paragraphs_below_article(
    lines: list[str], paragraph: tuple[int, int], taken: int, sig: Signature | None
) -> int | None:
    """The first line of the paragraphs above ``paragraph`` (its first and last lines) that,
    with it, fit in a post and have the article's just above them (``_article_s``). A post
    of several paragraphs whose quote marks the converter dropped (trafilatura's Markdown,
    inscriptis), its signature a paragraph of its own. None when nothing bounds them so (the
    text's start, a line already used, a heading, a code fence, or a short paragraph that
    the post may not hold: an article's); the paragraph above the signature is then the
    post's only one."""
    start, last = paragraph
    first = start
    size = len(comparable("\n".join(lines[start : last + 1])))  # grown as in _joined_size
    while True:
        end = first - 1
        while end > taken and not lines[end].strip():
            end -= 1
        above = end
        while above - 1 > taken and lines[above - 1].strip():
            above -= 1
        if end <= taken or any(_bounds_run(line) for line in lines[above : end + 1]):
            return None
        text = "\n".join(line.strip() for line in lines[above : end + 1])
        if _article_s(text, sig):
            return first if first < start else None
        if REPORTED_SPEECH.search(text):
            return None
        size += _joined_size(text, size)
        if size > MAX_POST_CHARACTERS:
            return None
        first = above


# A quotation closed after its punctuation, its sentence going on (``“…,” one user said.``):
# the article reporting what someone said, as a post seldom does. Above a post's paragraph,
# it leaves what is between it and the post unknown (the article's lead-in, or the post's).
REPORTED_SPEECH = re.compile(r"[,.!?…][\"”»][^\S\n]+\w")


def _article_s(text: str, sig: Signature | None) -> bool:
    """Text above a post's paragraphs that is the article's: longer than any post, ending
    with a colon (it introduces the embed), or naming the signature's author
    (``_names_author``: the article discussing the post, which no post does of itself)."""
    return (
        text.rstrip().endswith(":")
        or len(comparable(text)) > MAX_POST_CHARACTERS
        or (sig is not None and _names_author([text], sig))
    )


def _bounds_run(line: str) -> bool:
    """A line that no post's paragraph is: an embed found in markup, a heading, a fence, a
    signature without a date (``— Name (@handle)``, the post above's)."""
    return (
        line.startswith(SENTINEL)
        or bool(MD_HEADING.match(line) or FENCE.match(line))
        or ("(@" in line and _signs_alone(line))
    )


def _signs_alone(line: str) -> bool:
    """The line is a signature without a date and nothing else: ``— Name (@handle)``."""
    line = line.strip()
    if line[:1] not in "—–":
        return False
    before, sig = split_undated_signature(line)
    return sig is not None and not before


SENTINEL = "\ufffc"  # a line standing for an embed found in markup

# A paragraph that is one Markdown link to a post and nothing else, over up to this many lines
# (a converter wraps a long label): see ``_link_paragraph``.
MAX_LINK_LINES = 3


# Pandoc's Markdown: a fenced div's line (``::: {.js-tweet}``, ``:::``) bounds a paragraph as
# a blank line does.
PANDOC_DIV = re.compile(r"^[^\S\n]*:{3,}")
# The label a page gives its embed's link when the post did not load (``Tweet may have been
# deleted (opens in a new tab)``): a link so labelled, alone in its paragraph, is the embed.
UNAVAILABLE_LABEL = re.compile(
    r"(?:this )?(?:tweet|post) (?:(?:may have been|has been|was) (?:deleted|removed)"
    r"|(?:is )?(?:unavailable|not found))[.!]?"
    r"(?:\s*\[?\((?:opens|link opens) in a new (?:tab|window)\)\]?)?",
    re.I,
)


# A fenced div's opening with its attributes (``::: {.tweet url="https://x.com/…"}``): Pandoc
# keeps the page's attributes on an element it has no Markdown for.
PANDOC_DIV_ATTRIBUTES = re.compile(r"^[^\S\n]*:{3,}[^\S\n]*\{(?P<attributes>[^{}\n]*)\}[^\S\n]*$")
_ATTRIBUTE = re.compile(r'(?P<name>[\w-]+)="(?P<value>[^"]*)"')
TWEET_ID_NAME = re.compile(r"(?:data-)?tweet[-_]?id", re.I)
MAX_DIV_LINES = 12  # of an empty div's nested openings and closings


def _div_post(doc: _Text, index: int) -> TextHit | None:
    """A fenced div that holds nothing (``_empty_div``) and keeps a post in its attributes:
    a value that is a status URL (``url=``, ``embedded-url=``) or a tweet ID attribute's
    (``tweet-id="…"``) snowflake ID. The slot a page's script fills with the post, as
    Pandoc leaves it."""
    opening = PANDOC_DIV_ATTRIBUTES.match(doc.raw_lines[index])
    if opening is None or not _empty_div(doc.raw_lines, index):
        return None
    for attribute in _ATTRIBUTE.finditer(opening["attributes"]):
        name, value = attribute["name"], attribute["value"].strip()
        status = bare_status(value)
        if status is None and TWEET_ID_NAME.fullmatch(name) and len(value) >= 15:
            status = (post_id, None) if (post_id := canonical_id(value)) else None
        if status is not None:
            return _line_hit(index, doc.raw_lines[index], *status, "text")
    return None


def _empty_div(raw_lines: list[str], index: int) -> bool:
    """The fenced div opening on line ``index`` holds no text, only blank lines and divs
    as empty, within ``MAX_DIV_LINES`` lines."""
    depth = 0
    for line in raw_lines[index : index + MAX_DIV_LINES]:
        if not line.strip():
            continue
        if not PANDOC_DIV.match(line):
            return False
        depth += -1 if not line.strip().strip(":") else 1
        if depth == 0:
            return True
    return False


def _quote_blank(doc: _Text, index: int) -> bool:
    """Line ``index`` is blank once its quote markers are gone (or past either end), or a
    fenced div's (``PANDOC_DIV``)."""
    if not 0 <= index < len(doc.raw_lines):
        return True
    line = MD_QUOTE.sub("", doc.raw_lines[index])
    return not line.strip() or PANDOC_DIV.match(line) is not None


def _link_paragraph(doc: _Text, index: int) -> TextHit | None:
    """The paragraph holding line ``index`` when it is one Markdown link to a post and
    nothing else: the minimal embed markup (a blockquote holding only a link to its post)
    as html2text or markdownify flatten it, the label (or Pandoc's attributes) wrapped over
    up to ``MAX_LINK_LINES`` lines. Its label may be a placeholder ("Tweet may have been
    deleted") in a Markdown quote; out of one, only an empty label or one saying the post is
    gone (``UNAVAILABLE_LABEL``) is: a paragraph ``[Retweet this article!](…)`` or a timeline
    widget's ``[November 20, 2019](…)`` is a link. A status link inside a
    sentence stays a link too. Written as an image, ``![](…)``, with or without its ``alt``,
    it is the embed syntax of Obsidian and of converters from Medium: the address of a post
    is no picture."""
    if "](" not in doc.raw_lines[index]:
        return None
    first = last = index
    if doc.blank_mode:
        while not _quote_blank(doc, last + 1):  # Pandoc's attributes wrapped after the link
            last += 1
            if last - first >= MAX_LINK_LINES:
                return None
        while not _quote_blank(doc, first - 1):
            first -= 1
            if last - first >= MAX_LINK_LINES:
                return None
    parts = " ".join(MD_QUOTE.sub("", doc.raw_lines[n]).strip() for n in range(first, last + 1))
    parts = PANDOC_ATTRIBUTES.sub("", parts) if "]{" in parts or "){" in parts else parts
    image = parts.startswith("![")
    link = MD_LINK.fullmatch(parts[1:] if image else parts)
    status = bare_status(link.group(2)) if link else None
    if link is None or status is None:
        return None
    lines = doc.raw_lines[first : last + 1]
    label = " ".join(link.group(1).split())
    quoted = all(_quote_depth(line) for line in lines)
    if label and not image and not quoted and not UNAVAILABLE_LABEL.fullmatch(label):
        return None
    post_id, handle = status
    raw = doc.raw(first, last)
    return TextHit(first, last, None, handle, None, None, raw, status_id=post_id)


def _gone_post_line(doc: _Text, index: int) -> TextHit | None:
    """A paragraph of one line that links a post through a dump's references (lynx's
    ``[69]Tweet may have been deleted``) labelled as gone (``UNAVAILABLE_LABEL``): the
    embed's fallback link, as ``_link_paragraph`` reads it in Markdown."""
    status = doc.linked.get(index)
    if status is None or not UNAVAILABLE_LABEL.fullmatch(doc.lines[index].strip()):
        return None
    if doc.blank_mode and not (_quote_blank(doc, index - 1) and _quote_blank(doc, index + 1)):
        return None
    return _line_hit(index, doc.raw_lines[index], status[0], status[1], "text")


def _placeholder_hit(doc: _Text, index: int) -> TextHit | None:
    """A consent placeholder's notice linking its post (``placeholder_text``), under its
    heading: the post, its text not shown."""
    if not doc.blank_mode:
        return None
    notice = placeholder_notice(doc.raw_lines, index)
    if notice is None:
        return None
    first, last, post_id, handle = notice
    return TextHit(first, last, None, handle, None, None, doc.raw(first, last), status_id=post_id)


def _one_per_rendering(doc: _Text, hits: list[TextHit]) -> list[TextHit]:
    """A post shown twice in a row with only blank lines between is one embed flattened
    twice: an auto-embed's URL line above the blockquote it became, or a blockquote and its
    rendered frame each left as a link. A bare sighting (``_bare``) gives way to the other
    one of the same post (a signature whose post's text was lost keeps its author and date);
    the same post embedded twice has text between."""
    kept: list[TextHit] = []
    for hit in hits:
        before = kept[-1] if kept else None
        if (
            before is None
            or before.status_id is None
            or before.status_id != hit.status_id
            or not all(_quote_blank(doc, n) for n in range(before.last_line + 1, hit.first_line))
        ):
            kept.append(hit)
        elif _bare(before) and hit.method != "link":
            kept[-1] = hit
        elif before.method != "text" or not _bare(hit):
            kept.append(hit)
    return kept


def _bare(hit: TextHit) -> bool:
    """A sighting in text that shows nothing of its post but its address (a status URL
    alone on its line, a link paragraph)."""
    return hit.method == "text" and hit.text is None and hit.author is None and hit.date is None


SIGHTING_LINES_FACTOR = 8
SIGHTING_LINES_MIN = 16 << 20


def _line_hit(index: int, line: str, post_id: str, handle: str | None, method: str) -> TextHit:
    """A sighting that is one line holding a status (a bare URL, a shortcode, a link)."""
    return TextHit(index, index, None, handle, None, None, line, status_id=post_id, method=method)


class _Text(NamedTuple):
    """Extracted text as lines: as written, without Markdown marks, and the status linked
    on each line."""

    raw_lines: list[str]
    lines: list[str]
    linked: dict[int, tuple[str, str | None]]
    blank_mode: bool  # paragraphs are separated by blank lines
    shortcodes: bool  # the text may hold a shortcode (each line is tested only then)
    plain: bool = False  # an article's own text, which starts with its headline
    first: int = 0  # the first line that is not blank
    code: frozenset[int] = frozenset()  # the lines of Markdown's fenced code blocks (plain)
    refs: References = {}  # noqa: RUF012 (never changed) the reference links' definitions
    cards: bool = True  # the text may hold a card's timestamp (each line is tested only then)
    titles: bool = True  # the text may hold a localized title (each line is tested only then)

    @classmethod
    def of(cls, text: str, plain: bool = False) -> _Text:
        raw_lines = text.split("\n")
        refs = references(text)
        lines, linked = unmark(raw_lines, refs, text)
        blank_mode = any(not line.strip() for line in lines[1:-1])
        first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
        shortcodes = may_hold_shortcode(text)
        # Fences are Markdown's, in a text of its own (a page's code is in ``<pre>``).
        fenced = plain and ("```" in text or "~~~" in text)
        code = fenced_lines(raw_lines) if fenced else frozenset()
        cards = may_hold_card_time(text)
        titles = may_hold_title(text) and TITLE_WORDS.search(text) is not None
        found = (raw_lines, lines, linked, blank_mode, shortcodes, plain, first, code, refs)
        return cls(*found, cards, titles)

    def raw(self, first: int, last: int, columns: tuple[int, int | None] | None = None) -> str:
        """Lines ``first`` to ``last`` as written (their part ``columns``: ``TextHit``)."""
        text = "\n".join(self.raw_lines[first : last + 1])
        if columns is None:
            return text
        start, end = columns
        stop = len(text) if end is None else len(text) - len(self.raw_lines[last]) + end
        return text[start:stop]


# A list item's marker: a bullet or a number (``* ``, ``- ``, ``1. ``, ``2) ``); w3m marks
# a list within a list with ``□`` or ``◦``, alone on its line when the item holds a block.
LIST_ITEM = re.compile(r"^[^\S\n]*(?:[-*+•◦□▪]|\d{1,3}[.)])[^\S\n]+")


def _title_hit(doc: _Text, index: int, line: str) -> TextHit | None:
    """A title line, with the full text repeated after it and a signature line after that.
    A linked title that is a list's item is read without the item's marker, and is no post
    when the item above or below links a post too: a box of links to posts ("most read").
    (Unlinked, a number is the name's: ``1. FC Köln on X: …``.)"""
    raw = doc.raw_lines[index]
    if (item := LIST_ITEM.match(raw)) and raw.startswith("[", item.end()):
        if _among_listed_posts(doc, index):
            return None
        line, raw = LIST_ITEM.sub("", line, count=1), raw[item.end() :]
    whole = linked_whole(raw)
    title = parse_title(image_alt(line) if whole else line)
    if not title:
        return None
    name, title_text, suffixed, title_handle = title
    author = _name_in_prose(name)
    lines = doc.lines
    repeat = _repeat_after(lines, _next_nonblank(lines, index + 1), title_text)
    last = repeat[1] if repeat else index
    after = _next_nonblank(lines, last + 1)
    before, sig = split_signature(lines[after].strip()) if after is not None else ("", None)
    if sig is not None and before:
        sig = None  # the signature must be a line of its own
    if not (repeat or suffixed or sig or vouched_title(title, whole)):
        return None
    if sig is not None and after is not None:
        last = after
    body, media = split_media(clean_text(repeat[0] if repeat else title_text))
    status = doc.linked.get(last) if sig else whole
    return TextHit(
        index,
        last,
        author,
        sig["handle"] if sig else (status[1] if status else None) or title_handle,
        body or None,
        sig["date"] if sig else None,
        doc.raw(index, last),
        media,
        status_id=status[0] if status else None,
        date_text=sig["date_text"] if sig else None,
    )


def _among_listed_posts(doc: _Text, index: int) -> bool:
    """The nearest line above or below ``index`` is a list item linking a post too."""
    above = next((n for n in range(index - 1, -1, -1) if doc.raw_lines[n].strip()), None)
    below = next(
        (n for n in range(index + 1, len(doc.raw_lines)) if doc.raw_lines[n].strip()), None
    )
    return any(
        near is not None
        and LIST_ITEM.match(doc.raw_lines[near]) is not None
        and (near in doc.linked or find_status(doc.raw_lines[near]) is not None)
        for near in (above, below)
    )


# A Markdown heading (``# Title``: reader tools write a page's headings so); a hashtag has no
# space after its ``#``. A setext heading is its text, then a line of ``=`` or ``-``.
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
# What a headline does not hold, and a post may: an address, a media link, a mention or a
# hashtag; nor does it end as a sentence does (a full stop, not an ellipsis) or as a line
# that introduces what follows (a colon).
NOT_A_HEADLINE = re.compile(
    r"://|\bt\.co/|\bpic\.(?:twitter|x)\.com/|(?<!\w)[@#]\w"  # a link, a mention, a hashtag
    r"|(?<!\.)[.:]\s*$"
)
MAX_HEADLINE_WORDS = 25
# What a post's words do and a headline's do not: speak in the first person, exclaim, show
# an emoji (a pictograph, a dingbat or a variation selector).
POST_VOICE = re.compile(
    r"\b(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|I'd|[Mm]e|[Mm]y|[Ww]e|[Ww]e're|[Ww]e’re|[Oo]ur|us)\b|!"
    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]"
)


def _under_heading(doc: _Text, index: int, taken: int, sig: Signature) -> bool:
    """The nearest line above ``index`` (not crossing ``taken``) is a heading: a Markdown
    heading, or in a text of its own (``plain``) the article's headline (``_is_headline``)."""
    lines = doc.lines
    above = next((i for i in range(index - 1, taken, -1) if lines[i].strip()), None)
    if above is None:
        return False
    if MD_HEADING.match(lines[above]):
        return True
    if SETEXT_UNDERLINE.match(lines[above]):
        return above - 1 > taken and bool(lines[above - 1].strip())
    return doc.plain and _in_lead(doc, above) and _is_headline(lines, above, index, sig)


DISCUSSED_WITHIN = 3  # paragraphs after a post quoted first that name its author, if any
MAX_LEAD_LINES = 3  # lines a text may start with above its headline (site, section, date)


def _in_lead(doc: _Text, above: int) -> bool:
    """``above`` is among the text's first lines, before any line of prose: the text may
    start with its site's name, a section or a date line before the headline (each as
    short and unpunctuated as a headline), never with a paragraph of the article."""
    filled = (i for i in range(doc.first, above) if doc.lines[i].strip())
    lead = list(itertools.islice(filled, MAX_LEAD_LINES + 1))  # a long text has many
    return len(lead) <= MAX_LEAD_LINES and all(_headline_shaped(doc.lines[i]) for i in lead)


def _headline_shaped(line: str) -> bool:
    """No link, mention or hashtag, no sentence's or introduction's end, no more words
    than a headline has, nothing written as a post speaks (``POST_VOICE``)."""
    return (
        not NOT_A_HEADLINE.search(line)
        and not POST_VOICE.search(line)
        and not line.lstrip()[:1].islower()
        and len(line.split()) <= MAX_HEADLINE_WORDS
    )


def _is_headline(lines: list[str], above: int, index: int, sig: Signature) -> bool:
    """Plain text marks no heading, but an article's text starts with its headline: a line
    of the text's lead (``above``), shaped as a headline, with the text going on after the
    signature line under it (the article). A post quoted first in a text holds a link, a
    mention or a hashtag, or ends as a sentence, or speaks as a post does, or the text is
    the post alone, or the article's first paragraphs after it name the post's author (they
    discuss the post; a byline's author is not written about there, only perhaps in a note
    at the article's end: "Follow her on X @jd")."""
    rest = [line for line in lines[index + 1 :] if line.strip()]
    return (
        _headline_shaped(lines[above])
        and bool(rest)
        and not _names_author(rest[:DISCUSSED_WITHIN], sig)
    )


def _names_author(lines: list[str], sig: Signature) -> bool:
    """The lines name the signature's author: ``@handle``, the whole name, or its last
    word (a surname, as an article writes it: a capitalised word of three letters or more)
    read as a name (``_as_a_name``): a sentence's first word is capitalised anyway
    (``Long queues…``, ``Young riders…`` name no one)."""
    handle = re.compile(rf"@{re.escape(sig['handle'])}\b", re.I)
    author = (sig["author"] or "").strip()
    words = re.findall(r"\w+", author)
    surname = words[-1] if words and len(words[-1]) >= 3 and words[-1][0].isupper() else None
    named = re.compile(rf"\b{re.escape(surname)}\b") if surname else None
    for line in lines:
        if handle.search(line) or (len(words) > 1 and author in line):
            return True
        if named and any(_as_a_name(line, m.start(), m.end()) for m in named.finditer(line)):
            return True
    return False


def _as_a_name(line: str, start: int, end: int) -> bool:
    """The word at ``start:end`` reads as a name: inside a sentence (not after the line's
    start, ``.``, ``!``, ``?``, an opening quote or a dash), or first and followed by a
    comma or a possessive (``Doe, the port's director, …``, ``Doe's post``)."""
    before = line[:start].rstrip()
    if before and before[-1] not in ".!?\"“‘'—–-(:":
        return True
    return line[end : end + 1] in (",", "'", "’")


def _signature_hit(
    doc: _Text,
    index: int,
    line: str,
    taken: int,
    end: int | None = None,
    linked: tuple[str, str | None] | None = None,
) -> TextHit | None:
    """A signature line, with the post's text before it on the line or in the paragraph
    above. Under a heading (``_under_heading``), the line is the article's byline (a
    heading is never a post's text): no embed, or one without text when its date links to
    a post. ``line`` may run on to line ``end`` (``_wrapped_signature_hit``), linking the
    status ``linked``. A byline's lead-in before the signature (``is_byline_lead``) is read
    as a heading is."""
    before, sig = split_signature(line)
    glued = _glued_signature(line) if not sig and "(@" in line else None
    if glued:
        before, sig = glued.body, glued.sig
    if not sig:
        before, sig = _undated_signature(doc, index, line)
    if not sig and _between_posts(doc, index, line, taken):
        before, sig = split_undated_signature(line.strip())
    if not sig:
        return None
    end = index if end is None else end
    status = linked or doc.linked.get(index)
    if glued and status is None:
        status = _address_above(line, glued.start, sig)
    lead = is_byline_lead(MD_QUOTE.sub("", before))
    if lead or (not before.strip() and _under_heading(doc, index, taken, sig)):
        if status is None:
            return None
        first, body = index, ""
    else:
        first, body = (
            ((index, before) if glued else _paragraph_ending(doc, index, taken, before))
            if before.strip()
            else _quote_before(doc, index, taken)
            or _paragraph_before(doc.lines, index, taken, doc.blank_mode, sig)
        )
        if first < index and (item := _item_signed(doc.raw_lines, first, index)):
            body = body.removeprefix(item.group().strip()).lstrip()
    hit = _signed_hit(doc, (first, end), body, sig, status)
    return _line_part(doc, hit, line, glued) if glued and first == end else hit


def _signed_hit(
    doc: _Text,
    lines: tuple[int, int],
    body: str,
    sig: Signature,
    status: tuple[str, str | None] | None,
) -> TextHit:
    """The hit of a post whose text is ``body`` and signature ``sig``, on ``lines``."""
    body, media = split_media(clean_text(body))
    return TextHit(
        *lines,
        sig["author"],
        sig["handle"],
        body or None,
        sig["date"],
        doc.raw(*lines),
        media,
        status_id=status[0] if status else None,
        date_text=sig["date_text"],
    )


# A DOM's ``textContent`` (Mozilla Readability's) runs a page's paragraphs together with
# nothing between them: ``…deceive you.Showtime, Mama. pic.twitter.com/…— Jane Roe
# (@janeroe) May 3, 2018“What's left…``. The signature's year ends where the article's next
# paragraph starts; a sentence's end glued to a capital is where a paragraph started.
# BBC's pages frame each embed with lines for screen readers, ``Skip Twitter post by
# @handle`` before it (later ``Skip twitter post by Name``, ``Skip X post, 2 by Name``) and
# ``End of Twitter post by …`` after it, the signature followed by the post's ``Report``
# link: a text extracted in one run keeps them on the post's line, where they bound it.
FRAME_START = re.compile(r"Skip (?:[Tt]witter|X) post(?:,? \d+)? by ")
FRAME_END = r"[^\S\n]+(?:Report[^\S\n]+)?End of (?:[Tt]witter|X) post\b"
GLUED_DATE = re.compile(
    r"\(@\w{1,15}\)[^\S\n]*[^\n@]{1,40}?\d{4}"
    rf"(?=[“\"«„¿¡]|[^\W\d_]|[^\S\n]{{2,}}\S|{FRAME_END})"
)
# Or the page's indent between its tags, left as a run of blanks: ``…Eskalation?      A short``.
GLUED_PARAGRAPH = re.compile(r"[.!?…\"”»](?=[“«„¿¡]?[^\W\d_])|(?P<blanks>[^\S\n]{2,})(?=\S)")


class _Glued(NamedTuple):
    """A post run together with other text on a line: its text (``body``), its signature,
    and where it starts and its signature ends on the line."""

    start: int
    end: int
    body: str
    sig: Signature


def _glued_signature(line: str) -> _Glued | None:
    """A signature whose date runs into the text after it, and the post's paragraphs before
    it (``_last_paragraphs``); None when there is none."""
    for end in GLUED_DATE.finditer(line):
        if line[end.end()].islower():  # a word going on (``2024th``): no paragraph start
            continue
        before, sig = split_signature(line[: end.end()])
        if sig is not None and sig["date"]:
            at, body = _post_part(before, sig)
            return _Glued(at, end.end(), body, sig)
    return None


def _post_part(before: str, sig: Signature) -> tuple[int, str]:
    """Where the post's text starts in the text run together before its signature, and the
    text: after a BBC frame start when there is one (``_framed``), else its last paragraphs."""
    return _framed(before, sig) or _last_paragraphs(before, sig)


def _framed(text: str, sig: Signature) -> tuple[int, str] | None:
    """The post's text after the last BBC frame start in ``text`` (``FRAME_START``), without
    the handle or name the frame names it by, and where it starts; None when ``text`` holds
    no frame start."""
    starts = list(FRAME_START.finditer(text))
    if not starts:
        return None
    at = starts[-1].end()
    at += len(text[at:]) - len(text[at:].lstrip())
    for who in (f"@{sig['handle']}", sig["author"] or ""):
        if who and text[at : at + len(who)].casefold() == who.casefold():
            at += len(who)
            at += len(text[at:]) - len(text[at:].lstrip())
    return at, text[at:].strip()


def _glued_hits(doc: _Text, index: int, line: str) -> list[TextHit]:
    """The posts of a line holding several run together (``_glued_signature``): each from
    where the signature before it ends (a paragraph's start), the last one's signature
    ending the line or running into the article's next paragraph. Empty when the line
    holds fewer than two. Each post's range is its own part of the line."""
    posts: list[_Glued] = []
    start = 0
    for end in GLUED_DATE.finditer(line):
        if end.start() < start or line[end.end()].islower():
            continue
        before, sig = split_signature(line[start : end.end()])
        if sig is not None and sig["date"]:
            at, body = _post_part(before, sig)
            posts.append(_Glued(start + at, end.end(), body, sig))
            start = end.end()
    if posts:
        before, sig = split_signature(line[start:])
        if sig is not None:
            at, body = _last_paragraphs(before, sig)
            posts.append(_Glued(start + at, len(line), body, sig))
    if len(posts) < 2:
        return []
    hits: list[TextHit] = []
    for post in posts:
        hit = _signed_hit(doc, (index, index), post.body, post.sig, None)
        after = hits[-1].columns[1] if hits and hits[-1].columns else None
        hits.append(_line_part(doc, hit, line, post, after or 0))
    return hits


def _line_part(
    doc: _Text, hit: TextHit, line: str, post: _Glued, after: int | None = None
) -> TextHit:
    """``hit`` as the part of its line that is ``post`` (``line``: the line as read, without
    its Markdown), found in the line as written from column ``after`` (None: the post is
    the line's only one). When the line as written does not hold it (its marks split the
    part), a post sharing its line has no range; the only one keeps its line's."""
    piece = line[post.start : post.end]
    at = doc.raw_lines[hit.first_line].find(piece, after or 0)
    if at < 0:
        return hit if after is None else hit._replace(raw=piece, located=False)
    return hit._replace(raw=piece, columns=(at, at + len(piece)))


LAST_SET_APART = re.compile(r"(?:^|(?<=[^\S\n]{2}))(\S+)[^\S\n]*$")


def _address_above(line: str, start: int, sig: Signature) -> tuple[str, str | None] | None:
    """The status of the paragraph just above a post's run-together ones on ``line`` (its
    text starting at ``start``) when that paragraph is a URL alone of a post of the
    signature's handle: the auto-embed's URL above the blockquote it became, as a DOM's
    ``textContent`` keeps them (``_set_apart_statuses``)."""
    last = LAST_SET_APART.search(line[:start])
    status = bare_status(last[1]) if last else None
    if status is None or (status[1] or "").casefold() != sig["handle"].casefold():
        return None
    return status


def _last_paragraphs(text: str, sig: Signature) -> tuple[int, str]:
    """The paragraphs run together at the end of ``text`` that are the post's, and where
    they start in it: the last, and those above it up to one that is the article's
    (``_article_s``) within a post's length; the last alone when none is found there."""
    glued = GLUED_PARAGRAPH.finditer(text)
    starts = [
        m.end()
        for m in glued
        if m["blanks"] or text[m.end() : m.end() + 2].lstrip("“«„¿¡")[:1].isupper()
    ]
    bounds = [0, *starts, len(text)]
    paragraphs = [text[a:b].strip() for a, b in itertools.pairwise(bounds)]
    first = len(paragraphs) - 1 if len(paragraphs) > 1 else 0
    size = len(comparable(paragraphs[-1]))
    for above in range(len(paragraphs) - 2, -1, -1):
        if _article_s(paragraphs[above], sig):
            first = above + 1
            break
        if REPORTED_SPEECH.search(paragraphs[above]):
            break  # what is between it and the post may be the article's lead-in
        size += _joined_size(paragraphs[above], size)
        if size > MAX_POST_CHARACTERS:
            break
    start = bounds[first] + len(text[bounds[first] :]) - len(text[bounds[first] :].lstrip())
    body = "\n".join(paragraphs[first:]) if len(paragraphs) > 1 else text
    return start, body


def _undated_signature(doc: _Text, index: int, line: str) -> tuple[str, Signature | None]:
    """A signature line whose date link the page left empty, ``— Name (@handle)
    [](STATUS)``: read without its Markdown, the signature then the address of a post of
    that handle (the link stands where the date was). Its date is unknown."""
    status = doc.linked.get(index)
    head, _, address = line.rstrip().rpartition(" ")
    if status is None or status[1] is None or bare_status(address) != status:
        return line, None
    before, sig = split_undated_signature(head)
    if sig is None or sig["handle"].lower() != status[1].lower():
        return line, None
    return before, sig


def _between_posts(doc: _Text, index: int, line: str, taken: int) -> bool:
    """Line ``index`` is a signature without a date or a link (``— Name (@handle)``: a
    converter dropped the empty link the page left for its date) under one paragraph that
    fits in a post and follows the embed found before (``taken``), blank lines aside: a post
    among posts. Alone under an article's paragraph, it may be the article's byline."""
    if taken < 0 or not _signs_alone(line):
        return False
    end = index - 1
    while end > taken and not doc.lines[end].strip():
        end -= 1
    start = end
    while doc.blank_mode and start - 1 > taken and doc.lines[start - 1].strip():
        start -= 1
    paragraph = "\n".join(doc.lines[start : end + 1])
    return (
        taken < end
        and all(not doc.lines[n].strip() for n in range(taken + 1, start))
        and len(comparable(paragraph)) <= MAX_POST_CHARACTERS
    )


def _quote_depth(line: str) -> int:
    """How many Markdown quotes a line is in (``> > text``: 2)."""
    marks = MD_QUOTE.match(line)
    return marks.group().count(">") if marks else 0


def _quote_start(doc: _Text, index: int, taken: int) -> int | None:
    """The first line of the Markdown quote (the lines at its ``>`` level) that the
    signature line ``index`` ends, or None when it ends none. None too when the quote holds
    the embed found before (its last line, ``taken``, is in it): a quote of more than one
    post, whose paragraphs between them may be the article's; but a list's item opens a quote
    of its own (markdownify writes a list of blockquotes as ``  + > text``, the next item's
    quote right under the last one's signature). Indentation marks no quote:
    inscriptis indents a blockquote deeper, but a live blog's entries and a list's numbers
    too, which were read as posts' paragraphs."""
    raw = doc.raw_lines
    depth = _quote_depth(raw[index])
    if not depth:
        return None
    start = index
    while (
        start - 1 > taken
        and not LIST_ITEM.match(raw[start])
        and not doc.lines[start - 1].startswith(SENTINEL)
        and _quote_depth(raw[start - 1]) == depth
    ):
        start -= 1
    if LIST_ITEM.match(raw[start]):
        return start  # a list's item opens a quote of its own (``  + > text``)
    if start - 1 == taken >= 0 and _quote_depth(raw[taken]) == depth:
        return None
    return start


def _quote_before(doc: _Text, index: int, taken: int) -> tuple[int, str] | None:
    """The post's text when its signature line ends a quote (``_quote_start``): every
    paragraph of the quote above it (a post of several paragraphs, the blockquote
    html2text or markdownify flattened), not only the last one, even ending
    with a colon (the post's own, before a link a converter moved out). None when the line
    ends no quote, or the quote holds nothing or more than a post (``_paragraph_before``
    then reads what is above)."""
    start = _quote_start(doc, index, taken)
    if start is None:
        return None
    if _opens_listed_quote(doc, start, index, taken):
        start -= 1
    body = [line.strip() for line in doc.lines[start:index]]
    while body and not body[-1]:
        body.pop()
    while body and not body[0]:
        body.pop(0)
        start += 1
    text = _joined(body)
    if not body or len(comparable(text)) > MAX_POST_CHARACTERS:
        return None
    return start, text


def _opens_listed_quote(doc: _Text, start: int, index: int, taken: int) -> bool:
    """The line above the quote starting at line ``start`` is a list's item holding it, its
    marker before the quote's first line (Pandoc's Markdown writes a listed post so: ``-
    TEXT`` then ``    > TEXT``), the signature on line ``index`` set under the marker; not
    when an item opens the quote itself (markdownify's ``+ > TEXT``)."""
    above = start - 1
    line = doc.raw_lines[above] if above > taken else ""
    if not line.strip() or _quote_depth(line) or LIST_ITEM.match(doc.raw_lines[start]):
        return False
    return _item_signed(doc.raw_lines, above, index) is not None


def _paragraph_ending(doc: _Text, index: int, taken: int, before: str) -> tuple[int, str]:
    """The post's text when it ends on the signature's line (``before``): with the lines of
    its paragraph above, where paragraphs are set apart by blank lines (a wrapped text, or
    a post's line breaks kept)."""
    start = index
    while (
        doc.blank_mode
        and start - 1 > taken
        and doc.lines[start - 1].strip()
        and not doc.lines[start - 1].startswith(SENTINEL)
    ):
        start -= 1
    return start, _joined([*doc.lines[start:index], before])


def _wrapped_signature_hit(doc: _Text, index: int, taken: int) -> TextHit | None:
    """A signature that a converter wrapping its lines (html2text at 78 columns, Pandoc at
    72) broke in two or three, line ``index`` (its ``(@``) being the first or the second:
    the lines read as one, a Markdown link across them included. Not when the line is a
    signature alone, unless it opens a link that it does not close (``[16 мая 2018`` then
    ``г.](URL)``: its date is the link's)."""
    if split_signature(doc.lines[index].strip())[1] is not None and not _opens_link(index, doc):
        return None
    for start, stop in ((index, index + 1), (index - 1, index), (index, index + 2)):
        if start <= taken or stop >= len(doc.lines):
            continue
        wrapped = doc.raw_lines[start : stop + 1]
        if not all(line.strip() and not line.startswith(SENTINEL) for line in wrapped):
            continue
        joined, status = unmark_line(
            " ".join(MD_QUOTE.sub("", line).strip() for line in wrapped), doc.refs
        )
        if hit := _signature_hit(doc, start, joined, taken, stop, status):
            return hit
    return None


def _signed_line_hit(doc: _Text, index: int, line: str, taken: int) -> TextHit | None:
    """The post signed on line ``index``: read as it is, then with the lines a converter
    wrapped it onto (``_wrapped_signature_hit``); wrapped first when the line opens a link
    it does not close (its date is the link's, on the next line)."""
    if _opens_link(index, doc):
        return _wrapped_signature_hit(doc, index, taken) or _signature_hit(doc, index, line, taken)
    return _signature_hit(doc, index, line, taken) or _wrapped_signature_hit(doc, index, taken)


def _opens_link(index: int, doc: _Text) -> bool:
    """Line ``index`` opens a Markdown link's label that it does not close."""
    line = doc.raw_lines[index]
    return line.rfind("[") > line.rfind("]")


def _card_hit(doc: _Text, index: int, taken: int, hits: list[TextHit]) -> TextHit | None:
    """A post card flattened to text (``card_text``), its timestamp on line ``index``. A
    title line just above it, of the same post, is part of it (a reader tool that writes a
    frame's title, then the card): it replaces that title's hit."""
    status = doc.linked.get(index)
    card = find_card(doc.lines, index, taken, status is not None)
    if card is None:
        return None
    body, media = split_media(clean_text(card.text))
    if not body and not media and status is None:
        return None  # a name, a handle and a time: a byline's or a listing's, no post shown
    first = card.first_line
    title = hits[-1] if hits else None
    if title is not None and _titles_card(doc, title, card):
        hits.pop()
        first = title.first_line
    return TextHit(
        first,
        index,
        card.name or (title.author if title and first == title.first_line else None),
        card.handle,
        body or None,
        card.date,
        doc.raw(first, index),
        media,
        status_id=status[0] if status else None,
        date_text=card.date_text,
    )


def _titles_card(doc: _Text, title: TextHit, card: Card) -> bool:
    """``title`` is a title line just above ``card`` (blank lines aside) showing its text."""
    between = doc.lines[title.last_line + 1 : card.first_line]
    if title.first_line != title.last_line or any(line.strip() for line in between):
        return False
    shown, full = comparable(title.text or ""), comparable(card.text)
    return bool(shown) and (
        shown == full or (is_truncated(title.text or "") and full.startswith(shown))
    )


def _line_hits(doc: _Text, index: int, line: str, include_links: bool, room: int) -> list[TextHit]:
    """Shortcodes, a line that is one status URL, and (with ``include_links``) links, as many
    as ``room`` characters of their lines hold (each keeps its whole line as its text)."""
    original = doc.raw_lines[index]
    if doc.shortcodes and (shortcodes := _shortcodes(line, original)):
        return [
            _line_hit(index, line, post_id, handle, "wordpress")
            for post_id, handle in shortcodes[: room // max(1, len(line))]
        ]
    if ":::" in original and "=" in original and (div := _div_post(doc, index)):
        return [div]
    if "status" not in original:
        gone = _gone_post_line(doc, index)
        return [gone] if gone else []
    bare = bare_status(line or MD_QUOTE.sub("", original))  # a Markdown autolink, ``<URL>``
    if bare and not leads_elsewhere(original):
        return [_line_hit(index, original, bare[0], bare[1], "text")]
    paragraph = _link_paragraph(doc, index) or _placeholder_hit(doc, index)
    if paragraph is not None:
        return [paragraph]
    if set_apart := _set_apart_statuses(original):
        return [_line_hit(index, original, *status, "text") for status in set_apart]
    if not include_links:
        return []
    links = itertools.islice(iter_statuses(original), room // max(1, len(original)))
    return [_line_hit(index, original, post_id, handle, "link") for post_id, handle in links]


def _shortcodes(line: str, original: str) -> list[tuple[str, str | None]]:
    """The shortcodes of a line; a platform's embed notation is Markdown (``@[tweet](URL)``),
    so it is read in the line as written, not in the line without its Markdown marks."""
    found = find_shortcodes(outside_code_spans(line)) if may_hold_shortcode(line) else []
    if not found and any(word in original for word in NOTATION_WORDS):
        found = find_shortcodes(outside_code_spans(original))
    return found


# A DOM's ``textContent`` keeps the page's indent between its tags as a run of blanks: a
# word set apart so on both sides (or by the line's start or end) was a paragraph alone.
SET_APART = re.compile(r"(?:^|(?<=[^\S\n]{2}))(\S+)(?=[^\S\n]{2}|$)")


def _set_apart_statuses(line: str) -> list[tuple[str, str | None]]:
    """The status URLs of a line that are each a paragraph of their own, set apart by runs
    of blanks (``SET_APART``): an auto-embed that never ran, as a URL alone on its line."""
    if "  " not in line.strip():
        return []
    found = (bare_status(match[1]) for match in SET_APART.finditer(line.strip()))
    return [status for status in found if status]


def find_text_embeds(text: str, include_links: bool = False, plain: bool = False) -> list[TextHit]:
    """Every title-form and signature-form embed in extracted text, in order.

    A line holding nothing but a status URL is an embed too (an auto-embed that never ran);
    other status URLs are ``link`` hits when ``include_links`` is set. Lines starting with
    U+FFFC stand for embeds already found in markup: nothing crosses them.

    A sighting on a line keeps the whole line as its text, so a line of thousands of them
    made as many copies (5,000 shortcodes on one 235 KB line: 1 GB): the lines kept by
    sightings may total ``SIGHTING_LINES_FACTOR`` times the text (at least
    ``SIGHTING_LINES_MIN`` characters); the sightings past that are not reported.
    """
    doc = _Text.of(text, plain)
    room = max(SIGHTING_LINES_MIN, SIGHTING_LINES_FACTOR * len(text))
    hits: list[TextHit] = []
    taken = -1
    resume = 0  # the line after the last hit: none starts inside one
    for index in _marked_lines(doc):
        if index < resume or index in doc.code:
            continue
        line = doc.lines[index].strip()
        titled = " on " in line or (doc.titles and TITLE_WORDS.search(line))
        hit = _title_hit(doc, index, line) if titled else None
        if hit is None and "(@" in line and (glued := _glued_hits(doc, index, line)):
            hits.extend(glued[:-1])
            hit = glued[-1]
        if hit is None and "(@" in line:
            hit = _signed_line_hit(doc, index, line, taken)
        if hit is None and may_hold_card_time(line):
            hit = _card_hit(doc, index, taken, hits)
        if hit is not None:
            hit = _with_link_below(doc, hit) if hit.status_id is None else hit
            hits.append(hit)
            taken = hit.last_line
            resume = taken + 1
        else:
            found = _line_hits(doc, index, line, include_links, room)
            room = max(0, room - sum(len(hit.raw) for hit in found))
            hits.extend(found)
    hits = _one_per_rendering(doc, hits)
    return _without_defined_embeds(doc, hits + _empty_dump_links(doc, hits)) if doc.refs else hits


def _empty_dump_links(doc: _Text, hits: list[TextHit]) -> list[TextHit]:
    """A dump's posts named only in its references (``dump_only_posts``) that no hit has
    read, each at its reference's line."""
    read = {hit.status_id for hit in hits if hit.method != "link"}
    return [
        _line_hit(at, doc.raw_lines[at], post_id, handle, "text")
        for at, post_id, handle in dump_only_posts(doc.raw_lines)
        if post_id not in read
    ]


def _without_defined_embeds(doc: _Text, hits: list[TextHit]) -> list[TextHit]:
    """The hits less the links of reference definitions that an embed's signature used
    (``[3]: https://x.com/…/status/…`` at a text's end, or a dump's ``  12. https://…``, is
    that embed's link, not a link of its own)."""
    embedded = {hit.status_id for hit in hits if hit.method != "link"}
    return [
        hit
        for hit in hits
        if not (
            hit.method == "link"
            and hit.status_id in embedded
            and _defines(doc.raw_lines[hit.first_line])
        )
    ]


def _with_link_below(doc: _Text, hit: TextHit) -> TextHit:
    """A hit without a post, and the line just below it if that line is only the post's
    address (bare, or in brackets: a converter that writes each link's address after its
    text, the long one wrapped onto the next line); not an address of another author's."""
    below = hit.last_line + 1
    if below >= len(doc.lines) or not doc.raw_lines[below].strip():
        return hit
    line = doc.lines[below].strip()
    status = bare_status(line) if line else doc.linked.get(below)
    if status is None or (hit.handle and status[1] and hit.handle.lower() != status[1].lower()):
        return hit
    columns = (hit.columns[0], None) if hit.columns else None  # to the address's line's end
    return hit._replace(
        last_line=below,
        raw=doc.raw(hit.first_line, below, columns),
        columns=columns,
        status_id=status[0],
        handle=hit.handle or status[1],
    )


def _defines(line: str) -> bool:
    """The line defines a reference (``[3]: URL``, or a dump's ``  12. URL``)."""
    return bool(MD_DEFINITION.match(line) or DUMP_DEFINITION.match(line))


def _marked_lines(doc: _Text) -> list[int]:
    """The lines that may hold a hit (a superset): a title's `` on ``, a signature's
    ``(@``, a status URL as written or linked by a reference, a fenced div's ID attribute
    (``_div_post``), a shortcode's opening. Any
    other line is one no test can accept, passed over in one comprehension (a flattened
    page is mostly such lines: testing each one by one was most of the search)."""
    shortcodes = doc.shortcodes
    cards = doc.cards
    linked = doc.linked
    return [
        index
        for index, (line, original) in enumerate(zip(doc.lines, doc.raw_lines, strict=True))
        if index in linked
        or " on " in line
        or (doc.titles and TITLE_WORDS.search(line))
        or "(@" in line
        or "status" in original
        or ("id=" in original and ":::" in original)
        or (shortcodes and may_hold_shortcode(line))
        or (cards and may_hold_card_time(line))
    ]
