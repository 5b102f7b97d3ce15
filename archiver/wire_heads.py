"""The heads of a request's answers as they came over the wire, byte for byte.

httpx (h11) hands on parsed headers: a folded line joined by a space, the blanks around a
value trimmed, lines ended by LF alone read as any other, two equal ``Content-Length``
lines merged into one. The evidence must hold what was served, so the network streams
(``socket_watch.WatchedStream``) hand the bytes a request writes and reads to the
``HeadTap`` of its thread (``tapping``), which keeps the head of each answer (the final one,
after any ``1xx``) and none of its body. ``Http`` then pairs the heads with the responses.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator

_BLANK_LINE = re.compile(rb"\n\r?\n")  # where h11 ends a head
MAX_HEAD = 1 << 20  # h11 refuses a head past 100 KiB: no more is ever kept
_current = threading.local()


class HeadTap:
    """The heads of the answers a request read, in order (None for an answer whose head was
    not seen whole)."""

    def __init__(self) -> None:
        self.heads: list[bytes | None] = []
        self._buffer = bytearray()
        self._reading = False  # bytes came since the last write: an answer is under way
        self._found = False  # that answer's final head is in ``heads``
        self._too_long = False  # that answer's head ran past MAX_HEAD: it has None

    def wrote(self) -> None:
        """A request (or part of one) went out: the next bytes read start a new answer."""
        if self._reading and not self._found:
            self.heads.append(None)
        self._reading = False

    def read(self, data: bytes) -> None:
        if not self._reading:
            self._reading, self._found, self._too_long = True, False, False
            self._buffer.clear()
        if self._found or self._too_long or not data:
            return
        # The search starts where the last one stopped (less the 2 bytes a blank line may
        # have begun in): a head in 1-byte reads is not scanned again from its start each time.
        start = max(0, len(self._buffer) - 2)
        self._buffer += data
        while match := _BLANK_LINE.search(self._buffer, start):
            head = bytes(self._buffer[: match.end()])
            del self._buffer[: match.end()]
            start = 0
            if not _interim(head):
                self._found = len(head) <= MAX_HEAD
                self._too_long = not self._found
                if self._found:
                    self.heads.append(head)
                self._buffer.clear()
                return
        if len(self._buffer) > MAX_HEAD:  # a head past the limit: its answer has None
            self._too_long = True
            self._buffer.clear()


def _interim(head: bytes) -> bool:
    """A ``1xx`` answer before the final one (not ``101``, which ends HTTP on the stream)."""
    code = head[9:12]
    return code[:1] == b"1" and code != b"101"


@contextlib.contextmanager
def tapping(tap: HeadTap) -> Iterator[HeadTap]:
    """Hand the bytes this thread's requests write and read meanwhile to ``tap``."""
    outer = getattr(_current, "tap", None)
    _current.tap = tap
    try:
        yield tap
    finally:
        _current.tap = outer


def wrote() -> None:
    tap = getattr(_current, "tap", None)
    if tap is not None:
        tap.wrote()


def read(data: bytes) -> None:
    tap = getattr(_current, "tap", None)
    if tap is not None:
        tap.read(data)


def head_status(head: bytes) -> int | None:
    """The status code of a head's status line (``HTTP/1.1 200 OK``)."""
    code = head[9:12]
    return int(code) if len(code) == 3 and code.isdigit() else None
