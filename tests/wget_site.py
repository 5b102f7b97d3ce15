"""A small news site on 127.0.0.1 for crawls made with the real wget
(``test_wget_crawls.py``): article pages in the forms of ``../shared/corpus/real``, each
answered the way real servers answer (gzip and br content codings, chunked transfer, a body
ended by the connection's close, a charset named only in a ``<meta>``, a Latin-1 page, a
connection that drops part-way, its rest then sent as a 206), and what a crawl also meets: a
stylesheet and an image, a JSON file, a redirect and a 404, the last three holding embed
markup that must not make them articles.

Bodies are built once and compressed deterministically (gzip with no timestamp), so two
crawls of the site get the same bytes, as a deduplicating crawl (``--warc-dedup``) needs.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
from warc_data import chunked

WIDGETS = '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'


def publish_blockquote(post_id: str, text: str, handle: str = "cityhall") -> str:
    """X's publish markup (``blockquote.twitter-tweet``), as most of the corpus holds it."""
    return (
        f'<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">{text}</p>'
        f'&mdash; City Hall (@{handle}) <a href="https://twitter.com/{handle}/status/{post_id}'
        f'?ref_src=twsrc%5Etfw">March 2, 2024</a></blockquote>\n{WIDGETS}'
    )


def rendered_iframe(post_id: str, number: int = 0) -> str:
    """The frame widgets.js leaves once it has rendered a post, the ID in ``data-tweet-id``
    and no ``src`` (a page saved after rendering: corpus page 003)."""
    return (
        f'<iframe id="twitter-widget-{number}" scrolling="no" class="twitter-tweet'
        f' twitter-tweet-rendered" style="position: static; width: 550px;"'
        f' data-tweet-id="{post_id}" title="Twitter Tweet" frameborder="0"></iframe>'
    )


def frame_src(post_id: str) -> str:
    """A post's frame named by its address (``platform.twitter.com/embed/Tweet.html?id=``)."""
    return (
        '<iframe class="twitter-tweet twitter-tweet-rendered" title="X Post" src="'
        f'https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;id={post_id}"></iframe>'
    )


def article_page(title: str, body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head>{head}<title>{title}</title>'
        '<link rel="stylesheet" href="/static/site.css"></head>\n<body><header>'
        '<img src="/static/logo.png" alt="The Harbour Courier"></header>\n'
        f"<article><h1>{title}</h1>\n{body}\n</article></body></html>\n"
    )


@dataclass(frozen=True)
class Doc:
    """One address of the site: how it answers. ``serve`` is the way its body goes out:
    ``length`` (Content-Length), ``gzip`` or ``br`` (always, as a server of pre-compressed
    files sends them whatever was asked), ``gzip-asked`` (only to a client that asks),
    ``chunked``, ``gzip-chunked``, ``close`` (no length: the body ends with the
    connection) or ``drop``: the connection drops ``drop_at`` bytes into the body, and a
    request for the rest (``Range: bytes=N-``, as wget's retry asks) gets it in a 206."""

    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    serve: str = "length"
    headers: tuple[tuple[str, str], ...] = ()
    drop_at: int = 0


@dataclass(frozen=True)
class Article:
    """An article page of the site and the posts it embeds."""

    path: str
    posts: tuple[str, ...]


# Posts by page; each ID appears on one page only, so an embed names its page.
PUBLISH, RENDERED, FRAME, META, LATIN1, IN_REDIRECT, IN_404, IN_JSON, BEFORE_DROP, AT_DROP = (
    str(1763000000000000200 + number) for number in range(10)
)


