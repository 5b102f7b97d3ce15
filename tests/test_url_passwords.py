"""An address with a password in its userinfo (``http://user:password@host/``: a URL scanned
so, a crawl's records as wget writes them): the request sends it (an ``Authorization``
header, what went over the wire, kept in the request record), and nothing else the archive
stores or shows holds it (RFC 3986 3.2.1; browsers leave it out of the addresses they show)."""

from __future__ import annotations

import base64
import gzip
import json
import logging
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from pages import embed_page
from source_server import Document, SourceSite
from warc_data import raw_response
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Request, Response

from archiver.config import Config, FetchConfig, Source
from archiver.db import open_database
from archiver.db.schema import m031_addresses_without_passwords, migrations
from archiver.evidence.warc import default_warc_dir
from archiver.logs import VisibleFormatter
from archiver.urls import article_url, without_password
from archiver.worker import Worker

SECRET = "s3cr%40t"  # an escaped "@" in it, as a password must be written
CREDENTIALS = base64.b64encode(b"ada:s3cr@t").decode()  # what the request sends


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("http://ada:pw@news.example/a", "http://ada@news.example/a"),
        ("https://:pw@news.example/a", "https://news.example/a"),
        ("http://ada:@news.example/", "http://ada@news.example/"),
        ("http://ada:p@ss@news.example:8080/a@b", "http://ada@news.example:8080/a@b"),
        ("http://ada:pw@[::1]:8080/", "http://ada@[::1]:8080/"),
        ("http://news.example:8080/a@b:c", "http://news.example:8080/a@b:c"),
        ("http://ada@news.example/", "http://ada@news.example/"),
        ("mailto:ada@news.example", "mailto:ada@news.example"),
        (
            "http://a:b@x.example/1: after a meta refresh to https://c:d@y.example/2: HTTP 404",
            "http://a@x.example/1: after a meta refresh to https://c@y.example/2: HTTP 404",
        ),
    ],
)
def test_an_address_is_shown_without_its_password(text: str, shown: str) -> None:
    assert without_password(text) == shown


def test_an_article_is_the_same_whatever_password_fetched_it() -> None:
    assert article_url("HTTP://ada:one@News.Example/a?utm_source=x") == "http://ada@news.example/a"
    assert article_url("http://ada:two@news.example/a") == "http://ada@news.example/a"
    assert article_url("http://:pw@news.example/a") == "http://news.example/a"


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("http://ada:pw@news.example:8o/a", "http://ada@news.example:8o/a"),  # no port
        ("http://ada:pw@[::1/a", "http://ada@[::1/a"),  # does not parse: its own identity
    ],
)
def test_an_address_that_does_not_parse_is_its_identity_without_its_password(
    url: str, identity: str
) -> None:
    assert article_url(url) == identity


def dump(db_path: Path) -> str:
    with sqlite3.connect(db_path) as conn:
        return "\n".join(conn.iterdump())


def warc_bytes(db_path: Path) -> bytes:
    paths = sorted(default_warc_dir(db_path).glob("*.warc.gz"))
    return b"".join(gzip.decompress(path.read_bytes()) for path in paths)


def guarded(request: Request) -> Response:
    """A page behind HTTP Basic authentication, a redirect to it and a missing page."""
    if request.headers.get("Authorization") != f"Basic {CREDENTIALS}":
        return Response("who are you?", status=401, headers={"WWW-Authenticate": "Basic"})
    if request.path == "/go":
        return Response("", status=302, headers={"Location": "/story"})
    if request.path == "/missing":
        return Response("gone", status=404)
    return Response(embed_page(), content_type="text/html; charset=utf-8")


