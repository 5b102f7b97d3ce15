"""Posts that one line or one short paragraph of extracted text stands for, their text not
shown: a status URL alone (an auto-embed that never ran), a shortcode, a Markdown link to a
post alone in its paragraph (the minimal embed markup flattened, or a placeholder such as
``Tweet may have been deleted``), a dump's reference so labelled, a consent placeholder's
notice, a Pandoc div keeping the post in its attributes, and (with ``include_links``) any
link to a post.

Each is a test of a line or a paragraph, apart from the forms that read a post's text and
author (``text_titles``, ``text_signatures``).
"""

from __future__ import annotations

import itertools
import re

from ..urls import bare_status, canonical_id, iter_statuses
from .placeholder_text import placeholder_notice
from .shortcodes import NOTATION_WORDS, find_shortcodes, may_hold_shortcode
from .text_doc import TextDoc, TextHit, line_hit
from .text_marks import (
    MD_LINK,
    MD_QUOTE,
    PANDOC_ATTRIBUTES,
    leads_elsewhere,
    outside_code_spans,
)
from .text_quotes import quote_depth


def line_hits(doc: TextDoc, index: int, line: str, include_links: bool, room: int) -> list[TextHit]:
    """Shortcodes, a line that is one status URL, and (with ``include_links``) links, as many
    as ``room`` characters of their lines hold (each keeps its whole line as its text)."""
    original = doc.raw_lines[index]
    if doc.shortcodes and (shortcodes := _shortcodes(line, original)):
        return [
            line_hit(index, line, post_id, handle, "wordpress")
            for post_id, handle in shortcodes[: room // max(1, len(line))]
        ]
    if ":::" in original and "=" in original and (div := _div_post(doc, index)):
        return [div]
    if "status" not in original:
        gone = _gone_post_line(doc, index)
        return [gone] if gone else []
    bare = bare_status(line or MD_QUOTE.sub("", original))  # a Markdown autolink, ``<URL>``
    if bare and not leads_elsewhere(original):
        return [line_hit(index, original, bare[0], bare[1], "text")]
    paragraph = _link_paragraph(doc, index) or _placeholder_hit(doc, index)
    if paragraph is not None:
        return [paragraph]
    if set_apart := _set_apart_statuses(original):
        return [line_hit(index, original, *status, "text") for status in set_apart]
    if not include_links:
        return []
    links = itertools.islice(iter_statuses(original), room // max(1, len(original)))
    return [line_hit(index, original, post_id, handle, "link") for post_id, handle in links]


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


def _div_post(doc: TextDoc, index: int) -> TextHit | None:
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
            return line_hit(index, doc.raw_lines[index], *status, "text")
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


def quote_blank(doc: TextDoc, index: int) -> bool:
    """Line ``index`` is blank once its quote markers are gone (or past either end), or a
    fenced div's (``PANDOC_DIV``)."""
    if not 0 <= index < len(doc.raw_lines):
        return True
    line = MD_QUOTE.sub("", doc.raw_lines[index])
    return not line.strip() or PANDOC_DIV.match(line) is not None


def _link_paragraph(doc: TextDoc, index: int) -> TextHit | None:
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
        while not quote_blank(doc, last + 1):  # Pandoc's attributes wrapped after the link
            last += 1
            if last - first >= MAX_LINK_LINES:
                return None
        while not quote_blank(doc, first - 1):
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
    quoted = all(quote_depth(line) for line in lines)
    if label and not image and not quoted and not UNAVAILABLE_LABEL.fullmatch(label):
        return None
    post_id, handle = status
    raw = doc.raw(first, last)
    return TextHit(first, last, None, handle, None, None, raw, status_id=post_id)


def _gone_post_line(doc: TextDoc, index: int) -> TextHit | None:
    """A paragraph of one line that links a post through a dump's references (lynx's
    ``[69]Tweet may have been deleted``) labelled as gone (``UNAVAILABLE_LABEL``): the
    embed's fallback link, as ``_link_paragraph`` reads it in Markdown."""
    status = doc.linked.get(index)
    if status is None or not UNAVAILABLE_LABEL.fullmatch(doc.lines[index].strip()):
        return None
    if doc.blank_mode and not (quote_blank(doc, index - 1) and quote_blank(doc, index + 1)):
        return None
    return line_hit(index, doc.raw_lines[index], status[0], status[1], "text")


def _placeholder_hit(doc: TextDoc, index: int) -> TextHit | None:
    """A consent placeholder's notice linking its post (``placeholder_text``), under its
    heading: the post, its text not shown."""
    if not doc.blank_mode:
        return None
    notice = placeholder_notice(doc.raw_lines, index)
    if notice is None:
        return None
    first, last, post_id, handle = notice
    return TextHit(first, last, None, handle, None, None, doc.raw(first, last), status_id=post_id)
