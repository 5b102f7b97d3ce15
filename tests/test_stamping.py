"""Timestamping the archive's evidence on a real SQLite archive, against the TSA stand-in
(``openssl ts -reply`` behind a real local HTTP server, reached through ``Http.post``).

The manifest's record is kept here by a small in-memory writer (the WARC writer is tested
with ``archive timestamp`` end to end); what is tested is the run: the records listed, the
chain, the token, what is stored, and what a failure leaves.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from tsa import OPENSSL, ThrowawayTsa
from werkzeug import Response

from archiver.config import Config, FetchConfig, TimestampConfig
from archiver.db import transaction
from archiver.db.provenance import timestamp_rows
from archiver.http import Http
from archiver.stamping import check_timestamps, stamp_new_evidence, trust_anchors
from archiver.timestamps import TimestampError, read_manifest, sha256_hex


class Manifests:
    """Keeps manifest bytes by ``records.id``, inserting a ``records`` row for each."""

    def __init__(self) -> None:
        self.payloads: dict[int, bytes] = {}

    def write(self, conn: sqlite3.Connection, uri: str, data: bytes) -> int:
        cursor = conn.execute(
            "insert into records (warc_file, warc_offset, warc_length, record_id, record_type,"
            " target_uri, payload_sha256) values ('mem', ?, ?, ?, 'metadata', ?, ?)",
            (len(self.payloads), len(data), f"<urn:uuid:m{len(self.payloads)}>", uri,
             sha256_hex(data)),
        )  # fmt: skip
        self.payloads[int(cursor.lastrowid or 0)] = data
        return int(cursor.lastrowid or 0)

    def read(self, record_id: int) -> bytes:
        return self.payloads[record_id]


def add_records(db, count: int) -> None:
    with transaction(db) as conn:
        start = conn.execute("select count(*) from records").fetchone()[0]
        for n in range(start, start + count):
            conn.execute(
                "insert into records (warc_file, warc_offset, warc_length, record_id,"
                " record_type, payload_sha256) values ('a.warc.gz', ?, 10, ?, 'response', ?)",
                (n * 10, f"<urn:uuid:{n}>", sha256_hex(str(n).encode())),
            )


@pytest.fixture(scope="module")
def tsa(tmp_path_factory) -> ThrowawayTsa:
    if OPENSSL is None:
        pytest.skip("the TSA stand-in needs the openssl command line tool")
    return ThrowawayTsa(tmp_path_factory.mktemp("tsa"))


@pytest.fixture
def http():
    with Http(FetchConfig(per_host_delay=0.0, retries=0, timeout=10.0)) as client:
        yield client


def poster(http: Http):
    def post(url: str, data: bytes) -> tuple[int, bytes]:
        exchange = http.post(url, data, headers={"Content-Type": "application/timestamp-query"})
        return exchange.status_code, exchange.body

    return post


def config_for(tsa_url: str, ca_file=None) -> Config:
    return Config(
        timestamp=TimestampConfig(tsa_url=tsa_url, ca_file=str(ca_file) if ca_file else None)
    )


def test_each_run_lists_the_new_records_and_chains_to_the_previous(db, tsa, httpserver, http):
    config = config_for(tsa.serve(httpserver), tsa.ca_file)
    manifests = Manifests()
    add_records(db, 3)
    first = stamp_new_evidence(db, config, poster(http), manifests.write)
    assert first is not None and first.records_through == 3
    first_manifest = read_manifest(manifests.read(first.record_id))
    assert [r["id"] for r in first_manifest["records"]] == [1, 2, 3]
    assert first_manifest["previous_manifest_sha256"] is None
    assert first.manifest_sha256 == sha256_hex(manifests.read(first.record_id))
    assert first.gen_time.endswith("Z") and first.token[:1] == b"\x30"

    assert stamp_new_evidence(db, config, poster(http), manifests.write) is None  # nothing new
    add_records(db, 2)
    second = stamp_new_evidence(db, config, poster(http), manifests.write)
    assert second is not None
    listed = [r["id"] for r in read_manifest(manifests.read(second.record_id))["records"]]
    assert listed == [first.record_id, 5, 6]  # the first manifest's own record first
    assert read_manifest(manifests.read(second.record_id))["previous_manifest_sha256"] == (
        first.manifest_sha256
    )
    report = check_timestamps(db.conn, manifests.read, trust_anchors(config))
    assert report.checked == 2 and report.problems == [] and report.signatures


def test_a_tampered_manifest_or_broken_chain_fails_the_check(db, tsa, httpserver, http):
    config = config_for(tsa.serve(httpserver), tsa.ca_file)
    manifests = Manifests()
    for _ in range(3):
        add_records(db, 1)
        stamp_new_evidence(db, config, poster(http), manifests.write)
    rows = timestamp_rows(db.conn)
    anchors = trust_anchors(config)
    original = manifests.payloads[rows[1].record_id]
    manifests.payloads[rows[1].record_id] = original.replace(b'"id":', b'"id": ', 1)
    problems = check_timestamps(db.conn, manifests.read, anchors).problems
    assert any(p.startswith("timestamp 2: token is not over") for p in problems)
    assert any("SHA-256" in p for p in problems)
    manifests.payloads[rows[1].record_id] = original
    db.conn.execute("delete from timestamps where id = ?", (rows[1].id,))
    db.conn.commit()
    problems = check_timestamps(db.conn, manifests.read, anchors).problems
    assert problems and "names previous" in problems[0]


def test_a_changed_token_fails_the_check(db, tsa, httpserver, http):
    config = config_for(tsa.serve(httpserver), tsa.ca_file)
    manifests = Manifests()
    add_records(db, 1)
    stamped = stamp_new_evidence(db, config, poster(http), manifests.write)
    assert stamped is not None
    token = bytearray(stamped.token)
    token[-5] ^= 0x01  # inside the signature
    db.conn.execute("update timestamps set token = ?", (bytes(token),))
    db.conn.commit()
    [problem] = check_timestamps(db.conn, manifests.read, trust_anchors(config)).problems
    assert problem.startswith("timestamp 1: ")
    db.conn.execute("update timestamps set token = ?", (b"garbage",))
    db.conn.commit()
    [problem] = check_timestamps(db.conn, manifests.read, []).problems
    assert "not an RFC 3161 TimeStampResp" in problem


def test_without_a_trust_anchor_the_imprints_and_chain_are_still_checked(db, tsa, httpserver, http):
    config = config_for(tsa.serve(httpserver))
    manifests = Manifests()
    add_records(db, 1)
    stamp_new_evidence(db, config, poster(http), manifests.write)
    report = check_timestamps(db.conn, manifests.read, [])
    assert report.problems == [] and not report.signatures
    assert "signatures not checked" in report.line()


def test_a_token_from_an_untrusted_authority_is_refused_and_nothing_is_stored(
    db, tsa, httpserver, http, tmp_path
):
    other = ThrowawayTsa(tmp_path / "other", name="Other")
    config = config_for(other.serve(httpserver), tsa.ca_file)  # trusts tsa, asks other
    add_records(db, 1)
    manifests = Manifests()
    with pytest.raises(TimestampError, match="does not verify"):
        stamp_new_evidence(db, config, poster(http), manifests.write)
    assert timestamp_rows(db.conn) == [] and manifests.payloads == {}


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Response("busy", status=503), "answered HTTP 503"),
        (Response("<html>not a token</html>", content_type="text/html"), "not an RFC 3161"),
    ],
)
def test_a_failing_authority_stores_nothing(db, httpserver, http, reply, message):
    httpserver.expect_request("/tsr", method="POST").respond_with_response(reply)
    add_records(db, 1)
    config = config_for(httpserver.url_for("/tsr"))
    with pytest.raises(TimestampError, match=message):
        stamp_new_evidence(db, config, poster(http), Manifests().write)
    assert timestamp_rows(db.conn) == []


def test_an_unreachable_authority_is_one_line(db, http):
    add_records(db, 1)
    with pytest.raises(TimestampError, match="unreachable") as caught:
        stamp_new_evidence(
            db, config_for("http://127.0.0.1:9/tsr"), poster(http), Manifests().write
        )
    assert "\n" not in str(caught.value)


def test_no_authority_configured(db, http):
    add_records(db, 1)
    with pytest.raises(TimestampError, match=r"set \[timestamp\] tsa_url"):
        stamp_new_evidence(db, Config(), poster(http), Manifests().write)


def test_a_missing_or_bad_ca_file_is_one_line(tmp_path):
    with pytest.raises(TimestampError, match="cannot read the TSA's CA file"):
        trust_anchors(config_for("http://x/", tmp_path / "missing.pem"))
    bad = tmp_path / "bad.pem"
    bad.write_text("nonsense", encoding="utf-8")
    with pytest.raises(TimestampError, match="not a PEM certificate file"):
        trust_anchors(config_for("http://x/", bad))
    assert trust_anchors(Config()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_ca_file_that_is_a_pipe_or_a_device_is_refused_at_once(tmp_path):
    """A named pipe as ``ca_file`` held ``archive verify`` and ``archive timestamp`` for ever;
    /dev/zero would fill the memory."""
    pipe = tmp_path / "ca.pem"
    os.mkfifo(pipe)
    for path in (pipe, Path("/dev/zero")):
        with pytest.raises(TimestampError) as raised:
            trust_anchors(config_for("http://x/", path))
        assert str(raised.value) == (
            f"{path}: cannot read the TSA's CA file (not a regular file (a pipe or a device))"
        )


def test_a_timestamp_made_meanwhile_never_forks_the_chain(db, tsa, httpserver, http):
    """Two runs (the worker and a command) start from the same previous manifest: the one
    that commits second refuses, so the chain stays a line."""
    config = config_for(tsa.serve(httpserver), tsa.ca_file)
    manifests = Manifests()
    add_records(db, 1)
    post = poster(http)

    def post_then_race(url: str, data: bytes) -> tuple[int, bytes]:
        answer = post(url, data)
        stamp_new_evidence(db, config, post, manifests.write)  # the other run, meanwhile
        return answer

    with pytest.raises(TimestampError, match="made meanwhile"):
        stamp_new_evidence(db, config, post_then_race, manifests.write)
    assert len(timestamp_rows(db.conn)) == 1
    assert check_timestamps(db.conn, manifests.read, trust_anchors(config)).problems == []


def test_a_query_on_a_kept_alive_connection_the_tsa_closed_is_sent_again(db, tsa, http):
    """The archive's own query (``tsa_post``) is idempotent in effect: a TSA that closed
    the kept-alive connection unanswered is asked again on a new one, and the run stamps."""
    from test_http import OneAnswerEach, serving

    from archiver.stamping import tsa_post

    connections: list[object] = []
    with serving(OneAnswerEach, answer=tsa.reply, connections=connections) as url:
        config = config_for(url, tsa.ca_file)
        manifests = Manifests()
        for _ in range(2):
            add_records(db, 1)
            assert stamp_new_evidence(db, config, tsa_post(http), manifests.write) is not None
    assert len(connections) == 2  # the second query: on the first one, closed, then anew
    assert len(timestamp_rows(db.conn)) == 2
