"""Sitemap parsing: every namespace and form, strict about unclosed entries, never a page
from an extension's ``loc``, never an entity resolved."""

from __future__ import annotations

import pytest

from archiver import sitemaps
from archiver.errors import SourceFormatError
from archiver.listings import ChildRef
from archiver.sitemaps import parse_sitemap, parse_url_list
from archiver.urls import article_url
from archiver.xml_repair import undeclared_prefix_used

URL = "https://site.example/sitemap.xml"
NAMESPACES = [
    "http://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.sitemaps.org/schemas/sitemap/0.9/",
    "https://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.google.com/schemas/sitemap/0.84",
    "http://www.google.com/schemas/sitemap/0.9",
    None,
]


def urlset(entries: str, namespace: str | None = NAMESPACES[0], extra_ns: str = "") -> bytes:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return f'<?xml version="1.0"?><urlset{xmlns}{extra_ns}>{entries}</urlset>'.encode()


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_urlset_in_every_namespace(namespace):
    body = urlset("<url><loc>https://site.example/a</loc></url><url><loc>/b</loc></url>", namespace)
    assert parse_sitemap(body, URL).pages == ["https://site.example/a", "https://site.example/b"]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_index_in_every_namespace(namespace):
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    body = (
        f"<sitemapindex{xmlns}><sitemap><loc>https://site.example/1.xml</loc>"
        "<lastmod>2024-01-02</lastmod></sitemap>"
        "<sitemap><loc>https://site.example/2.xml.gz</loc></sitemap></sitemapindex>"
    ).encode()
    doc = parse_sitemap(body, URL)
    assert doc.pages == []
    assert doc.children == [
        ChildRef("https://site.example/1.xml", "2024-01-02"),
        ChildRef("https://site.example/2.xml.gz"),
    ]


def test_prefixed_sitemap_namespace():
    body = (
        b'<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sm:url><sm:loc>https://site.example/p</sm:loc></sm:url></sm:urlset>"
    )
    assert parse_sitemap(body, URL).pages == ["https://site.example/p"]


def test_extension_locations_are_not_pages():
    entries = (
        "<url><loc>https://site.example/story</loc>"
        "<image:image><image:loc>https://img.example/1.jpg</image:loc></image:image>"
        "<video:video><video:content_loc>https://v.example/1.mp4</video:content_loc>"
        "<video:player_loc>https://v.example/player</video:player_loc></video:video>"
        '<xhtml:link rel="alternate" hreflang="de" href="https://site.example/de/story"/>'
        "<news:news><news:title>T</news:title></news:news></url>"
    )
    namespaces = (
        ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
        ' xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml"'
    )
    assert parse_sitemap(urlset(entries, extra_ns=namespaces), URL).pages == [
        "https://site.example/story"
    ]


def test_sitemap_entry_inside_urlset_is_a_child():
    body = urlset(
        "<url><loc>https://site.example/page</loc></url>"
        "<sitemap><loc>https://site.example/more.xml</loc></sitemap>"
    )
    doc = parse_sitemap(body, URL)
    assert doc.pages == ["https://site.example/page"]
    assert doc.children == [ChildRef("https://site.example/more.xml")]


def test_truncated_sitemap_drops_the_unclosed_entry():
    body = urlset(
        "<url><loc>https://site.example/page_1</loc></url>"
        "<url><loc>https://site.example/page_2</loc></url>"
        "<url><loc>https://site.example/page_"
    )[: -len("</urlset>")]
    doc = parse_sitemap(body, URL)
    assert doc.pages == ["https://site.example/page_1", "https://site.example/page_2"]
    assert doc.error and "broken off after 2 entries" in doc.error


def test_entry_without_closing_tag_is_dropped_even_at_a_tag_boundary():
    body = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://s.example/x</loc>'
    with pytest.raises(SourceFormatError, match="invalid XML"):
        parse_sitemap(body, URL)


def test_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("https://secret.example/leaked", encoding="utf-8")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY a "https://site.example/expanded">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>&x;</loc></url><url><loc>&a;</loc></url>"
        "<url><loc>https://site.example/plain</loc></url></urlset>"
    ).encode()
    pages = parse_sitemap(body, URL).pages
    assert "https://secret.example/leaked" not in pages
    assert "https://site.example/expanded" not in pages
    assert "https://site.example/plain" in pages


