"""The two no-auth providers: request builders here, response parsers in ``syndication`` and
``oembed`` (no I/O in any of them), shared reading of answers in ``answers``.

The caller sends ``GET url?params`` and passes the HTTP status, ``Content-Type`` and raw body
to the parser, which never raises on a bad answer: every outcome (x-embeds.md §3a, §3b
T1-T8, 429, 5xx, invalid JSON) becomes a ``ProviderResult``.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from ..urls import canonical_id, canonical_url
from .answers import OEMBED, SYNDICATION, network_failure
from .oembed import parse_oembed
from .syndication import parse_syndication
from .token import syndication_token

__all__ = [
    "OEMBED",
    "SYNDICATION",
    "network_failure",
    "oembed_request",
    "parse_oembed",
    "parse_syndication",
    "request_url",
    "syndication_request",
]


def syndication_request(base_url: str, post_id: str) -> tuple[str, dict[str, str]]:
    """``GET {base_url}?id=ID&token=T&lang=en`` as (url, params); ValueError for a bad ID."""
    canonical = canonical_id(post_id)
    if not canonical:
        raise ValueError(f"not a status ID: {post_id!r}")
    return base_url, {"id": canonical, "token": syndication_token(canonical), "lang": "en"}


def oembed_request(base_url: str, post_url: str) -> tuple[str, dict[str, str]]:
    """``GET {base_url}?url=POST_URL&omit_script=1&dnt=true`` as (url, params).

    A bare status ID is turned into its canonical ``https://x.com/i/status/ID`` URL.
    """
    canonical = canonical_id(post_url)
    if canonical:
        post_url = canonical_url(canonical)
    return base_url, {"url": post_url, "omit_script": "1", "dnt": "true"}


def request_url(url: str, params: dict[str, str]) -> str:
    """The full request URL (for ``snapshots.request_url``), query appended to any existing."""
    if "?" not in url and "#" not in url:  # the usual case: no split and join per request
        return f"{url}?{urlencode(params)}"
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


# --- shared helpers -----------------------------------------------------------------------


# --- syndication --------------------------------------------------------------------------


# --- oEmbed -------------------------------------------------------------------------------
