"""Evidence: WARC records written with warcio and read back with warcio, pointers from rows
to bytes, ``archive verify`` catching every changed byte, and crashes leaving no dangling row.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archiver.evidence.read import read_record, walk_members
from archiver.evidence.warc import HttpCapture, Original, WarcLog, default_warc_dir

EMBED = (
    '<blockquote class="twitter-tweet"><p lang="en">Caf\u00e9 &amp; news</p>&mdash; Ada'
    ' (@ada) <a href="https://twitter.com/ada/status/20">March 1, 2024</a></blockquote>'
)
PAGE = f"<html><head><title>t</title></head><body><p>intro</p>\n{EMBED}\n</body></html>"


def capture(body: bytes, *, encoded: bool = True, url: str = "http://127.0.0.1/a") -> HttpCapture:
    served = gzip.compress(body) if encoded else body
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(served)))]
    if encoded:
        headers.append(("Content-Encoding", "gzip"))
    return HttpCapture(
        url,
        200,
        "OK",
        "HTTP/1.1",
        headers,
        served,
        body,
        request_target="/a",
        request_headers=(("Host", "127.0.0.1"), ("Accept-Encoding", "gzip")),
    )


def disk_full(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def records_of(path: Path) -> list:
    with open(path, "rb") as fh:
        return [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh, check_digests=True)
        ]


def test_a_response_is_kept_as_served_and_read_back_by_warcio(tmp_path: Path) -> None:
    body = PAGE.encode()
    with WarcLog(tmp_path) as log:
        pointer = log.write_http(capture(body))
    (path,) = tmp_path.glob("*.warc.gz")
    kinds = records_of(path)
    assert [k[0] for k in kinds] == ["warcinfo", "request", "response"]
    _, response_headers, http, payload = kinds[2]
    assert http.get_header("Content-Encoding") == "gzip"  # the body as served
    assert payload == body  # warcio undoes the encoding on reading
    assert kinds[1][1].get_header("WARC-Concurrent-To") == pointer.record_id
    assert kinds[1][2].protocol == "GET" and kinds[1][2].get_header("Host") == "127.0.0.1"
    info_id = kinds[0][1].get_header("WARC-Record-ID")
    assert response_headers.get_header("WARC-Warcinfo-ID") == info_id
    # The pointer is the response record, exactly.
    raw = path.read_bytes()[pointer.warc_offset : pointer.warc_offset + pointer.warc_length]
    (only,) = list(ArchiveIterator(io.BytesIO(raw)))
    assert only.rec_headers.get_header("WARC-Record-ID") == pointer.record_id
    assert pointer.payload_sha256 == hashlib.sha256(body).hexdigest()
    assert pointer.http_status == 200 and pointer.record_type == "response"


def test_an_unchanged_reply_is_a_small_revisit(tmp_path: Path) -> None:
    body = b'{"id_str": "20", "text": "hello"}' * 20
    with WarcLog(tmp_path) as log:
        first = log.write_http(capture(body, encoded=False))
        original = Original(first.record_id, first.target_uri, first.date, first.payload_sha256)
        again = log.write_revisit(capture(body, encoded=False), original)
    assert again.record_type == "revisit" and again.warc_length < 1024
    assert again.payload_sha256 == first.payload_sha256
    (path,) = tmp_path.glob("*.warc.gz")
    revisit = read_record(path, again.warc_offset, again.warc_length)
    assert revisit.refers_to == first.record_id
    (record,) = [r for r in records_of(path) if r[0] == "revisit"]
    assert record[1].get_header("WARC-Profile").endswith("identical-payload-digest")
    assert record[1].get_header("WARC-Refers-To-Target-URI") == first.target_uri


def test_a_resource_holds_the_exact_bytes(tmp_path: Path) -> None:
    data = "caf\u00e9\r\n\x00odd bytes\xff".encode("latin-1")
    with WarcLog(tmp_path) as log:
        pointer = log.write_resource("file:///x.html", data, "text/html")
    stored = read_record(tmp_path / pointer.warc_file, pointer.warc_offset, pointer.warc_length)
    assert stored.payload == data and stored.record_type == "resource"


def test_files_roll_at_the_cap_and_each_log_has_its_own(tmp_path: Path) -> None:
    with WarcLog(tmp_path, max_bytes=2000) as log:
        names = {
            log.write_resource(f"urn:x:{i}", os.urandom(1500), None).warc_file for i in range(3)
        }
    assert len(names) == 3
    with WarcLog(tmp_path) as other:
        assert other.write_resource("urn:y", b"y", None).warc_file not in names


def test_a_sync_with_nothing_new_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    """The scan's last sync, after its last group was synced, cannot fail on a full disk."""
    log = WarcLog(tmp_path)
    log.write_resource("urn:x", b"x", None, durable=False)
    log.sync()
    monkeypatch.setattr("archiver.evidence.warc.os.fsync", disk_full)
    log.sync()
    log.close()


