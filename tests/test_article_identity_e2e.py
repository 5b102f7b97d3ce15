"""Article identity end to end: an address written as an IRI, as the escapes a browser sends
or as lower-case escapes is one article at every entry point (a scan, a URL list, a worker's
sources, a WARC record, ``export --article``, Datasette's article query), over a real server
on 127.0.0.1 and a real archive."""

from __future__ import annotations

import asyncio
import json
import zipfile

import pytest
import sqlite_utils
from datasette.app import Datasette
from pages import embed_page
from source_server import Document, SourceSite
from warc_data import Page, write_warc

from archiver.config import Config, FetchConfig, Source, WorkerConfig
from archiver.datasette.serve import register_plugin
from archiver.worker import Worker

URI_PATH = "/%C3%BCber"  # the escapes a browser sends for /über
FORMS = ["/über", URI_PATH, "/%c3%bcber"]
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def site():
    with SourceSite() as served:
        served.builders.append(lambda path: Document(embed_page().encode(), HTML))
        yield served


def articles(db_path) -> list[dict]:
    db = sqlite_utils.Database(db_path)
    try:
        return list(db.query("select url, final_url, scan_count from articles order by id"))
    finally:
        db.close()


@pytest.mark.parametrize("first", FORMS)
def test_a_scan_by_any_form_is_one_article(site, run_cli, db_path, first):
    """The server is asked for the path as written (non-ASCII as UTF-8 escapes); every form
    scanned afterwards adds a scan to the one row, keyed by the URI."""
    assert run_cli("scan", site.url(first)).exit_code == 0
    sent = {"/über": URI_PATH}.get(first, first)
    assert site.paths() == [sent]
    for form in FORMS:
        assert run_cli("scan", site.url(form)).exit_code == 0
    assert articles(db_path) == [
        {"url": site.url(URI_PATH), "final_url": site.url("/%c3%bcber"), "scan_count": 4}
    ]


def test_a_url_list_names_one_article_by_every_form(site, run_cli, db_path, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("".join(site.url(form) + "\n" for form in FORMS), encoding="utf-8")
    assert run_cli("scan", "--urls-file", str(listing)).exit_code == 0
    assert site.paths() == [URI_PATH]  # scanned once: one article
    assert [row["url"] for row in articles(db_path)] == [site.url(URI_PATH)]


def _poll(db_path, source: Source) -> None:
    config = Config(fetch=FetchConfig(timeout=5.0, retries=0), worker=WorkerConfig())
    Worker(str(db_path), config).poll_source(source)


@pytest.mark.parametrize(
    ("kind", "name", "listing"),
    [
        (
            "feed",
            "/feed.xml",
            '<rss version="2.0"><channel><title>F</title>{}</channel></rss>',
        ),
        (
            "sitemap",
            "/sitemap.xml",
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>',
        ),
        ("urls", "/list.txt", "{}"),
    ],
)
def test_a_source_listing_every_form_queues_one_article(site, db_path, kind, name, listing):
    entry = {
        "feed": "<item><title>t</title><link>{}</link></item>",
        "sitemap": "<url><loc>{}</loc></url>",
        "urls": "{}\n",
    }[kind]
    addresses = [site.url(a) for a in [*FORMS, "/%C3%A9t%C3%A9?utm_source=rss", "/été"]]
    hosts = ["bücher.example", "BÜCHER.example:80", "XN--BCHER-KVA.example", "[0:0::1]:0080"]
    addresses += [f"http://{host}/über" for host in hosts]
    body = listing.format("".join(entry.format(address) for address in addresses))
    site.documents[name] = Document(body.encode(), {"Content-Type": "application/xml"})
    _poll(db_path, Source("s", kind, url=site.url(name)))
    assert [row["url"] for row in articles(db_path)] == [
        site.url(URI_PATH),
        site.url("/%C3%A9t%C3%A9"),
        "http://xn--bcher-kva.example" + URI_PATH,
        "http://[::1]" + URI_PATH,
    ]


def test_a_warc_record_s_uri_in_any_form_is_the_article(tmp_path, run_cli, db_path):
    """A crawler may write the target URI as an IRI (raw UTF-8, a Unicode host) or as
    escapes: one article per address, each record's URI as written kept in
    records.target_uri."""
    hosts = ["news.example.org", "NEWS.example.org:443", "bücher.example", "xn--bcher-kva.example"]
    uris = [f"https://{host}{form}" for host in hosts for form in FORMS]
    pages = [Page(uri, embed_page(text=f"Edition {n}").encode()) for n, uri in enumerate(uris)]
    warc = write_warc(tmp_path / "crawl.warc.gz", pages)
    assert run_cli("scan", str(warc)).exit_code == 0
    db = sqlite_utils.Database(db_path)
    records = db.query("select target_uri from records order by id")
    assert [row["target_uri"] for row in records] == uris
    assert articles(db_path) == [
        {"url": f"https://{host}{URI_PATH}", "final_url": uris[n * 6 + 5], "scan_count": 6}
        for n, host in enumerate(["news.example.org", "xn--bcher-kva.example"])
    ]


def _exported(run_cli, tmp_path, article: str) -> list[str]:
    out = tmp_path / f"{len(list(tmp_path.iterdir()))}.wacz"
    result = run_cli("export", "--wacz", str(out), "--article", article)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    return [page["url"] for page in pages[1:]]


def test_export_and_datasette_find_the_article_by_any_form(site, run_cli, db_path, tmp_path):
    assert run_cli("scan", site.url("/über")).exit_code == 0
    assert run_cli("scan", site.url("/other")).exit_code == 0
    db = sqlite_utils.Database(db_path)
    db.execute("update articles set final_url = null")  # found by its identity alone
    db.conn.commit()
    register_plugin()
    ds = Datasette([str(db_path)])
    for form in [*FORMS, "/%C3%BCber?utm_source=x#top"]:
        assert _exported(run_cli, tmp_path, site.url(form)) == [site.url(URI_PATH)]
        response = asyncio.run(
            ds.client.get(
                "/archive/article.json", params={"article": site.url(form), "_shape": "array"}
            )
        )
        assert response.status_code == 200, response.text
        found = {row["article_url"] for row in response.json()}
        assert found == {site.url(URI_PATH)}


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("XN--BCHER-KVA.Example:80", "xn--bcher-kva.example"),
        ("bücher.example:8080", "xn--bcher-kva.example:8080"),
        ("bücher.example:08080", "xn--bcher-kva.example:8080"),
    ],
)
def test_an_idn_host_is_asked_for_and_keyed_by_its_ascii_name(
    site, run_cli, db_path, monkeypatch, host, key
):
    """Through a proxy on 127.0.0.1 (no name is resolved): the request names the host in
    ASCII, and the article is keyed by the same name, whichever way the host was written."""
    monkeypatch.setenv("HTTP_PROXY", site.url(""))
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert run_cli("scan", f"http://{host}/über").exit_code == 0
    assert run_cli("scan", f"http://{key}{URI_PATH}").exit_code == 0
    assert site.paths() == [f"http://{key}{URI_PATH}"] * 2
    assert [row["url"] for row in articles(db_path)] == [f"http://{key}{URI_PATH}"]