def test_a_scanned_address_s_password_is_sent_and_stored_nowhere(
    run_cli, httpserver, db_path: Path
) -> None:
    for path in ("/go", "/story", "/missing"):
        httpserver.expect_request(path).respond_with_handler(guarded)
    base = httpserver.url_for("/").replace("http://", f"http://ada:{SECRET}@").rstrip("/")
    result = run_cli("scan", "--json", f"{base}/go?utm_source=feed", f"{base}/missing")
    assert result.exit_code == 1, result.output
    shown = base.replace(f":{SECRET}@", "@")
    lines = sorted((json.loads(line) for line in result.stdout.splitlines()), key=str)
    assert [(line["target"], line["url"], line["status"]) for line in lines] == [
        (f"{shown}/go?utm_source=feed", f"{shown}/go", "ok"),
        (f"{shown}/missing", f"{shown}/missing", "error"),
    ]
    assert lines[1]["error"].startswith(f"{shown}/missing: HTTP 404 ")
    assert "s3cr" not in result.output
    # The archive: every row of every table.
    stored = dump(db_path)
    assert "s3cr" not in stored and f"{shown}/go" in stored
    final = sqlite_utils.Database(db_path).execute("select url, final_url from articles")
    assert sorted(final.fetchall()) == [
        (f"{shown}/go", f"{shown}/story"),
        (f"{shown}/missing", None),
    ]
    # The evidence: the addresses without it; the requests as sent, credentials and all.
    written = warc_bytes(db_path)
    assert b"s3cr" not in written
    for path in sorted(default_warc_dir(db_path).glob("*.warc.gz")):
        with open(path, "rb") as fh:
            records = list(ArchiveIterator(fh))
            requests = [
                record.http_headers.get_header("Authorization")
                for record in records
                if record.rec_type == "request"
            ]
            uris = [record.rec_headers.get_header("WARC-Target-URI") for record in records]
    assert requests == [f"Basic {CREDENTIALS}"] * 2  # the redirect, then the page
    assert f"{shown}/go?utm_source=feed" in uris and f"{shown}/story" in uris
    assert run_cli("verify").exit_code == 0


def test_a_crawl_s_addresses_with_a_password_are_stored_without_it(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    """wget writes the user:password it was given into WARC-Target-URI."""
    body = embed_page().encode()
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(raw_response(f"http://ada:{SECRET}@news.example.org/a", block))
    result = run_cli("scan", "--json", str(warc))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["url"] == "http://ada@news.example.org/a"
    assert "s3cr" not in result.output and "s3cr" not in dump(db_path)
    assert run_cli("verify").exit_code == 0


def test_an_archive_that_stored_passwords_keeps_them_no_longer(db_path: Path) -> None:
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="m031_addresses_without_passwords")
    with_password = f"http://ada:{SECRET}@news.example/a"
    old["articles"].insert_all(
        [
            {"url": with_password, "final_url": f"{with_password}?x=1", "first_seen_at": "t"},
            {"url": "http://other.example/b", "canonical_url": with_password, "first_seen_at": "t"},
        ]
    )
    old["scans"].insert({"article_id": 1, "error": f"{with_password}: HTTP 404 Not Found"})
    old["source_state"].insert({"name": "feed", "url": f"https://ada:{SECRET}@f.example/rss"})
    old.conn.commit()
    old.conn.close()
    db = open_database(db_path)
    db.conn.close()
    stored = dump(db_path)
    assert "s3cr" not in stored
    assert "http://ada@news.example/a?x=1" in stored and "https://ada@f.example/rss" in stored


def test_a_log_line_shows_no_password() -> None:
    record = logging.LogRecord(
        "archiver", logging.ERROR, __file__, 1, "source %s: %s", ("feed", "x"), None
    )
    record.args = ("feed", f"https://ada:{SECRET}@f.example/rss: HTTP 500")
    line = VisibleFormatter("%(message)s").format(record)
    assert line == "source feed: https://ada@f.example/rss: HTTP 500"


def test_a_failed_job_s_traceback_shows_no_password() -> None:
    """A job that fails unexpectedly is logged with its traceback, whose last line repeats
    the error the message gives."""
    try:
        raise ValueError(f"https://ada:{SECRET}@f.example/rss: cannot parse")
    except ValueError as exc:
        record = logging.LogRecord(
            "archiver", logging.ERROR, __file__, 1, "job %s failed: %s", ("poll", exc), True
        )
        record.exc_info = (ValueError, exc, exc.__traceback__)
    text = VisibleFormatter("%(message)s").format(record)
    assert "s3cr" not in text
    assert text.endswith("ValueError: https://ada@f.example/rss: cannot parse")


