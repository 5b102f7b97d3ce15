"""Which paragraphs above a signature line are the post's text and which the article's.

A post is at most ``MAX_POST_CHARACTERS`` long; the article's paragraph above it may be
longer, end with a colon that introduces the embed, or name the post's author; an extractor
may write each of a page's paragraphs on a line (trafilatura), list a post as an item
(Pandoc, Resiliparse, w3m), or wrap a post's address over two lines. The signature form
(``text_signatures``) asks here; posts run together on a line (``text_glued``) and posts in
a quote (``text_quotes``) are measured by the same bounds.
"""

from __future__ import annotations

import re

from ..normalize import comparable
from .signature import Signature, split_undated_signature
from .text_doc import LIST_ITEM, SENTINEL
from .text_headlines import MD_HEADING, names_author
from .text_marks import FENCE

# A post's text, its links left out, is at most 280 characters (X weighs each one 1 or 2;
# a long post's embed code holds its first 280 and an ellipsis): a little more, for the
# ellipsis and the media links ``comparable`` leaves in.
MAX_POST_CHARACTERS = 300


def paragraph_before(
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
            and not bounds_run(lines[start - 1])
            and not item_signed(lines, start, index)
        ):
            start -= 1
    item = _item_start(lines, start, index, taken, sig) if blank_mode else None
    if item is not None:
        start = item
    text = joined_lines(lines[start : end + 1])
    if item is not None:
        return start, text
    if len(comparable(text)) <= MAX_POST_CHARACTERS and (start < end or blank_mode):
        first = _paragraphs_below_article(lines, (start, end), taken, sig) if blank_mode else None
        if first is not None:
            return first, joined_lines(lines[first : end + 1])
        return start, text
    run = _run_below_article(lines, end, taken)
    if run is not None:
        return run, joined_lines(lines[run : end + 1])
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


def joined_lines(lines: list[str]) -> str:
    """Lines as one text, each stripped, a post's address wrapped over two made whole."""
    return WRAPPED_ADDRESS.sub(r"\1", "\n".join(line.strip() for line in lines))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def item_signed(lines: list[str], at: int, index: int) -> re.Match[str] | None:
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
    """The first line of a post listed as an item (``item_signed``) whose paragraphs run
    down to line ``start``'s, each set where the item's text starts (Resiliparse writes a
    post's paragraphs so, its marker before the first; w3m sets them all under a marker
    alone on its line). None when line ``start`` is in no
    such item (one of the article's, the post set deeper), or what is between is the
    article's (``article_s``) or longer than a post."""
    indents: set[int] = set()
    size = 0
    for at in range(start, taken, -1):
        line = lines[at]
        if not line.strip():
            continue
        if item := item_signed(lines, at, index):
            alone = not line[item.end() :].strip()  # w3m's marker alone, the text below it
            return at if indents <= {item.end()} or (alone and len(indents) == 1) else None
        if bounds_run(line) or article_s(line, sig):
            return None
        indents.add(_indent(line))
        size += joined_size(line, size)
        if size > MAX_POST_CHARACTERS:
            return None
    return None


def _run_below_article(lines: list[str], end: int, taken: int) -> int | None:
    """The first of the lines ending at ``end`` that together fit in a post and have the
    article's just above them (``article_s``, its author not looked for: a line naming a
    place the author is named after is common there). A post of several paragraphs, in a
    text that writes each of a page's paragraphs on a line (trafilatura's) with nothing
    between the article's and the post's. None when nothing bounds them so (the text's
    start, a blank line, a line already used, or a short line that the post may not hold:
    an article's)."""
    start = end
    size = len(comparable(lines[end]))  # of the run, grown line by line (see below)
    while size <= MAX_POST_CHARACTERS:
        above = start - 1
        if above <= taken or bounds_run(lines[above]) or not lines[above].strip():
            return None
        if article_s(lines[above], None):
            return start if start < end else None
        if REPORTED_SPEECH.search(lines[above]):
            return None
        start = above
        size += joined_size(lines[above], size)
    return None


def joined_size(line: str, size: int) -> int:
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
    with it, fit in a post and have the article's just above them (``article_s``). A post
    of several paragraphs whose quote marks the converter dropped (trafilatura's Markdown,
    inscriptis), its signature a paragraph of its own. None when nothing bounds them so (the
    text's start, a line already used, a heading, a code fence, or a short paragraph that
    the post may not hold: an article's); the paragraph above the signature is then the
    post's only one."""
    start, last = paragraph
    first = start
    size = len(comparable("\n".join(lines[start : last + 1])))  # grown as in joined_size
    while True:
        end = first - 1
        while end > taken and not lines[end].strip():
            end -= 1
        above = end
        while above - 1 > taken and lines[above - 1].strip():
            above -= 1
        if end <= taken or any(bounds_run(line) for line in lines[above : end + 1]):
            return None
        text = "\n".join(line.strip() for line in lines[above : end + 1])
        if article_s(text, sig):
            return first if first < start else None
        if REPORTED_SPEECH.search(text):
            return None
        size += joined_size(text, size)
        if size > MAX_POST_CHARACTERS:
            return None
        first = above


# A quotation closed after its punctuation, its sentence going on (``“…,” one user said.``):
# the article reporting what someone said, as a post seldom does. Above a post's paragraph,
# it leaves what is between it and the post unknown (the article's lead-in, or the post's).
REPORTED_SPEECH = re.compile(r"[,.!?…][\"”»][^\S\n]+\w")


def article_s(text: str, sig: Signature | None) -> bool:
    """Text above a post's paragraphs that is the article's: longer than any post, ending
    with a colon (it introduces the embed), or naming the signature's author
    (``names_author``: the article discussing the post, which no post does of itself)."""
    return (
        text.rstrip().endswith(":")
        or len(comparable(text)) > MAX_POST_CHARACTERS
        or (sig is not None and names_author([text], sig))
    )


def bounds_run(line: str) -> bool:
    """A line that no post's paragraph is: an embed found in markup, a heading, a fence, a
    signature without a date (``— Name (@handle)``, the post above's)."""
    return (
        line.startswith(SENTINEL)
        or bool(MD_HEADING.match(line) or FENCE.match(line))
        or ("(@" in line and signs_alone(line))
    )


def signs_alone(line: str) -> bool:
    """The line is a signature without a date and nothing else: ``— Name (@handle)``."""
    line = line.strip()
    if line[:1] not in "—–":
        return False
    before, sig = split_undated_signature(line)
    return sig is not None and not before