def test_default_warc_dir_is_beside_the_archive() -> None:
    assert default_warc_dir("/data/news.db") == Path("/data/news-warc")


# -- through the command line ---------------------------------------------------------------


def archive_rows(db_path: Path, sql: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql))


def test_local_file_and_stdin_become_resource_records(run_cli, tmp_path, db_path) -> None:
    page = tmp_path / "story.html"
    page.write_bytes(PAGE.encode())
    assert run_cli("scan", str(page)).exit_code == 0
    assert run_cli("scan", "-", input=PAGE.encode() + b"<!-- stdin -->").exit_code == 0
    records = archive_rows(db_path, "select * from records order by id")
    assert [r["record_type"] for r in records] == ["resource", "resource"]
    assert records[1]["target_uri"].startswith("stdin:")
    embeds = archive_rows(
        db_path,
        "select embeds.*, records.warc_file, records.warc_offset, records.warc_length"
        " from embeds join records on records.id = embeds.record_id",
    )
    assert len(embeds) == 2
    warc_dir = default_warc_dir(db_path)
    for embed in embeds:
        stored = read_record(
            warc_dir / embed["warc_file"], embed["warc_offset"], embed["warc_length"]
        )
        exact = stored.payload[embed["raw_start"] : embed["raw_end"]]
        assert exact == EMBED.encode()
        assert (
            embed["raw"] == exact.decode()
            and embed["raw_sha256"] == hashlib.sha256(exact).hexdigest()
        )
    scans = archive_rows(db_path, "select record_id from scans order by id")
    assert [s["record_id"] for s in scans] == [r["id"] for r in records]
    result = run_cli("verify")
    assert result.exit_code == 0, result.output
    assert "2 records, 2 embed byte ranges" in result.output


def test_a_local_file_scanned_again_unchanged_is_kept_in_full(run_cli, tmp_path, db_path):
    """A ``resource`` has no HTTP exchange a replay tool could pair a revisit with: each scan
    of an unchanged file keeps its bytes whole, and its scan row points at its own record."""
    page = tmp_path / "story.html"
    page.write_bytes(PAGE.encode())
    for _ in range(2):
        assert run_cli("scan", str(page)).exit_code == 0
    records = archive_rows(db_path, "select * from records order by id")
    assert [r["record_type"] for r in records] == ["resource", "resource"]
    assert records[0]["payload_sha256"] == records[1]["payload_sha256"]
    warc_dir = default_warc_dir(db_path)
    for record in records:
        stored = read_record(
            warc_dir / record["warc_file"], record["warc_offset"], record["warc_length"]
        )
        assert stored.payload == PAGE.encode() and stored.refers_to is None
    scans = archive_rows(db_path, "select record_id from scans order by id")
    assert [s["record_id"] for s in scans] == [r["id"] for r in records]
    assert run_cli("verify").exit_code == 0


