"""The one HTTP layer (``archiver/http.py``): the response hook, retries, the throttle and
``stop``, against a raw local server (the hostile behaviours are in ``tests/reliability``)."""

from __future__ import annotations

import contextlib
import gzip
import re
import socket
import socketserver
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import brotli
import httpx
import pytest
from reliability import hostile as h

from archiver.config import FetchConfig
from archiver.errors import FetchError, StoppedError
from archiver.http import UNDECODED, Exchange, Http
from archiver.http_deadline import Deadline
from archiver.http_decode import DECODE_STEP, BoundedDecoder
from archiver.http_policy import HostThrottle, asked_wait, backoff_delay

CONFIG = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=2, max_bytes=100_000)
HANG_GUARD = 120


class Script:
    """A route answering from a list (the last answer repeats)."""

    def __init__(self, *answers: h.Route) -> None:
        self.answers = list(answers)

    def __call__(self, conn: h.Conn) -> None:
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        answer(conn)


def busy(retry_after: str = "0") -> h.Route:
    return lambda conn: conn.reply(b"busy", "503 Service Unavailable", Retry_After=retry_after)


def test_every_response_passes_the_hook_with_raw_and_decoded_bodies():
    page = "<html><body>" + "évidence " * 500 + "</body></html>"
    route = Script(busy(), h.gzip_page(page, "text/html; charset=utf-8"))
    seen: list[Exchange] = []
    with h.HostileServer({"/page": route}) as server, Http(CONFIG, [seen.append]) as http:
        exchange = http.get(server.url("/page"), headers={"X-Test": "yes"})
    assert exchange is seen[-1]
    assert [e.status_code for e in seen] == [503, 200]  # the retried answer is evidence too
    assert exchange.body == page.encode()
    assert exchange.raw is not None and exchange.raw != exchange.body
    assert gzip.decompress(exchange.raw) == exchange.body  # as served, still encoded
    assert exchange.response.headers["content-encoding"] == "gzip"
    assert exchange.response.request.headers["x-test"] == "yes"
    assert exchange.response.request.headers["user-agent"] == CONFIG.user_agent
    assert exchange.url == exchange.final_url == server.url("/page")
    assert exchange.fetched_at.tzinfo is UTC


def test_an_identity_body_is_the_same_bytes_raw_and_decoded():
    with (
        h.HostileServer({"/p": h.page(b"<p>plain</p>")}) as server,
        Http(CONFIG) as http,
    ):
        exchange = http.get(server.url("/p"))
    assert exchange.raw == exchange.body == b"<p>plain</p>"


def test_a_hook_that_fails_fails_the_request():
    class Full(FetchError):
        pass

    def hook(exchange: Exchange) -> None:
        raise Full("evidence disk full", url=exchange.url)

    with (
        h.HostileServer({"/p": h.page("<p>x</p>")}) as server,
        Http(CONFIG, [hook]) as http,
        pytest.raises(Full),
    ):
        http.get(server.url("/p"))


def test_retries_end_with_the_last_answer():
    route = Script(busy(), busy(), busy(), h.page("never reached"))
    seen: list[Exchange] = []
    with h.HostileServer({"/p": route}) as server, Http(CONFIG, [seen.append]) as http:
        exchange = http.get(server.url("/p"))
    assert exchange.status_code == 503 and len(seen) == CONFIG.retries + 1


def test_a_short_retry_after_is_waited_for():
    route = Script(busy("1"), h.page("<p>second try</p>"))
    patient = FetchConfig(timeout=60.0, per_host_delay=0.0, retries=2)  # a 180 s deadline
    with h.HostileServer({"/p": route}) as server, Http(patient) as http:
        assert http.get(server.url("/p")).body == b"<p>second try</p>"
    assert server.hits == ["/p", "/p"]


def in_ten_minutes() -> str:
    return format_datetime(datetime.now(UTC) + timedelta(minutes=10), usegmt=True)


@pytest.mark.parametrize("retry_after", [lambda: "600", in_ten_minutes], ids=["seconds", "date"])
def test_a_retry_after_past_the_deadline_is_the_last_answer(retry_after: Callable[[], str]) -> None:
    """Each Retry-After was waited for (up to 60 s): with 3 retries, minutes for one URL.
    The answer is returned as it is (a 429 stays a rate limit for the provider checks)."""
    quick = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=3)  # a 15 s deadline
    with h.HostileServer({"/p": busy(retry_after())}) as server, Http(quick) as http:
        guard = threading.Timer(45, http.stop)  # unfixed, the first wait alone is 60 s
        guard.start()
        try:
            exchange = http.get(server.url("/p"))
        finally:
            guard.cancel()
    assert exchange.status_code == 503
    assert server.hits == ["/p"]  # not asked again