def test_an_article_named_with_a_password_is_exported_and_never_echoed(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    body = embed_page().encode()
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(raw_response(f"http://ada:{SECRET}@news.example.org/a", block))
    assert run_cli("scan", str(warc)).exit_code == 0
    out = tmp_path / "a.wacz"
    named = "http://ada:other@news.example.org/a"
    assert run_cli("export", "--wacz", str(out), "--article", named).exit_code == 0
    missing = run_cli("export", "--wacz", str(out), "--article", f"{named}/gone")
    assert missing.exit_code != 0
    assert "http://ada@news.example.org/a/gone: no such article" in missing.output
    assert "other" not in missing.output


def test_a_revisit_kept_before_passwords_were_left_out_still_verifies(
    run_cli, httpserver, db_path: Path, monkeypatch
) -> None:
    """A revisit an older archiver wrote names its address with the password (its WARC
    headers keep it); m031 drops it from its original's row: the two are one address."""
    httpserver.expect_request("/story").respond_with_handler(guarded)
    url = httpserver.url_for("/story").replace("http://", f"http://ada:{SECRET}@")
    with monkeypatch.context() as before:  # the writer as it was: the address as fetched
        before.setattr("archiver.evidence.capture.without_password", lambda text: text)
        for _ in range(2):
            assert run_cli("scan", url).exit_code == 0
    kinds = sqlite_utils.Database(db_path).execute("select record_type, target_uri from records")
    assert [kind for kind, _ in kinds.fetchall()] == ["response", "revisit"]
    db = sqlite_utils.Database(db_path)
    m031_addresses_without_passwords(db)
    db.conn.commit()
    db.conn.close()
    assert "s3cr" not in dump(db_path)
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output
    # Another address is still told apart.
    sqlite_utils.Database(db_path).execute(
        "update records set target_uri = 'http://ada@other.example/story' where id = 1"
    ).connection.commit()
    assert "revisit's URL differs from the record it refers to" in run_cli("verify").output


def test_a_sitemap_source_s_password_is_kept_in_no_child_s_row(db_path: Path) -> None:
    """The children an index names are remembered under its address (their parent's) as
    the archive stores it: without the password; the index naming itself is not read twice."""
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    children = "".join(f"<sitemap><loc>{p}</loc></sitemap>" for p in ("/index.xml", "/a.xml"))
    index_xml = f'<sitemapindex xmlns="{ns}">{children}</sitemapindex>'
    child_xml = f'<urlset xmlns="{ns}"><url><loc>/a1</loc></url></urlset>'
    with SourceSite() as site:
        site.documents |= {
            "/index.xml": Document(index_xml.encode()),
            "/a.xml": Document(child_xml.encode()),
        }
        index = site.url("/index.xml").replace("http://", f"http://ada:{SECRET}@")
        config = Config(fetch=FetchConfig(timeout=5.0, per_host_delay=0, retries=0))
        Worker(str(db_path), config).poll_source(Source("map", "sitemap", index))
        assert [hit.path for hit in site.hits] == ["/index.xml", "/a.xml"]
    stored = dump(db_path)
    assert "s3cr" not in stored
    shown = without_password(index)
    rows = sqlite_utils.Database(db_path).execute("select url, parent from sitemap_children")
    assert sorted(rows.fetchall()) == [(shown.replace("index", "a"), shown), (shown, shown)]


def test_an_archive_loses_the_passwords_another_row_s_key_or_a_child_sitemap_held(
    db_path: Path,
) -> None:
    """An address scanned with two passwords (or with and without one) was two articles; a
    child sitemap was remembered under its address as listed, parents with the source's."""
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="m031_addresses_without_passwords")
    story = "news.example/a"
    old["articles"].insert_all(
        [
            {"url": f"http://ada:{SECRET}@{story}", "first_seen_at": "t"},
            {"url": f"http://ada:pw2nd@{story}", "first_seen_at": "t"},
            {"url": f"http://ada@{story}/2", "first_seen_at": "t"},
            {"url": f"http://ada:{SECRET}@{story}/2", "first_seen_at": "t"},
        ]
    )
    index = f"http://ada:{SECRET}@news.example/index.xml"
    child = {"source": "map", "depth": 1, "parent": index}
    old["sitemap_children"].insert_all(
        [
            {**child, "url": f"http://ada:{SECRET}@news.example/a.xml", "etag": '"old"'},
            {**child, "url": "http://ada@news.example/a.xml", "etag": '"new"'},
            {
                **child,
                "url": f"http://ada:{SECRET}@news.example/b.xml",
                "last_error": f"http://ada:{SECRET}@news.example/b.xml: HTTP 404",
            },
            {**child, "url": f"http://ada:{SECRET}@news.example/c.xml", "parent": "http://x/"},
        ]
    )
    old.conn.commit()
    old.conn.close()
    open_database(db_path).conn.close()
    assert "s3cr" not in dump(db_path) and "pw2nd" not in dump(db_path)
    db = sqlite_utils.Database(db_path)
    assert [row["url"] for row in db.query("select url from articles order by id")] == [
        f"http://ada@{story}",
        f"http://ada@{story}#row-2",
        f"http://ada@{story}/2",
        f"http://ada@{story}/2#row-4",
    ]
    children = db.query("select url, parent, etag, last_error from sitemap_children order by url")
    assert list(children) == [
        {
            "url": "http://ada@news.example/a.xml",
            "parent": without_password(index),
            "etag": '"new"',
            "last_error": None,
        },
        {
            "url": "http://ada@news.example/b.xml",
            "parent": without_password(index),
            "etag": None,
            "last_error": "http://ada@news.example/b.xml: HTTP 404",
        },
        {
            "url": "http://ada@news.example/c.xml",
            "parent": "http://x/",
            "etag": None,
            "last_error": None,
        },
    ]


