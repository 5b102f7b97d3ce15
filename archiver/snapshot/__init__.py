"""Snapshots: what a post says now, and whether it is still there.

The names exported here are the pure part: request builders, the response parsers
(``parse_syndication`` / ``parse_oembed``) and the status decision (``decide_status``), which
take a status code, content type and body and do no I/O. The runs that use them live in the
submodules: ``checker`` and ``run`` (checks through the HTTP layer, saved to the archive),
``wayback`` and ``earlier`` (earlier captures from the Wayback Machine).
"""

from .classify import classify_oembed_forbidden, classify_tombstone, decide_status, is_absent_check
from .providers import (
    OEMBED,
    SYNDICATION,
    network_failure,
    oembed_request,
    parse_oembed,
    parse_syndication,
    request_url,
    syndication_request,
)
from .result import STATUSES, ProviderResult, content_sha256, media_key
from .token import js_to_radix, syndication_token

PARSERS = {SYNDICATION: parse_syndication, OEMBED: parse_oembed}

__all__ = [
    "OEMBED",
    "PARSERS",
    "STATUSES",
    "SYNDICATION",
    "ProviderResult",
    "classify_oembed_forbidden",
    "classify_tombstone",
    "content_sha256",
    "decide_status",
    "is_absent_check",
    "js_to_radix",
    "media_key",
    "network_failure",
    "oembed_request",
    "parse_oembed",
    "parse_syndication",
    "request_url",
    "syndication_request",
    "syndication_token",
]