def test_a_retry_after_past_a_long_deadline_is_the_last_answer_too() -> None:
    """With a 180 s deadline, an hour's Retry-After was cut to 60 s, waited for and asked
    again: well before the time the server named."""
    patient = FetchConfig(timeout=60.0, per_host_delay=0.0, retries=3)
    with h.HostileServer({"/p": busy("3600")}) as server, Http(patient) as http:
        guard = threading.Timer(45, http.stop)
        guard.start()
        try:
            exchange = http.get(server.url("/p"))
        finally:
            guard.cancel()
    assert exchange.status_code == 503 and server.hits == ["/p"]


def rate_limited(reset: str) -> h.Route:
    """X's rate-limit answer: 429 with ``x-rate-limit-*`` headers and no ``Retry-After``."""
    body = b'{"errors":[{"code":88,"message":"Rate limit exceeded"}]}'
    return lambda conn: conn.reply(
        body,
        "429 Too Many Requests",
        Content_Type="application/json;charset=utf-8",
        X_Rate_Limit_Limit="150",
        X_Rate_Limit_Remaining="0",
        X_Rate_Limit_Reset=reset,
    )


def test_a_429_whose_window_resets_past_the_deadline_is_the_last_answer() -> None:
    """X says when its rate-limit window ends in ``x-rate-limit-reset``, not ``Retry-After``:
    with the reset an hour away the client asked three times more within seconds (each
    refused alike); the 429 in hand is now the answer, recorded as rate limited."""
    quick = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=3)  # a 15 s deadline
    reset = str(int(time.time()) + 3600)
    with h.HostileServer({"/p": rate_limited(reset)}) as server, Http(quick) as http:
        exchange = http.get(server.url("/p"))
    assert exchange.status_code == 429 and server.hits == ["/p"]


def test_a_429_whose_window_has_reset_is_asked_again() -> None:
    route = Script(rate_limited(str(int(time.time()) - 5)), h.page("<p>second try</p>"))
    quick = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=3)
    with h.HostileServer({"/p": route}) as server, Http(quick) as http:
        assert http.get(server.url("/p")).body == b"<p>second try</p>"
    assert server.hits == ["/p", "/p"]


def test_the_wait_asked_is_retry_after_else_a_429s_rate_limit_reset() -> None:
    def headers(**values: str) -> httpx.Headers:
        return httpx.Headers({k.replace("_", "-"): v for k, v in values.items()})

    soon = str(int(time.time()) + 30)
    assert asked_wait(headers(retry_after="7", x_rate_limit_reset=soon), 429) == "7"
    assert 25 < float(asked_wait(headers(x_rate_limit_reset=soon), 429) or 0) <= 30
    assert asked_wait(headers(x_rate_limit_reset="1000"), 429) == "0.0"  # in the past
    assert asked_wait(headers(x_rate_limit_reset=soon), 503) is None  # a 429's header only
    for unreadable in ("soon", "-5", "1e9", "12.5", "9" * 40):
        assert asked_wait(headers(x_rate_limit_reset=unreadable), 429) is None


def test_a_reset_connection_is_retried():
    route = Script(h.reset_at_once, h.page("<p>second try</p>"))
    with h.HostileServer({"/p": route}) as server, Http(CONFIG) as http:
        assert http.get(server.url("/p")).body == b"<p>second try</p>"


def test_no_backoff_runs_past_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each backoff is drawn up to 60 s: with ``retries = 10`` a server resetting every
    connection held one URL for minutes. A wait that would end past the deadline (3 ×
    ``timeout`` from the first request) is not waited: the last error is the answer."""
    from archiver import http_policy

    monkeypatch.setattr(http_policy.random, "uniform", lambda low, high: high)  # the longest
    quick = FetchConfig(timeout=2.0, per_host_delay=0.0, retries=10)  # a 6 s deadline
    with h.HostileServer({"/p": h.reset_at_once}) as server, Http(quick) as http:
        guard = threading.Timer(45, http.stop)  # unfixed, the waits alone are 1+2+4+…+60 s
        guard.start()
        try:
            with pytest.raises(FetchError) as raised:
                http.get(server.url("/p"))
        finally:
            guard.cancel()
    assert not isinstance(raised.value, StoppedError)
    assert 1 < len(server.hits) < 11  # retried, but not ten times


@pytest.mark.parametrize(
    ("location", "scheme"),
    [
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("data:text/html;base64,PHA+", "data"),
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:void(0)", "javascript"),
        ("file:///etc/passwd", "file"),
        ("ftp://127.0.0.1/pub/page.html", "ftp"),
        ("mailto:news@example.org", "mailto"),
        ("x" * 300 + ":y", "x" * 40 + "…"),  # a scheme is any run of letters: cut short
    ],
)
def test_a_redirect_off_the_web_names_its_status_and_scheme(location: str, scheme: str) -> None:
    """It was httpx's wording: 'invalid URL or redirect (For absolute URLs, path must…)'."""
    routes = {"/p": h.redirect("/q"), "/q": lambda conn: conn.redirect(location, "308 Moved")}
    seen: list[Exchange] = []
    with (
        h.HostileServer(routes) as server,
        Http(CONFIG, [seen.append]) as http,
        pytest.raises(FetchError) as raised,
    ):
        http.get(server.url("/p"))
    refused = f"308 redirect to a {scheme}: URL (only http and https are followed)"
    assert str(raised.value) == f"{server.url('/p')}: {refused}"
    assert server.hits == ["/p", "/q"] and seen == []  # not retried, no answer to record


