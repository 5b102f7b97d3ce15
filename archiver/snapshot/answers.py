"""Reading a provider's answer, whichever provider: JSON within bounds (lone surrogates
made U+FFFD), error bodies in every shape X has used, and each failure as a
``ProviderResult`` (the parsers never raise on a bad answer).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from ..urls import canonical_id
from .result import (
    API_ERROR,
    HTTP_ERROR,
    NETWORK_ERROR,
    NOT_FOUND,
    NOT_JSON,
    RATE_LIMITED,
    SERVER_ERROR,
    UNAVAILABLE,
    ProviderResult,
)

SYNDICATION = "syndication"


OEMBED = "oembed"


def network_failure(provider: str, message: str, http_status: int | None = None) -> ProviderResult:
    """The result for a request that got no answer that can be read: no HTTP answer at all
    (connect error, timeout, reset), or one whose body does not decode (``http_status``
    then says what the server answered)."""
    return ProviderResult(
        provider,
        http_status,
        NETWORK_ERROR,
        UNAVAILABLE,
        False,
        retryable=True,
        error=f"{provider}: {message}",
    )


def failure(
    provider: str,
    http_status: int | None,
    outcome: str,
    error: str,
    body: bytes,
    *,
    absent: bool = False,
    retryable: bool = False,
    reason: str | None = None,
) -> ProviderResult:
    return ProviderResult(
        provider,
        http_status,
        outcome,
        UNAVAILABLE,
        False,
        reason=reason,
        absent=absent,
        retryable=retryable,
        error=f"{provider}: {error}",
        payload=body,
    )


def not_found(provider: str, body: bytes) -> ProviderResult:
    """HTTP 404: proves nothing alone (both endpoints send it for live posts under load)."""
    return failure(
        provider,
        404,
        NOT_FOUND,
        "HTTP 404 not found (inconclusive)",
        body,
        absent=True,
        reason="not_found",
    )


def _head(body: bytes) -> bytes:
    return body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")


def _looks_like_html(content_type: str | None, body: bytes) -> bool:
    head = _head(body).lower()
    return "html" in (content_type or "").lower() or head.startswith((b"<!doctype", b"<html", b"<"))


def is_markup(content_type: str | None, body: bytes) -> bool:
    """An HTML page where JSON was asked for, by its first bytes whatever it is labelled (a
    block page served as ``application/json``), or by its label unless its first bytes
    open a JSON object or array (a post served as ``text/html`` is still the post)."""
    if _head(body).startswith((b"{", b"[")):
        return False
    labelled_json = "json" in (content_type or "").lower()
    return _looks_like_html(None if labelled_json else content_type, body)


def not_json(http_status: int, content_type: str | None) -> str:
    kind = (content_type or "").split(";")[0].strip() or "no content type"
    return f"HTTP {http_status} with an HTML page ({kind}) instead of JSON: blocked or throttled?"


def load_json(body: bytes) -> tuple[object, str | None]:
    """(value, None) or (None, why it is not JSON). Lone surrogates become U+FFFD."""
    if not body.strip():
        return None, "empty body"
    try:
        value = json.loads(body.decode("utf-8-sig"), parse_int=_bounded_int)
        return (_well_formed(value) if _SURROGATE_ESCAPE.search(body) else value), None
    except UnicodeDecodeError as exc:
        return None, f"body is not UTF-8 ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    except RecursionError:
        return None, "invalid JSON (nested too deeply to read)"


# ``\uD800``-``\uDFFF`` escapes. X's JSON may escape an emoji as a surrogate pair, and JSON
# lets a string hold half of one (RFC 8259 §8.2), which Python's parser keeps as it is.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _well_formed(value: object) -> object:
    """``value`` with each lone surrogate in its strings replaced by U+FFFD, as a browser
    shows it (paired escapes were joined by the parser). A lone surrogate cannot be written
    as UTF-8: one in a post's text made saving the check fail and the whole run stop. The
    raw body keeps the escape as it came. Iterative: the nesting is as deep as the JSON's."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    stack = [value] if isinstance(value, (dict, list)) else []
    while stack:
        item = stack.pop()
        children: Any = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in list(children):
            if isinstance(child, str):
                item[key] = _LONE_SURROGATE.sub("\ufffd", child)
            elif isinstance(child, (dict, list)):
                stack.append(child)
    return value


INT_DIGITS = 100  # no field X sends is longer; Python refuses to read 4,300 digits


def _bounded_int(text: str) -> int | None:
    """A JSON integer, or None for one longer than any field holds (a 5,000-digit
    ``favorite_count`` made the whole reply unreadable)."""
    return int(text) if len(text.lstrip("-")) <= INT_DIGITS else None