def test_pages_that_never_had_embeds_are_not_kept(run_cli, tmp_path, db_path) -> None:
    page = tmp_path / "plain.html"
    page.write_text("<html><body><p>nothing embedded here</p></body></html>")
    assert run_cli("scan", str(page)).exit_code == 0
    assert archive_rows(db_path, "select count(*) as n from records")[0]["n"] == 0
    assert archive_rows(db_path, "select count(*) as n from scans")[0]["n"] == 1


def test_the_rescan_in_which_an_embed_vanished_is_kept(run_cli, tmp_path, db_path) -> None:
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    page.write_text(PAGE.replace(EMBED, "<p>the post is gone</p>"))
    assert run_cli("scan", str(page)).exit_code == 0
    scans = archive_rows(db_path, "select record_id from scans order by id")
    assert all(s["record_id"] for s in scans) and len(scans) == 2
    assert archive_rows(db_path, "select removed_at from embeds")[0]["removed_at"]
    assert run_cli("verify").exit_code == 0


def scan_two_pages(run_cli, tmp_path: Path) -> Path:
    for name in ("a", "b"):
        page = tmp_path / f"{name}.html"
        page.write_text(PAGE.replace("intro", f"intro {name}"))
        assert run_cli("scan", str(page)).exit_code == 0
    # One process (the tests run the CLI in-process): one WARC file for both runs.
    (path,) = default_warc_dir(tmp_path / "archive.db").glob("*.warc.gz")
    return path


def test_verify_fails_on_every_changed_byte(run_cli, tmp_path, db_path) -> None:
    path = scan_two_pages(run_cli, tmp_path)
    original = path.read_bytes()
    members = list(walk_members(path))
    assert len(members) == 3 and not any(m.problem for m in members)
    missed = []
    for position in range(len(original)):  # every byte of the file, one at a time
        changed = bytearray(original)
        changed[position] ^= 1 << (position % 8)  # each bit position, over the bytes
        path.write_bytes(bytes(changed))
        if run_cli("verify").exit_code != 1:
            missed.append(position)
    path.write_bytes(original)
    assert missed == [], (missed, len(original), [(m.offset, m.length) for m in members])
    assert run_cli("verify").exit_code == 0


def test_verify_fails_on_a_missing_file_and_a_truncated_record(run_cli, tmp_path, db_path):
    path = scan_two_pages(run_cli, tmp_path)
    original = path.read_bytes()
    path.write_bytes(original[:-20])
    result = run_cli("verify")
    assert result.exit_code == 1 and "truncated" in result.output
    path.unlink()
    result = run_cli("verify")
    assert result.exit_code == 1 and "missing WARC file" in result.output


def test_each_warc_file_is_sealed_with_the_sha256_and_length_written(run_cli, tmp_path, db_path):
    """``NAME.sha256`` beside each file: the SHA-256 and length of the file as fsynced (what
    a reader can check without archiver), written again at each sync."""
    path = scan_two_pages(run_cli, tmp_path)
    digest, length = path.with_name(path.name + ".sha256").read_text().split()
    data = path.read_bytes()
    assert int(length) == len(data) and digest == hashlib.sha256(data).hexdigest()
    page = tmp_path / "c.html"
    page.write_text(PAGE.replace("intro", "intro c"))
    assert run_cli("scan", str(page)).exit_code == 0  # the same process's file, sealed again
    digest, length = path.with_name(path.name + ".sha256").read_text().split()
    assert int(length) == path.stat().st_size > len(data)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("length", "problem"),
    [
        ("-5", "unreadable seal"),
        ("nan", "unreadable seal"),
        ("99999999999999999999999", "shorter than its seal"),
    ],
)
def test_verify_reads_a_seal_of_an_impossible_length(run_cli, tmp_path, db_path, length, problem):
    path = scan_two_pages(run_cli, tmp_path)
    path.with_name(path.name + ".sha256").write_text(f"{'0' * 64} {length}\n")
    result = run_cli("verify")
    assert result.exit_code == 1
    assert f"{path.name}: {problem}" in result.output


