"""Sources over real HTTP on 127.0.0.1, polled by the worker into a real archive: sitemap
indexes that point back at the test server, a missing child, gzip files, a 304 index, the
bounds on a walk (count, depth, per-host delay, a SIGTERM) and a body that names a file."""

from __future__ import annotations

import gzip
import itertools
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from source_server import Document, SourceSite

from archiver.config import Config, FetchConfig, Source, WorkerConfig
from archiver.worker import Worker

XML = {"Content-Type": "application/xml"}
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(site: SourceSite, *paths: str, extra: str = "") -> bytes:
    entries = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return f'<urlset xmlns="{NS}">{entries}{extra}</urlset>'.encode()


def index(site: SourceSite, *paths: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{site.url(p)}</loc></sitemap>" for p in paths)
    return f'<sitemapindex xmlns="{NS}">{entries}</sitemapindex>'.encode()


def poll(
    db_path: Path,
    source: Source,
    delay: float = 0.0,
    children: int = 100,
    max_bytes: int = 50_000_000,
) -> None:
    config = Config(
        fetch=FetchConfig(timeout=5.0, per_host_delay=delay, retries=0),
        worker=WorkerConfig(sitemap_children_per_poll=children, max_source_bytes=max_bytes),
    )
    Worker(str(db_path), config).poll_source(source)


def rows(db_path: Path, sql: str) -> list[dict]:
    db = sqlite_utils.Database(db_path)
    try:
        return list(db.query(sql))
    finally:
        db.close()


def queued(db_path: Path) -> set[str]:
    return {row["url"] for row in rows(db_path, "select url from articles")}


def state(db_path: Path) -> dict:
    return rows(db_path, "select * from source_state")[0]


@pytest.fixture
def site():
    with SourceSite() as served:
        yield served


def test_index_pointing_back_at_the_server_with_a_missing_child(site, db_path):
    site.documents |= {
        "/index.xml": Document(index(site, "/a.xml", "/gone.xml", "/b.xml.gz", "/nested.xml"), XML),
        "/a.xml": Document(urlset(site, "/a1", "/a2"), XML),
        "/b.xml.gz": Document(
            gzip.compress(urlset(site, "/b1")), {"Content-Type": "application/gzip"}
        ),
        "/nested.xml": Document(index(site, "/c.xml"), XML),
        "/c.xml": Document(urlset(site, "/c1"), {"Content-Type": "application/octet-stream"}),
    }
    poll(db_path, Source("map", "sitemap", site.url("/index.xml")))
    assert queued(db_path) == {site.url(p) for p in ("/a1", "/a2", "/b1", "/c1")}
    assert "1 child sitemap failed (the others were read)" in state(db_path)["last_error"]
    assert "HTTP 404" in state(db_path)["last_error"]
    children = {r["url"]: r for r in rows(db_path, "select * from sitemap_children")}
    assert "HTTP 404" in children[site.url("/gone.xml")]["last_error"]
    assert children[site.url("/c.xml")]["depth"] == 2
    assert children[site.url("/b.xml.gz")]["urls_seen"] == 1


def test_304_index_still_revalidates_children_on_their_own_etags(site, db_path):
    site.documents |= {
        "/index.xml": Document(index(site, "/a.xml", "/b.xml"), XML, etag='"i1"'),
        "/a.xml": Document(urlset(site, "/a1"), XML, etag='"a1"'),
        "/b.xml": Document(urlset(site, "/b1"), XML, etag='"b1"'),
    }
    source = Source("map", "sitemap", site.url("/index.xml"))
    poll(db_path, source)
    site.hits.clear()
    site.documents["/b.xml"] = Document(urlset(site, "/b1", "/b2"), XML, etag='"b2"')
    poll(db_path, source)
    assert [(h.path, h.headers.get("if-none-match")) for h in site.hits] == [
        ("/index.xml", '"i1"'),
        ("/a.xml", '"a1"'),
        ("/b.xml", '"b1"'),
    ]
    assert site.url("/b2") in queued(db_path)
    assert state(db_path)["etag"] == '"i1"' and state(db_path)["last_error"] is None
    etags = {r["url"]: r["etag"] for r in rows(db_path, "select url, etag from sitemap_children")}
    assert etags == {site.url("/a.xml"): '"a1"', site.url("/b.xml"): '"b2"'}


NOT_MODIFIED = Document(b"", status=304)  # whatever the request asked


def test_a_304_to_an_unconditional_request_fails_and_keeps_the_state(site, db_path):
    """It was saved and logged as 'unchanged': a broken answer passed for 'no news'."""
    site.documents |= {
        "/index.xml": Document(index(site, "/a.xml"), XML),  # no ETag, no Last-Modified
        "/a.xml": Document(urlset(site, "/a1"), XML),
    }
    source = Source("map", "sitemap", site.url("/index.xml"))
    poll(db_path, source)
    children = rows(db_path, "select * from sitemap_children")
    site.documents["/index.xml"] = NOT_MODIFIED
    site.hits.clear()
    poll(db_path, source)
    assert [(h.path, h.headers.get("if-none-match"), h.headers.get("if-modified-since"))
            for h in site.hits] == [("/index.xml", None, None)]  # fmt: skip
    assert state(db_path)["last_error"] == (
        f"{site.url('/index.xml')}: 304 Not Modified to a request without validators"
    )
    assert queued(db_path) == {site.url("/a1")}
    assert rows(db_path, "select * from sitemap_children") == children


def test_a_child_sitemap_answering_304_unasked_fails_alone(site, db_path):
    site.documents |= {
        "/index.xml": Document(index(site, "/a.xml", "/b.xml"), XML),
        "/a.xml": NOT_MODIFIED,
        "/b.xml": Document(urlset(site, "/b1"), XML),
    }
    poll(db_path, Source("map", "sitemap", site.url("/index.xml")))
    error = f"{site.url('/a.xml')}: 304 Not Modified to a request without validators"
    children = {r["url"]: r for r in rows(db_path, "select * from sitemap_children")}
    assert children[site.url("/a.xml")]["last_error"] == error
    assert children[site.url("/a.xml")]["read_at"] is None  # never read
    assert state(db_path)["last_error"] == (
        f"1 child sitemap failed (the others were read); first: {error}"
    )
    assert queued(db_path) == {site.url("/b1")}


def endless_indexes(site: SourceSite, fanout: int) -> None:
    """/d/<path>.xml is an index of ``fanout`` deeper indexes, forever."""

    def build(path: str) -> Document | None:
        if not path.startswith("/d/"):
            return None
        stem = path.removesuffix(".xml")
        return Document(index(site, *(f"{stem}-{i}.xml" for i in range(fanout))), XML)

    site.builders.append(build)


def test_recursion_is_bounded_in_depth_and_count(site, db_path):
    endless_indexes(site, 3)
    poll(db_path, Source("deep", "sitemap", site.url("/d/0.xml")), children=1000)
    depths = [path.count("-") for path in site.paths()]
    assert max(depths) == 3 and len(depths) == 1 + 3 + 9 + 27
    site.hits.clear()
    poll(db_path, Source("wide", "sitemap", site.url("/d/w.xml")), children=10)
    assert len(site.hits) == 1 + 10


def test_children_are_requested_no_faster_than_the_per_host_delay(site, db_path):
    delay = 0.3
    site.documents["/index.xml"] = Document(index(site, *(f"/c{i}.xml" for i in range(5))), XML)
    for i in range(5):
        site.documents[f"/c{i}.xml"] = Document(urlset(site, f"/p{i}"), XML)
    poll(db_path, Source("map", "sitemap", site.url("/index.xml")), delay=delay)
    times = [hit.at for hit in site.hits]
    assert len(times) == 6
    assert all(later - earlier >= delay for earlier, later in itertools.pairwise(times))
    assert len(queued(db_path)) == 5


def test_the_delay_is_counted_from_the_end_of_each_answer(site, db_path):
    """Answers slower than the delay: a gap kept from one request to the next would already
    have passed when each answer ends, and the next request would follow at once. The server
    must see the whole delay between the last byte of one answer and the next request."""
    delay = 0.3
    paths = [f"/c{i}.xml" for i in range(3)]
    # One byte every 5 ms: each answer takes about a second, more than three times the delay.
    site.documents["/index.xml"] = Document(index(site, *paths), XML, drip=0.005)
    for i, path in enumerate(paths):
        site.documents[path] = Document(urlset(site, f"/p{i}"), XML, drip=0.005)
    poll(db_path, Source("map", "sitemap", site.url("/index.xml")), delay=delay)
    hits = list(site.hits)
    assert [hit.path for hit in hits] == ["/index.xml", *paths]
    assert all(hit.last_byte_at for hit in hits)  # every answer was sent whole
    gaps = [after.at - before.last_byte_at[0] for before, after in itertools.pairwise(hits)]
    assert all(gap >= delay for gap in gaps), gaps
    assert len(queued(db_path)) == 3


def test_sigterm_stops_a_long_walk_promptly(site, tmp_path, db_path):
    """A real ``archive worker``: 100 children at 1 s per host; SIGTERM once the fourth is
    asked for, so the first three were read whole (the walk asks for one child at a time:
    a SIGTERM just after the third was asked for could cut it, on a busy machine)."""
    site.documents["/index.xml"] = Document(index(site, *(f"/c{i}.xml" for i in range(100))), XML)
    for i in range(100):
        site.documents[f"/c{i}.xml"] = Document(urlset(site, f"/p{i}"), XML)
    config = tmp_path / "worker.toml"
    config.write_text(
        '[fetch]\nper_host_delay = "1s"\nretries = 0\ntimeout = "5s"\n'
        '[worker]\nsitemap_children_per_poll = 1000\nscan_interval = "1h"\n'
        'snapshot_interval = "1h"\n'
        f'[[sources]]\nname = "big"\ntype = "sitemap"\nurl = "{site.url("/index.xml")}"\n',
        encoding="utf-8",
    )
    worker = start_worker(config, db_path)
    try:
        site.wait_for(lambda hits: sum(h.path.startswith("/c") for h in hits) >= 4)
        worker.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        _, stderr = worker.communicate(timeout=60)
    finally:
        worker.kill()
    took = time.monotonic() - signalled
    children = sum(path.startswith("/c") for path in site.paths())
    assert worker.returncode == 0, stderr
    assert children < 100 and took < children + 10  # the full walk would take 100 s
    assert len(queued(db_path)) >= 3  # what was read before the stop is kept
    assert "worker stopped" in stderr


def start_worker(config: Path, db_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", "worker", "--config", str(config), "--db", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stopped_at_slow_xml(site, tmp_path, db_path, name: str, root: str) -> tuple[int, str, float]:
    """A worker polling the sitemap source ``name`` at ``root``, sent SIGTERM once the
    dripping ``/slow.xml`` is asked for: its exit status, its stderr, and the seconds from
    the signal to its end."""
    site.documents["/slow.xml"] = Document(urlset(site, "/late"), XML, drip=0.5)
    config = tmp_path / "worker.toml"
    config.write_text(
        '[fetch]\nper_host_delay = "0s"\nretries = 0\ntimeout = "20s"\n'
        '[worker]\nscan_interval = "1h"\nsnapshot_interval = "1h"\n'
        f'[[sources]]\nname = "{name}"\ntype = "sitemap"\nurl = "{site.url(root)}"\n',
        encoding="utf-8",
    )
    worker = start_worker(config, db_path)
    try:
        site.wait_for(lambda hits: any(h.path == "/slow.xml" for h in hits))
        worker.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        _, stderr = worker.communicate(timeout=120)
    finally:
        worker.kill()
    return worker.returncode, stderr, time.monotonic() - signalled


def test_sigterm_cuts_a_child_request_in_flight(site, tmp_path, db_path):
    """A child that drips its body (never tripping the 20 s read timeout, only the 60 s
    deadline) does not hold up a SIGTERM."""
    site.documents["/index.xml"] = Document(index(site, "/slow.xml"), XML)
    code, stderr, took = _stopped_at_slow_xml(site, tmp_path, db_path, "big", "/index.xml")
    assert code == 0, stderr
    assert took < 30  # the request's own deadline is 60 s
    assert "worker stopped" in stderr and site.url("/late") not in queued(db_path)


@pytest.mark.parametrize(
    ("stop", "code", "said"),
    [(signal.SIGTERM, 143, []), (signal.SIGINT, 130, ["interrupted"])],
    ids=["sigterm", "ctrl-c"],
)
def test_worker_once_ends_on_a_signal_as_any_command_does(
    site, tmp_path, db_path, stop, code, said
):
    """``--once`` (for cron) installs no handlers of its own: a signal ends it at once as
    it ends any command, the request in flight cut and nothing of it stored."""
    site.documents["/slow.xml"] = Document(urlset(site, "/late"), XML, drip=0.5)
    config = tmp_path / "worker.toml"
    config.write_text(
        '[fetch]\nper_host_delay = "0s"\nretries = 0\ntimeout = "20s"\n'
        f'[[sources]]\nname = "slow"\ntype = "sitemap"\nurl = "{site.url("/slow.xml")}"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "archiver", "worker", "--once", "--config", str(config)]
    process = subprocess.Popen([*command, "--db", str(db_path)], stderr=subprocess.PIPE, text=True)
    try:
        site.wait_for(lambda hits: any(h.path == "/slow.xml" for h in hits))
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=120)  # a hang guard: the drip takes 60 s
    finally:
        process.kill()
    assert process.returncode == code, stderr
    assert stderr.strip().splitlines() == said
    assert site.url("/late") not in queued(db_path)
    assert rows(db_path, "select state from worker_runs") == [{"state": "stopped"}]


def test_a_body_naming_a_local_file_is_data(site, db_path, tmp_path):
    secret = tmp_path / "local-feed.xml"
    secret.write_bytes(
        b'<rss version="2.0"><channel><item><link>https://secret.example/x</link></item>'
        b"</channel></rss>"
    )
    site.documents["/feed.xml"] = Document(str(secret).encode(), XML)
    site.documents["/zero.xml"] = Document(b"/dev/zero", XML)
    poll(db_path, Source("local", "feed", site.url("/feed.xml")))
    poll(db_path, Source("zero", "feed", site.url("/zero.xml")))
    assert queued(db_path) == set()
    errors = {r["name"]: r["last_error"] for r in rows(db_path, "select * from source_state")}
    assert "not a feed" in errors["local"] and "not a feed" in errors["zero"]


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "application/xml", "empty body"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "text/html", "an HTML page"),
        (gzip.compress(b"<html><body>Login</body></html>"), "application/gzip", "an HTML page"),
    ],
)
@pytest.mark.parametrize("kind", ["feed", "sitemap"])
def test_empty_and_html_bodies_are_recorded_as_errors(
    site, db_path, body, content_type, message, kind
):
    site.documents["/src"] = Document(body, {"Content-Type": content_type})
    poll(db_path, Source("s", kind, site.url("/src")))
    assert message in state(db_path)["last_error"] and kind in state(db_path)["last_error"]