def test_billion_laughs_is_not_expanded():
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{"".join(levels)}]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://site.example/&l9;</loc></url>"
        "<url><loc>https://site.example/ok</loc></url></urlset>"
    ).encode()
    try:
        doc = parse_sitemap(body, URL)
    except SourceFormatError as exc:  # libxml2 refuses the amplification outright
        assert "amplification" in str(exc)
    else:  # or leaves the entity unexpanded
        assert all(len(page) < 200 for page in doc.pages)


def test_loc_forms():
    body = urlset(
        "<url><loc>None</loc></url><url><loc>  https://site.example/ws  </loc></url>"
        "<url><loc><![CDATA[https://site.example/cdata?a=1&b=2]]></loc></url>"
        "<url><loc>//cdn.site.example/x</loc></url><url><loc>HTTPS://SITE.example/Up</loc></url>"
        "<url><loc>https://site.example/a?x=1&amp;utm_source=sm</loc></url>"
        "<url><loc>ftp://site.example/f</loc></url><url><loc></loc></url><url></url>"
        "<url><loc>https://site.example/ws</loc></url>"
    )
    assert parse_sitemap(body, URL).pages == [
        "https://site.example/ws",
        "https://site.example/cdata?a=1&b=2",
        "https://cdn.site.example/x",
        "https://site.example/Up",
        "https://site.example/a?x=1",
    ]


def test_malformed_links_are_passed_over_and_the_rest_kept():
    bad = "http://[::1/x"
    body = urlset(f"<url><loc>{bad}</loc></url><url><loc>https://site.example/a</loc></url>")
    assert parse_sitemap(body, URL).pages == ["https://site.example/a"]
    text = f"{bad}\nhttps://site.example/b\n".encode()
    assert parse_sitemap(text, URL).pages == ["https://site.example/b"]
    robots = f"Sitemap: {bad}\nSitemap: https://site.example/c.xml\n".encode()
    doc = parse_sitemap(robots, "https://site.example/robots.txt")
    assert [c.url for c in doc.children] == ["https://site.example/c.xml"]


@pytest.mark.parametrize("root", ["rss", "feed"])
def test_feeds_used_as_sitemaps(root):
    if root == "rss":
        body = b'<rss version="2.0"><channel><item><link>/p1</link></item></channel></rss>'
    else:
        body = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/p1"/></entry></feed>'
    assert parse_sitemap(body, URL).pages == ["https://site.example/p1"]


def test_text_sitemap_takes_only_url_lines():
    body = (
        b"Some words\nhttps://site.example/1\n  http://site.example/2  \nnot/a/url\nhttps://x y\n"
    )
    assert parse_sitemap(body, URL).pages == ["https://site.example/1", "http://site.example/2"]


def test_robots_txt_sitemap_lines_are_children():
    body = (
        b"User-agent: *\nDisallow: /admin/\nSitemap: https://site.example/a.xml\n"
        b"sitemap:/b.xml\nsite-map: https://site.example/c.xml\n"
    )
    doc = parse_sitemap(body, "https://site.example/robots.txt")
    assert [c.url for c in doc.children] == [
        "https://site.example/a.xml",
        "https://site.example/b.xml",
        "https://site.example/c.xml",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>hi</body></html>", "root element <html>"),
        (b"<urlset><url does not close</urlset>", "invalid XML"),
        (b"just words, no links", "not a sitemap"),
        (b"<?xml version='1.0'?><note>x</note>", "root element <note>"),
    ],
)
def test_not_a_sitemap(body, message):
    with pytest.raises(SourceFormatError, match=message):
        parse_sitemap(body, URL)


def test_large_sitemap_is_read_entry_by_entry():
    count = 50_000
    entries = "".join(f"<url><loc>https://site.example/p/{i}</loc></url>" for i in range(count))
    doc = parse_sitemap(urlset(entries), URL)
    assert len(doc.pages) == count and doc.pages[-1] == f"https://site.example/p/{count - 1}"


def test_entries_without_a_single_url_are_an_error():
    body = urlset("<url><loc>None</loc></url><url><loc>None</loc></url><url></url>")
    with pytest.raises(SourceFormatError, match="no entry has a URL in <loc> \\(first: 'None'\\)"):
        parse_sitemap(body, URL)


def test_a_url_list_with_a_byte_order_mark_keeps_its_first_url():
    """Windows Notepad starts a UTF-8 file with U+FEFF, which ``str.strip`` keeps: the
    first URL of such a ``urls`` source or text sitemap was dropped."""
    text = "\ufeffhttps://news.example/a\r\nhttps://news.example/b\r\n"
    assert parse_url_list(text) == ["https://news.example/a", "https://news.example/b"]


SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _pages(xml: str) -> list[str]:
    return parse_sitemap(xml.encode(), "https://ex.com/s.xml").pages


