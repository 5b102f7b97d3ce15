"""The title form in extracted text: a line holding a post page's title (``post_titles``),
``Name on X: "TEXT" / X`` and its variants (``on X (formerly Twitter): "TEXT / X"``, ``on
Twitter: "TEXT" / Twitter``), often followed by TEXT again in full: the repeat belongs to
the same embed, and the full text wins over a truncated (``…``) title. A signature line
may follow.

A title line without the `` / X`` suffix is only taken when the text repeats after it, a
signature follows or a link to the post vouches for it, so prose such as ``He wrote on X:
"…"`` is not an embed. What surrounds a title on its line (a sentence introducing it, a
list's marker) is read here, as the title itself is the same wherever it is found.
"""

from __future__ import annotations

import re

from ..normalize import clean_text, comparable, is_truncated, split_media
from ..urls import find_status
from .post_titles import parse_title, vouched_title
from .signature import split_signature
from .text_doc import LIST_ITEM, TextDoc, TextHit
from .text_marks import image_alt, linked_whole


def title_hit(doc: TextDoc, index: int, line: str) -> TextHit | None:
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


def _among_listed_posts(doc: TextDoc, index: int) -> bool:
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
