"""An article page served again exactly as it was kept is a ``revisit`` record (with its
request), not a second copy: read back with warcio, verified, exported and replayable."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

import pytest
import sqlite_utils
from test_evidence import EMBED, PAGE
from test_wacz import validate
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Response

from archiver.evidence.revisits import stored_digest
from archiver.evidence.warc import default_warc_dir
from archiver.models import WarcRecordRef


def serve(httpserver, body: bytes, gzipped: bool = False, level: int = 9) -> str:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if gzipped:
        body = gzip.compress(body, compresslevel=level, mtime=0)
        headers["Content-Encoding"] = "gzip"
    httpserver.clear()
    httpserver.expect_request("/story").respond_with_response(Response(body, headers=headers))
    return httpserver.url_for("/story")


def rows(db_path: Path, sql: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql))


def warc_records(db_path: Path) -> list[tuple[str, dict[str, str]]]:
    """(type, WARC fields) of every record of the archive's WARC files, in order."""
    found = []
    for path in sorted(default_warc_dir(db_path).glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                found.append((record.rec_type, dict(record.rec_headers.headers)))
    return found


def test_an_unchanged_page_is_a_revisit_of_the_first(run_cli, httpserver, db_path, tmp_path):
    url = serve(httpserver, PAGE.encode())
    for _ in range(3):
        assert run_cli("scan", url).exit_code == 0
    records = rows(db_path, "select * from records order by id")
    assert [r["record_type"] for r in records] == ["response", "revisit", "revisit"]
    assert len({r["payload_sha256"] for r in records}) == 1
    # Each scan points at its own record; the embed at the bytes, in the first.
    scans = rows(db_path, "select record_id from scans order by id")
    assert [s["record_id"] for s in scans] == [r["id"] for r in records]
    (embed,) = rows(db_path, "select record_id, raw from embeds")
    assert embed["record_id"] == records[0]["id"] and embed["raw"] == EMBED
    kinds = [(kind, fields) for kind, fields in warc_records(db_path) if kind != "warcinfo"]
    assert [kind for kind, _ in kinds] == ["request", "response"] + ["request", "revisit"] * 2
    response = kinds[1][1]
    for _, revisit in kinds[3::2]:
        assert revisit["WARC-Refers-To"] == response["WARC-Record-ID"]
        assert revisit["WARC-Payload-Digest"] == response["WARC-Payload-Digest"]
        assert revisit["WARC-Refers-To-Target-URI"] == url
    result = run_cli("verify")
    assert result.exit_code == 0, result.output
    out = tmp_path / "story.wacz"
    assert run_cli("export", "--wacz", str(out)).exit_code == 0
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_changed_page_is_kept_in_full_again(run_cli, httpserver, db_path):
    assert run_cli("scan", serve(httpserver, PAGE.encode())).exit_code == 0
    changed = PAGE.replace("intro", "intro, updated")
    assert run_cli("scan", serve(httpserver, changed.encode())).exit_code == 0
    assert run_cli("scan", serve(httpserver, changed.encode())).exit_code == 0
    kinds = rows(db_path, "select record_type from records order by id")
    assert [r["record_type"] for r in kinds] == ["response", "response", "revisit"]
    assert run_cli("verify").exit_code == 0


def test_the_same_page_served_otherwise_is_kept_in_full(run_cli, httpserver, db_path):
    """Same decoded bytes, other bytes on the wire (gzipped, then gzipped at another level):
    a revisit would carry a payload digest its original lacks, so each is a response."""
    body = (PAGE + "<!-- " + "padding " * 400 + "-->").encode()
    for gzipped, level in ((False, 9), (True, 9), (True, 1), (True, 1)):
        assert run_cli("scan", serve(httpserver, body, gzipped, level)).exit_code == 0
    kinds = rows(db_path, "select record_type, payload_sha256 from records order by id")
    assert [r["record_type"] for r in kinds] == ["response", "response", "response", "revisit"]
    assert len({r["payload_sha256"] for r in kinds}) == 1
    assert run_cli("verify").exit_code == 0


def test_an_original_that_cannot_be_read_means_a_full_record(
    run_cli, httpserver, db_path, tmp_path
):
    url = serve(httpserver, PAGE.encode())
    assert run_cli("scan", url).exit_code == 0
    (first,) = rows(db_path, "select warc_file, warc_offset from records")
    # The first record's file moved away: a revisit would point at nothing readable.
    path = default_warc_dir(db_path) / first["warc_file"]
    path.rename(tmp_path / "elsewhere.warc.gz")
    assert run_cli("scan", url).exit_code == 0
    kinds = rows(db_path, "select record_type from records order by id")
    assert [r["record_type"] for r in kinds] == ["response", "response"]


@pytest.mark.parametrize("damage", ["cut", "flip"])
def test_a_damaged_original_means_a_full_record(run_cli, httpserver, db_path, damage):
    """Its head intact, its body cut short or changed: a revisit would leave the page's
    bytes nowhere whole in the archive, though the server has just served them again. The
    page is larger than the piece read for the original's head, as most pages are."""
    noise = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(2000))
    url = serve(httpserver, PAGE.replace("intro", f"intro <!-- {noise} -->").encode())
    assert run_cli("scan", url).exit_code == 0
    (first,) = rows(db_path, "select warc_file, warc_offset, warc_length from records")
    path = default_warc_dir(db_path) / first["warc_file"]
    data = bytearray(path.read_bytes())
    end = first["warc_offset"] + first["warc_length"]
    if damage == "cut":
        del data[end - 40 :]
    else:
        data[end - 20] ^= 0xFF  # in the deflated body, or its CRC
    path.write_bytes(bytes(data))
    assert run_cli("scan", url).exit_code == 0
    kinds = rows(db_path, "select record_type from records order by id")
    assert [r["record_type"] for r in kinds] == ["response", "response"]