def test_an_arc_record_cut_short_is_named_without_its_password(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    """A record its gzip member holds only part of is a failed target named by its URL."""
    page = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + embed_page().encode()
    version = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [
        (f"filedesc://crawl.arc 0.0.0.0 20240302102030 text/plain {len(version)}\n").encode()
        + version,
        f"http://ada:{SECRET}@news.example.org/a 1.2.3.4 20240302102030 text/html"
        f" {len(page)}\n".encode()
        + page[:-100],
    ]
    arc = tmp_path / "crawl.arc.gz"
    arc.write_bytes(b"".join(gzip.compress(record + b"\n") for record in records))
    result = run_cli("scan", "--json", str(arc))
    assert result.exit_code == 1
    (line,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert line["target"] == "http://ada@news.example.org/a"
    assert "cut short" in line["error"] and "s3cr" not in result.output


def test_archive_import_stores_an_older_crawl_s_addresses_without_passwords(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    """``archive crawl``'s result files outlive a version: one written before passwords
    were left out (its page's address, canonical URL and record's URI with one) is
    imported as a crawl writes it today."""
    from archiver.crawl import scan_input
    from archiver.crawl_files import append_manifest, file_sha256

    body = (
        embed_page().encode().replace(b"<head>", b'<head><link rel="canonical" href="/canonical">')
    )
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(
        raw_response(
            f"http://ada:{SECRET}@news.example.org/a",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body,
        )
    )
    out = tmp_path / "out"
    out.mkdir()
    entry = scan_input(str(warc.resolve()), str(out), include_links=False)
    result = out / entry["result"]
    lines = [json.loads(line) for line in gzip.decompress(result.read_bytes()).splitlines()]
    older = f"http://ada:{SECRET}@news.example.org"
    for line in lines:  # as the older version wrote it
        line["final_url"] = line["record"]["target_uri"] = f"{older}/a"
        line["page"]["canonical_url"] = f"{older}/canonical"
    result.write_bytes(gzip.compress(b"".join(json.dumps(x).encode() + b"\n" for x in lines)))
    append_manifest(out, {**entry, "sha256": file_sha256(result)})
    imported = run_cli("import", str(out))
    assert imported.exit_code == 0, imported.output
    assert "s3cr" not in dump(db_path)
    final = sqlite_utils.Database(db_path).execute("select final_url, canonical_url from articles")
    assert final.fetchall() == [
        ("http://ada@news.example.org/a", "http://ada@news.example.org/canonical")
    ]
    assert run_cli("verify").exit_code == 0
