"""Trusted time for the archive: chained manifests of the evidence, signed by an RFC 3161
time-stamping authority (TSA).

A manifest lists every record written since the previous one (its row id, WARC-Record-ID
and payload SHA-256) and names the previous manifest's SHA-256, so each manifest vouches for
all before it. The TSA signs the manifest's hash with its time (``genTime``); the signed
reply (a DER ``TimeStampResp``) is kept exactly as it came, so anyone can check it with
``openssl ts -verify -data MANIFEST -in TOKEN -CAfile CA``.

What a token proves: these manifest bytes (and so the listed payload hashes) existed at
``genTime``. It says nothing about who served the bytes or whether they are true.

``rfc3161-client`` builds the request and verifies the reply: its strict DER parser and
PKCS#7 check (Rust) accept ``openssl ts -reply`` tokens that carry only the signer's
certificate, and it checks the chain at the token's time, so a token stays valid after the
TSA certificate expires.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import NamedTuple

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimeStampRequest,
    TimestampRequestBuilder,
    TimeStampResponse,
    TimeStampTokenInfo,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from .errors import ArchiverError

MANIFEST_FORMAT = "archiver-manifest/1"
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
SHA256_OID = "2.16.840.1.101.3.4.2.1"


class TimestampError(ArchiverError):
    """A TSA reply, token, manifest or trust anchor we cannot use or that does not verify."""


class ManifestEntry(NamedTuple):
    """One record in a manifest: its ``records.id``, WARC-Record-ID and payload SHA-256."""

    id: int
    record_id: str
    payload_sha256: str | None


class Token(NamedTuple):
    """What a TSA reply says: when (``gen_time``, ISO UTC), its serial, its DER bytes."""

    der: bytes
    gen_time: str
    serial_number: int


def build_manifest(
    entries: list[ManifestEntry], previous_sha256: str | None, created_at: str
) -> bytes:
    """The manifest's bytes: canonical JSON (sorted keys, no spaces), one line."""
    document = {
        "format": MANIFEST_FORMAT,
        "created_at": created_at,
        "previous_manifest_sha256": previous_sha256,
        "records": [
            {"id": e.id, "record_id": e.record_id, "payload_sha256": e.payload_sha256}
            for e in entries
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def read_manifest(data: bytes) -> dict:
    """A manifest's JSON, checked for shape; ``TimestampError`` otherwise."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TimestampError(f"manifest is not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise TimestampError(f"not a {MANIFEST_FORMAT} manifest")
    records = document.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise TimestampError("manifest has no list of records")
    return document


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_problems(manifests: list[tuple[str, str, bytes]]) -> list[str]:
    """Breaks in a chain of (label, stored manifest SHA-256, manifest bytes), oldest first:
    a manifest whose bytes do not hash to the stored value, or that does not name the one
    before it."""
    problems = []
    previous: str | None = None
    for label, stored_sha256, data in manifests:
        actual = sha256_hex(data)
        if actual != stored_sha256:
            problems.append(f"{label}: manifest SHA-256 {actual} differs from the stored one")
        try:
            named = read_manifest(data).get("previous_manifest_sha256")
        except TimestampError as exc:
            problems.append(f"{label}: {exc}")
            named = None
        else:
            if named != previous:
                problems.append(
                    f"{label}: manifest names previous {named}, expected {previous or 'none'}"
                )
        previous = stored_sha256
    return problems


def timestamp_query(data: bytes) -> TimeStampRequest:
    """A ``TimeStampReq`` for ``data`` (``as_bytes()`` is what is sent): a SHA-256 imprint,
    a random nonce, and a request for the TSA's certificate in the reply (so the token
    carries what verifies it)."""
    return (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )


def read_token(der: bytes, query: TimeStampRequest, data: bytes) -> Token:
    """Decode a TSA's reply to ``query`` over ``data``; ``TimestampError`` unless it is a
    granted timestamp of exactly these bytes answering exactly this query (its nonce)."""
    response = _decode(der)
    if PKIStatus(response.status) != PKIStatus.GRANTED:
        detail = "; ".join(response.status_string) or "no reason given"
        raise TimestampError(f"TSA refused the timestamp (status {response.status}: {detail})")
    info = _token_info(response)
    if info.message_imprint.message != hashlib.sha256(data).digest():
        raise TimestampError("TSA reply is for other data than the manifest sent")
    if query.nonce is not None and info.nonce != query.nonce:
        raise TimestampError("TSA reply does not answer our request (nonce differs)")
    moment = info.gen_time.astimezone(UTC)
    return Token(der, moment.isoformat().replace("+00:00", "Z"), info.serial_number)


def token_imprint(der: bytes) -> str:
    """The hex SHA-256 a token says it is over (no signature check)."""
    info = _token_info(_decode(der))
    if info.message_imprint.hash_algorithm.dotted_string != SHA256_OID:
        raise TimestampError("token is not over a SHA-256 hash")
    return info.message_imprint.message.hex()


def _decode(der: bytes) -> TimeStampResponse:
    try:
        return decode_timestamp_response(der)
    except (ValueError, TypeError) as exc:
        raise _not_a_reply(exc) from None


def _token_info(response: TimeStampResponse) -> TimeStampTokenInfo:
    """The token's content, which is parsed only when asked for: a reply can decode, even
    say granted, and carry no token (``SEQUENCE { status 0 }``)."""
    try:
        return response.tst_info
    except ValueError as exc:
        raise _not_a_reply(exc) from None


def _not_a_reply(exc: Exception) -> TimestampError:
    """The library's reason, without the parser's internal state it may append (``ASN.1
    parse error: ParseError { kind: UnexpectedTag { actual: Tag { … } } }``)."""
    reason = str(exc).split(" { ", 1)[0].removesuffix(": ParseError")
    return TimestampError(f"not an RFC 3161 TimeStampResp ({reason})")


def load_trust_anchors(pem: bytes, where: str) -> list[x509.Certificate]:
    """The CA certificates of a PEM file (the TSA's root, and intermediates if any)."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise TimestampError(f"{where}: not a PEM certificate file ({exc})") from None
    return certificates


def verify_token(der: bytes, data: bytes, anchors: list[x509.Certificate]) -> None:
    """Check a token over ``data``: granted, signed by a certificate that chains to one of
    ``anchors`` (valid at the token's time, for time-stamping), for exactly these bytes."""
    response = _decode(der)
    builder = VerifierBuilder()
    for certificate in anchors:
        builder = builder.add_root_certificate(certificate)
    try:
        builder.build().verify_message(response, data)
    except (VerificationError, ValueError) as exc:
        raise TimestampError(f"token does not verify: {exc}") from None
