"""Undoing a response's ``Content-Encoding`` in bounded steps, so that ``max_bytes`` holds
for the decoded body: httpx decodes a whole network chunk in one call (64 KiB of a gzip
bomb becomes some 64 MB at once).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

DECODE_STEP = 1 << 20  # at most this much decoded output per decompression call


class BoundedDecoder:
    """Undo a ``gzip``, ``deflate`` or ``br`` Content-Encoding (or several stacked) in
    bounded steps.

    httpx decodes a whole network chunk in one call: 64 KiB of a gzip bomb becomes ~64 MB at
    once. Here each call yields at most ``DECODE_STEP`` bytes, and the caller stops as soon as
    ``max_bytes`` is passed. ``for_encoding`` returns None for identity (nothing to undo) and
    raises ``ValueError`` for what cannot be decoded this way. Decoding here, not in httpx,
    is also what keeps the body as served (the WARC record's bytes): httpx hands on only
    what it decoded.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        # gzip alone, as warcio (``archive verify``) reads it: a zlib stream under "gzip",
        # read too, made a payload verify reads otherwise, and failed the page for ever.
        self._wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(self._wbits)
        self._started = False
        self._ended = False  # the stream (a gzip body's first member) is whole
        self._held = b""  # a deflate body's first byte, until its second tells zlib from raw
        self.complete = True  # no stream begun and left unfinished (an empty body is whole)

    @classmethod
    def for_encoding(cls, header: str | None) -> BoundedDecoder | None:
        names = content_codings(header)
        if not names:
            return None
        if any(name not in DECODED_CODINGS for name in names):
            raise ValueError(f"unsupported Content-Encoding {', '.join(names)}")
        decoders = [cls.for_coding(name) for name in reversed(names)]  # the last applied first
        return decoders[0] if len(decoders) == 1 else StackedDecoder(decoders)

    @classmethod
    def for_coding(cls, name: str) -> BoundedDecoder:
        """The decoder of one coding of ``DECODED_CODINGS``."""
        if name == "br":
            return BrotliDecoder()
        return cls("deflate" if name == "deflate" else "gzip")

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._ended:
            self.complete = False
            try:
                out = self._zlib.decompress(data, DECODE_STEP)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._started:
                    # Many servers send raw deflate without the zlib header.
                    data, self._held = self._held + data, b""
                    self._wbits = -zlib.MAX_WBITS
                    self._zlib = zlib.decompressobj(self._wbits)
                    self._started = True
                    continue
                raise ValueError(f"cannot decode {self.encoding} body ({exc})") from None
            if self.encoding == "deflate" and not self._started and len(self._held + data) < 2:
                self._held += data  # zlib judges its header by 2 bytes: raw deflate may be it
            else:
                self._started, self._held = True, b""
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            # What follows the stream (a gzip body's next member, junk) is not read, now or
            # in a later chunk, as warcio, and so ``archive verify``, reads it: read, it made
            # the payload another than verify's, which failed the page for ever.
            self._ended = self.complete = self._zlib.eof


class BrotliDecoder(BoundedDecoder):
    """Undo a ``br`` Content-Encoding in bounded steps (a server may send it unasked).
    Bytes after the end of the stream are refused, as warcio's reader (``archive verify``)
    refuses them."""

    def __init__(self) -> None:
        import brotli

        self.encoding = "br"
        self._brotli = brotli.Decompressor()
        self._error = brotli.error
        self.complete = True  # no stream begun (an empty body is whole)

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._brotli.process(data, output_buffer_limit=DECODE_STEP)
            while out:  # the output its input holds, a step at a time, to the last byte
                yield out
                out = self._brotli.process(b"", output_buffer_limit=DECODE_STEP)
        except self._error as exc:
            raise ValueError(f"cannot decode br body ({exc})") from None
        self.complete = self._brotli.is_finished()


class StackedDecoder(BoundedDecoder):
    """Undo two or more stacked codings (``gzip, gzip``: applied in that order), each in
    bounded steps: each piece one decoder yields goes through the next before more is read."""

    def __init__(self, decoders: list[BoundedDecoder]) -> None:
        self.encoding = ", ".join(reversed([decoder.encoding for decoder in decoders]))
        self._decoders = decoders
        self.complete = True  # no stream begun (an empty body is whole)

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)
        self.complete = all(decoder.complete for decoder in self._decoders)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield data
            return
        for part in self._decoders[index].feed(data):
            yield from self._through(index + 1, part)


DECODED_CODINGS = frozenset({"gzip", "x-gzip", "deflate", "br"})


def content_codings(header: str | None) -> list[str]:
    """The codings a Content-Encoding header lists, in the order applied, lowercased and
    without ``identity``."""
    names = [n.strip().lower() for n in (header or "").split(",") if n.strip()]
    return [n for n in names if n != "identity"]


def httpx_decodes(header: str | None) -> bool:
    """Whether httpx undoes every coding ``header`` lists. It passes over a coding it does
    not know (``zstd`` without the zstandard package, ``br`` without brotli, ``foo``) and
    hands its bytes on as they came, as though they were the content."""
    from httpx._decoders import SUPPORTED_DECODERS  # not loaded by verify's use of this module

    return all(name in SUPPORTED_DECODERS for name in content_codings(header))
