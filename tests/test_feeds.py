"""Feed parsing: a body is only ever data, links resolve against the feed's address."""

from __future__ import annotations

import json

import pytest

from archiver.errors import ArchiverError, SourceFormatError
from archiver.feeds import feed_headers, parse_feed

FEED_URL = "https://news.example/section/feed.xml"


def rss(*links: str, extra: str = "") -> bytes:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel>{extra}{items}</channel></rss>'.encode()
    )


def test_a_body_that_names_a_local_file_is_not_opened(tmp_path):
    secret = tmp_path / "secret-feed.xml"
    secret.write_bytes(rss("https://secret.example/leaked"))
    with pytest.raises(SourceFormatError, match="not a feed"):
        parse_feed(str(secret).encode(), FEED_URL)


def test_dev_zero_as_a_body_is_nine_bytes_of_text():
    with pytest.raises(SourceFormatError, match="not a feed"):
        parse_feed(b"/dev/zero", FEED_URL)


def test_a_body_that_names_a_url_is_not_fetched(httpserver):
    httpserver.expect_request("/other.xml").respond_with_data(rss("https://other.example/1"))
    with pytest.raises(SourceFormatError):
        parse_feed(httpserver.url_for("/other.xml").encode(), FEED_URL)
    assert httpserver.log == []


def test_relative_links_resolve_against_the_feed_url():
    body = rss("/news/1", "2.html", "//cdn.news.example/3", "https://other.example/4")
    assert parse_feed(body, FEED_URL) == [
        "https://news.example/news/1",
        "https://news.example/section/2.html",
        "https://cdn.news.example/3",
        "https://other.example/4",
    ]


def test_content_location_header_is_the_base():
    headers = {"Content-Location": "/archive/"}
    assert parse_feed(rss("item"), FEED_URL, headers) == ["https://news.example/archive/item"]


def test_a_base_that_does_not_parse_is_passed_over():
    """A Content-Location or JSON Feed ``feed_url`` of ``http://[x`` leaves the feed's URL
    as the base."""
    headers = {"Content-Location": "http://[x/"}
    assert parse_feed(rss("item"), FEED_URL, headers) == ["https://news.example/section/item"]
    version = "https://jsonfeed.org/version/1.1"
    body = json.dumps({"version": version, "feed_url": "http://[x/", "items": [{"url": "a"}]})
    assert parse_feed(body.encode(), FEED_URL) == ["https://news.example/section/a"]


def test_xml_base_is_scoped_to_its_item():
    body = (
        b'<rss version="2.0"><channel>'
        b'<item xml:base="https://base.example/first/"><link>one</link></item>'
        b"<item><link>two</link></item></channel></rss>"
    )
    assert parse_feed(body, FEED_URL) == [
        "https://base.example/first/one",
        "https://news.example/section/two",
    ]


def test_atom_alternate_links_and_tracking_parameters():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><link rel="alternate" href="/a?utm_source=atom"/>'
        b'<link rel="enclosure" href="/a.mp3"/></entry>'
        b'<entry><link rel="related" href="/not-the-entry"/>'
        b'<link href="/b#comments"/></entry></feed>'
    )
    assert parse_feed(body, FEED_URL) == ["https://news.example/a", "https://news.example/b"]


def test_http_charset_applies_without_xml_declaration():
    text = '<rss version="2.0"><channel><item><link>/новости/1</link></item></channel></rss>'
    links = parse_feed(
        text.encode("koi8-r"), FEED_URL, {"Content-Type": "text/xml; charset=koi8-r"}
    )
    # decoded as windows-1251, then written as the URI a browser sends (its UTF-8 escapes)
    assert links == ["https://news.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1"]


def test_non_text_content_type_is_not_a_charset():
    assert "content-type" not in feed_headers(FEED_URL, {"Content-Type": "application/gzip"})
    assert feed_headers(FEED_URL, {})["content-location"] == FEED_URL


def test_unsafe_links_are_dropped():
    body = rss("javascript:alert(1)", "mailto:x@news.example", "data:text/html,x", "/ok")
    assert parse_feed(body, FEED_URL) == ["https://news.example/ok"]


