"""Manifests, their chain, and RFC 3161 tokens from a throwaway TSA (``openssl ts -reply``)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tsa import OPENSSL, ThrowawayTsa, needs_openssl

from archiver.timestamps import (
    MANIFEST_FORMAT,
    ManifestEntry,
    TimestampError,
    build_manifest,
    chain_problems,
    load_trust_anchors,
    read_manifest,
    read_token,
    sha256_hex,
    timestamp_query,
    token_imprint,
    verify_token,
)

ENTRIES = [
    ManifestEntry(1, "<urn:uuid:11111111-1111-1111-1111-111111111111>", "aa" * 32),
    ManifestEntry(2, "<urn:uuid:22222222-2222-2222-2222-222222222222>", None),
]


@pytest.fixture(scope="module")
def tsa(tmp_path_factory) -> ThrowawayTsa:
    if OPENSSL is None:
        pytest.skip("the TSA stand-in needs the openssl command line tool")
    return ThrowawayTsa(tmp_path_factory.mktemp("tsa"))


def test_manifest_is_canonical_json_naming_every_record_and_the_previous_manifest():
    data = build_manifest(ENTRIES, "bb" * 32, "2026-12-02T08:00:00Z")
    assert data.endswith(b"\n") and data.count(b"\n") == 1
    document = read_manifest(data)
    assert document["format"] == MANIFEST_FORMAT
    assert document["previous_manifest_sha256"] == "bb" * 32
    assert document["records"] == [
        {"id": 1, "record_id": ENTRIES[0].record_id, "payload_sha256": "aa" * 32},
        {"id": 2, "record_id": ENTRIES[1].record_id, "payload_sha256": None},
    ]
    assert build_manifest(ENTRIES, "bb" * 32, "2026-12-02T08:00:00Z") == data  # deterministic


@pytest.mark.parametrize(
    "data", [b"", b"not json", b"[]", b'{"format": "other"}', b'{"format": "archiver-manifest/1"}']
)
def test_read_manifest_refuses_what_is_not_a_manifest(data):
    with pytest.raises(TimestampError):
        read_manifest(data)


def chain(count: int) -> list[tuple[str, str, bytes]]:
    manifests: list[tuple[str, str, bytes]] = []
    previous = None
    for day in range(count):
        data = build_manifest(ENTRIES[:1], previous, f"2026-12-0{day + 1}T00:00:00Z")
        previous = sha256_hex(data)
        manifests.append((f"manifest {day + 1}", previous, data))
    return manifests


def test_an_intact_chain_has_no_problems():
    assert chain_problems(chain(3)) == []


def test_a_changed_manifest_breaks_its_hash_and_the_next_link():
    manifests = chain(3)
    label, stored, data = manifests[1]
    manifests[1] = (label, stored, data.replace(b"2026-12-02", b"2026-12-09"))
    problems = chain_problems(manifests)
    assert len(problems) == 1 and problems[0].startswith("manifest 2: manifest SHA-256")


def test_a_removed_manifest_breaks_the_chain():
    manifests = chain(3)
    del manifests[1]
    [problem] = chain_problems(manifests)
    assert problem.startswith("manifest 3: manifest names previous")


def test_a_first_manifest_naming_a_predecessor_is_a_break():
    manifests = chain(2)[1:]
    assert chain_problems(manifests)[0].startswith("manifest 2: manifest names previous")


@needs_openssl
def test_token_reads_and_verifies_against_the_manifest(tsa):
    data = build_manifest(ENTRIES, None, "2026-12-02T08:00:00Z")
    query = timestamp_query(data)
    token = read_token(tsa.reply(query.as_bytes()), query, data)
    assert token.gen_time.endswith("Z") and token.serial_number > 0
    anchors = load_trust_anchors(tsa.ca_file.read_bytes(), str(tsa.ca_file))
    verify_token(token.der, data, anchors)


@needs_openssl
def test_token_verifies_with_openssl_alone(tsa, tmp_path: Path):
    data = build_manifest(ENTRIES, None, "2026-12-02T08:00:00Z")
    query = timestamp_query(data)
    der = tsa.reply(query.as_bytes())
    (tmp_path / "MANIFEST").write_bytes(data)
    (tmp_path / "TOKEN").write_bytes(der)
    args = ["ts", "-verify", "-data", "MANIFEST", "-in", "TOKEN", "-CAfile", str(tsa.ca_file)]
    done = subprocess.run([OPENSSL, *args], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0 and "Verification: OK" in done.stdout
    (tmp_path / "MANIFEST").write_bytes(data.replace(b"aaaa", b"aaab"))
    done = subprocess.run([OPENSSL, *args], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0


@needs_openssl
def test_a_tampered_manifest_fails_verification(tsa):
    data = build_manifest(ENTRIES, None, "2026-12-02T08:00:00Z")
    query = timestamp_query(data)
    der = tsa.reply(query.as_bytes())
    anchors = load_trust_anchors(tsa.ca_file.read_bytes(), "ca")
    with pytest.raises(TimestampError, match="does not verify"):
        verify_token(der, data.replace(b'"id":2', b'"id":3'), anchors)


@needs_openssl
def test_a_token_from_another_authority_fails_verification(tsa, tmp_path: Path):
    other = ThrowawayTsa(tmp_path / "other", name="Other")
    data = build_manifest(ENTRIES, None, "2026-12-02T08:00:00Z")
    query = timestamp_query(data)
    der = other.reply(query.as_bytes())
    anchors = load_trust_anchors(tsa.ca_file.read_bytes(), "ca")
    with pytest.raises(TimestampError, match="does not verify"):
        verify_token(der, data, anchors)


@needs_openssl
def test_a_reply_for_other_data_or_another_request_is_refused(tsa):
    data = build_manifest(ENTRIES, None, "2026-12-02T08:00:00Z")
    query = timestamp_query(data)
    der = tsa.reply(query.as_bytes())
    with pytest.raises(TimestampError, match="other data"):
        read_token(der, query, data + b" ")
    other_query = timestamp_query(data)  # a fresh nonce
    with pytest.raises(TimestampError, match="nonce"):
        read_token(der, other_query, data)


@pytest.mark.parametrize("der", [b"", b"\x30\x03\x02\x01\x00", b"<html>503</html>"])
def test_garbage_is_not_a_token(der):
    data = b"{}"
    with pytest.raises(TimestampError):
        read_token(der, timestamp_query(data), data)


def test_a_granted_reply_without_a_token_is_not_a_token():
    """``SEQUENCE { status 0 }``: it decodes, and says granted, but there is no token in it."""
    der = bytes.fromhex("30053003020100")
    data = b"{}"
    with pytest.raises(TimestampError, match=r"^not an RFC 3161 TimeStampResp \(Missing"):
        read_token(der, timestamp_query(data), data)
    with pytest.raises(TimestampError, match=r"^not an RFC 3161 TimeStampResp \(Missing"):
        token_imprint(der)


def test_a_bad_ca_file_is_one_line():
    with pytest.raises(TimestampError, match=r"ca\.pem: not a PEM certificate file"):
        load_trust_anchors(b"not a certificate", "ca.pem")


def test_manifest_records_are_json_ready():
    assert json.loads(build_manifest([], None, "2026-12-02T08:00:00Z"))["records"] == []


def test_a_reply_that_is_no_der_is_one_plain_reason():
    """The parser's error carries its internal state (``ParseError { kind: UnexpectedTag {
    actual: Tag { value: 28, … } } }``): only its reason is shown."""
    data = b"{}"
    with pytest.raises(TimestampError) as raised:
        read_token(b"<html>not a token</html>", timestamp_query(data), data)
    assert str(raised.value) == "not an RFC 3161 TimeStampResp (ASN.1 parse error)"