@pytest.mark.parametrize("location", ["http://[::1", "http://[::1]x/", "http://host:port/"])
def test_a_redirect_to_an_address_that_does_not_parse_is_refused_once(location: str) -> None:
    """httpx's error for it is a broken answer, which was asked again ``retries`` times."""
    routes = {"/p": lambda conn: conn.redirect(location, "302 Found")}
    with h.HostileServer(routes) as server, Http(CONFIG) as http, pytest.raises(FetchError) as e:
        http.get(server.url("/p"))
    assert str(e.value).startswith(f"{server.url('/p')}: 302 redirect to an address that does")
    assert server.hits == ["/p"]


def test_refused_responses_never_reach_the_hook():
    seen: list[Exchange] = []

    def accept(response) -> None:
        raise FetchError("refused", url=str(response.url))

    with (
        h.HostileServer({"/p": h.page("<p>x</p>")}) as server,
        Http(CONFIG, [seen.append]) as http,
        pytest.raises(FetchError, match="refused"),
    ):
        http.get(server.url("/p"), accept=accept)
    assert seen == []


def coded(coding: str, body: bytes = b"<p>not the page</p>", status: str = "200 OK") -> h.Route:
    return lambda conn: conn.reply(body, status, Content_Encoding=coding)


def undecoded(url: str, coding: str, what: str = "") -> str:
    return (
        f"{url}: {what}served with Content-Encoding: {coding}, which this archiver does not decode"
    )


def test_a_body_in_a_coding_nothing_here_undoes_is_refused_before_the_hook():
    """httpx passes over a coding it does not know (zstd without the zstandard package) and
    gave the bytes as the content: a WARC record then called them the decoded body. So did a
    redirect's body."""
    routes = {
        "/zstd": coded("zstd", status="404 Not Found"),
        "/hop": lambda conn: conn.reply(
            b"moved", "302 Found", Location="/ok", Content_Encoding="zstd"
        ),
        "/ok": h.page("<p>ok</p>"),
    }
    seen: list[Exchange] = []
    with h.HostileServer(routes) as server, Http(CONFIG, [seen.append]) as http:
        with pytest.raises(FetchError) as page:
            http.get(server.url("/zstd"))
        with pytest.raises(FetchError) as hop:
            http.get(server.url("/hop"))
    assert str(page.value) == undecoded(server.url("/zstd"), "zstd")
    assert page.value.status_code == 404
    assert str(hop.value) == undecoded(
        server.url("/hop"), "zstd", f"a redirect ({server.url('/hop')}) was "
    )
    assert seen == []


def test_br_and_stacked_codings_keep_their_bytes_and_bodies_with_nothing_to_undo_pass():
    page = b"<p>" + b"decoded " * 100 + b"</p>"
    twice = brotli.compress(gzip.compress(page))
    routes = {
        "/br": coded("br", brotli.compress(page)),  # httpx[brotli]: a dependency
        "/stacked": coded("gzip, br", twice),
        "/empty": coded("zstd", b""),
    }
    with h.HostileServer(routes) as server, Http(CONFIG) as http:
        br, stacked, empty = (http.get(server.url(path)) for path in routes)
    assert br.body == stacked.body == page
    assert br.raw == brotli.compress(page)  # decoded here in bounded steps: kept as served
    assert stacked.raw == twice  # stacked: decoded here too
    assert empty.body == empty.raw == b""


def test_stop_cuts_a_request_in_flight():
    arrived, release = threading.Event(), threading.Event()

    def hung(conn: h.Conn) -> None:
        arrived.set()
        release.wait(HANG_GUARD)

    slow = FetchConfig(timeout=600.0, per_host_delay=0.0, retries=3)
    with h.HostileServer({"/hung": hung}) as server, Http(slow) as http:
        outcome = stopped_in_flight(http, server.url("/hung"), arrived, release)
        with pytest.raises(StoppedError):
            http.get(server.url("/hung"))  # and nothing new starts
    assert "stopped before an answer came" in str(outcome)


def stopped_in_flight(
    http: Http, url: str, arrived: threading.Event, release: threading.Event
) -> BaseException:
    """What ``http.get(url)`` in a thread raises when ``stop`` comes once the server has the
    request (``arrived``); the server is then released. It must be a ``StoppedError``."""
    outcome: list[BaseException] = []

    def fetch() -> None:
        try:
            http.get(url)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=fetch)
    thread.start()
    assert arrived.wait(HANG_GUARD)
    http.stop()
    thread.join(HANG_GUARD)  # the deadline would be 1,800 s
    release.set()
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], StoppedError)
    return outcome[0]