def test_a_feed_with_no_items_lists_nothing_without_error():
    assert parse_feed(rss(extra="<title>Quiet</title>"), FEED_URL) == []


@pytest.mark.parametrize(
    "body", [b"<html><body>Not found</body></html>", b"plain words", b"<urlset></urlset", b"\x00"]
)
def test_not_a_feed_is_an_archiver_error(body):
    with pytest.raises(ArchiverError, match="not a feed"):
        parse_feed(body, FEED_URL)


def test_json_feed():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "feed_url": "https://news.example/feed.json",
            "items": [
                {"id": "1", "url": "https://news.example/1?utm_medium=JSONFeed"},
                {"id": "2", "external_url": "/2"},
                {"id": "3"},
                "junk",
            ],
        }
    ).encode()
    assert parse_feed(body, FEED_URL) == ["https://news.example/1", "https://news.example/2"]


def test_a_malformed_link_is_passed_over():
    body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "http://[::1/x"}]}
    ).encode()
    with pytest.raises(SourceFormatError, match=r"1 item\(s\), none with a link to a web page"):
        parse_feed(body, FEED_URL)
    assert parse_feed(rss("http://[::1/x", "/ok"), FEED_URL) == ["https://news.example/ok"]


def test_json_feed_items_without_a_url_are_an_error_not_0_urls():
    body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}, {"id": "2"}]}
    )
    with pytest.raises(SourceFormatError, match=r"2 item\(s\), none with a link"):
        parse_feed(body.encode(), FEED_URL)
    empty = {"version": "https://jsonfeed.org/version/1.1", "items": []}
    assert parse_feed(json.dumps(empty).encode(), FEED_URL) == []


def test_json_feed_without_items_is_an_error():
    body = b'{"version": "https://jsonfeed.org/version/1", "items": 3}'
    with pytest.raises(SourceFormatError, match="not a JSON feed"):
        parse_feed(body, FEED_URL)


def test_a_feed_cut_off_before_its_first_link_is_an_error_not_an_empty_feed():
    with pytest.raises(SourceFormatError, match="not a well-formed feed"):
        parse_feed(b"<rss><channel><item><link>", FEED_URL)
    cut_later = rss("https://news.example/a")[:-20]  # cut after the first item's link
    assert parse_feed(cut_later, FEED_URL) == ["https://news.example/a"]


FEEDBURNER = 'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"'


def test_the_publishers_link_behind_a_click_tracking_proxy():
    """FeedBurner's ``<link>`` is a feedproxy.google.com redirect; ``feedburner:origLink``
    is the article (Pheedo's ``pheedo:origLink`` alike, under whatever prefix)."""
    body = (
        f'<rss version="2.0" {FEEDBURNER} xmlns:ph="http://www.pheedo.com/namespace/pheedo">'
        "<channel><title>t</title>"
        "<item><link>http://feedproxy.google.com/~r/x/~3/a/one.html</link>"
        "<feedburner:origLink>https://news.example/one.html</feedburner:origLink></item>"
        "<item><link>http://feeds.example/click.phdo?i=2</link>"
        "<ph:origLink>https://news.example/two.html?utm_source=rss</ph:origLink></item>"
        "<item><link>https://news.example/three.html</link>"
        "<feedburner:origLink>javascript:void(0)</feedburner:origLink></item>"
        "</channel></rss>"
    ).encode()
    assert parse_feed(body, FEED_URL) == [
        "https://news.example/one.html",
        "https://news.example/two.html",
        "https://news.example/three.html",
    ]


def test_advertiser_items_of_a_feed_proxy_are_not_articles():
    """Pheedo's "Featured Advertiser" items and FeedBurner's ad links are not queued; the
    feed's own ``?wprss=`` tag is not part of the articles' identity."""
    body = rss(
        "https://news.example/a.html?wprss=rss_wellness",
        "http://ads.pheedo.com/click.phdo?s=cc0c5fb0&amp;p=4",
        "http://feedads.g.doubleclick.net/~a/x/0/da",
        "https://news.example/b.html?ref=rss",
    )
    assert parse_feed(body, FEED_URL) == [
        "https://news.example/a.html",
        "https://news.example/b.html",
    ]


ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{}</feed>'