def body_error(content_type: str | None, body: bytes) -> str | None:
    """The error message of an error body: JSON (``error``, ``errors``) or X's old XML
    ``<errors><error code="64">…</error></errors>`` (the retired v1 endpoints' 410)."""
    if _is_xml(content_type, body):
        return _xml_error(body)
    return error_of(load_json(body)[0])


MESSAGE_CHARS = 300  # of what a provider said, in a check's one-line error


def one_line(text: str | None) -> str | None:
    """What a provider said, for a check's error: its line breaks and runs of spaces as one
    space, cut past ``MESSAGE_CHARS``; None when nothing is left."""
    text = " ".join((text or "").split())
    return (text if len(text) <= MESSAGE_CHARS else f"{text[:MESSAGE_CHARS]}…") or None


def error_of(value: object) -> str | None:
    """The message of parsed JSON that is an error, on one line (``one_line``): ``{"error":
    "…"}``, ``{"error": {"message": …}}``, ``{"errors": [{"code": …, "message": "…"}]}`` or
    ``{"errors": ["…"]}`` (several messages are joined with "; ")."""
    if not isinstance(value, dict):
        return None
    error = value.get("error")
    if isinstance(error, str) and error:
        return one_line(error)
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return one_line(error["message"])
    messages = [_error_item(item) for item in as_list(value.get("errors"))]
    return one_line("; ".join(m for m in messages if m))


def _error_item(item: object) -> str | None:
    if isinstance(item, str):
        return item.strip() or None
    if not isinstance(item, dict) or not isinstance(item.get("message"), str):
        return None
    code = item.get("code")
    return f"{item['message']} (code {code})" if isinstance(code, int) else item["message"]


def _is_xml(content_type: str | None, body: bytes) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind.endswith(("/xml", "+xml")):
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")


def _xml_error(body: bytes) -> str | None:
    """``<errors><error code="N">message</error>…</errors>`` → "message (code N)"."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    messages = []
    for error in root.iter("error"):
        text = " ".join("".join(error.itertext()).split())
        code = error.get("code")
        if text:
            messages.append(f"{text} (code {code})" if code else text)
    return "; ".join(messages) or None


def http_failure(
    provider: str, http_status: int, content_type: str | None, body: bytes
) -> ProviderResult:
    """429, 5xx and other unexpected statuses: never conclusive."""
    detail = body_error(content_type, body)
    suffix = f": {detail}" if detail else ""
    if http_status == 429:
        return failure(
            provider, 429, RATE_LIMITED, f"HTTP 429 rate limited{suffix}", body, retryable=True
        )
    if http_status >= 500:
        return failure(
            provider,
            http_status,
            SERVER_ERROR,
            f"HTTP {http_status} server error{suffix}",
            body,
            retryable=True,
        )
    if detail:
        return failure(provider, http_status, API_ERROR, f"HTTP {http_status}{suffix}", body)
    if _is_xml(content_type, body):
        error = f"HTTP {http_status} with XML instead of JSON"
        return failure(provider, http_status, NOT_JSON, error, body)
    if _looks_like_html(content_type, body):
        return failure(provider, http_status, NOT_JSON, not_json(http_status, content_type), body)
    return failure(provider, http_status, HTTP_ERROR, f"unexpected HTTP {http_status}", body)


def iso_time(value: object) -> str | None:
    """``2023-09-17T15:52:15.000Z`` (or the v1.1 form) → UTC ISO-8601 with milliseconds."""
    if not isinstance(value, str) or not value:
        return None
    for parse in (
        lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")),
        lambda v: datetime.strptime(v, "%a %b %d %H:%M:%S %z %Y"),
    ):
        try:
            moment = parse(value)
            moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        except (ValueError, OverflowError):  # OverflowError: out of range in UTC
            continue
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return None


def str_id(value: object) -> str | None:
    """A post ID as X writes it (a string of digits), or as a JSON integer: read exactly by
    ``json``, it names the same post (a float may not: no ID)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return canonical_id(value) if isinstance(value, str) else None


def as_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def as_dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def verbatim(value: object) -> str | None:
    """A name as X gave it: only the surrounding whitespace goes."""
    return value.strip() or None if isinstance(value, str) else None


def media_item(
    kind: object,
    url: object,
    preview: object = None,
    tco: object = None,
    display_url: object = None,
    alt: object = None,
    width: object = None,
    height: object = None,
    content_type: object = None,
) -> dict:
    """One media item in the shape both providers give (non-strings and non-numbers as None).
    ``content_type`` is the chosen variant's, for a video or GIF (``application/x-mpegURL``
    when X offered the video only as an HLS stream)."""

    def s(v: object) -> str | None:
        return v if isinstance(v, str) and v else None

    def n(v: object) -> int | None:
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    return {
        "type": s(kind),
        "url": s(url),
        "preview": s(preview),
        "tco": s(tco),
        "display_url": s(display_url),
        "alt": s(alt),
        "width": n(width),
        "height": n(height),
        "content_type": s(content_type),
    }