def test_a_redirect_to_a_data_url_is_refused_by_name(site, db_path):
    site.documents["/feed"] = Document(b"", {"Location": "data:application/rss+xml,<rss/>"}, 302)
    poll(db_path, Source("feed", "feed", site.url("/feed")))
    assert state(db_path)["last_error"] == (
        f"{site.url('/feed')}: 302 redirect to a data: URL (only http and https are followed)"
    )


def test_truncated_sitemap_and_a_sitemap_entry_in_a_urlset(site, db_path):
    whole = urlset(
        site, "/p1", "/p2", extra=f"<sitemap><loc>{site.url('/more.xml')}</loc></sitemap>"
    )
    site.documents["/map.xml"] = Document(whole + urlset(site, "/page_9")[:-30], XML)
    site.documents["/more.xml"] = Document(urlset(site, "/m1"), XML)
    site.documents["/cut.xml"] = Document(urlset(site, "/q1", "/page_long")[:-20], XML)
    poll(db_path, Source("map", "sitemap", site.url("/map.xml")))
    poll(db_path, Source("cut", "sitemap", site.url("/cut.xml")))
    assert queued(db_path) == {site.url(p) for p in ("/p1", "/p2", "/m1", "/q1")}
    errors = {r["name"]: r["last_error"] for r in rows(db_path, "select * from source_state")}
    assert "broken off after 1 entries" in errors["cut"]


