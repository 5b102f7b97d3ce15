"""``archiver.wire_heads``: the heads of a request's answers as they came, and a head kept
without the fields a record drops (``wire_head_without``)."""

from __future__ import annotations

import time

import httpx

from archiver.evidence.fields import wire_head_without
from archiver.http import attach_heads, wire_head
from archiver.wire_heads import MAX_HEAD, HeadTap, head_status

FINAL = b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\nContent-Length: 4\r\n\r\n"


def tapped(*answers: bytes, step: int = 3) -> list[bytes | None]:
    """The heads a tap keeps of ``answers``, each read ``step`` bytes at a time after a write."""
    tap = HeadTap()
    for answer in answers:
        tap.wrote()
        for at in range(0, len(answer), step):
            tap.read(answer[at : at + step])
    tap.wrote()
    return tap.heads


def test_each_answer_keeps_its_final_head_and_none_of_its_body() -> None:
    interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\nLink: </a.css>\n\n"
    moved = b"HTTP/1.1 301 Moved\nLocation: /b\n\nbody\n\nHTTP/1.1 200 not a head\r\n\r\n"
    assert tapped(interim + FINAL + b"body", moved) == [FINAL, moved[: moved.index(b"\n\n") + 2]]
    assert head_status(FINAL) == 200 and head_status(b"HTTP/1.1 2") is None
    for step in (1, 2, len(FINAL)):
        assert tapped(FINAL + b"\r\n\r\n", step=step) == [FINAL]


def test_an_answer_cut_before_its_head_ended_has_none() -> None:
    assert tapped(b"HTTP/1.1 200 OK\r\nX: y\r\n", FINAL) == [None, FINAL]
    assert tapped(
        b"HTTP/1.1 200 OK\r\nX: " + b"v" * (MAX_HEAD + 10) + b"\r\n\r\n", step=1 << 16
    ) == [None]


def test_a_head_read_a_byte_at_a_time_is_searched_once() -> None:
    """Each read searched the head from its start again: 1 MB a byte at a time is 10^12
    byte-compares (minutes); once over, about a second."""
    head = b"HTTP/1.1 200 OK\r\nX: " + b"v" * 1_000_000 + b"\r\n\r\n"
    started = time.process_time()
    assert tapped(head, step=1) == [head]
    assert time.process_time() - started < 30


def test_a_dropped_field_goes_with_its_folded_lines() -> None:
    head = b"HTTP/1.1 200 OK \r\nTransfer-Encoding:\r\n chunked\r\nx-a:b  \r\n\tc\r\n\r\n"
    assert wire_head_without(head, {"transfer-encoding"}) == (
        b"HTTP/1.1 200 OK \r\nx-a:b  \r\n\tc\r\n\r\n"
    )
    lf = b"HTTP/1.1 200 OK\nContent-Encoding: gzip\nContent-Length: 9\nA: b\n\n"
    assert wire_head_without(lf, {"content-encoding", "content-length"}) == (
        b"HTTP/1.1 200 OK\nA: b\n\n"
    )


def test_a_head_verify_would_end_early_is_not_kept_as_it_came() -> None:
    """A line of blanks: h11 reads it as a folded line, warcio as the end of the head."""
    assert wire_head_without(b"HTTP/1.1 200 OK\r\nA: b\r\n   \r\nC: d\r\n\r\n", set()) is None


def test_heads_are_given_only_when_they_pair_with_the_responses() -> None:
    moved = b"HTTP/1.1 301 Moved\r\nLocation: /b\r\n\r\n"
    for heads in ([FINAL], [moved, None], [b"HTTP/1.1 302 Found\r\n\r\n", FINAL]):
        responses = [httpx.Response(301), httpx.Response(200)]
        attach_heads(responses, heads)
        assert [wire_head(r) for r in responses] == [None, None]
    responses = [httpx.Response(301), httpx.Response(200)]
    attach_heads(responses, [moved, FINAL])
    assert [wire_head(r) for r in responses] == [moved, FINAL]