def _pages() -> dict[str, Doc]:
    utf8 = "text/html; charset=utf-8"
    return {
        "/": Doc(_index().encode(), utf8),
        "/news/harbour-vote.html": Doc(
            article_page(
                "Harbour vote passes",
                "<p>The council voted on the harbour plan on Saturday.</p>\n"
                + publish_blockquote(PUBLISH, "Seven votes for the new harbour wall."),
            ).encode(),
            utf8,
            serve="gzip",
        ),
        "/news/storm.html": Doc(
            article_page(
                "Storm closes the ferry",
                "<p>No ferry sailed on Sunday.</p>\n" + rendered_iframe(RENDERED),
            ).encode(),
            utf8,
            serve="chunked",
        ),
        "/news/market.html": Doc(
            article_page(
                "Market day returns",
                "<p>The stalls are back on the quay.</p>\n" + frame_src(FRAME),
            ).encode(),
            utf8,
            serve="br",
        ),
        "/news/opinion.html": Doc(_no_post_page().encode(), utf8, serve="close"),
        "/news/caf%C3%A9.html": Doc(_meta_charset_page(), "text/html", serve="gzip-chunked"),
        "/news/fete.html": Doc(_latin1_page(), "text/html; charset=ISO-8859-1", serve="gzip-asked"),
        "/news/ferry-times.html": _dropped_page(),
        "/static/site.css": Doc(b"body { font-family: serif; }\n", "text/css", serve="gzip-asked"),
        "/static/logo.png": Doc(b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        "/api/latest.json": Doc(_json_feed(), "application/json"),
        "/old/harbour-vote": Doc(
            _moved_body(), utf8, 301, headers=(("Location", "/news/harbour-vote.html"),)
        ),
    }


ARTICLES = (
    Article("/", ()),
    Article("/news/harbour-vote.html", (PUBLISH,)),
    Article("/news/storm.html", (RENDERED,)),
    Article("/news/market.html", (FRAME,)),
    Article("/news/opinion.html", ()),
    Article("/news/caf%C3%A9.html", (META,)),
    Article("/news/fete.html", (LATIN1,)),
    Article("/news/ferry-times.html", (BEFORE_DROP,)),  # the post the drop cuts is lost
)
# Text of the posts whose text the page holds, as decoded from the page's charset.
META_TEXT = "Le café du port rouvre ses portes — « enfin »"
LATIN1_TEXT = "Déjà la fête sur le quai, à côté du marché"
NOT_ARTICLES = ("/api/latest.json", "/old/harbour-vote", "/gone.html", "/robots.txt")


def _index() -> str:
    links = "".join(
        f'<li><a href="{path}">{path}</a></li>'
        for path in (
            "/news/harbour-vote.html",
            "/news/storm.html",
            "/news/market.html",
            "/news/opinion.html",
            "/news/café.html",  # a link in UTF-8: wget asks for /news/caf%C3%A9.html
            "/news/fete.html",
            "/news/ferry-times.html",
            "/api/latest.json",
            "/old/harbour-vote",
            "/gone.html",
        )
    )
    return article_page("The Harbour Courier", f"<ul>{links}</ul>", '<meta charset="utf-8">')


def _dropped_page() -> Doc:
    """A page whose connection drops inside its second post, after that post's text: kept
    as it came, that post reads as a text-only post holding part of its text."""
    second = publish_blockquote(AT_DROP, "Ferries run again from Monday.", "ferrydesk")
    body = article_page(
        "Ferry times",
        "<p>The timetable changes.</p>\n"
        + publish_blockquote(BEFORE_DROP, "New timetable out today.", "ferrydesk")
        + "\n<p>More below.</p>\n"
        + second,
    ).encode()
    return Doc(body, serve="drop", drop_at=body.index(b"&mdash;", body.index(b"Ferries run")))


def _no_post_page() -> str:
    """An opinion piece with none of X's embeds, only what is often mistaken for one: the
    widgets script, a share link, a follow button and a profile link (corpus page 062)."""
    body = (
        "<p>Why the harbour wall matters, by our editor.</p>\n"
        '<a href="https://twitter.com/intent/tweet?text=Harbour">Share on X</a>\n'
        '<a href="https://twitter.com/harbourcourier" class="twitter-follow-button">Follow</a>\n'
        + WIDGETS
    )
    head = '<meta name="twitter:site" content="@harbourcourier">'
    return article_page("Opinion: the wall", body, head)


def _meta_charset_page() -> bytes:
    """A windows-1252 page whose charset only its ``<meta>`` names (the server says
    ``text/html``): its post's text has letters and quotes past ASCII."""
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    body = "<p>Le café rouvre.</p>\n" + publish_blockquote(META, META_TEXT, "portcafe")
    return article_page("Le café du port", body, head).encode("windows-1252")


def _latin1_page() -> bytes:
    """A Latin-1 page whose charset only the HTTP header names."""
    body = "<p>La fête du quai.</p>\n" + publish_blockquote(LATIN1, LATIN1_TEXT, "quaifete")
    return article_page("La fête", body).encode("latin-1")


def _json_feed() -> bytes:
    """An API answer holding an embed's markup as a string: no page."""
    import json

    return json.dumps({"html": publish_blockquote(IN_JSON, "In a JSON answer")}).encode()


def _moved_body() -> bytes:
    return article_page(
        "Moved", "<p>This story moved.</p>" + publish_blockquote(IN_REDIRECT, "In a redirect")
    ).encode()


def _not_found() -> bytes:
    """The 404 page: it lists a popular story with its post (not an article)."""
    return article_page(
        "Not found", "<p>No such page. Popular:</p>" + publish_blockquote(IN_404, "In a 404")
    ).encode()


@dataclass
class Site:
    """``with Site() as site: site.url("/")``: the site served on 127.0.0.1 in a thread."""

    pages: dict[str, Doc] = field(default_factory=_pages)

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.pages.get))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"


def _encoded(doc: Doc, accept: str) -> tuple[bytes, str | None]:
    """The body as sent and its ``Content-Encoding``."""
    asked = "gzip" in accept.lower()
    if doc.serve in ("gzip", "gzip-chunked") or (doc.serve == "gzip-asked" and asked):
        return gzip.compress(doc.body, mtime=0), "gzip"
    if doc.serve == "br":
        return brotli.compress(doc.body), "br"
    return doc.body, None


def _handler(lookup: Callable[[str], Doc | None]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, chunked: what wget talks to

        def do_GET(self) -> None:
            doc = lookup(self.path.split("?")[0]) or Doc(_not_found(), status=404)
            if doc.serve == "drop":
                self._dropping(doc)
                return
            body, coding = _encoded(doc, self.headers.get("Accept-Encoding", ""))
            self.send_response(doc.status)
            if doc.content_type:
                self.send_header("Content-Type", doc.content_type)
            for name, value in doc.headers:
                self.send_header(name, value)
            if coding:
                self.send_header("Content-Encoding", coding)
                self.send_header("Vary", "Accept-Encoding")
            if doc.serve.endswith("chunked"):
                self.send_header("Transfer-Encoding", "chunked")
                body = chunked(body, 100)
            elif doc.serve == "close":
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _dropping(self, doc: Doc) -> None:
            """The body up to ``drop_at``, then the connection closed; to a request for the
            rest, the rest (a 206)."""
            asked = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            start = int(asked[1]) if asked else 0
            body = doc.body[start:] if asked else doc.body
            self.send_response(206 if asked else 200)
            self.send_header("Content-Type", str(doc.content_type))
            if asked:
                self.send_header(
                    "Content-Range", f"bytes {start}-{len(doc.body) - 1}/{len(doc.body)}"
                )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body if asked else body[: doc.drop_at])
            self.close_connection = not asked

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
