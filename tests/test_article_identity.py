"""Article identity: the same article reached through a campaign link, a fragment or a
differently written host is one article; links in sources resolve as a browser would."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.urls import article_url, is_tracking_param, resolve_link, url_problem


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("https://news.example/a?utm_source=rss&utm_medium=feed", "https://news.example/a"),
        ("https://news.example/a?id=5&fbclid=IwAR0x", "https://news.example/a?id=5"),
        (
            "https://news.example/a?gclid=1&page=2&mc_cid=9&mc_eid=8",
            "https://news.example/a?page=2",
        ),
        ("https://news.example/a?UTM_Campaign=x&b=1", "https://news.example/a?b=1"),
        ("https://news.example/a?utm%5Fsource=x&b=1", "https://news.example/a?b=1"),
        ("https://news.example/a?at_medium=RSS&at_campaign=KARANGA", "https://news.example/a"),
        ("https://news.example/a?wt_mc=rss.beitrag", "https://news.example/a"),
        ("https://news.example/a#comments", "https://news.example/a"),
        ("https://news.example/a?ref=rss", "https://news.example/a"),
        ("https://news.example/a?id=5&from=RSS&ref=feed", "https://news.example/a?id=5"),
        ("https://medium.com/p/x?source=rss----d12c403d4976--food", "https://medium.com/p/x"),
        ("https://news.example/a?mod=rss_Technology&cmpid=rss", "https://news.example/a"),
        ("https://news.example/a?wprss=rss_wellness", "https://news.example/a"),
        ("https://news.example/a?xtor=RSS-3&rss=1", "https://news.example/a"),
        ("https://news.example/a?x=1#top", "https://news.example/a?x=1"),
        ("HTTPS://News.Example/Path/Case?Q=Keep", "https://news.example/Path/Case?Q=Keep"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("http://news.example:80/a", "http://news.example/a"),
        ("http://news.example:8080/a", "http://news.example:8080/a"),
        ("https://news.example", "https://news.example/"),
        ("https://[2001:db8::1]:443/a", "https://[2001:db8::1]/a"),
        ("http://[2001:DB8:0::1]:0080/a", "http://[2001:db8::1]/a"),  # as RFC 5952 writes it
        ("http://[::FFFF:127.0.0.1]:081/a", "http://[::ffff:7f00:1]:81/a"),
        ("http://[fe80::1%25eth0]/a", "http://[fe80::1%25eth0]/a"),  # a zone: as written
        ("http://news.example:08080/a", "http://news.example:8080/a"),  # as httpx sends it
        ("https://news.example:000443/a", "https://news.example/a"),
        ("http://news.example:/a", "http://news.example/a"),
        ("https://news.example/a?b=%2F&a=1", "https://news.example/a?b=%2F&a=1"),
        ("https://news.example/a?", "https://news.example/a"),
        ("https://news.example/#!/story/1", "https://news.example/#!/story/1"),
        ("  https://news.example/a\n", "https://news.example/a"),
        # an IRI and the URI a browser sends for it are one address (RFC 3987), written
        # as the URI; equivalent escapes are written one way (RFC 3986, section 6.2.2)
        ("https://news.example/%C3%BCber-uns", "https://news.example/%C3%BCber-uns"),
        ("https://news.example/%c3%bcber-uns", "https://news.example/%C3%BCber-uns"),
        ("https://news.example/über-uns", "https://news.example/%C3%BCber-uns"),
        ("https://news.example/a?q=ü&utm_source=x", "https://news.example/a?q=%C3%BC"),
        ("https://news.example/%7Eann/a%2fb", "https://news.example/~ann/a%2Fb"),
        ("https://news.example/a b|c", "https://news.example/a%20b%7Cc"),
        ("https://news.example/\u200fa", "https://news.example/%E2%80%8Fa"),  # a bidi mark
        ("https://news.example/caf%E9", "https://news.example/caf%E9"),  # not UTF-8: kept
        ("https://news.example/50%off", "https://news.example/50%off"),  # a stray %: kept
        # a stray % and the escapes after it, decoded, would read as another escape
        ("https://news.example/%%34%31", "https://news.example/%%341"),
        ("https://news.example/%4%31", "https://news.example/%4%31"),
        ("https://news.example/%%7E", "https://news.example/%~"),
        ("https://news.example/#!/ü", "https://news.example/#!/%C3%BC"),
        # dot segments resolved as a browser resolves them (RFC 3986, section 5.2.4)
        ("https://news.example/a/../b", "https://news.example/b"),
        ("https://news.example/a/./b/.", "https://news.example/a/b/"),
        ("https://news.example/a/b/..?q=/../", "https://news.example/a/?q=/../"),
        ("https://news.example/a/%2E%2E/b", "https://news.example/b"),
        ("https://news.example/../a", "https://news.example/a"),
        ("https://news.example/.well-known/a..b/...", "https://news.example/.well-known/a..b/..."),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://Bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://XN--BCHER-KVA.example/a", "https://xn--bcher-kva.example/a"),
        ("https://straße.example/a", "https://xn--strae-oqa.example/a"),  # IDNA 2008
        ("https://xn--zz.example/a", "https://xn--zz.example/a"),  # no IDN: as written
    ],
)
def test_article_identity(url, identity):
    assert article_url(url) == identity


@given(st.text(min_size=1, max_size=12))
def test_an_iri_and_its_uri_are_one_article(segment):
    """Any path segment, written raw or with the escapes a browser sends for what a URI
    cannot hold as it is (reserved characters stay), gives one identity, and an identity
    is its own."""
    raw = f"https://news.example/{segment.replace('/', '_')}?q=1"
    if url_problem(raw) is not None or any(c in segment for c in "#?%\\"):
        return
    parts = raw.split("?")
    sent = quote(parts[0], safe=":/[]@!$&'()*+,;=") + "?" + parts[1]
    assert article_url(raw) == article_url(sent) == article_url(article_url(raw))


@given(st.text("%341ü", max_size=10))
def test_an_identity_is_its_own(segment):
    """Stray ``%`` signs and escapes in any mix: the identity of an identity is itself."""
    once = article_url(f"https://news.example/{segment}?q={segment}")
    assert article_url(once) == once


def test_parameters_that_name_content_are_kept():
    """Generic names (``source``, ``ref``, ``id``) may select content: never removed."""
    url = "https://news.example/a?source=home&ref=1&id=7&campaign_id=3&from=rssreader&src="
    assert article_url(url) == url
    url = "https://blog.example/?feed=rss2"  # WordPress's feed
    assert article_url(url) == url
    assert not is_tracking_param("utmost") and is_tracking_param("utm_term")


@given(
    st.sampled_from(["utm_source", "fbclid", "gclid", "mc_eid", "_hsenc"]),
    st.text("ab1", min_size=1),
)
def test_identity_is_stable(tracker, value):
    url = f"https://news.example/p/1?keep=1&{tracker}={value}#frag"
    once = article_url(url)
    assert once == "https://news.example/p/1?keep=1"
    assert article_url(once) == once


@pytest.mark.parametrize(
    ("link", "base", "resolved"),
    [
        ("/news/1", "https://site.example/feed.xml", "https://site.example/news/1"),
        ("2.html", "https://site.example/a/feed.xml", "https://site.example/a/2.html"),
        ("//cdn.example/x", "https://site.example/feed", "https://cdn.example/x"),
        ("//cdn.example/x", "http://site.example/feed", "http://cdn.example/x"),
        ("HTTP://Site.Example/X", None, "http://site.example/X"),
        ("Https://site.example/x?utm_source=a", None, "https://site.example/x"),
        (" https://site.example/x ", None, "https://site.example/x"),
        ("mailto:desk@site.example", "https://site.example/", None),
        ("javascript:alert(1)", "https://site.example/", None),
        ("ftp://site.example/file", None, None),
        ("/relative/without/base", None, None),
        ("", "https://site.example/", None),
        (None, "https://site.example/", None),
        ("https://", None, None),
    ],
)
def test_resolve_link(link, base, resolved):
    assert resolve_link(link, base) == resolved


def test_scans_through_tracking_links_are_one_article(httpserver, run_cli, db):
    """Real scans over loopback: two campaign links and the plain address are one article;
    the address as fetched and the page's canonical link are kept beside the identity."""
    page = (
        '<html><head><title>Harbour</title><link rel="canonical" href="/story?id=1"></head>'
        "<body><p>No embeds here.</p></body></html>"
    )
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    plain = httpserver.url_for("/story?id=1")
    tagged = plain + "&utm_source=newsletter&fbclid=abc#comments"
    for target in (tagged, plain, plain + "&mc_cid=1"):
        assert run_cli("scan", target).exit_code == 0
    rows = list(db.query("select url, final_url, canonical_url, scan_count from articles"))
    assert rows == [
        {
            "url": plain,
            "final_url": plain + "&mc_cid=1",
            "canonical_url": plain,
            "scan_count": 3,
        }
    ]