def test_entries_before_extra_content_are_kept_whatever_their_characters():
    """lxml 6.2 gives no event before the error of a document with content after its end;
    the pull parser does, and the error's column counts characters, not bytes (entries
    with non-ASCII URLs were dropped on a one-line sitemap)."""
    entries = "".join(f"<url><loc>https://ex.com/café-日本語-{i}</loc></url>" for i in range(5))
    pages = _pages(f"<urlset {SITEMAP_NS}>{entries}</urlset><urlset>")
    # each kept, as the URI a browser sends (its UTF-8 escapes)
    assert pages == [article_url(f"https://ex.com/café-日本語-{i}") for i in range(5)]
    assert pages[0] == "https://ex.com/caf%C3%A9-%E6%97%A5%E6%9C%AC%E8%AA%9E-0"


@pytest.mark.parametrize(
    ("before_the_cut", "namespaces"),
    [
        ("<!-- </url> -->", ""),  # an end tag in a comment is none
        ("<![CDATA[</url>]]>", ""),
        ("", ' xmlns:v="http://v.example/"'),  # v:url is another element
    ],
    ids=["comment", "cdata", "other-namespace"],
)
def test_an_entry_the_cut_falls_in_is_dropped_whatever_comes_before(before_the_cut, namespaces):
    entries = "".join(
        f"<url><loc>https://ex.com/p{i}</loc><v:url>x</v:url></url>"
        if namespaces
        else f"<url><loc>https://ex.com/p{i}</loc></url>"
        for i in range(3)
    )
    xml = f"<urlset {SITEMAP_NS}{namespaces}>{entries}{before_the_cut}<url><loc>https://ex.com/cu"
    doc = parse_sitemap(xml.encode(), "https://ex.com/s.xml")
    assert doc.pages == [f"https://ex.com/p{i}" for i in range(3)] and doc.error


NEWS_NS = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@pytest.mark.parametrize("before", [b"\n\n  ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\t"])
def test_blank_lines_or_a_byte_order_mark_before_the_xml_declaration(before):
    """A template's blank lines before ``<?xml`` make the declaration an XML error."""
    body = before + DECLARATION + urlset("<url><loc>https://site.example/a</loc></url>")[21:]
    assert parse_sitemap(body, URL).pages == ["https://site.example/a"]


def test_bare_ampersands_and_html_entities_are_repaired_not_fatal():
    """A bare ``&`` in a ``<loc>`` and an ``&nbsp;`` in a news title cost nothing: before,
    the first stopped the parse, losing every later entry."""
    entries = (
        "<url><loc>https://site.example/a?x=1&y=2</loc></url>"
        "<url><loc>https://site.example/b</loc><news:news><news:title>Caf&eacute;&nbsp;Y"
        " &amp; Z &#8217; &unknown;</news:title></news:news></url>"
        "<url><loc><![CDATA[https://site.example/c?x=1&copy=2]]></loc></url>"
        "<!-- a comment & more --><url><loc>https://site.example/d?p=1&amp;q=2</loc></url>"
    )
    assert parse_sitemap(urlset(entries, extra_ns=NEWS_NS), URL).pages == [
        "https://site.example/a?x=1&y=2",
        "https://site.example/b",
        "https://site.example/c?x=1&copy=2",  # CDATA is not markup: left as written
        "https://site.example/d?p=1&q=2",
    ]


def test_a_repaired_sitemap_still_drops_the_entry_a_cut_falls_in():
    body = urlset(
        "<url><loc>https://site.example/a?x=1&y=2</loc></url><url><loc>https://site.example/b"
    )[: -len("</urlset>")]
    doc = parse_sitemap(body, URL)
    assert doc.pages == ["https://site.example/a?x=1&y=2"]
    assert "XML broken off after 1 entries" in doc.error


LATIN1 = urlset("<url><loc>https://site.example/café</loc></url>").replace(
    b'<?xml version="1.0"?>', b""
)


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        # not UTF-8, no declaration: the HTTP charset, else windows-1252
        (LATIN1.decode().encode("latin-1"), {}, "café"),
        (
            LATIN1.decode().replace("é", "ж").encode("koi8-r"),
            {"Content-Type": "application/xml; charset=KOI8-R"},
            "cafж",
        ),
        # a declared charset is libxml2's to apply
        (
            b'<?xml version="1.0" encoding="ISO-8859-1"?>' + LATIN1.decode().encode("latin-1"),
            {},
            "café",
        ),
        # UTF-8 with one stray byte: the stray byte is replaced, the rest read as UTF-8
        (
            LATIN1.replace(
                b"</urlset>", b"<url><loc>https://site.example/x\xff</loc></url></urlset>"
            ),
            {},
            "café",
        ),
        # UTF-16 with its byte-order mark
        (
            '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16")
            + LATIN1.decode().encode("utf-16")[2:],
            {},
            "café",
        ),
    ],
)
def test_a_sitemap_in_another_encoding(body, headers, expected):
    pages = parse_sitemap(body, URL, headers).pages
    assert pages[0] == article_url(f"https://site.example/{expected}")  # the decoded name


