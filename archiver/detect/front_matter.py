"""A Markdown file's front matter: the metadata block a Jekyll, Hugo or Hexo post opens with
(``---`` YAML ``---``, or ``+++`` TOML ``+++``). The site never shows it as the article: an
embed's markup kept there (WordPress exports write each cached oEmbed answer as a
``_oembed_…`` field, stale or not) is no embed, nor is a title or status URL in its fields.
"""

from __future__ import annotations

import re

# The first line (after a byte-order mark, kept as it is): the fence; then a field as the
# first line that is not blank, ``key:`` (YAML: a word, or quoted) or ``key =`` (TOML); the
# block ends at the first line that is a closing fence (YAML may close with ``...``). A
# document opening with a thematic break (``---`` then prose) names no field, and is none.
FRONT_MATTER = re.compile(
    rb"\A(?:"
    rb"---[ \t]*\r?\n(?:[ \t]*\r?\n)*(?:\w[\w.-]*|\"[^\"\r\n]*\"|'[^'\r\n]*'):(?:[ \t\r\n].*?)??"
    rb"\r?\n(?:---|\.\.\.)"
    rb"|\+\+\+[ \t]*\r?\n(?:[ \t]*\r?\n)*[ \t]*[\w\"'.-]+[ \t]*=.*?\r?\n\+\+\+"
    rb")[ \t]*(?=\r?\n|\Z)",
    re.S,
)
# Front matter is a few KB; past this, what follows a ``---`` is not read as one.
MAX_FRONT_MATTER = 256 * 1024
BOM = b"\xef\xbb\xbf"
_NOT_A_BREAK = re.compile(rb"[^\r\n]")


def blank_front_matter(raw: bytes) -> bytes:
    """``raw`` with its front matter's bytes made spaces (its line breaks kept, so every
    byte after it keeps its offset); ``raw`` itself when it opens with none."""
    mark = len(BOM) if raw.startswith(BOM) else 0
    if not raw.startswith((b"---", b"+++"), mark):
        return raw
    block = FRONT_MATTER.match(raw[mark : mark + MAX_FRONT_MATTER])
    if block is None:
        return raw
    return raw[:mark] + _NOT_A_BREAK.sub(b" ", block.group(0)) + raw[mark + block.end() :]
