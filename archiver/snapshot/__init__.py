"""Snapshot providers: request builders, response parsers and the status decision.

Pure and network-free: the caller performs the HTTP requests and hands the status code,
content type and body to ``parse_syndication`` / ``parse_oembed``, tries providers in the
configured order until a result is ``conclusive``, then calls ``decide_status``.
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