def test_a_local_file_keeps_its_file_url(run_cli, db_path, tmp_path):
    """A file's identity is its file:// URL, escaped from its name's bytes as before: not
    rewritten by the web address rules (no tracking parameter, escapes as quote writes)."""
    page = tmp_path / "über ?utm_source=x#1.html"
    page.write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    assert run_cli("scan", str(page)).exit_code == 0
    key = page.resolve().as_uri()
    assert "%C3%BCber%20%3Futm_source%3Dx%231.html" in key
    assert [(r["url"], r["scan_count"]) for r in articles(db_path)] == [(key, 2)]


def _evidence(db) -> list[tuple]:
    return list(
        db.execute(
            "select articles.id, (select count(*) from scans where article_id = articles.id),"
            " (select count(*) from embeds where article_id = articles.id),"
            " (select count(*) from scans join records on records.id = scans.record_id"
            "  where scans.article_id = articles.id) from articles order by id"
        ).fetchall()
    )


def test_m023_on_an_archive_holding_both_forms_of_one_address(site, run_cli, db_path):
    """Rows written before m023 under both forms of one address: the row holding the URI
    keeps it, the other keeps its own key (whichever is older); a row alone under an IRI
    takes the URI. Scans, embeds and records stay with their rows; a new scan of the
    address joins the row keyed by the URI."""
    for path in ("/1", "/2", "/3", "/4", "/5"):
        assert run_cli("scan", site.url(path)).exit_code == 0
    old_keys = ["/über", URI_PATH, "/%C3%A9t%C3%A9", "/été", "/%c3%a0"]
    db = sqlite_utils.Database(db_path)
    for row_id, path in enumerate(old_keys, 1):
        db.execute("update articles set url = ? where id = ?", [site.url(path), row_id])
    db.execute("delete from _sqlite_migrations where name like 'm023%'")
    db.conn.commit()
    before = _evidence(db)
    db.close()
    assert run_cli("scan", site.url("/über")).exit_code == 0  # the archive is opened: m023
    db = sqlite_utils.Database(db_path)
    keys = [site.url(p) for p in ["/über", URI_PATH, "/%C3%A9t%C3%A9", "/été", "/%C3%A0"]]
    assert [r["url"] for r in articles(db_path)] == keys
    after = _evidence(db)
    assert after[1][1:] == (before[1][1] + 1, before[1][2], before[1][3] + 1)  # one more scan
    assert after[:1] + after[2:] == before[:1] + before[2:]