def test_stop_cuts_a_tls_handshake_in_flight():
    """The TLS handshake runs on a socket object of its own (``ssl.wrap_socket`` detaches
    the one the deadline was shown): ``stop`` left a handshake the server never finished
    to the connect timeout (here 600 s)."""
    arrived, release = threading.Event(), threading.Event()
    slow = FetchConfig(timeout=600.0, per_host_delay=0.0, retries=3)
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), HelloUnanswered) as server:
        server.daemon_threads = True
        server.arrived, server.release = arrived, release  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with Http(slow) as http:
            http.client.timeout = httpx.Timeout(600.0)  # the connect timeout is 10 s at most
            url = f"https://127.0.0.1:{server.server_address[1]}/"
            stopped_in_flight(http, url, arrived, release)
        server.shutdown()


class HelloUnanswered(socketserver.BaseRequestHandler):
    """Reads a TLS ClientHello and never answers it (until ``server.release``)."""

    server: Any

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            self.request.recv(65536)
            self.server.arrived.set()
            self.server.release.wait(HANG_GUARD)


def test_the_throttle_books_turns_per_host_whatever_its_case():
    throttle = HostThrottle(100.0)
    assert throttle.book("http://Example.ORG/a") == 0
    assert throttle.book("https://example.org:443/b") == pytest.approx(100.0, abs=1.0)
    assert throttle.book("http://other.example/") == 0
    stopped = threading.Event()
    stopped.set()
    throttle.wait("http://EXAMPLE.org/c", stopped)  # a stopped run never waits its turn
    assert HostThrottle(0).book("http://example.org/") == 0


def test_every_http_of_a_process_with_one_delay_shares_one_throttle():
    polite = FetchConfig(per_host_delay=7.0)
    with Http(polite) as first, Http(polite) as second, Http(CONFIG) as other:
        assert first.throttle is second.throttle is HostThrottle.shared(7.0)
        assert other.throttle is not first.throttle


def test_run_scan_hands_every_article_response_to_the_hooks(tmp_path, db, config_file):
    from archiver.config import load_config
    from archiver.scan import run_scan
    from archiver.scan_targets import iter_targets

    seen: list[Exchange] = []
    routes = {"/a": h.gzip_page("<html><body><p>one</p></body></html>"), "/b": h.page("<p>two")}
    with h.HostileServer(routes) as server:
        urls = [server.url("/a"), server.url("/b"), server.url("/missing")]
        totals = run_scan(
            db, iter_targets(urls), load_config(config_file), on_response=[seen.append]
        )
    assert totals.articles == 2 and totals.failed == 1
    assert sorted((e.url, e.status_code) for e in seen) == sorted(
        [(urls[0], 200), (urls[1], 200), (urls[2], 404)]  # an error page is evidence too
    )
    gzipped = next(e for e in seen if e.url == urls[0])
    assert gzip.decompress(gzipped.raw or b"") == gzipped.body


def test_backoff_honours_retry_after_in_seconds_or_as_a_date():
    assert backoff_delay(1, "7") == 7
    assert backoff_delay(1, "3600") == 60  # capped
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 20 < backoff_delay(1, later) <= 30
    assert backoff_delay(1, "Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    for attempt in (1, 2, 3, 10):
        for unreadable in ("soon", "nan", "inf"):  # a NaN wait was passed on as it was
            assert 0 <= backoff_delay(attempt, unreadable) <= min(60, 0.5 * 2**attempt)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/a", "only http(s) URLs can be fetched"),
        ("file:///etc/passwd", "only http(s) URLs can be fetched"),
        ("http://", "no host in the URL"),
        ("https://:443/a", "no host in the URL"),
        ("http:///a", "no host in the URL"),
        # urlsplit's ValueError: a media URL from a provider's reply ended archive snapshot
        ("https://[::1/photo.jpg", "not a valid URL (Invalid IPv6 URL)"),
        ("https://pbs.example]/photo.jpg", "not a valid URL (Invalid IPv6 URL)"),
    ],
)
def test_a_url_that_cannot_be_fetched_says_why(url: str, reason: str) -> None:
    from archiver.http import check_url

    with pytest.raises(FetchError) as raised:
        check_url(url)
    assert str(raised.value) == f"{url}: {reason}"


def test_a_cookie_set_by_one_answer_goes_with_the_next_request():
    # Only answers with Set-Cookie are read into the jar (``SetCookiesOnly``).
    route = Script(
        lambda conn: conn.reply(b"<p>one</p>", Set_Cookie="session=abc; Path=/"),
        lambda conn: conn.reply(b"<p>again</p>"),
    )
    with h.HostileServer({"/p": route}) as server, Http(CONFIG) as http:
        sent = [http.get(server.url("/p")).response.request.headers.get("cookie") for _ in "abc"]
    assert sent == [None, "session=abc", "session=abc"]