@pytest.mark.parametrize(
    "change", ["warc_length = -5", "warc_offset = 'abc'", "warc_length = 1e20"]
)
def test_a_damaged_record_pointer_is_one_line(run_cli, tmp_path, db_path, change) -> None:
    scan_two_pages(run_cli, tmp_path)
    sqlite_utils.Database(db_path).execute(f"update records set {change} where id = 1")
    for command in (["verify"], ["export", "--wacz", str(tmp_path / "out.wacz")]):
        result = run_cli(*command)
        assert result.exit_code == 1
        assert "no record at offset" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "shown"), [("X'00ff'", "b'\\x00\\xff'"), ("'a' || char(0) || 'b'", "a\\x00b")]
)
def test_a_damaged_warc_file_name_is_one_line(run_cli, tmp_path, db_path, name, shown) -> None:
    scan_two_pages(run_cli, tmp_path)
    sqlite_utils.Database(db_path).execute(f"update records set warc_file = {name} where id = 1")
    result = run_cli("verify")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"record 1 ({shown}@" in result.output and "not a WARC file name" in result.output
    assert "1 problem(s)" in result.output  # the other record was checked, and is sound
    result = run_cli("export", "--wacz", str(tmp_path / "out.wacz"))
    assert result.exit_code == 1 and "not a WARC file name" in result.output


@pytest.mark.parametrize(
    ("swap", "reason"),
    [
        (os.mkdir, "is a directory"),
        (lambda path: os.symlink(path.name, path), "Too many levels of symbolic links"),
        (os.mkfifo, "not a regular file (a pipe or a device)"),  # a read would wait for ever
    ],
)
def test_verify_reports_a_warc_file_swapped_for_a_non_file(
    run_cli, tmp_path, db_path, config_file, swap, reason
) -> None:
    path = scan_two_pages(run_cli, tmp_path)
    path.unlink()
    swap(path)
    args = ["-m", "archiver", "verify", "--db", str(db_path), "--config", str(config_file)]
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert len([line for line in lines if line.endswith(f"cannot read ({reason})")]) == 3
    assert f"{path.name}: cannot read ({reason})" in lines  # the file itself, and each record


@pytest.mark.parametrize("change", ["raw_start = 'abc'", "raw_end = 1e20"])
def test_a_damaged_embed_range_is_one_line(run_cli, tmp_path, db_path, change) -> None:
    scan_two_pages(run_cli, tmp_path)
    sqlite_utils.Database(db_path).execute(f"update embeds set {change} where id = 1")
    result = run_cli("verify")
    assert result.exit_code == 1
    assert "embed 1: bytes " in result.output and "Traceback" not in result.output


def test_verify_fails_when_an_embed_range_no_longer_matches(run_cli, tmp_path, db_path):
    scan_two_pages(run_cli, tmp_path)
    sqlite_utils.Database(db_path).execute("update embeds set raw_start = raw_start + 1")
    result = run_cli("verify")
    assert result.exit_code == 1 and "embed 1: bytes" in result.output


