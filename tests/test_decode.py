"""Bytes → text with the right character set, and what a page's head says about it."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.decode import decode, decode_head, head_info, page_info, sniff_encoding
from archiver.detect import find_posts

CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy. Starosta Jiří Dvořák to oznámil."
FRENCH = "“Fermé pour travaux” – réouverture prévue à Noël. Café à 2 € pour fêter ça !"


def page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{body[:20]}</title></head>"
        f"<body><p>{body}</p></body></html>"
    )


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (codecs.BOM_UTF8 + b"x", None, "utf-8"),
        (codecs.BOM_UTF16_LE + "x".encode("utf-16-le"), None, "utf-16-le"),
        (codecs.BOM_UTF16_BE + "x".encode("utf-16-be"), None, "utf-16-be"),
        (b"x", "text/html; charset=windows-1252", "cp1252"),
        (b"x", 'text/html; charset="ISO-8859-2"', "iso8859-2"),
        (b"x", "text/html; charset=iso-8859-1", "cp1252"),
        (b"x", "text/html; charset=us-ascii", "cp1252"),
        (b'<meta charset="iso-8859-2">', None, "iso8859-2"),
        (b"<meta charset=utf-8>", None, "utf-8"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1250">',
            None,
            "cp1250",
        ),
        (b'<meta charset="no-such-charset">', None, None),
        (b"<p>nothing declared</p>", None, None),
        (b"<p>nothing</p>", "text/html", None),
    ],
)
def test_sniff_encoding(data, content_type, expected):
    assert sniff_encoding(data, content_type) == expected


def test_bom_beats_header_and_meta():
    data = codecs.BOM_UTF8 + page("Mañana", '<meta charset="iso-8859-2">').encode("utf-8")
    assert "Mañana" in decode(data, "text/html; charset=windows-1252")
    assert not decode(data).startswith("\ufeff")


def test_header_beats_meta():
    data = page(CZECH, '<meta charset="utf-8">').encode("iso-8859-2")
    assert CZECH in decode(data, "text/html; charset=iso-8859-2")


def test_meta_declares_latin2():
    data = page(CZECH, '<meta charset="iso-8859-2">').encode("iso-8859-2")
    assert CZECH in decode(data)


def test_iso_8859_1_label_reads_as_windows_1252():
    data = page(FRENCH, '<meta charset="iso-8859-1">').encode("cp1252")
    assert FRENCH in decode(data)


@pytest.mark.parametrize("text", [FRENCH, CZECH, "plain ascii only", "日本語のテキスト"])
def test_undeclared_utf8(text):
    assert text in decode(page(text).encode("utf-8"))


def test_undeclared_windows_1252():
    assert FRENCH in decode(page(FRENCH).encode("cp1252"))


def test_undeclared_windows_1250():
    assert CZECH in decode(page(CZECH).encode("cp1250"))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\xff\xfe\xfd" * 100,
        b"\xff\xfe\x00",
        bytes(range(256)) * 10,
        b'<meta charset="utf-8">\xff\xfe broken utf-8 \xc3',
        b'<meta charset="utf-16">plain bytes',
    ],
)
def test_decode_never_raises(data):
    assert isinstance(decode(data), str)
    assert isinstance(decode(data, "text/html; charset=bogus"), str)
    assert isinstance(decode_head(data), str)


def test_decode_head_cuts_on_a_character_boundary():
    data = ("é" * 40_000).encode("utf-8")  # 80,000 bytes: the cut falls mid-character
    head = decode_head(data, size=65_535)
    assert set(head) == {"é"}
    assert len(head) == 32_767


def test_page_title_of_a_page_without_embeds_keeps_its_accents():
    data = page(CZECH, '<meta charset="iso-8859-2">').encode("iso-8859-2")
    assert find_posts(data).embeds == []
    assert find_posts(data).page.title == CZECH[:20]


def test_page_info():
    head = """<head><title>  Harbour
    festival &amp; fair </title>
    <meta property="og:site_name" content="Harbour Post">
    <meta property="og:title" content="OG title">
    <meta property="article:published_time" content="2024-05-02T10:00:00Z">
    <link rel="canonical" href="https://news.example.org/harbour?x=1&amp;y=2">
    </head>"""
    info = page_info(head)
    assert info.title == "Harbour festival & fair"
    assert info.site == "Harbour Post"
    assert info.published_at == "2024-05-02T10:00:00Z"
    assert info.canonical_url == "https://news.example.org/harbour?x=1&y=2"


def test_page_info_fallbacks():
    info = page_info(
        '<meta property="og:title" content="Only OG"><meta property="og:url" content="u">'
    )
    assert (info.title, info.canonical_url, info.site, info.published_at) == (
        "Only OG",
        "u",
        None,
        None,
    )
    assert page_info("") == page_info("<p>no head</p>")


HEAD_OF_UTF8 = """<head><title>Caf\u00e9 &amp; bar</title>
<meta name="viewport" content="width=device-width">
<meta content="Z\u00fcrich Post" property="og:site_name">
<link rel="canonical" href="/caf\u00e9"></head><body>\u00e9</body>"""


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (HEAD_OF_UTF8.encode("utf-8"), None),
        (HEAD_OF_UTF8.encode("cp1252"), None),  # undeclared, not UTF-8: guessed
        (HEAD_OF_UTF8.encode("cp1252"), "text/html; charset=windows-1252"),
        (
            HEAD_OF_UTF8.replace("<head>", '<head><meta charset="iso-8859-2">').encode(
                "iso-8859-2"
            ),
            None,
        ),
        (b"", None),
        (b"<head><title>\xff\xfe</title>", "text/html; charset=utf-8"),  # declared: replaced
        # ISO-2022-JP writes '"' (0x22) inside "→": its head cannot be searched as bytes.
        (
            '<head><meta property="og:site_name" content="日本→ニュース"></head>'.encode(
                "iso-2022-jp"
            ),
            "text/html; charset=iso-2022-jp",
        ),
    ],
)
def test_head_info_of_bytes_equals_page_info_of_the_decoded_head(data, content_type):
    assert head_info(data, content_type) == page_info(decode_head(data, content_type))


def test_head_info_decodes_only_the_values():
    info = head_info(HEAD_OF_UTF8.encode("utf-8"))
    assert (info.title, info.site, info.canonical_url) == (
        "Caf\u00e9 & bar",
        "Z\u00fcrich Post",
        "/caf\u00e9",
    )


def test_head_info_of_an_encoding_that_reuses_ascii_bytes():
    data = '<head><meta property="og:site_name" content="日本→ニュース"></head>'.encode(
        "iso-2022-jp"
    )
    assert head_info(data, "text/html; charset=iso-2022-jp").site == "日本→ニュース"


def test_a_meta_tag_declaring_utf16_in_ascii_bytes_means_utf8():
    page = (
        b'<html><head><meta charset="utf-16"><title>Hello world</title></head><body>x</body></html>'
    )
    assert sniff_encoding(page) == "utf-8"
    assert find_posts(page, content_type="text/html").page.title == "Hello world"


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=utf-16", "text/html; charset=utf-16le"]
)
def test_page_info_of_a_utf16_page_without_embeds(content_type):
    text = "<html><head><title>Harbour news</title></head><body><p>No posts.</p></body></html>"
    data = text.encode("utf-16" if content_type.endswith("16") else "utf-16-le")
    assert find_posts(data, content_type=content_type).page.title == "Harbour news"


@given(st.text(alphabet=st.sampled_from("ogdatepublishOGDATEPUBLISH: <>=\"'ſKİıé"), max_size=30))
def test_the_hint_test_finds_what_the_case_blind_pattern_finds(tag: str) -> None:
    """The quick test (lower-case and look for each hint) agrees with the pattern on text,
    Unicode letters whose case is an ASCII letter's included, and on bytes."""
    from archiver.decode import _head_syntax, _hinted

    for head in (tag, tag.encode("utf-8")):
        syntax = _head_syntax(type(head))
        assert _hinted(syntax, head) == (syntax.hint.search(head) is not None)