@pytest.mark.parametrize(
    "links, expected",
    [
        # the first HTML alternate, not the last (feedparser's ``link``)
        (
            '<link rel="alternate" type="text/html" href="/en/1"/>'
            '<link rel="alternate" type="text/html" hreflang="fr" href="/fr/1"/>',
            "/en/1",
        ),
        # an HTML alternate before one of another type, wherever it stands
        (
            '<link rel="alternate" type="application/pdf" href="/1.pdf"/>'
            '<link rel="alternate" type="application/xhtml+xml" href="/1"/>',
            "/1",
        ),
        # links written as text, not href: the enclosure is not the article
        (
            '<link rel="alternate">https://news.example/a</link>'
            '<link rel="enclosure">/a.mp3</link>',
            "/a",
        ),
        (
            '<link rel="enclosure">/a.mp3</link><link rel="alternate">https://news.example/a</link>',
            "/a",
        ),
        # the relation written as its IANA IRI is the registered name (RFC 4287, 4.2.7.2)
        (
            '<link rel="http://www.iana.org/assignments/relation/enclosure" href="/a.mp3"/>'
            '<link rel="http://www.iana.org/assignments/relation/alternate" href="/b"/>',
            "/b",
        ),
        # only an alternate of another type: it is the entry's page all the same
        (
            '<link rel="self" href="/self.atom"/>'
            '<link rel="alternate" type="application/pdf" href="/2.pdf"/>',
            "/2.pdf",
        ),
    ],
)
def test_atom_the_entrys_own_page_among_several_links(links, expected):
    body = ATOM.format(f"<entry><id>urn:x</id>{links}</entry>").encode()
    assert parse_feed(body, "https://news.example/feed.atom") == ["https://news.example" + expected]


@pytest.mark.parametrize(
    "entries",
    [
        '<entry><id>urn:x</id><link rel="self" href="/e.atom"/></entry>',
        '<entry><id>tag:news.example,2024:1</id><link href="tag:news.example,2024:1"/></entry>',
        '<entry><link rel="enclosure" href="/e.mp3"/></entry>',
    ],
)
def test_entries_none_of_which_links_to_a_page_are_an_error_not_0_urls(entries):
    with pytest.raises(SourceFormatError, match=r"1 item\(s\), none with a link to a web page"):
        parse_feed(ATOM.format(entries).encode(), FEED_URL)


def test_atom_xml_base_nests_and_resolves_per_entry():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/x/">'
        b'<title>t</title><entry xml:base="sub/"><link href="1"/></entry>'
        b'<entry><link href="/2"/></entry></feed>'
    )
    assert parse_feed(body, FEED_URL) == ["https://b.example/x/sub/1", "https://b.example/2"]


RDF = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://news.example/">'
    "<title>t</title></channel>{}</rdf:RDF>"
)


def test_rss_1_item_without_link_is_its_rdf_about():
    items = (
        '<item rdf:about="https://news.example/1"><title>a</title></item>'
        '<item rdf:about="https://news.example/2-about"><link>https://news.example/2</link></item>'
    )
    assert parse_feed(RDF.format(items).encode(), FEED_URL) == [
        "https://news.example/1",
        "https://news.example/2",
    ]


@pytest.mark.parametrize(
    "item, expected",
    [
        ("<guid>https://news.example/g</guid>", ["https://news.example/g"]),  # a permalink
        ('<guid isPermaLink="true">/g</guid>', ["https://news.example/g"]),
        (
            '<link>https://news.example/l</link><guid isPermaLink="true">https://news.example/g</guid>',
            ["https://news.example/l"],
        ),
        (
            "<link><![CDATA[ https://news.example/c?a=1&b=2 ]]></link>",
            ["https://news.example/c?a=1&b=2"],
        ),
        ("<link>\n   https://news.example/w\n  </link>", ["https://news.example/w"]),
    ],
)
def test_rss_item_link_forms(item, expected):
    body = f'<rss version="2.0"><channel><title>t</title><item>{item}</item></channel></rss>'
    assert parse_feed(body.encode(), FEED_URL) == expected