CRASH_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    import archiver.scan as scan
    from archiver.cli import cli

    real_keep = scan.keep_evidence

    def keep_then_die(db, log, record, **options):
        real_keep(db, log, record, **options)
        log.sync()
        # The WARC record is on disk; the process dies before the commit that names it.
        os.kill(os.getpid(), signal.SIGKILL)

    scan.keep_evidence = keep_then_die
    cli(sys.argv[1:])
    """
)


def test_a_crash_between_the_warc_write_and_the_commit(run_cli, tmp_path, db_path) -> None:
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    args = [sys.executable, "-c", CRASH_SCRIPT, "scan", str(page), "--db", str(db_path)]
    died = subprocess.run(args, capture_output=True, cwd=tmp_path, timeout=120)
    assert died.returncode == -signal.SIGKILL
    (left,) = default_warc_dir(db_path).glob("*.warc.gz")
    # An unreferenced record, and half of another one as a torn write leaves it.
    last = list(walk_members(left))[-1]
    data = left.read_bytes()
    left.write_bytes(data + data[last.offset : last.offset + 100])
    assert archive_rows(db_path, "select count(*) as n from records")[0]["n"] == 0
    result = run_cli("verify")
    assert result.exit_code == 0, result.output
    assert "1 unreferenced incomplete record" in result.output
    # The next run writes a new file and its rows point at complete records.
    assert run_cli("scan", str(page)).exit_code == 0
    files = sorted(default_warc_dir(db_path).glob("*.warc.gz"))
    assert len(files) == 2
    (record,) = archive_rows(db_path, "select warc_file from records")
    assert record["warc_file"] != left.name
    assert run_cli("verify").exit_code == 0


def test_a_full_disk_at_the_warc_sync_fails_the_group_alone(
    run_cli, tmp_path, db_path, monkeypatch
) -> None:
    first = tmp_path / "first.html"
    first.write_text(PAGE)
    assert run_cli("scan", str(first)).exit_code == 0
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(2):
        (pages / f"p{n}.html").write_text(PAGE.replace("intro", f"intro {n}"))

    monkeypatch.setattr("archiver.evidence.warc.os.fsync", disk_full)
    result = run_cli("scan", str(pages))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, result.output
    assert all("cannot write WARC file" in line and "No space left" in line for line in errors)
    assert archive_rows(db_path, "select count(*) as n from articles")[0]["n"] == 1
    monkeypatch.undo()
    assert run_cli("verify").exit_code == 0


@pytest.mark.parametrize("encoded", [True, False])
def test_reader_undoes_the_content_encoding(tmp_path: Path, encoded: bool) -> None:
    body = PAGE.encode() * 3
    with WarcLog(tmp_path) as log:
        pointer = log.write_http(capture(body, encoded=encoded))
    stored = read_record(tmp_path / pointer.warc_file, pointer.warc_offset, pointer.warc_length)
    assert stored.payload == body and stored.payload_sha256 == pointer.payload_sha256


# -- over loopback ---------------------------------------------------------------------------


def test_a_gzip_encoded_article_is_kept_as_served(run_cli, httpserver, db_path) -> None:
    from werkzeug import Response

    served = gzip.compress(PAGE.encode())
    httpserver.expect_request("/story").respond_with_response(
        Response(
            served,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )
    )
    httpserver.expect_request("/old").respond_with_response(
        Response(b"", status=301, headers={"Location": httpserver.url_for("/story")})
    )
    result = run_cli("scan", httpserver.url_for("/old"))
    assert result.exit_code == 0, result.output
    (record,) = archive_rows(db_path, "select * from records")
    assert record["target_uri"] == httpserver.url_for("/story")
    assert record["http_status"] == 200 and record["record_type"] == "response"
    (path,) = default_warc_dir(db_path).glob("*.warc.gz")
    kinds = records_of(path)
    assert [k[0] for k in kinds] == ["warcinfo", "request", "response", "request", "response"]
    assert kinds[2][2].get_statuscode() == "301"  # the redirect, for replay of the old URL
    # It asks for the codings it decodes in bounded steps; each request record says so.
    assert [request.headers["Accept-Encoding"] for request, _ in httpserver.log] == [
        "gzip, deflate"
    ] * 2
    assert [k[2].get_header("Accept-Encoding") for k in kinds if k[0] == "request"] == [
        "gzip, deflate"
    ] * 2
    raw = path.read_bytes()[record["warc_offset"] : record["warc_offset"] + record["warc_length"]]
    with gzip.open(io.BytesIO(raw)) as member:
        block = member.read()
    assert served in block  # the body exactly as served, still gzip-encoded
    (embed,) = archive_rows(db_path, "select * from embeds")
    stored = read_record(path, record["warc_offset"], record["warc_length"])
    assert stored.payload[embed["raw_start"] : embed["raw_end"]] == EMBED.encode()
    assert embed["record_id"] == record["id"]
    assert run_cli("verify").exit_code == 0


def test_evidence_off_keeps_hashes_only(run_cli, tmp_path, db_path, config_file) -> None:
    config_file.write_text("[archive]\nevidence = false\n", encoding="utf-8")
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    assert archive_rows(db_path, "select count(*) as n from records")[0]["n"] == 0
    (embed,) = archive_rows(db_path, "select * from embeds")
    assert embed["raw"] == EMBED and embed["record_id"] is None
    assert not default_warc_dir(db_path).exists()


def test_a_warc_dir_in_a_symlink_loop_fails_each_page_in_one_line(
    run_cli, tmp_path, db_path
) -> None:
    """Python 3.11's ``Path.resolve()`` raises RuntimeError on a loop: the scan ended in a
    traceback before its first page. Now each page fails as under any WARC directory that
    cannot be written, and the archive keeps what it held."""
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    warc_dir = default_warc_dir(db_path)
    shutil.rmtree(warc_dir)
    warc_dir.symlink_to(warc_dir.name)
    result = run_cli("scan", str(page))
    assert result.exit_code == 1 and "Traceback" not in result.output
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert f"{warc_dir}" in error
    assert archive_rows(db_path, "select count(*) as n from scans")[0]["n"] == 1


def test_an_embed_without_a_pointer_gets_one_at_its_next_sighting(
    run_cli, tmp_path, db_path, config_file
) -> None:
    """Rows written without evidence (an older archive, or evidence = false) take the
    record, the byte range and the exact bytes of the next scan that keeps the page."""
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    config_file.write_text("[archive]\nevidence = false\n", encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    (before,) = archive_rows(db_path, "select * from embeds")
    assert before["record_id"] is None and before["raw_start"] is None
    config_file.write_text("", encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    (after,) = archive_rows(db_path, "select * from embeds")
    assert after["id"] == before["id"] and after["record_id"] is not None
    assert after["raw"] == EMBED and after["raw_end"] - after["raw_start"] == len(EMBED.encode())
    assert run_cli("verify").exit_code == 0


def test_an_error_page_of_an_article_that_had_embeds_is_kept(run_cli, httpserver, db_path):
    from werkzeug import Response

    answers = [Response(PAGE, content_type="text/html"), Response("gone", status=410)]
    httpserver.expect_request("/story").respond_with_handler(lambda request: answers.pop(0))
    httpserver.expect_request("/never").respond_with_data("gone", status=404)
    assert run_cli("scan", httpserver.url_for("/story")).exit_code == 0
    assert run_cli("scan", httpserver.url_for("/story")).exit_code == 1
    assert run_cli("scan", httpserver.url_for("/never")).exit_code == 1
    scans = archive_rows(
        db_path,
        "select scans.error, records.http_status from scans"
        " left join records on records.id = scans.record_id order by scans.id",
    )
    assert [s["http_status"] for s in scans] == [200, 410, None]  # an article never seen: no
    assert "HTTP 410" in scans[1]["error"]
    assert run_cli("verify").exit_code == 0


def test_a_record_that_is_not_warc_is_named_in_a_bounded_line():
    """warcio quotes the first line it could not read: 5,000 NULs made a line of about 4 KB
    of escapes."""
    from archiver.evidence.read import RecordError, check_record

    with pytest.raises(RecordError) as raised:
        check_record(b"\x00" * 5000, "a.warc.gz@0")
    assert len(str(raised.value)) < 400 and str(raised.value).endswith("…)")