def test_verify_fails_a_revisit_row_claiming_another_payload(run_cli, httpserver, db_path):
    """A revisit stands for its original's payload: its row must claim that payload's hash."""
    url = serve(httpserver, PAGE.encode())
    for _ in range(2):
        assert run_cli("scan", url).exit_code == 0
    with sqlite_utils.Database(db_path).conn as conn:
        conn.execute(
            "update records set payload_sha256 = ? where record_type = 'revisit'", ["0" * 64]
        )
    result = run_cli("verify")
    assert result.exit_code != 0
    assert "payload SHA-256 differs from the record it refers to" in result.output


def stored(path: Path, record_id: str = "<urn:uuid:1>") -> str | None:
    length = path.stat().st_size if path.is_file() else 0
    ref = WarcRecordRef(path.name, 0, length, record_id, "response", "u", "d", 200, None, "")
    return stored_digest(path, ref)


def record(block: bytes, length: int | None = None, digest: str = "", end=b"\r\n\r\n") -> bytes:
    from archiver.evidence.warc import sha1_digest

    body = block.partition(b"\r\n\r\n")[2]
    fields = [
        "WARC/1.1",
        "WARC-Record-ID: <urn:uuid:1>",
        f"WARC-Payload-Digest: {digest or sha1_digest(body)}",
        f"Content-Length: {len(block) if length is None else length}",
    ]
    return "\r\n".join(fields).encode() + b"\r\n\r\n" + block + end


def test_stored_digest_is_given_only_for_a_whole_record(tmp_path: Path) -> None:
    """The digest of the body as stored, of a record read back whole and consistent."""
    path = tmp_path / "x.warc.gz"
    block = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nthe page"
    path.write_bytes(gzip.compress(record(block)))
    assert stored(path) is not None and stored(path).startswith("sha1:")
    assert stored(path, "<urn:uuid:2>") is None  # not the record the row names
    for bad in (
        record(block, digest="sha1:AAAA"),  # the body is not what its digest says
        record(block, length=len(block) - 1),  # its length is not the block's
        record(block, end=b"\r\n"),  # no record end
        record(b"HTTP/1.1 200 OK no head end"),
        b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n",  # no WARC head
    ):
        path.write_bytes(gzip.compress(bad))
        assert stored(path) is None, bad
    whole = gzip.compress(record(block))
    for bad in (whole[:-4], whole + b"x", zlib.compress(record(block)), b"not gzip at all"):
        path.write_bytes(bad)
        assert stored(path) is None
    assert stored(tmp_path / "missing.warc.gz") is None
    assert stored(tmp_path) is None  # a directory


def test_datasette_gives_a_revisits_payload_from_its_original(run_cli, httpserver, db_path):
    import asyncio

    from datasette.app import Datasette

    from archiver.datasette.serve import register_plugin

    url = serve(httpserver, PAGE.encode())
    for _ in range(2):
        assert run_cli("scan", url).exit_code == 0
    (revisit,) = rows(db_path, "select id from records where record_type = 'revisit'")
    register_plugin()
    ds = Datasette([str(db_path)])
    response = asyncio.run(ds.client.get(f"/-/archiver/evidence/archive/{revisit['id']}"))
    assert response.status_code == 200 and response.content == PAGE.encode()
    # Its original gone from the table: a clear 404, not an empty payload.
    with sqlite_utils.Database(db_path).conn as conn:
        conn.execute("delete from records where record_type = 'response'")
    response = asyncio.run(ds.client.get(f"/-/archiver/evidence/archive/{revisit['id']}"))
    assert response.status_code == 404 and "original is not in the archive" in response.text


def test_a_revisit_comes_after_its_request_and_the_redirects_that_led_to_it(
    run_cli, httpserver, db_path
):
    """Every answer is kept: the redirect again in full (it is no page), then the unchanged
    page as a revisit; the scan points at the revisit, the embed at the original."""
    url = serve(httpserver, PAGE.encode())
    httpserver.expect_request("/old").respond_with_response(
        Response(b"moved", status=301, headers={"Location": url})
    )
    for _ in range(2):
        assert run_cli("scan", httpserver.url_for("/old")).exit_code == 0
    kinds = [
        (kind, fields["WARC-Target-URI"])
        for kind, fields in warc_records(db_path)
        if kind != "warcinfo"
    ]
    old = httpserver.url_for("/old")
    once = [("request", old), ("response", old), ("request", url)]
    assert kinds == [*once, ("response", url), *once, ("revisit", url)]
    records = rows(db_path, "select id, record_type from records order by id")
    assert [r["record_type"] for r in records] == ["response", "revisit"]
    scans = rows(db_path, "select record_id from scans order by id")
    assert [s["record_id"] for s in scans] == [r["id"] for r in records]
    assert rows(db_path, "select record_id from embeds") == [{"record_id": records[0]["id"]}]
    assert run_cli("verify").exit_code == 0
