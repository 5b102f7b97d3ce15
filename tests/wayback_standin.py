"""A local stand-in for the Wayback Machine's CDX API and raw replay, on pytest-httpserver.

It speaks the real protocol: ``GET /cdx/search/cdx?url=…&matchType=exact|prefix&output=json``
answers a header row then one row per capture (``[]`` when there is none), matching the
URL without its scheme (and ``www.``), case-insensitively as the CDX server's SURT keys do;
``GET /web/{timestamp}id_/{original}`` answers the captured bytes unchanged. ``cdx_failure``
makes every CDX query fail (an HTTP status, or a garbage 200). Requests are recorded.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from werkzeug import Request, Response

HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
REPLAY = re.compile(r"^/web/(\d{14})id_/(.+)$")


@dataclass
class StoredCapture:
    timestamp: str
    original: str
    body: bytes
    mimetype: str
    statuscode: str = "200"


def _key(url: str) -> str:
    url = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.I)
    return re.sub(r"^www\.", "", url, flags=re.I).lower()


class WaybackStandIn:
    def __init__(self, httpserver) -> None:
        self.server = httpserver
        self.captures: list[StoredCapture] = []
        self.cdx_failure: int | str | None = None
        self.cdx_hits: list[str] = []
        self.replay_hits: list[str] = []
        httpserver.expect_request("/cdx/search/cdx").respond_with_handler(self._cdx)
        httpserver.expect_request(re.compile(r"^/web/.*")).respond_with_handler(self._replay)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def add(self, timestamp: str, original: str, body: bytes, mimetype: str, status="200"):
        self.captures.append(StoredCapture(timestamp, original, body, mimetype, status))

    def _cdx(self, request: Request) -> Response:
        self.cdx_hits.append(request.args.get("url", ""))
        if self.cdx_failure == "garbage":
            return Response("<html><body>Too many requests</body></html>", content_type="text/html")
        if isinstance(self.cdx_failure, int):
            return Response("Service Unavailable", status=self.cdx_failure)
        wanted = _key(request.args.get("url", ""))
        prefix = request.args.get("matchType") == "prefix"
        rows = [
            [
                "surt",
                c.timestamp,
                c.original,
                c.mimetype,
                c.statuscode,
                hashlib.sha1(c.body).hexdigest().upper(),
                str(len(c.body)),
            ]
            for c in self.captures
            if (_key(c.original).startswith(wanted) if prefix else _key(c.original) == wanted)
        ]
        body = json.dumps([HEADER, *rows]) if rows else "[]"
        return Response(body, content_type="text/plain")

    def _replay(self, request: Request) -> Response:
        match = REPLAY.match(request.path)
        original = match.group(2) if match else ""
        if request.query_string:
            original += "?" + request.query_string.decode()
        self.replay_hits.append(original)
        for c in self.captures:
            if match and c.timestamp == match.group(1) and c.original == original:
                status = int(c.statuscode) if c.statuscode.isdigit() else 200
                return Response(c.body, status=status, content_type=c.mimetype)
        return Response("not in archive", status=404)