class KeptAlive(socketserver.BaseRequestHandler):
    """Answers the first request of a connection and keeps it open; on the next one, drips
    the status line's headers a byte at a time, well within any per-read timeout, for up to
    ``DRIP_SECONDS`` (then gives up, so that a test without the deadline fails, not hangs)."""

    DRIP_SECONDS = 20.0

    def handle(self) -> None:
        sock: socket.socket = self.request
        pending, answered = b"", 0
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                pending += chunk
                while b"\r\n\r\n" in pending:
                    _, pending = pending.split(b"\r\n\r\n", 1)
                    answered += 1
                    if answered == 1:
                        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                        continue
                    sock.sendall(b"HTTP/1.1 200 OK\r\n")
                    ends = time.monotonic() + self.DRIP_SECONDS
                    while time.monotonic() < ends:
                        sock.sendall(b"X")
                        time.sleep(0.2)
                    return


def test_the_deadline_holds_on_a_kept_alive_connection():
    """A request sent on a kept-alive connection opens no socket, so its deadline learned
    of none until the headers came: a server dripping its headers there held it past the
    deadline (here 1.5 s; the drip would go on for 20 s)."""
    quick = FetchConfig(timeout=0.5, per_host_delay=0.0, retries=0)
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), KeptAlive) as server:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with Http(quick) as http:
            assert http.get(f"{base}/first").body == b"ok"
            started = time.monotonic()
            with pytest.raises(FetchError, match=r"timed out \(no complete answer within 1.5s\)"):
                http.get(f"{base}/second")
            assert time.monotonic() - started < KeptAlive.DRIP_SECONDS / 2
        server.shutdown()


class HandedOn(socketserver.BaseRequestHandler):
    """Keeps its connections open: ``/hop`` redirects to ``server.next_url``; any other path
    answers once ``server.release`` is set (``server.waiting`` says it was asked), a header
    line every 0.2 s meanwhile, so that no per-read timeout trips."""

    server: Any

    def handle(self) -> None:
        sock: socket.socket = self.request
        self.server.connections += 1
        pending = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                pending += chunk
                while b"\r\n\r\n" in pending:
                    head, pending = pending.split(b"\r\n\r\n", 1)
                    if head.split(b" ")[1] == b"/hop":
                        location = self.server.next_url.encode()
                        sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: %s\r\n" % location)
                        sock.sendall(b"Content-Length: 0\r\n\r\n")
                        continue
                    self.server.waiting.set()
                    sock.sendall(b"HTTP/1.1 200 OK\r\n")
                    while not self.server.release.wait(0.2):
                        sock.sendall(b"X-Wait: 1\r\n")
                    sock.sendall(b"Content-Length: 2\r\n\r\nok")


@contextlib.contextmanager
def handed_on_server() -> Iterator[Any]:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), HandedOn) as server:
        server.daemon_threads = True
        server.connections, server.next_url = 0, ""
        server.waiting, server.release = threading.Event(), threading.Event()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        server.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield server
        finally:
            server.release.set()
            server.shutdown()


