"""Posts run together with the article on one line: a DOM's ``textContent`` (Mozilla
Readability's) writes a page's paragraphs with nothing between them, so a post's text, its
signature and the article's next paragraph share a line, and several posts may too.

Where each post starts on such a line (after BBC's frame line for screen readers, or at a
paragraph's start) and where its signature's date ends is read here: a problem of its own,
apart from posts on lines of their own (``text_signatures``).
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from ..normalize import comparable
from ..urls import bare_status
from .signature import Signature, split_signature
from .text_doc import TextDoc, TextHit, signed_hit
from .text_paragraphs import MAX_POST_CHARACTERS, REPORTED_SPEECH, article_s, joined_size

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


class Glued(NamedTuple):
    """A post run together with other text on a line: its text (``body``), its signature,
    and where it starts and its signature ends on the line; ``framed`` when a BBC frame's
    start bounds it there (its text is all after it: none when the extractor dropped it)."""

    start: int
    end: int
    body: str
    sig: Signature
    framed: bool = False


def glued_signature(line: str) -> Glued | None:
    """A signature whose date runs into the text after it, and the post's paragraphs before
    it (``_last_paragraphs``); None when there is none."""
    for end in GLUED_DATE.finditer(line):
        if line[end.end()].islower():  # a word going on (``2024th``): no paragraph start
            continue
        before, sig = split_signature(line[: end.end()])
        if sig is not None and sig["date"]:
            return _post_part(before, sig, end.end())
    return None


def _post_part(before: str, sig: Signature, end: int, start: int = 0) -> Glued:
    """The post signed ``sig`` whose signature ends at ``end`` on its line, its text run
    together in ``before`` (from ``start`` on the line): after a BBC frame start when there
    is one (``_framed``), else its last paragraphs."""
    framed = _framed(before, sig)
    at, body = framed or _last_paragraphs(before, sig)
    return Glued(start + at, end, body, sig, framed is not None)


def framed_part(line: str, before: str, sig: Signature | None) -> Glued | None:
    """The post signed at the end of ``line`` when a BBC frame start is before it there
    (``_framed``): its part of the line, the frame's start and the prose before it left out."""
    if sig is None or (framed := _framed(before, sig)) is None:
        return None
    return Glued(framed[0], len(line), framed[1], sig, True)


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


def glued_hits(doc: TextDoc, index: int, line: str) -> list[TextHit]:
    """The posts of a line holding several run together (``glued_signature``): each from
    where the signature before it ends (a paragraph's start), the last one's signature
    ending the line or running into the article's next paragraph. Empty when the line
    holds fewer than two. Each post's range is its own part of the line."""
    posts: list[Glued] = []
    start = 0
    for end in GLUED_DATE.finditer(line):
        if end.start() < start or line[end.end()].islower():
            continue
        before, sig = split_signature(line[start : end.end()])
        if sig is not None and sig["date"]:
            posts.append(_post_part(before, sig, end.end(), start))
            start = end.end()
    if posts:
        before, sig = split_signature(line[start:])
        if sig is not None:
            posts.append(_post_part(before, sig, len(line), start))
    if len(posts) < 2:
        return []
    hits: list[TextHit] = []
    for post in posts:
        hit = signed_hit(doc, (index, index), post.body, post.sig, None)
        after = hits[-1].columns[1] if hits and hits[-1].columns else None
        hits.append(line_part(doc, hit, line, post, after or 0))
    return hits


def line_part(
    doc: TextDoc, hit: TextHit, line: str, post: Glued, after: int | None = None
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


def address_above(line: str, start: int, sig: Signature) -> tuple[str, str | None] | None:
    """The status of the paragraph just above a post's run-together ones on ``line`` (its
    text starting at ``start``) when that paragraph is a URL alone of a post of the
    signature's handle: the auto-embed's URL above the blockquote it became, as a DOM's
    ``textContent`` keeps them (``text_lines``)."""
    last = LAST_SET_APART.search(line[:start])
    status = bare_status(last[1]) if last else None
    if status is None or (status[1] or "").casefold() != sig["handle"].casefold():
        return None
    return status


def _last_paragraphs(text: str, sig: Signature) -> tuple[int, str]:
    """The paragraphs run together at the end of ``text`` that are the post's, and where
    they start in it: the last, and those above it up to one that is the article's
    (``article_s``) within a post's length; the last alone when none is found there."""
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
        if article_s(paragraphs[above], sig):
            first = above + 1
            break
        if REPORTED_SPEECH.search(paragraphs[above]):
            break  # what is between it and the post may be the article's lead-in
        size += joined_size(paragraphs[above], size)
        if size > MAX_POST_CHARACTERS:
            break
    start = bounds[first] + len(text[bounds[first] :]) - len(text[bounds[first] :].lstrip())
    body = "\n".join(paragraphs[first:]) if len(paragraphs) > 1 else text
    return start, body