def test_a_crawl_s_campaign_links_are_one_article(tmp_path, run_cli, db):
    """WARC input: records fetched through tracking links are one article; each record's
    target URI stays in final_url and in the records table."""
    from warc_data import Page, write_warc

    page = b"<html><head><title>Harbour</title></head><body><p>No embeds.</p></body></html>"
    uris = [
        "https://news.example.org/story?id=1&utm_source=rss",
        "https://news.example.org/story?id=1#comments",
    ]
    warc = write_warc(tmp_path / "crawl.warc.gz", [Page(uri, page) for uri in uris])
    assert run_cli("scan", str(warc)).exit_code == 0
    articles = list(db.query("select url, final_url, scan_count from articles"))
    assert articles == [
        {
            "url": "https://news.example.org/story?id=1",
            "final_url": uris[1],
            "scan_count": 2,
        }
    ]
    assert {r["target_uri"] for r in db.query("select target_uri from records")} == set(uris)


def upgraded(tmp_path, migration: str, rows: str, values: list[tuple]) -> sqlite3.Connection:
    """An archive made by the migrations before ``migration``, holding ``values`` inserted
    by the statement ``rows``, once opened by this version."""
    import sqlite_utils

    from archiver.db.connection import open_archive
    from archiver.db.schema import migrations

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before=migration)
    db.conn.executemany(rows, values)
    db.conn.commit()
    db.conn.close()
    return open_archive(path).conn


