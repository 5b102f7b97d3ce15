"""An ``archiver.http.Exchange`` as the request and response a WARC keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..urls import without_password
from .warc import HttpCapture, request_headers

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    import httpx

    from ..errors import FetchError
    from ..http import Exchange


def capture_of(exchange: Exchange) -> HttpCapture:
    """The final response (body as served when known) and the redirects that led to it."""
    response = exchange.response
    hops = redirects_of(response.history)
    return _as_capture(response, exchange.raw, exchange.body, exchange.fetched_at, hops)


def served_on_the_way(error: FetchError) -> HttpCapture | None:
    """What a failed fetch was served before it failed, as evidence: the last answer that
    came (a redirect refused or whose next hop failed, a page whose meta refresh did) after
    those that led to it; None when nothing came (no connection, a timeout)."""
    way = (*error.refreshed_from, *redirects_of(error.redirects))
    return way[-1]._replace(redirects=way[:-1]) if way else None


def redirects_of(responses: Iterable[httpx.Response]) -> tuple[HttpCapture, ...]:
    """Redirects answered on the way, each with its body as served (when read by the
    client's hook) and decoded."""
    from ..http import hop_body, hop_served  # httpx is loaded now (a file scan never loads it)

    return tuple(
        _as_capture(response, hop_served(response), hop_body(response)) for response in responses
    )


def _as_capture(
    response: httpx.Response,
    served: bytes | None,
    payload: bytes,
    fetched_at: datetime | None = None,
    redirects: tuple[HttpCapture, ...] = (),
) -> HttpCapture:
    return HttpCapture(
        url=without_password(str(response.url)),  # what was sent: an Authorization header
        status=response.status_code,
        reason=response.reason_phrase,
        http_version=_protocol(response),
        headers=_headers(response),
        served=served,
        payload=payload,
        request_method=response.request.method,
        request_target=_target(response.request),
        request_headers=request_headers(response.request.headers.raw),
        fetched_at=fetched_at,
        redirects=redirects,
        head=wire_head(response),
    )


def wire_head(response: httpx.Response) -> bytes | None:
    from ..http import wire_head as head_of

    return head_of(response)


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]


def _target(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii", "replace") or "/"


def _protocol(response: httpx.Response) -> str:
    """WARC readers accept HTTP/1.0 and HTTP/1.1 status lines only."""
    return (
        response.http_version if response.http_version in ("HTTP/1.0", "HTTP/1.1") else "HTTP/1.1"
    )