def test_a_json_feed_used_as_a_sitemap():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "/p1"}]}'
    assert parse_sitemap(body, URL).pages == ["https://site.example/p1"]


def test_google_news_image_and_video_blocks_list_only_the_page():
    entries = (
        "<url><loc>https://site.example/story</loc><news:news><news:publication>"
        "<news:name>N</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2024-01-02T10:00:00Z</news:publication_date>"
        "<news:title>T</news:title></news:news>"
        "<image:image><image:loc>https://cdn.site.example/i.jpg</image:loc></image:image>"
        "<video:video><video:content_loc>https://cdn.site.example/v.mp4</video:content_loc>"
        "<video:player_loc>https://site.example/player</video:player_loc></video:video></url>"
    )
    extra = (
        NEWS_NS + ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
        ' xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"'
    )
    assert parse_sitemap(urlset(entries, extra_ns=extra), URL).pages == [
        "https://site.example/story"
    ]


@pytest.mark.parametrize(
    "before",
    [
        b"<!-- generated in 0.2s -->",
        b"<br />\n<b>Warning</b>: Undefined index in <b>/var/www/map.php</b> on line <b>3</b>\n",
        b"Notice: headers already sent\n",
    ],
)
def test_what_a_server_printed_before_the_xml_declaration_is_not_the_sitemap(before):
    body = before + urlset("<url><loc>https://site.example/a</loc></url>")
    assert parse_sitemap(body, URL).pages == ["https://site.example/a"]


def test_a_stylesheet_instruction_is_not_taken_for_a_late_declaration():
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b'<?xml-stylesheet type="text/xsl" href="/s.xsl"?>'
        b"<url><loc>https://site.example/a</loc></url></urlset>"
    )
    assert parse_sitemap(body, URL).pages == ["https://site.example/a"]


def test_an_upper_case_sitemap_is_read_not_taken_for_an_empty_one():
    body = (
        b"<SITEMAPINDEX><SITEMAP><LOC>https://site.example/1.xml</LOC>"
        b"<LASTMOD>2024-01-02</LASTMOD></SITEMAP></SITEMAPINDEX>"
    )
    assert parse_sitemap(body, URL).children == [
        ChildRef("https://site.example/1.xml", "2024-01-02")
    ]
    body = b"<URLSET><URL><LOC>https://site.example/a</LOC></URL></URLSET>"
    assert parse_sitemap(body, URL).pages == ["https://site.example/a"]


def test_broken_utf16_is_an_error_not_a_crash():
    body = (
        b"\xff\xfe"
        + "<urlset><url><loc>https://site.example/a</loc></url></urlset>".encode("utf-16-le")[:-1]
    )
    doc = parse_sitemap(body, URL)
    assert doc.pages == ["https://site.example/a"] and "broken off" in doc.error


def test_an_entry_that_is_its_own_url_without_loc():
    """``<sitemap>https://…</sitemap>`` (crawler-commons issue 29, a careers site's index)."""
    body = (
        b"<sitemapindex><sitemap>\n  https://site.example/1.xml?lang=en&amp;p=2\n</sitemap>"
        b"<sitemap><loc>https://site.example/2.xml</loc></sitemap></sitemapindex>"
    )
    assert [c.url for c in parse_sitemap(body, URL).children] == [
        "https://site.example/1.xml?lang=en&p=2",
        "https://site.example/2.xml",
    ]
    body = b"<urlset><url>https://site.example/a</url><url><lastmod>2024</lastmod></url></urlset>"
    assert parse_sitemap(body, URL).pages == ["https://site.example/a"]


def test_a_utf16_declaration_over_utf8_text():
    """.NET's XmlWriter over a StringWriter declares "utf-16" over what is sent as UTF-8."""
    body = (
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-16"?>'
        + urlset("<url><loc>https://site.example/é</loc></url>")[21:]
    )
    assert parse_sitemap(body, URL).pages == ["https://site.example/%C3%A9"]  # é, read as UTF-8