def test_every_kept_meta_key_holds_a_hint_so_its_tag_is_read() -> None:
    """The hints pass over most meta tags with a substring test: a kept key without one
    would never be read."""
    from archiver.decode import _KEY_HINTS, _META_KEYS

    assert all(any(hint in key for hint in _KEY_HINTS) for key in _META_KEYS)
    head = "".join(f'<meta property="{key}" content="v-{key}">' for key in _META_KEYS)
    info = page_info(f"<html><head>{head}</head></html>")
    assert (info.title, info.canonical_url, info.site, info.published_at) == (
        "v-og:title",
        "v-og:url",
        "v-og:site_name",
        "v-article:published_time",
    )


@pytest.mark.parametrize("label", ["rot13", "hex", "base64", "zlib", "idna", "unicode_escape"])
def test_a_charset_naming_one_of_pythons_transforms_is_no_charset(label):
    """Python's codecs.lookup knows them, so a page declaring one failed as 'detection
    failed' (LookupError or UnicodeError); a page's label never names one."""
    page = (
        f'<html><head><meta charset="{label}"><title>Café</title></head><body>'
        '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; A (@a) <a href="https://twitter'
        '.com/a/status/1767000000000000001">March 1, 2024</a></blockquote></body></html>'
    ).encode()
    assert sniff_encoding(page, f"text/html; charset={label}") is None
    detection = find_posts(page, content_type=f"text/html; charset={label}")
    assert [e.status_id for e in detection.embeds] == ["1767000000000000001"]
    assert detection.page.title == "Café"


@pytest.mark.parametrize("before", ["", '<meta name="author" content="İlkay Şahin">'])
@pytest.mark.parametrize("kind", [str, bytes])
def test_kept_meta_tags_are_found_among_the_others_in_order(before: str, kind: type) -> None:
    """Each kept tag is found around its hint among tags that hold none (and with a tag whose
    lower case is longer than itself, ``İ``, before them); a tag's first key is its key, and
    the first tag of each key wins."""
    head = (
        f'<head>{before}<meta name="viewport" content="width=device-width">'
        '<meta property="og:title" name="date" content="Kept title">'
        '<meta property="og:image" content="https://example.com/a.png">'
        '<META NAME="DATE" CONTENT="2024-05-01">'
        '<meta name="date" content="2024-06-01"><script>var updated = 1;</script>'
        '<meta property="og:site_name" content="Example">'
        "</head><body><p>text</p></body>"
    )
    source = head if kind is str else head.encode("utf-8")
    info = page_info(source)
    assert (info.title, info.published_at, info.site) == ("Kept title", "2024-05-01", "Example")


@pytest.mark.parametrize("rel", ["canonical", "Canonical", "CANONICAL"])
@pytest.mark.parametrize("kind", [bytes, str])
def test_a_canonical_link_is_read_in_any_case_of_its_rel(rel, kind):
    """``rel`` values are ASCII case-insensitive: ``rel="Canonical"`` gave no canonical URL."""
    head = f'<head><link rel="{rel}" href="https://e.org/a"></head><body></body>'
    info = head_info(head.encode()) if kind is bytes else page_info(head)
    assert info.canonical_url == "https://e.org/a"