def test_url_list_served_over_http(site, db_path):
    text = (
        "# morning list\n"
        f"{site.url('/a')}?utm_source=list\n\n"
        f"  {site.url('/b').replace('http://', 'HTTP://')}  \n"
        "not a url\n/relative/ignored\n"
        f"{site.url('/a')}#again\n"
    )
    site.documents["/list.txt"] = Document(text.encode(), {"Content-Type": "text/plain"})
    poll(db_path, Source("list", "urls", url=site.url("/list.txt")))
    assert queued(db_path) == {site.url("/a"), site.url("/b")}
    assert state(db_path)["urls_seen"] == 2 and state(db_path)["last_error"] is None


def test_a_url_list_served_over_http_is_polled_conditionally(site, db_path):
    """Polled "like a feed": its ETag was never kept, so each poll read the list whole."""
    body = f"{site.url('/a')}\n".encode()
    site.documents["/list.txt"] = Document(body, {"Content-Type": "text/plain"}, etag='"l1"')
    source = Source("list", "urls", url=site.url("/list.txt"))
    poll(db_path, source)
    assert state(db_path)["etag"] == '"l1"'
    site.hits.clear()
    poll(db_path, source)
    assert [(h.path, h.headers.get("if-none-match")) for h in site.hits] == [("/list.txt", '"l1"')]
    assert queued(db_path) == {site.url("/a")} and state(db_path)["last_error"] is None


