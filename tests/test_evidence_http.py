"""HTTP records (``request``, ``response``, ``revisit``) written without warcio: the same
fields, the same HTTP header block and the same payload bytes as warcio built them for the
same capture (as earlier versions wrote them), read back by warcio and FastWARC."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.evidence.read import walk_members
from archiver.evidence.warc import HttpCapture, Original, WarcLog, warc_date

WHEN = datetime(2026, 12, 2, 15, 30, 1, 123456, tzinfo=UTC)
BODY = b'{"id_str": "20", "text": "Caf\xc3\xa9 \\u00e9 at dawn"}' * 30
REQUEST = (("Host", "127.0.0.1:8080"), ("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate"))
ID_FIELDS = ("WARC-Record-ID", "WARC-Concurrent-To", "WARC-Refers-To")


def hop(url: str, status: int, headers: list, served: bytes | None, payload: bytes, **kw):
    target = url.split("8080", 1)[1]
    return HttpCapture(
        url,
        status,
        kw.pop("reason", "OK"),
        "HTTP/1.1",
        headers,
        served,
        payload,
        request_target=target,
        request_headers=REQUEST,
        fetched_at=WHEN,
        **kw,
    )


def gzipped() -> HttpCapture:
    served = gzip.compress(BODY, mtime=0)
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(served))),
    ]
    return hop("http://127.0.0.1:8080/r?id=20&x=%C3%A9", 200, headers, served, BODY)


def chunked_and_decoded() -> HttpCapture:
    """Only the decoded body known (served None): its Content-Encoding and Content-Length
    go, and so does the Transfer-Encoding of a body stored de-chunked."""
    headers = [
        ("Content-Type", "application/json"),
        ("Transfer-Encoding", "chunked"),
        ("Content-Encoding", "br"),
        ("Content-Length", "99"),
        ("X-Empty", ""),
    ]
    return hop("http://127.0.0.1:8080/b", 200, headers, None, BODY)


def redirected() -> HttpCapture:
    first = hop("http://127.0.0.1:8080/old", 301, [("Location", "/mid")], None, b"", reason="")
    second = hop(
        "http://127.0.0.1:8080/mid",
        302,
        [("Location", "/new"), ("Content-Length", "5")],
        b"moved",
        b"moved",
        reason="Found",
    )
    final = gzipped()
    return hop(
        "http://127.0.0.1:8080/new",
        200,
        final.headers,
        final.served,
        BODY,
        redirects=(first, second),
    )


def warcio_records(capture: HttpCapture, original: Original | None = None) -> bytes:
    """What earlier versions wrote for ``capture`` (built by warcio, uncompressed): each hop's
    request and response; given ``original``, the last hop's answer is a revisit of it."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    date = warc_date(WHEN)
    for each in (*capture.redirects, capture):
        served = each.served if each.served is not None else each.payload
        dropped = {"transfer-encoding"} | (
            {"content-encoding", "content-length"} if each.served is None else set()
        )
        status = f"{each.status} {each.reason}".rstrip()
        kept = [(k, v) for k, v in each.headers if k.lower() not in dropped]
        http = StatusAndHeaders(status, kept, protocol=each.http_version)
        if original is not None and each is capture:
            answer = writer.create_revisit_record(
                each.url,
                _payload_digest_of(served),
                original.target_uri,
                original.date,
                http_headers=http,
                warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": original.record_id},
            )
        else:
            answer = writer.create_warc_record(
                each.url,
                "response",
                payload=io.BytesIO(served),
                length=len(served),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
        line = f"{each.request_method} {each.request_target} {each.http_version}"
        request = writer.create_warc_record(
            each.url,
            "request",
            http_headers=StatusAndHeaders(line, list(each.request_headers), is_http_request=True),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": answer.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
        writer.write_record(answer)
    return out.getvalue()


def _payload_digest_of(served: bytes) -> str:
    from warcio.utils import Digester

    digester = Digester("sha1")
    digester.update(served)
    return str(digester)


def split_records(data: bytes) -> list[tuple[dict[str, str], bytes]]:
    """(WARC fields with record IDs replaced by the record's position, block bytes) of each
    record but the warcinfo: the block compared byte for byte, the fields one by one."""
    found: list[list[tuple[str, str]]] = []
    with io.BytesIO(data) as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            record.content_stream().read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            if record.rec_type != "warcinfo":
                found.append(list(record.rec_headers.headers))
    positions = {dict(f)["WARC-Record-ID"]: f"#{n}" for n, f in enumerate(found)}
    records = []
    for fields, block in zip(found, _blocks(data), strict=True):
        named = {
            k: positions.get(v, v) if k in ID_FIELDS else v
            for k, v in fields
            if k != "WARC-Warcinfo-ID"
        }
        assert len(named) == len([k for k, _ in fields if k != "WARC-Warcinfo-ID"])  # no repeats
        records.append((named, block))
    return records


def _blocks(data: bytes) -> list[bytes]:
    """Each non-warcinfo record's block, as stored (members inflated one by one)."""
    blocks = []
    while data:
        if data.startswith(b"\x1f\x8b"):
            inflater = zlib.decompressobj(31)
            record, data = inflater.decompress(data), inflater.unused_data
        else:
            record, data = data, b""
        while record:
            head, _, rest = record.partition(b"\r\n\r\n")
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            if b"WARC-Type: warcinfo" not in head:
                blocks.append(rest[:length])
            assert rest[length : length + 4] == b"\r\n\r\n"
            record = rest[length + 4 :]
    return blocks


def ours(tmp_path: Path, capture: HttpCapture, original: Original | None = None) -> Path:
    with WarcLog(tmp_path) as log:
        if original is None:
            log.write_http(capture)
        else:
            log.write_revisit(capture, original)
    (path,) = tmp_path.glob("*.warc.gz")
    return path


@pytest.mark.parametrize("make", [gzipped, chunked_and_decoded, redirected])
def test_http_records_are_field_for_field_what_warcio_built(tmp_path: Path, make) -> None:
    capture = make()
    written = ours(tmp_path, capture)
    mine, reference = split_records(written.read_bytes()), split_records(warcio_records(capture))
    assert [fields for fields, _ in mine] == [fields for fields, _ in reference]
    assert [block for _, block in mine] == [block for _, block in reference]
    hops = (*capture.redirects, capture)
    assert len(mine) == 2 * len(hops)
    for (fields, block), each in zip(mine[1::2], hops, strict=True):
        served = each.served if each.served is not None else each.payload
        assert block.endswith(b"\r\n\r\n" + served)  # the body byte for byte, as served
        assert fields["Content-Type"] == "application/http; msgtype=response"
    assert all(m.problem is None for m in walk_members(written))


@pytest.mark.parametrize("make", [gzipped, redirected])
def test_a_revisit_is_field_for_field_what_warcio_built(tmp_path: Path, make) -> None:
    capture = make()
    # The original as an earlier version wrote it: the revisit must carry its payload digest.
    *_, (old_fields, _) = split_records(warcio_records(capture))
    original = Original("<urn:uuid:0-original>", capture.url, warc_date(WHEN), "ab" * 32)
    written = ours(tmp_path, capture, original)
    mine = split_records(written.read_bytes())
    assert mine == split_records(warcio_records(capture, original))
    # Its request and the redirects before it, as a response's; the revisit last.
    assert len(mine) == 2 * (len(capture.redirects) + 1)
    revisit = mine[-1][0]
    assert revisit["WARC-Type"] == "revisit" and mine[-2][0]["WARC-Type"] == "request"
    assert revisit["WARC-Payload-Digest"] == old_fields["WARC-Payload-Digest"]
    assert revisit["WARC-Refers-To"] == original.record_id


def test_fastwarc_reads_the_records_and_their_digests(tmp_path: Path) -> None:
    capture = redirected()
    ours(tmp_path, capture)
    with WarcLog(tmp_path) as log:
        log.write_revisit(capture, Original("<urn:uuid:x>", capture.url, "2026-12-01", "00"))
    kinds = []
    for path in sorted(tmp_path.glob("*.warc.gz")):
        # Block digests on the unparsed block: FastWARC, once it parsed a revisit's HTTP
        # head, checks its block digest against the empty rest (warcio's revisits fail alike).
        data = path.read_bytes()
        for record in FastIterator(io.BytesIO(data), parse_http=False):
            kinds.append(kind := record.headers["WARC-Type"])
            assert record.verify_block_digest(), kind
        for record in FastIterator(io.BytesIO(data)):
            if record.headers["WARC-Type"] in ("request", "response"):
                assert record.verify_payload_digest()
            if record.headers.get("WARC-Target-URI", "").endswith("/new"):
                if record.headers["WARC-Type"] in ("response", "revisit"):
                    assert record.http_headers.status_code == 200
                if record.headers["WARC-Type"] == "response":
                    assert record.reader.read() == capture.served
    # The first file: three exchanges; the second: the two redirects, a request, a revisit.
    assert sorted(kinds) == sorted(
        ["warcinfo"] * 2 + ["request"] * 6 + ["response"] * 5 + ["revisit"]
    )


def test_a_header_byte_over_0x7f_is_kept_as_received(tmp_path: Path) -> None:
    """warcio percent-encoded such a value; the record now holds the byte served."""
    capture = hop(
        "http://127.0.0.1:8080/n",
        200,
        [("Content-Type", "text/plain"), ("X-Name", "caf\xe9")],  # httpx's Latin-1 text
        b"ok",
        b"ok",
    )
    path = ours(tmp_path, capture)
    (_, (_, block)) = split_records(path.read_bytes())
    assert b"\r\nX-Name: caf\xe9\r\n" in block
    with path.open("rb") as fh:
        (response,) = [r for r in ArchiveIterator(fh) if r.rec_type == "response"]
        assert response.http_headers.get_header("X-Name") == "caf\xe9"
    assert all(m.problem is None for m in walk_members(path))


@pytest.mark.parametrize("where", ["header", "reason"])
def test_a_line_break_in_an_http_head_is_refused(tmp_path: Path, where: str) -> None:
    headers = [("X-Forged", "a\r\nSet-Cookie: b")] if where == "header" else []
    reason = "OK\r\nSet-Cookie: b" if where == "reason" else "OK"
    capture = hop("http://127.0.0.1:8080/f", 200, headers, b"x", b"x", reason=reason)
    with WarcLog(tmp_path) as log, pytest.raises(ValueError, match="line break"):
        log.write_http(capture)


def test_a_revisit_is_indexed_with_its_originals_digest(
    run_cli, httpserver, config_file, db_path, tmp_path
) -> None:
    """Two checks of an unchanged post: a response and a revisit; ``verify`` reads them, the
    export validates, and a CDXJ index gives both the digest a replay tool pairs them by."""
    from fake_x import FakeX
    from test_evidence_snapshots import POST
    from test_wacz import validate

    from archiver.evidence.wacz import _cdxj
    from archiver.evidence.warc import default_warc_dir

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    fake.live(POST, "Ferries resume at dawn", handle="ada")
    for _ in range(2):
        assert run_cli("snapshot", POST).exit_code == 0
    assert run_cli("verify").exit_code == 0
    out = tmp_path / "post.wacz"
    assert run_cli("export", "--wacz", str(out), "--post", POST).exit_code == 0
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    entries = []
    for path in default_warc_dir(db_path).glob("*.warc.gz"):
        lines = _cdxj(path).decode().splitlines()
        entries += [json.loads(line.split(" ", 2)[2]) for line in lines]
    replies = [e for e in entries if "tweet-result" in e["url"]]
    assert sorted(e["mime"] for e in replies) == ["application/json", "warc/revisit"], replies
    assert replies[0]["digest"] == replies[1]["digest"]