def test_a_late_request_never_shuts_a_connection_another_request_uses_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A request redirected to another host left its first connection to the pool, which
    lent it to a second request; when the first request's time was up, its deadline shut
    that connection down under the second one, which still had time left."""
    once = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=0)
    with handed_on_server() as first, handed_on_server() as other, Http(once) as http:
        first.next_url = f"{other.url}/wait"
        deadlines: list[Deadline] = []
        take = http._watchdog.take
        monkeypatch.setattr(
            http._watchdog, "take", lambda: deadlines.append(take()) or deadlines[-1]
        )
        results: dict[str, object] = {}

        def get(name: str, url: str) -> None:
            try:
                results[name] = http.get(url).body
            except FetchError as exc:
                results[name] = str(exc)

        late = threading.Thread(target=get, args=("late", f"{first.url}/hop"))
        late.start()
        assert other.waiting.wait(10)  # the redirect was followed: the first connection is idle
        kept = threading.Thread(target=get, args=("kept", f"{first.url}/wait"))
        kept.start()
        assert first.waiting.wait(10)
        deadlines[0].expire()  # what the watchdog does when the late request's time is up
        late.join(10)
        first.release.set()
        kept.join(10)
    assert first.connections == 1  # the second request went on the first one's connection
    assert "timed out" in str(results["late"])
    assert results["kept"] == b"ok"


def test_a_nested_watch_hands_the_thread_back_to_the_outer_deadline():
    from archiver.socket_watch import _current, watching

    outer, inner = object(), object()
    with watching(outer):  # type: ignore[arg-type]
        with watching(inner):  # type: ignore[arg-type]
            assert _current.deadline is inner
        assert _current.deadline is outer
    assert _current.deadline is None


def test_a_body_declared_past_max_bytes_is_refused_before_it_is_read():
    """A feed or page whose Content-Length says 5 GB is refused at its headers: nothing of
    the body is waited for (this server sends 10 bytes of it, then nothing, until released)."""
    release = threading.Event()
    config = FetchConfig(timeout=600.0, per_host_delay=0.0, retries=0)
    with (
        serving(DeclaresHuge, release=release) as url,
        Http(config) as http,
        pytest.raises(FetchError, match="larger than max_bytes") as caught,
    ):
        try:
            http.get(url)
        finally:
            release.set()
    assert "its Content-Length is 5,000,000,000" in str(caught.value)


@contextlib.contextmanager
def serving(handler: type[socketserver.BaseRequestHandler], **attributes: Any) -> Iterator[str]:
    """A raw TCP server on 127.0.0.1 answering with ``handler`` (its ``server`` carries
    ``attributes``), for as long as the block runs; yields a URL on it."""
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        server.daemon_threads = True
        for name, value in attributes.items():
            setattr(server, name, value)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        finally:
            server.shutdown()


class DeclaresHuge(socketserver.BaseRequestHandler):
    server: Any

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            self.request.recv(65536)
            self.request.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                b"Content-Length: 5000000000\r\n\r\n<rss>\n    "
            )
            self.server.release.wait(HANG_GUARD)


@pytest.mark.parametrize(
    ("answer", "status", "body"),
    [
        # A 304 may name the length of the answer it stands for; no body follows.
        (
            b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 5000000000\r\n\r\n',
            304,
            b"",
        ),
        # Sent in chunks, the body's length is the chunks': the header is ignored.
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            b"Content-Length: 5000000000\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\n<rss>\r\n0\r\n\r\n",
            200,
            b"<rss>",
        ),
    ],
)
def test_a_content_length_that_frames_no_body_is_not_refused(
    answer: bytes, status: int, body: bytes
) -> None:
    config = FetchConfig(timeout=30.0, per_host_delay=0.0, retries=0)
    with serving(Answers, answer=answer) as url, Http(config) as http:
        exchange = http.get(url)
    assert (exchange.status_code, exchange.body) == (status, body)


class Answers(socketserver.BaseRequestHandler):
    server: Any

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            self.request.recv(65536)
            self.request.sendall(self.server.answer)


def test_a_gzip_body_cut_short_is_refused_or_kept_as_served():
    """A gzip (or deflate) stream the body ends inside, framed whole by its Content-Length:
    half a page read as the page. It is refused in one line; asked to keep what does not
    decode, the bytes as served are ``raw`` and what decodes of them ``body``, with why."""
    page = b"<p>" + bytes(range(256)) * 200 + b"</p>"
    whole = gzip.compress(page)
    routes = {
        "/cut": coded("gzip", whole[: len(whole) // 2]),
        "/no-trailer": coded("gzip", whole[:-8]),
        "/deflate-cut": coded("deflate", zlib.compress(page)[:-10]),
        "/two-members": coded("gzip", whole + gzip.compress(b"<p>more</p>")),
    }
    with h.HostileServer(routes) as server, Http(CONFIG) as http:
        for path in ("/cut", "/no-trailer", "/deflate-cut"):
            with pytest.raises(FetchError) as cut:
                http.get(server.url(path))
            assert " body cut short: the " in str(cut.value), path
            assert str(cut.value).startswith(server.url(path)) and "\n" not in str(cut.value)
        kept = http.get(server.url("/cut"), keep_undecoded=True)
        assert kept.raw == whole[: len(whole) // 2] and page.startswith(kept.body)
        assert kept.notes[UNDECODED].startswith("gzip body cut short: the ")
        first = http.get(server.url("/two-members"))
    assert first.body == page and not first.notes  # its first member, as verify reads it


@pytest.mark.parametrize("split", [None, 0, 1, 5])
def test_bytes_after_the_first_gzip_member_are_not_read_in_whatever_chunk_they_come(split):
    """They failed the body when a later network chunk brought them (the same answer
    decoded or not by how TCP cut it); a second member is not read either, as warcio (and
    so ``archive verify``) reads a gzip body: the payload is the first member's."""
    first, second = gzip.compress(b"<p>one</p>"), gzip.compress(b"<p>two</p>")
    for tail, expected in ((b"\r\n\x00junk", b"<p>one</p>"), (second, b"<p>one</p>")):
        decoder = BoundedDecoder("gzip")
        chunks = [first + tail] if split is None else [first + tail[:split], tail[split:]]
        assert b"".join(part for chunk in chunks for part in decoder.feed(chunk)) == expected
        assert decoder.complete


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
@pytest.mark.parametrize("first", [1, 2, 3, None])
def test_a_deflate_body_decodes_whatever_its_first_network_chunk_holds(wbits, first):
    """Raw deflate (no zlib header) is told from zlib by its first 2 bytes: a first chunk of
    1 byte passed the check (zlib waits for the second), and the rest failed to decode."""
    page = b"<html>" + b"hello world " * 1000 + b"</html>"
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    coded = compressor.compress(page) + compressor.flush()
    chunks = [coded] if first is None else [coded[:first], coded[first:]]
    decoder = BoundedDecoder("deflate")
    assert b"".join(part for chunk in chunks for part in decoder.feed(chunk)) == page
    assert decoder.complete