def test_an_ipv6_literal_and_its_port_in_any_form_are_one_article(run_cli, db_path):
    """A server on ::1: the host's brackets stay, a port with leading zeros is the port."""
    try:
        served = SourceSite("::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with served as site:
        site.builders.append(lambda path: Document(embed_page().encode(), HTML))
        port = site.url("").rsplit(":", 1)[1]
        for address in (f"http://[::1]:{port}/über", f"http://[0:0::1]:0{port}{URI_PATH}"):
            assert run_cli("scan", address).exit_code == 0
        assert site.paths() == [URI_PATH] * 2
        assert [row["url"] for row in articles(db_path)] == [f"http://[::1]:{port}{URI_PATH}"]


def test_an_address_given_with_spaces_around_it_is_fetched_as_keyed(site, run_cli, db_path):
    """Spaces around a pasted address are dropped before it is fetched, as from its key (it
    was fetched as ``/a%20`` and keyed ``/a``; a leading space made it a missing file); a
    no-break space is part of the address, fetched and keyed as its escapes."""
    for given in (f"  {site.url('/a')} ", site.url("/c\xa0")):
        result = run_cli("scan", given)
        assert result.exit_code == 0, result.output
    assert site.paths() == ["/a", "/c%C2%A0"]
    assert [row["url"] for row in articles(db_path)] == [site.url("/a"), site.url("/c%C2%A0")]


def test_dot_segments_are_resolved_before_the_address_is_keyed(site, run_cli, db_path):
    """httpx resolves ``/a/../über`` and asks for ``/%C3%BCber``: the key is that page's
    (it was ``/a/../%C3%BCber``, and a scan of the page itself made a second row)."""
    for path in ("/a/../über", "/./a/%2e%2E/%C3%BCber", URI_PATH):
        assert run_cli("scan", site.url(path)).exit_code == 0
    # httpx leaves escaped dots to the server, which resolves them as a browser does
    assert site.paths() == [URI_PATH, "/a/%2e%2E/%C3%BCber", URI_PATH]
    assert [(r["url"], r["scan_count"]) for r in articles(db_path)] == [(site.url(URI_PATH), 3)]


def test_archive_import_keys_an_older_crawl_s_results_as_today(tmp_path, run_cli, db_path):
    """``archive crawl``'s result files, written by the task its workers run: one written by
    a version that kept the IRI (``/über``) is imported under today's key, with the result
    of the same address crawled today: one article, two scans."""
    import gzip

    from archiver.crawl import scan_input
    from archiver.crawl_files import append_manifest, file_sha256

    out = tmp_path / "out"
    out.mkdir()
    for number, form in enumerate(["/über", URI_PATH]):
        page = Page(
            "https://news.example.org" + form, embed_page(text=f"Edition {number}").encode()
        )
        warc = write_warc(tmp_path / f"in{number}.warc.gz", [page])
        entry = scan_input(str(warc.resolve()), str(out), include_links=False)
        result = out / entry["result"]
        lines = [json.loads(line) for line in gzip.decompress(result.read_bytes()).splitlines()]
        for line in lines:  # as the older version wrote it
            line["url"] = line["url"].replace(URI_PATH, form)
        result.write_bytes(gzip.compress(b"".join(json.dumps(x).encode() + b"\n" for x in lines)))
        append_manifest(out, {**entry, "sha256": file_sha256(result)})
    imported = run_cli("import", str(out))
    assert imported.exit_code == 0, imported.output
    assert [(r["url"], r["scan_count"]) for r in articles(db_path)] == [
        ("https://news.example.org" + URI_PATH, 2)
    ]


def test_a_warc_record_s_uri_in_bytes_that_are_no_utf8(tmp_path, run_cli, db_path):
    """wget writes a page's link as its bytes: ``caf\\xe9`` (Latin-1) is the URI
    ``caf%E9``, as the server was sent it, and ``caf\\xe8`` another article (both were
    decoded as U+FFFD, one article). ``archive verify`` reads the records back."""
    uris = ["https://news.example.org/cafAAA", "https://news.example.org/cafBBB"]
    pages = [Page(uri, embed_page(text=f"Edition {n}").encode()) for n, uri in enumerate(uris)]
    warc = write_warc(tmp_path / "crawl.warc", pages)
    data = warc.read_bytes().replace(b"cafAAA", b"caf\xe9").replace(b"cafBBB", b"caf\xe8")
    warc.write_bytes(data)  # in the WARC headers, which no length counts
    assert run_cli("scan", str(warc)).exit_code == 0
    keys = ["https://news.example.org/caf%E9", "https://news.example.org/caf%E8"]
    assert [(r["url"], r["final_url"]) for r in articles(db_path)] == [(k, k) for k in keys]
    db = sqlite_utils.Database(db_path)
    records = db.query("select target_uri from records order by id")
    assert [row["target_uri"] for row in records] == keys
    result = run_cli("verify")
    assert result.exit_code == 0, result.output
