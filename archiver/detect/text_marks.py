"""The marks converters leave in the text they extract from a page, read off its lines:
Markdown quotes and links (inline, by reference, an address in brackets), a Lynx or ELinks
dump's numbered references, and Markdown code (fenced blocks and inline spans), where what
is written is a sample, not an embed.
"""

from __future__ import annotations

import re

from ..urls import EMBED_IFRAME_RE, bare_status, canonical_id

# A quote's markers, after a list item's marker where the quote opens the item (html2text
# writes a blockquote in a list item as ``  * > text``).
MD_QUOTE = re.compile(r"^\s*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+(?=>))?(?:>\s?)+")
# A link's label may hold brackets in pairs, one level deep (a post's ``[Thread]`` in a title
# line's label), and backslash escapes (html2text's ``\\[``, ``\\(``, ``t\\.co``); its address
# no space or ``)``.
_LABEL = r"(?:\\.|[^\\\[\]\n]|\[(?:\\.|[^\\\[\]\n])*\])*"
MD_LINK = re.compile(rf"\[({_LABEL})\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# A Markdown escape: a backslash before ASCII punctuation stands for that character.
MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Pandoc's attributes after a link or a span (``[…](…){target="_blank"}``,
# ``[(opens in a new tab)]{.sr-only}``): the page's markup, not its text.
PANDOC_ATTRIBUTES = re.compile(r"(?<=[\])])\{[^{}\n]*\}")
# An address written after its link's text in brackets, as html-to-text (the plain-text
# part of newsletters) writes every link (``May 2, 2024 [https://x.com/…]``), or as a
# Markdown autolink (``<https://…>``): a status address there links the line's post.
_SHORT_LINK = re.compile(r"https?://t\.co/\w+$")
_BRACKETED_URL = re.compile(r"[ \t]*(?:\[(https?://[^\s\]]+)\]|<(https?://[^\s>]+)>)")


# A reference link, ``[label][name]`` (``[label][]``: the label is the name), and its
# definition on a line of its own, ``[name]: URL`` (html2text's links before its inline ones,
# and other converters' "links at the end").
_MD_REFERENCE = re.compile(r"\[([^\]\n]+)\]\[([^\]\n]*)\]")
MD_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+[\"'(].*)?$", re.M)
References = dict[str, str]


# A text dump of a page by Lynx or ELinks: each link's number before its text (``[12]May 2,
# 2024``), the numbered addresses under a last ``References`` line (``  12. https://…``).
_DUMP_REFERENCES = re.compile(r"^References[ \t]*$", re.M)
DUMP_DEFINITION = re.compile(r"^[ \t]*(\d{1,5})\.[ \t]+(\S+)[ \t]*$", re.M)
_DUMP_LINK = re.compile(r"\[(\d{1,5})\]")
_WRAP = re.compile(r"\n[ \t]*")


def references(text: str) -> References:
    """The reference links' definitions in a text: name (case folded) to URL; a dump's
    numbered references under the name ``#`` and their number."""
    refs: References = {}
    if "]:" in text:
        refs = {m.group(1).casefold(): m.group(2) for m in MD_DEFINITION.finditer(text)}
    listed = [m.end() for m in _DUMP_REFERENCES.finditer(text)] if "References" in text else []
    if listed:
        defined = DUMP_DEFINITION.finditer(text, listed[-1])
        refs.update((f"#{m.group(1)}", m.group(2)) for m in defined)
    return refs


def dump_only_posts(raw_lines: list[str]) -> list[tuple[int, str, str | None]]:
    """The posts a dump names only in its references (line, ID, handle): a post Lynx lists
    without a number in the text (an embed's empty fallback link, ``<a href=STATUS></a>``,
    for which it writes none), and a rendered embed's frame (``IFRAME: [10]`` then ``10.
    https://platform.twitter.com/embed/Tweet.html?…&id=ID``). Each post once, and only in a
    dump that cites some of its references (a numbered list of addresses under an article's
    own "References" heading cites none)."""
    heading = max(
        (n for n, line in enumerate(raw_lines) if _DUMP_REFERENCES.match(line)), default=-1
    )
    if heading < 0:
        return []
    # Lynx may wrap a number's brackets apart ("[105" then "]"): read its lines as one.
    joined = _WRAP.sub("", "\n".join(raw_lines[:heading]))
    cited = {m.group(1) for m in _DUMP_LINK.finditer(joined)}
    found: dict[str, tuple[int, str, str | None]] = {}
    listed = False
    for at in range(heading + 1, len(raw_lines)):
        definition = DUMP_DEFINITION.match(raw_lines[at])
        if definition is None:
            continue
        listed = listed or definition.group(1) in cited
        url = definition.group(2)
        status = _frame_post(url) or (None if definition.group(1) in cited else bare_status(url))
        if status is not None and status[0] not in found:
            found[status[0]] = (at, *status)
    return list(found.values()) if listed else []


def _frame_post(url: str) -> tuple[str, None] | None:
    """The post a rendered embed's frame address names (``embed/Tweet.html?…&id=ID``)."""
    match = EMBED_IFRAME_RE.match(url.removeprefix("https:").removeprefix("http:").lstrip("/"))
    post_id = canonical_id(match.group("id")) if match else None
    return (post_id, None) if post_id else None


def unmark(
    lines: list[str], refs: References, text: str
) -> tuple[list[str], dict[int, tuple[str, str | None]]]:
    """Markdown from reader tools: drop ``>`` quote markers, unescape ``\\@`` and turn
    ``[label](url)`` (or ``[label][name]``) into its label, remembering the last status URL
    linked on each line (the signature's date is often a link to the post: ``— Name
    (@handle) [March 1, 2024](https://x.com/…)``)."""
    plain = list(lines)
    linked: dict[int, tuple[str, str | None]] = {}
    # Only a line holding ">" or "](" (or, when the text holds any, "[http", a backslash (an
    # escape, Pandoc's line break), or "[" with references) can change: the others are passed
    # over in one comprehension.
    rare = [mark for mark in ("[http", "\\") if mark in text] + (["["] if refs else [])
    marked = [n for n, line in enumerate(lines) if ">" in line or "](" in line]
    if rare:
        marked = [
            n
            for n, line in enumerate(lines)
            if ">" in line or "](" in line or any(mark in line for mark in rare)
        ]
    for number in marked:
        plain[number], status = unmark_line(lines[number], refs)
        if status:
            linked[number] = status
    return plain, linked


def unmark_line(line: str, refs: References) -> tuple[str, tuple[str, str | None] | None]:
    """One line without its Markdown marks (``unmark``), and the last status it links."""
    line = line.replace("\\@", "@")  # Pandoc escapes every "@"
    if ">" in line:
        line = MD_QUOTE.sub("", line)
    status = None
    if "]{" in line or "){" in line:
        line = PANDOC_ATTRIBUTES.sub("", line)
    if "](" in line:
        for match in MD_LINK.finditer(line):
            status = bare_status(match.group(2)) or status
        line = MD_LINK.sub(lambda m: label_text(m.group(1)) or m.group(2), line)
    if refs and "][" in line:
        for match in _MD_REFERENCE.finditer(line):
            url = refs.get((match.group(2) or match.group(1)).casefold())
            status = (bare_status(url) if url else None) or status
        line = _MD_REFERENCE.sub(lambda m: m.group(1), line)
    if refs and "[" in line:
        line, status = _without_dump_links(line, status, refs)
    if "[http" in line or "<http" in line:
        line, status = _without_bracketed_statuses(line, status)
    if "\\" in line:  # Pandoc's and html2text's escapes (``it\'s``, ``1\.``)
        if line.endswith("\\") and not line.endswith("\\\\"):
            line = line[:-1]  # Pandoc's line break (``<br>``), not an escaped backslash
        line = MD_ESCAPE.sub(r"\1", line)
    return line, status


def _without_bracketed_statuses(
    line: str, status: tuple[str, str | None] | None
) -> tuple[str, tuple[str, str | None] | None]:
    """The line less its bracketed status addresses (``_BRACKETED_URL``), and the last one;
    less its bracketed ``t.co`` addresses too, whose text (a post's link or media) the
    converter wrote just before them, as a post's own markup shows it."""

    def drop(match: re.Match[str]) -> str:
        nonlocal status
        address = match.group(1) or match.group(2)
        found = bare_status(address)
        status = found or status
        return "" if found or _SHORT_LINK.match(address) else match.group(0)

    return _BRACKETED_URL.sub(drop, line), status


def label_text(label: str) -> str:
    """A link's label as it reads: its Markdown escapes resolved (``\\(1\\)`` is ``(1)``)."""
    return MD_ESCAPE.sub(r"\1", label) if "\\" in label else label


# A Markdown image, ``![alt](src)``: as the whole label of a link to a post (a screenshot of
# the post, linked to it), what it shows is read from its ``alt``.
MD_IMAGE = re.compile(rf"!\[({_LABEL})\]\(\s*<?[^)\s>]+>?(?:\s+\"[^\"]*\")?\s*\)")


def image_alt(line: str) -> str:
    """A line that is one Markdown image reads as the image's ``alt``; any other as it is."""
    image = MD_IMAGE.fullmatch(line.strip()) if line.lstrip().startswith("![") else None
    return label_text(image.group(1)) if image else line


def leads_elsewhere(line: str) -> bool:
    """A line that is one Markdown link whose target is no post: its label may read as a
    status URL (a joke link promising a post and leading to a video), but it is no post."""
    link = MD_LINK.fullmatch(MD_QUOTE.sub("", line).strip()) if "](" in line else None
    return link is not None and bare_status(link.group(2)) is None


def _without_dump_links(
    line: str, status: tuple[str, str | None] | None, refs: References
) -> tuple[str, tuple[str, str | None] | None]:
    """The line less a dump's link numbers that its references list (``_DUMP_LINK``), and
    the last status they link."""

    def drop(match: re.Match[str]) -> str:
        nonlocal status
        url = refs.get(f"#{match.group(1)}")
        if url is None:
            return match.group(0)
        status = bare_status(url) or status
        return ""

    return _DUMP_LINK.sub(drop, line), status


def linked_whole(line: str) -> tuple[str, str | None] | None:
    """The status a line links to when the whole line is one Markdown link (a reader tool
    links a title line to its post: ``[Name on X: "…" / X](https://x.com/…)``)."""
    link = MD_LINK.fullmatch(MD_QUOTE.sub("", line).strip())
    return bare_status(link.group(2)) if link else None


# Markdown code: a fenced block (a line of three or more backticks or tildes, indented up to
# three spaces, to a line of the same character at least as long, or the text's end) and an
# inline code span (a run of backticks to a run as long). What is written there is a code
# sample shown as text, a shortcode or an embed's markup among them, not an embed.
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")


def fenced_lines(lines: list[str]) -> frozenset[int]:
    """The lines of fenced code blocks, their fences included."""
    inside: set[int] = set()
    opening: str | None = None
    for index, line in enumerate(lines):
        fence = FENCE.match(line)
        if opening is None and fence is not None:
            opening = fence["fence"]
        elif opening is not None:
            closes = fence is not None and fence["fence"].startswith(opening)
            if closes and not line.strip().strip(opening[0]):
                opening = None
        else:
            continue
        inside.add(index)
    return frozenset(inside)


def outside_code_spans(line: str) -> str:
    """``line`` with each inline code span blanked (its length kept)."""
    return CODE_SPAN.sub(lambda span: " " * len(span.group()), line) if "`" in line else line
