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

import re
from dataclasses import dataclass

from ..normalize import clean_text, comparable, is_truncated, split_media
from ..urls import bare_status, canonical_id, find_status, iter_statuses
from .signature import split_signature

TITLE_RE = re.compile(
    r'^(?P<name>[^\n"“”]{1,80}?) on (?:Twitter|X)(?: \(formerly Twitter\))?: ["“](?P<text>.*)$'
)
_TITLE_END = re.compile(
    r'^(?P<text>.*?)(?:(?P<inner> / X)["”]|["”](?P<outer> / (?:X|Twitter))|["”])\s*$', re.S
)


@dataclass(frozen=True, slots=True)
class TextHit:
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


def parse_title(line: str) -> tuple[str, str, bool] | None:
    """``Name on X: "TEXT" / X`` → (name, TEXT, has the `` / X`` suffix), else None."""
    head = TITLE_RE.match(line.strip())
    if not head:
        return None
    tail = _TITLE_END.match(head.group("text"))
    if not tail or len(head.group("name").split()) > 10:
        return None
    suffixed = bool(tail.group("inner") or tail.group("outer"))
    return head.group("name").strip(), tail.group("text").strip(), suffixed


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip() and not lines[index].startswith("\ufffc"):
            return index
        if lines[index].startswith("\ufffc"):
            return None
    return None


def _repeat_after(lines: list[str], start: int | None, title_text: str) -> tuple[str, int] | None:
    """The full text repeated after a title line: one or more lines equal to the title text,
    or, for a truncated title, the line that the title is a prefix of."""
    if start is None:
        return None
    wanted = comparable(title_text)
    if not wanted:
        return None
    truncated = is_truncated(title_text)
    joined = ""
    for index in range(start, min(len(lines), start + 40)):
        line = lines[index].strip()
        if not line or line.startswith("\ufffc"):
            break
        joined = f"{joined}\n{line}" if joined else line
        have = comparable(joined)
        if truncated:
            return (joined, index) if have.startswith(wanted) else None
        if have == wanted:
            return joined, index
        if not wanted.startswith(have):
            return None
    return None


def _paragraph_before(
    lines: list[str], index: int, taken: int, blank_mode: bool
) -> tuple[int, str]:
    """The paragraph just above a signature line (not crossing lines already used).

    A line ending with a colon introduces the embed ("As one resident put it:"): it is
    article prose, so the post's text is empty (a signature-only embed).
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
            and not lines[start - 1].startswith("\ufffc")
        ):
            start -= 1
    return start, "\n".join(line.strip() for line in lines[start : end + 1])


# WordPress shortcodes left in raw post content: [tweet URL] (Jetpack), [tweet id="ID"].
SHORTCODE_RE = re.compile(
    r"\[tweet\s+(?:(?:id|tweet)\s*=\s*[\"']?(?P<id>0*[0-9]{1,19})[\"']?|(?:url\s*=\s*)?[\"']?"
    r"(?P<url>https?://[^\s\]\"']+))[^\]]*\]",
    re.IGNORECASE,
)


def find_shortcodes(text: str) -> list[tuple[str, str | None]]:
    """(status id, handle) of every ``[tweet …]`` shortcode in a string."""
    found: list[tuple[str, str | None]] = []
    for match in SHORTCODE_RE.finditer(text):
        if status_id := canonical_id(match.group("id")):
            found.append((status_id, None))
        elif match.group("url") and (status := find_status(match.group("url"))):
            found.append(status)
    return found


_MD_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _unmark(lines: list[str]) -> tuple[list[str], dict[int, tuple[str, str | None]]]:
    """Markdown from reader tools: drop ``>`` quote markers and turn ``[label](url)`` into
    its label, remembering the last status URL linked on each line (the signature's date is
    often a link to the post: ``— Name (@handle) [March 1, 2024](https://x.com/…)``)."""
    plain: list[str] = []
    linked: dict[int, tuple[str, str | None]] = {}
    for number, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            line = _MD_QUOTE.sub("", line)
        if "](" in line:
            for match in _MD_LINK.finditer(line):
                status = bare_status(match.group(2))
                if status:
                    linked[number] = status
            line = _MD_LINK.sub(lambda m: m.group(1) or m.group(2), line)
        plain.append(line)
    return plain, linked


def _line_hit(index: int, line: str, post_id: str, handle: str | None, method: str) -> TextHit:
    """A sighting that is one line holding a status (a bare URL, a shortcode, a link)."""
    return TextHit(index, index, None, handle, None, None, line, status_id=post_id, method=method)


def find_text_embeds(text: str, include_links: bool = False) -> list[TextHit]:
    """Every title-form and signature-form embed in extracted text, in order.

    A line holding nothing but a status URL is an embed too (an auto-embed that never ran);
    other status URLs are ``link`` hits when ``include_links`` is set. Lines starting with
    U+FFFC stand for embeds already found in markup: nothing crosses them.
    """
    raw_lines = text.split("\n")
    lines, linked = _unmark(raw_lines)
    blank_mode = any(not line.strip() for line in lines[1:-1])
    hits: list[TextHit] = []
    taken = -1
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        title = parse_title(line) if " on " in line else None
        if title:
            name, title_text, suffixed = title
            repeat = _repeat_after(lines, _next_nonblank(lines, index + 1), title_text)
            last = repeat[1] if repeat else index
            after = _next_nonblank(lines, last + 1)
            signature = split_signature(lines[after].strip()) if after is not None else ("", None)
            has_signature = signature[1] is not None and not signature[0]
            if repeat or suffixed or has_signature:
                if has_signature and after is not None:
                    last = after
                body, media = split_media(clean_text(repeat[0] if repeat else title_text))
                sig = signature[1] if has_signature else None
                status = linked.get(last) if has_signature else None
                hits.append(
                    TextHit(
                        index,
                        last,
                        name,
                        sig["handle"] if sig else None,
                        body or None,
                        sig["date"] if sig else None,
                        "\n".join(raw_lines[index : last + 1]),
                        media,
                        status_id=status[0] if status else None,
                        date_text=sig["date_text"] if sig else None,
                    )
                )
                taken = last
                index = last + 1
                continue
        if "(@" in line:
            before, sig = split_signature(line)
            if sig:
                first, body = (
                    (index, before)
                    if before.strip()
                    else _paragraph_before(lines, index, taken, blank_mode)
                )
                body, media = split_media(clean_text(body))
                status = linked.get(index)
                hits.append(
                    TextHit(
                        first,
                        index,
                        sig["author"],
                        sig["handle"],
                        body or None,
                        sig["date"],
                        "\n".join(raw_lines[first : index + 1]),
                        media,
                        status_id=status[0] if status else None,
                        date_text=sig["date_text"],
                    )
                )
                taken = index
                index += 1
                continue
        if "[tweet" in line:
            shortcodes = find_shortcodes(line)
            hits.extend(
                _line_hit(index, line, post_id, handle, "wordpress")
                for post_id, handle in shortcodes
            )
            if shortcodes:
                index += 1
                continue
        original = raw_lines[index]
        if "status" in original:
            bare = bare_status(line)
            if bare:
                hits.append(_line_hit(index, original, bare[0], bare[1], "text"))
            elif include_links:
                hits.extend(
                    _line_hit(index, original, post_id, handle, "link")
                    for post_id, handle in iter_statuses(original)
                )
        index += 1
    return hits