def test_children_skipped_by_lastmod_and_forgotten_when_unlisted(site, db_path):
    """Over real HTTP and a real archive: a child whose lastmod predates our last read of
    it is not requested again; a child its index no longer lists is forgotten."""
    old = f"<sitemap><loc>{site.url('/old.xml')}</loc><lastmod>2020-01-01</lastmod></sitemap>"
    gone = f"<sitemap><loc>{site.url('/gone.xml')}</loc></sitemap>"
    site.documents |= {
        "/index.xml": Document(f'<sitemapindex xmlns="{NS}">{old}{gone}</sitemapindex>'.encode()),
        "/old.xml": Document(urlset(site, "/o1"), XML),
        "/gone.xml": Document(urlset(site, "/g1"), XML),
    }
    source = Source("map", "sitemap", site.url("/index.xml"))
    poll(db_path, source)
    site.hits.clear()
    site.documents["/index.xml"] = Document(
        f'<sitemapindex xmlns="{NS}">{old}</sitemapindex>'.encode()
    )
    poll(db_path, source)
    assert site.paths() == ["/index.xml"]
    children = rows(db_path, "select url, read_at, lastmod from sitemap_children")
    assert [(c["url"], c["lastmod"]) for c in children] == [(site.url("/old.xml"), "2020-01-01")]
    assert children[0]["read_at"] is not None