def test_a_br_body_is_decoded_in_bounded_steps_to_its_last_byte():
    """The decompressor holds back output past its step: it is asked for it until none is
    left (a stream fed whole came out 87% long), and junk after the stream is refused."""
    data = bytes(range(256)) * 40_000  # 10 MB
    stream = brotli.compress(data, quality=1)
    for piece in (len(stream), 7_001):
        decoder = BoundedDecoder.for_encoding("br")
        assert decoder is not None
        parts = [
            out
            for at in range(0, len(stream), piece)
            for out in decoder.feed(stream[at : at + piece])
        ]
        assert b"".join(parts) == data
        assert max(len(part) for part in parts) <= 2 * DECODE_STEP
    decoder = BoundedDecoder.for_encoding("br")
    assert decoder is not None
    with pytest.raises(ValueError, match="cannot decode br body"):
        list(decoder.feed(brotli.compress(b"<p>x</p>") + b"junk"))


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("br", lambda page: brotli.compress(page)),
        ("gzip, gzip", lambda page: gzip.compress(gzip.compress(page))),
        ("gzip, br", lambda page: brotli.compress(gzip.compress(page))),
    ],
)
def test_a_br_or_stacked_body_cut_short_is_refused_as_a_gzip_one_is(coding, encoded):
    """Each decoder says whether its stream ended: a ``br`` body, or two stacked codings,
    that the answer ends inside are half a page, refused in one line (they were read as
    whole, or failed on an attribute no such decoder had)."""
    page = b"<p>" + bytes(range(256)) * 300 + b"</p>"
    whole = encoded(page)
    routes = {"/cut": coded(coding, whole[: len(whole) // 2]), "/whole": coded(coding, whole)}
    with h.HostileServer(routes) as server, Http(CONFIG) as http:
        with pytest.raises(FetchError) as cut:
            http.get(server.url("/cut"))
        assert f"{coding} body cut short: the " in str(cut.value)
        assert "\n" not in str(cut.value)
        assert http.get(server.url("/whole")).body == page


class OneAnswerEach(socketserver.BaseRequestHandler):
    """Answers the first request of a connection and keeps it open, without ``Connection:
    close``; closes it, unanswered, when the next request comes (a server whose keep-alive
    ran out as the request was on its way). ``server.connections`` lists each connection;
    ``server.answer`` is the answer's body, or makes it of the request's body."""

    server: Any

    def handle(self) -> None:
        sock: socket.socket = self.request
        self.server.connections.append(sock.getpeername())
        pending = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in pending:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                pending += chunk
            head, body = pending.split(b"\r\n\r\n", 1)
            size = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            while size and len(body) < int(size[1]) and (chunk := sock.recv(65536)):
                body += chunk
            answer = self.server.answer
            answer = answer(body) if callable(answer) else answer
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))
            sock.recv(65536)  # the next request: closed unanswered


def test_a_kept_alive_connection_the_server_closed_is_asked_again_on_a_new_one():
    """As a browser does: a GET that fails on a reused connection before any byte of its
    answer came is sent once more on a fresh connection, whatever ``retries`` says."""
    once = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=0)
    connections: list[object] = []
    with serving(OneAnswerEach, answer=b"ok", connections=connections) as url, Http(once) as http:
        bodies = [http.get(url).body for _ in range(3)]
    assert bodies == [b"ok", b"ok", b"ok"]
    assert len(connections) == 3  # each request after the first: its old one, then a new one


@pytest.mark.parametrize("idempotent", [True, False])
def test_a_post_is_sent_again_on_a_closed_kept_alive_connection_only_when_idempotent(
    idempotent: bool,
) -> None:
    """RFC 9110 9.2.2: a POST the server may have acted on is not sent again, unless the
    caller knows sending it twice does what sending it once does."""
    once = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=0)
    connections: list[object] = []
    bodies: list[bytes] = []
    with (
        serving(
            OneAnswerEach, answer=lambda body: bodies.append(body) or body, connections=connections
        ) as url,
        Http(once) as http,
    ):
        assert http.post(url, b"first", idempotent=idempotent).body == b"first"
        if idempotent:
            assert http.post(url, b"second", idempotent=True).body == b"second"
        else:
            with pytest.raises(FetchError):
                http.post(url, b"second")
    assert bodies == ([b"first", b"second"] if idempotent else [b"first"])
    assert len(connections) == (2 if idempotent else 1)