def keys_after_upgrade(tmp_path, migration: str, urls: list[str]) -> list[str]:
    """The articles' keys, in row order, once an archive made by the migrations before
    ``migration`` and holding rows keyed ``urls`` is opened by this version."""
    insert = "insert into articles (url, first_seen_at) values (?, '2026-01-01T00:00:00Z')"
    conn = upgraded(tmp_path, migration, insert, [(url,) for url in urls])
    return [row[0] for row in conn.execute("select url from articles order by id")]


def test_articles_stored_under_an_older_identity_take_today_s(tmp_path) -> None:
    """m021: a row keyed with a feed's tag (kept by the rules of its day) takes today's
    key, so the feed's next poll finds it; a row whose new key is taken keeps its own, and
    a local file's key is left as it is."""
    urls = [
        "https://news.example/a?ref=rss",
        "https://news.example/b?mod=rss_Technology",
        "https://news.example/b",
        "/home/me/saved/c.html?ref=rss",
    ]
    assert keys_after_upgrade(tmp_path, "m021_article_urls_by_todays_identity", urls) == [
        "https://news.example/a",
        "https://news.example/b?mod=rss_Technology",
        "https://news.example/b",
        "/home/me/saved/c.html?ref=rss",
    ]


def test_articles_stored_under_an_iri_take_its_uri(tmp_path) -> None:
    """m023: a row keyed by an IRI or by escapes in lower case takes the key a scan of the
    same address makes today, the URI; of two rows for one address, the second keeps its
    own key."""
    urls = [
        "https://news.example/%C3%BCber-uns",
        "https://news.example/été",
        "https://news.example/%c3%a9t%c3%a9",
        "https://news.example/plain",
    ]
    assert keys_after_upgrade(tmp_path, "m023_article_urls_in_one_written_form", urls) == [
        "https://news.example/%C3%BCber-uns",
        "https://news.example/%C3%A9t%C3%A9",
        "https://news.example/%c3%a9t%c3%a9",
        "https://news.example/plain",
    ]


def test_articles_stored_under_a_longer_host_or_port_take_today_s(tmp_path) -> None:
    """m024: a port with leading zeros, an IPv6 address written longer or a path with dot
    segments takes the key a scan makes today; a row whose new key another row holds keeps
    its own."""
    urls = ["http://news.example:08080/a", "http://[0:0::1]/a", "http://news.example:8080/b"]
    urls += ["http://news.example:0008080/b", "http://news.example/x/../c"]
    assert keys_after_upgrade(tmp_path, "m024_article_hosts_and_ports_as_sent", urls) == [
        "http://news.example:8080/a",
        "http://[::1]/a",
        "http://news.example:8080/b",
        "http://news.example:0008080/b",
        "http://news.example/c",
    ]


def test_sitemap_children_remembered_under_an_older_form_take_today_s(tmp_path) -> None:
    """m025: a child sitemap remembered under an IRI, a longer port or dot segments is
    found by the key today's poll lists it by, its validators with it, and its own children
    follow it; a first level's parent (the source as configured) stays as written, and a
    row whose new key another row holds keeps its own."""
    from archiver.db.connection import OpenArchive
    from archiver.db.sitemaps import load_sitemap_children
    from archiver.sitemaps import parse_sitemap

    root = "https://News.example/sitemap.xml"
    insert = (
        "insert into sitemap_children (source, url, parent, depth, etag)"
        " values ('news', ?, ?, ?, ?)"
    )
    conn = upgraded(
        tmp_path,
        "m025_sitemap_children_in_articles_written_form",
        insert,
        [
            ("https://news.example/été.xml", root, 1, '"a"'),
            ("https://news.example:0443/x/../day.xml", "https://news.example/été.xml", 2, '"b"'),
            ("https://news.example/plain.xml", root, 1, '"c"'),
            ("https://news.example/%c3%a9t%c3%a9.xml", root, 1, '"d"'),
        ],
    )
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.example/%C3%A9t%C3%A9.xml</loc></sitemap>
      <sitemap><loc>https://news.example/plain.xml</loc></sitemap></sitemapindex>"""
    listed = [child.url for child in parse_sitemap(index, root, {}).children]
    known = load_sitemap_children(OpenArchive(conn), "news")
    assert [known[url].validators.etag for url in listed] == ['"a"', '"c"']
    assert sorted((k.url, k.parent, k.depth) for k in known.values()) == [
        ("https://news.example/%C3%A9t%C3%A9.xml", root, 1),
        ("https://news.example/%c3%a9t%c3%a9.xml", root, 1),
        ("https://news.example/day.xml", "https://news.example/%C3%A9t%C3%A9.xml", 2),
        ("https://news.example/plain.xml", root, 1),
    ]