def test_a_source_stopped_before_it_answered_keeps_its_state(site, tmp_path, db_path):
    """Its poll was logged as '0 URLs listed, 0 new' and saved as one that listed nothing."""
    code, stderr, _ = _stopped_at_slow_xml(site, tmp_path, db_path, "slow", "/slow.xml")
    assert code == 0, stderr
    assert "source slow: stopped before it answered" in stderr
    assert "URLs listed" not in stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from source_state").fetchone()[0] == 0


def test_children_in_every_wrapping_a_server_gives_them(site, db_path):
    """gzip as transport (``Content-Encoding``), as a file (``application/x-gzip``) and both
    at once; blank lines before ``<?xml`` and a bare ``&``; an HTML soft 404 fails alone."""
    plain = urlset(site, "/e1")
    site.documents |= {
        "/index.xml": Document(
            index(site, "/encoded.xml", "/file.xml.gz", "/both.xml.gz", "/sloppy.xml", "/soft404"),
            XML,
        ),
        "/encoded.xml": Document(gzip.compress(plain), XML | {"Content-Encoding": "gzip"}),
        "/file.xml.gz": Document(
            gzip.compress(urlset(site, "/f1")), {"Content-Type": "application/x-gzip"}
        ),
        "/both.xml.gz": Document(
            gzip.compress(gzip.compress(urlset(site, "/b1"))),
            {"Content-Type": "application/x-gzip", "Content-Encoding": "gzip"},
        ),
        "/sloppy.xml": Document(
            b"\n\n"
            + b'<?xml version="1.0" encoding="UTF-8"?>'
            + urlset(site, "/s1?a=1&b=2", "/s2"),
            XML,
        ),
        "/soft404": Document(b"<!DOCTYPE html><html><title>Not found</title></html>", XML),
    }
    poll(db_path, Source("map", "sitemap", site.url("/index.xml")))
    expected = ["/e1", "/f1", "/b1", "/s1?a=1&b=2", "/s2"]
    assert queued(db_path) == {site.url(p) for p in expected}
    error = state(db_path)["last_error"]
    assert "1 child sitemap failed" in error and "an HTML page, not a sitemap" in error


