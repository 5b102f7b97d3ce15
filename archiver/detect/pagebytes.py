"""The bytes an embed's range is given in, and how a range found elsewhere maps onto them.

Ranges are found in ASCII-compatible bytes (``spans`` tokenizes markup as single bytes). A
page in such an encoding is searched as it is. A UTF-16/32 page is searched in its UTF-8
transcoding, and each range is mapped back onto the page's own bytes through the text both
encode; a range whose bytes do not decode to the same text (the page had undecodable bytes)
is dropped rather than guessed.
"""

from __future__ import annotations

import codecs
import hashlib
from typing import NamedTuple

Span = tuple[int, int]

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class PageBytes(NamedTuple):
    """``data``: where ranges are looked for; ``page``: the bytes they are given in (None:
    ``data`` itself); ``codec``: how ``page`` (or ``data``) decodes to the page's text."""

    data: bytes
    codec: str
    page: bytes | None = None

    @classmethod
    def wide(cls, page: bytes, utf8: bytes, declared: str | None) -> PageBytes:
        """A UTF-16/32 page searched in ``utf8``, its transcoding."""
        for bom, name in _WIDE_BOMS:
            if page.startswith(bom):
                return cls(utf8, name, page)
        name = (declared or "utf-16").lower().replace("_", "-")
        return cls(utf8, name if name.endswith(("-le", "-be")) else f"{name}-le", page)

    @property
    def _bytes(self) -> bytes:
        return self.data if self.page is None else self.page

    def to_page(self, span: Span | None) -> Span | None:
        """A range found in ``data`` as a range of the page's own bytes (None if unsure)."""
        if span is None or self.page is None:
            return span
        before = self.data[: span[0]].decode("utf-8", "surrogatepass")
        inside = self.data[span[0] : span[1]].decode("utf-8", "surrogatepass")
        bom = next((len(b) for b, name in _WIDE_BOMS if self.page.startswith(b)), 0)
        start = bom + len(before.encode(self.codec, "surrogatepass"))
        end = start + len(inside.encode(self.codec, "surrogatepass"))
        if self.page[start:end].decode(self.codec, "replace") != inside:
            return None
        return start, end

    def part(self, span: Span, columns: tuple[int, int | None], expected: str) -> Span | None:
        """The part of the lines at ``span`` of ``data`` from character ``columns[0]`` of
        the first to character ``columns[1]`` of the last (None: its end); None unless
        those bytes decode to ``expected`` (a line holding bytes its codec cannot read)."""
        codec = "utf-8" if self.page is not None else self.codec
        lines = self.data[span[0] : span[1]].decode(codec, "replace")
        first, last = columns
        start = span[0] + len(lines[:first].encode(codec, "replace"))
        end = span[1]
        if last is not None:
            last_start = lines.rfind("\n") + 1
            end = span[0] + len(lines[: last_start + last].encode(codec, "replace"))
        if self.data[start:end].decode(codec, "replace") != expected:
            return None
        return start, end

    def text(self, span: Span) -> str:
        return self._bytes[span[0] : span[1]].decode(self.codec, errors="replace")

    def digest(self, span: Span) -> str:
        return hashlib.sha256(self._bytes[span[0] : span[1]]).hexdigest()