def test_a_guid_that_is_not_a_permalink_is_not_taken_for_the_link():
    """RSS 2.0: with ``isPermaLink="false"`` a reader "may not assume that it is a URL"."""
    body = rss(extra='<item><guid isPermaLink="false">https://news.example/g</guid></item>')
    with pytest.raises(SourceFormatError, match="none with a link to a web page"):
        parse_feed(body, FEED_URL)
    assert parse_feed(
        body.replace(b"</channel>", b"<item><link>/l</link></item></channel>"), FEED_URL
    ) == ["https://news.example/l"]


def test_ill_formed_rss_is_read_all_the_same():
    """Undeclared HTML entities, bare ampersands, whitespace before the XML declaration and
    an undeclared prefix: feedparser's lenient parser reads each item."""
    body = (
        b'\n\n <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        b"<itunes:subtitle>x</itunes:subtitle>"
        b"<item><title>a&nbsp;b</title><link>https://news.example/1?x=1&y=2</link></item>"
        b"<item><link>https://news.example/2</link></item>"
        b"<item><link>https://news.example/2#comments</link></item></channel></rss>"
    )
    assert parse_feed(body, FEED_URL) == [
        "https://news.example/1?x=1&y=2",
        "https://news.example/2",
    ]


def test_json_feed_whose_version_comes_after_its_items():
    """Keys written in sorted order put ``items`` (and all its content) before ``version``."""
    items = [{"id": "1", "url": "/1"}] + [
        {"id": str(n), "content_text": "x" * 100} for n in range(80)
    ]
    body = json.dumps(
        {"items": items, "title": "t", "version": "https://jsonfeed.org/version/1"}, sort_keys=True
    )
    assert parse_feed(("\ufeff" + body).encode(), FEED_URL) == ["https://news.example/1"]


def test_a_json_document_that_is_not_a_json_feed_is_named_so():
    with pytest.raises(SourceFormatError, match=r"not a JSON feed \(no jsonfeed\.org/version"):
        parse_feed(b'{"error": "not found", "items": []}', FEED_URL)


def test_a_sitemap_given_as_a_feed_names_the_source_type_that_reads_it():
    body = b'<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    with pytest.raises(
        SourceFormatError, match=r'a sitemap, not a feed \(a source of type = "sitemap"'
    ):
        parse_feed(body, FEED_URL)


@pytest.mark.parametrize("encoding", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_utf16_declaration_over_single_byte_text_is_read_as_utf8(encoding):
    """.NET's XmlWriter over a StringWriter declares "utf-16" over text sent as UTF-8;
    taken at its word, the parser read nothing."""
    body = f'<?xml version="1.0" encoding="{encoding}"?>' + rss("/é")[21:].decode()
    assert parse_feed(body.encode(), FEED_URL) == [
        "https://news.example/%C3%A9"
    ]  # é, as its UTF-8 escapes


def test_a_feed_really_in_utf16_is_read():
    body = ('<?xml version="1.0" encoding="utf-16"?>' + rss("/é")[21:].decode()).encode("utf-16")
    assert parse_feed(body, FEED_URL) == ["https://news.example/%C3%A9"]  # é, as its UTF-8 escapes


def test_a_reference_past_the_last_unicode_character_costs_nothing():
    """feedparser's lenient parser raises ``ValueError`` on ``&#x110000;`` (``chr()``)."""
    body = rss("/1", "/2").replace(b"<title>t</title>", b"<title>&#x110000; &bad</title>", 1)
    assert parse_feed(body, FEED_URL) == ["https://news.example/1", "https://news.example/2"]


def test_a_failure_inside_feedparser_is_the_feeds_one_line_error(monkeypatch):
    import feedparser

    def broken(*args, **kwargs):
        raise TypeError("int() argument must be a string,\nnot 'NoneType'")

    monkeypatch.setattr(feedparser, "parse", broken)
    with pytest.raises(SourceFormatError) as raised:
        parse_feed(rss("/1"), FEED_URL)
    assert str(raised.value) == (
        f"{FEED_URL}: not a feed (feedparser failed: TypeError: int() argument must be a"
        " string, not 'NoneType')"
    )