@pytest.mark.parametrize("wrapping", ["plain", "gzip file", "Content-Encoding"])
def test_a_child_over_max_source_bytes_fails_alone(site, db_path, wrapping):
    """Too large as served, or only once decompressed (a gzip bomb): the child fails by
    name and its siblings are read."""
    big = urlset(site, *(f"/big/{n}" for n in range(200)))
    body, headers = big, dict(XML)
    if wrapping != "plain":
        body = gzip.compress(big)
        headers |= {"Content-Encoding": "gzip"} if wrapping == "Content-Encoding" else {}
    site.documents |= {
        "/index.xml": Document(index(site, "/big.xml", "/small.xml"), XML),
        "/big.xml": Document(body, headers),
        "/small.xml": Document(urlset(site, "/s1"), XML),
    }
    poll(db_path, Source("map", "sitemap", site.url("/index.xml")), max_bytes=4_000)
    assert queued(db_path) == {site.url("/s1")}
    error = state(db_path)["last_error"]
    assert error.startswith("1 child sitemap failed (the others were read); first: ")
    assert "/big.xml: larger than max_source_bytes (4,000 bytes)" in error


def test_a_child_whose_gzip_stream_is_cut_short_fails_alone(site, db_path):
    """Content-Encoding: gzip on a sitemap the body ends inside: its first entries were
    queued as though the sitemap were whole. The child fails by name, as one that does
    not decode does; its siblings are read (a gzip file cut short is a document broken
    off, as a truncated sitemap is: its whole entries are read)."""
    cut = gzip.compress(urlset(site, *(f"/c/{n}" for n in range(300))))
    site.documents |= {
        "/index.xml": Document(index(site, "/cut.xml", "/small.xml"), XML),
        "/cut.xml": Document(cut[: len(cut) // 2], XML | {"Content-Encoding": "gzip"}),
        "/small.xml": Document(urlset(site, "/s1"), XML),
    }
    poll(db_path, Source("map", "sitemap", site.url("/index.xml")))
    assert queued(db_path) == {site.url("/s1")}
    error = state(db_path)["last_error"]
    assert error.startswith("1 child sitemap failed (the others were read); first: ")
    assert f"/cut.xml: gzip body cut short: the {len(cut) // 2:,} bytes served" in error


def rss_of(site: SourceSite, *paths: str) -> bytes:
    items = "".join(f"<item><title>t</title><link>{site.url(p)}</link></item>" for p in paths)
    return f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()


@pytest.mark.parametrize("kind", ["feed", "sitemap"])
def test_a_source_whose_gzip_is_cut_short_fails_by_name_and_is_read_whole_next_time(
    site, db_path, kind
):
    """A feed or sitemap served in gzip the body ends inside (its first entries whole): no
    entry of it is queued as though it were the document, the source's error names it, and
    its ETag is not kept, so the next poll reads it whole rather than hearing "unchanged"."""
    paths = [f"/a/{n}" for n in range(300)]
    whole = gzip.compress((rss_of if kind == "feed" else urlset)(site, *paths), mtime=0)
    coded = XML | {"Content-Encoding": "gzip"}
    site.documents["/src.xml"] = Document(whole[: len(whole) // 2], coded, etag='"v1"')
    source = Source("src", kind, site.url("/src.xml"))
    poll(db_path, source)
    error = state(db_path)["last_error"]
    assert (
        error.startswith(f"{site.url('/src.xml')}: gzip body cut short: the ") and "\n" not in error
    )
    assert queued(db_path) == set() and state(db_path)["etag"] is None
    site.documents["/src.xml"] = Document(whole, coded, etag='"v1"')
    poll(db_path, source)
    assert state(db_path)["last_error"] is None and state(db_path)["etag"] == '"v1"'
    assert queued(db_path) == {site.url(p) for p in paths}