@pytest.mark.parametrize("charset", ["base64", "zip", "idna", "punycode", "rot13", "no-such"])
def test_an_http_charset_that_is_no_charset_falls_back_to_windows_1252(charset):
    body = b"<urlset><url><loc>https://site.example/caf\xe9</loc></url></urlset>"
    headers = {"Content-Type": f"text/xml; charset={charset}"}
    pages = parse_sitemap(body, URL, headers).pages
    assert pages == ["https://site.example/caf%C3%A9"]  # é read as windows-1252


def test_undeclared_extension_prefixes_are_not_a_break():
    """``<image:image>`` without ``xmlns:image`` (and ``xsi:`` without ``xmlns:xsi``): libxml2
    reads on and reports it at the end; every entry counts, none is an image, no error."""
    body = (
        b'<?xml version="1.0"?><!-- generated --><urlset xmlns="'
        + NAMESPACES[0].encode()
        + b'" xsi:schemaLocation="a b"><url><loc>https://site.example/1</loc><image:image>'
        b"<image:loc>https://site.example/i.jpg</image:loc></image:image></url>"
        b"<url><loc>https://site.example/2</loc></url></urlset>"
    )
    doc = parse_sitemap(body, URL)
    assert doc.pages == ["https://site.example/1", "https://site.example/2"]
    assert doc.error is None


def test_a_sitemap_with_undeclared_prefixes_is_parsed_once(monkeypatch):
    """libxml2 fails on an undeclared prefix only at the end of the document: the prefixes
    are declared before the strict parse, not after a whole failed one."""
    reads = []
    read_xml = sitemaps._read_xml
    monkeypatch.setattr(sitemaps, "_read_xml", lambda *a: reads.append(1) or read_xml(*a))
    entry = "<url><loc>https://site.example/{}</loc><image:image><image:loc>i</image:loc>"
    body = urlset("".join(entry.format(n) + "</image:image></url>" for n in range(3)))
    assert parse_sitemap(body, URL).pages == [f"https://site.example/{n}" for n in range(3)]
    root = b'<urlset xsi:schemaLocation="a b"><url><loc>https://site.example/1</loc></url>'
    assert parse_sitemap(root + b"</urlset>", URL).pages == ["https://site.example/1"]
    assert len(reads) == 2


@pytest.mark.parametrize(
    ("body", "used"),
    [
        (b'<urlset xmlns:image="i"><url><image:image/></url></urlset>', False),
        (b"<urlset><url><image:image/></url></urlset>", True),
        (b'<urlset xsi:schemaLocation="a"><url/></urlset>', True),
        (b'<urlset xmlns:xsi="x" xsi:schemaLocation="a"><url/></urlset>', False),
        (b"<urlset><xml:a/><url><loc>https://a.example/x:y</loc></url></urlset>", False),
    ],
)
def test_undeclared_prefixes_are_found(body, used):
    assert undeclared_prefix_used(body) is used


def test_control_bytes_and_references_to_characters_xml_forbids_are_repaired():
    body = urlset(
        "<url><loc>https://site.example/1</loc></url>"
        "<url><loc>https://site.example/2</loc><news:news><news:title>a\x00b\x1bc &#x110000;"
        " &#0; &#55296; &#x1F600;</news:title></news:news></url>"
        "<url><loc>https://site.example/3</loc></url>",
        extra_ns=NEWS_NS,
    )
    doc = parse_sitemap(body, URL)
    assert doc.pages == [f"https://site.example/{n}" for n in (1, 2, 3)] and doc.error is None


def test_an_xml_error_is_reported_on_one_line():
    """libxml2 quotes the text it stopped in, newlines and all; ``last_error`` is one line."""
    with pytest.raises(SourceFormatError) as raised:
        parse_sitemap(b"<urlset><url><loc><![CDATA[\nhttps://site.example/1\n", URL)
    assert "\n" not in str(raised.value) and "CData section not finished" in str(raised.value)
    doc = parse_sitemap(urlset("<url><loc>https://site.example/1</loc></url><url>\x00\n"), URL)
    assert doc.pages == ["https://site.example/1"] and "\n" not in doc.error


def test_a_root_with_an_undeclared_prefix_is_read_by_its_local_name():
    """``rdf:RDF`` whose ``xmlns:rdf`` is missing (mistyped): an RSS 1.0 feed all the same."""
    body = (
        b'<rdf:RDF xmlns:rdx="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><item><link>https://site.example/1</link></item>'
        b"</rdf:RDF>"
    )
    assert parse_sitemap(body, URL).pages == ["https://site.example/1"]