class CutShort(socketserver.BaseRequestHandler):
    """Sends ``server.answer`` (nothing, or half a head) and closes: to the first request of
    a connection, or with ``server.kept_alive`` to the second, the first answered whole."""

    server: Any

    def handle(self) -> None:
        sock: socket.socket = self.request
        self.server.connections.append(sock.getpeername())
        with contextlib.suppress(OSError):
            sock.recv(65536)
            if self.server.kept_alive:
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                sock.recv(65536)
            sock.sendall(self.server.answer)


@pytest.mark.parametrize(
    ("answer", "kept_alive"),
    [(b"", False), (b"HTTP/1.1 200 OK\r\nContent-Le", False), (b"HTTP/1.1 200 OK\r\n", True)],
)
def test_a_connection_closed_unanswered_is_asked_again_only_when_reused(
    answer: bytes, kept_alive: bool
) -> None:
    """Not on a new connection (the server's own failure: ``retries`` decides), nor once a
    byte of the answer came on a reused one (the server may have acted on the request)."""
    once = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=0)
    connections: list[object] = []
    with (
        serving(CutShort, answer=answer, kept_alive=kept_alive, connections=connections) as url,
        Http(once) as http,
    ):
        if kept_alive:
            assert http.get(url).body == b"ok"
        with pytest.raises(FetchError, match="broken HTTP answer"):
            http.get(url)
    assert len(connections) == 1


def raw_redirect(*lines: bytes) -> h.Route:
    head = b"HTTP/1.1 302 Found\r\n" + b"".join(line + b"\r\n" for line in lines)
    return lambda conn: conn.send(head + b"Content-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.mark.parametrize(
    ("lines", "path"),
    [
        ([b"Location: /caf\xe9"], "/caf%E9"),  # Latin-1: the byte, as Chrome and Firefox send it
        ([b"Location: /caf\xc3\xa9"], "/caf%C3%A9"),  # UTF-8
        ([b"Location: /caf\xc3\xa9", b"X-Note: d\xe9j\xe0"], "/caf%C3%A9"),  # beside Latin-1
        ([b"Location: /caf%C3%A9"], "/caf%C3%A9"),  # already escaped: as it is
    ],
)
def test_a_location_past_ascii_is_followed_byte_for_byte(lines: list[bytes], path: str) -> None:
    routes = {"/from": raw_redirect(*lines), path: lambda conn: conn.reply(b"here")}
    with h.HostileServer(routes) as server, Http(CONFIG) as http:
        exchange = http.get(server.url("/from"))
        assert server.hits == ["/from", path]
    assert (exchange.status_code, exchange.body) == (200, b"here")
    assert exchange.final_url == server.url(path)


class HoldsTheSecond(socketserver.BaseRequestHandler):
    """Answers a connection's first request, keeps it open, then reads the next request and
    never answers it (a server still at work on it): ``server.requests`` counts requests."""

    server: Any

    def handle(self) -> None:
        sock: socket.socket = self.request
        pending = b""
        with contextlib.suppress(OSError):
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                pending += chunk
                while b"\r\n\r\n" in pending:
                    _, pending = pending.split(b"\r\n\r\n", 1)
                    self.server.requests.append(sock.getsockname())
                    if len(self.server.requests) == 1:
                        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


def test_a_reused_connection_that_times_out_is_not_asked_again():
    """A read timeout is no closed connection: the server has the request and may be acting
    on it, so the GET is not resent (a browser resends only on a connection closed)."""
    quick = FetchConfig(timeout=0.5, per_host_delay=0.0, retries=0)
    requests: list[object] = []
    with serving(HoldsTheSecond, requests=requests) as url, Http(quick) as http:
        assert http.get(url).body == b"ok"
        with pytest.raises(FetchError, match="timed out"):
            http.get(url)
    assert len(requests) == 2


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        (b"http://b\xc3\xbccher.example/caf\xc3\xa9", "http://xn--bcher-kva.example/caf%C3%A9"),
        (b"//b\xc3\xbccher.example/caf\xe9", "http://xn--bcher-kva.example/caf%E9"),
        (b"/caf\xe9?q=\xe9", "http://news.example/caf%E9?q=%E9"),
    ],
)
def test_a_location_naming_a_host_past_ascii_leads_to_that_host(raw: bytes, url: str) -> None:
    """As a browser's URL parser reads it: the host's name as IDNA, only the rest escaped
    byte for byte (the host was escaped too, a name no resolver knows)."""
    from archiver.http import Client

    request = httpx.Request("GET", "http://news.example/from")
    response = httpx.Response(302, headers=[(b"Location", raw)], request=request)
    with Client() as client:
        assert str(client._redirect_url(request, response)) == url
