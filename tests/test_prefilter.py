"""The byte pre-filter never drops a page that holds an embed.

For every fixture with embeds, ``has_markers`` is true and detection with the pre-filter gives
exactly what detection gives when the pre-filter lets everything through.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import archiver.detect as detect
from archiver.decode import decode
from archiver.detect import MARKERS, TEXT_MARKERS, find_posts, has_markers
from archiver.detect.prefilter import slow_titles, survey

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(
    [p for p in (FIXTURES / "html").glob("*.html")] + [p for p in (FIXTURES / "text").glob("*")],
    key=lambda p: (p.parent.name, p.name),
)
EMBED_PAGES = [p for p in PAGES if find_posts(p.read_bytes()).embeds]
IDS = [f"{p.parent.name}/{p.name}" for p in EMBED_PAGES]
ALL_IDS = [f"{p.parent.name}/{p.name}" for p in PAGES]

# Embed pages whose only marker is written in an unusual way.
SYNTHETIC = {
    "entity-escaped slashes": (
        b'<html><body><figure class="media"><div data-oembed-url="https:&#x2F;&#x2F;x.com'
        b'&#x2F;ada&#x2F;status&#x2F;1786049023310382281"></div></figure></body></html>'
    ),
    "decimal entity slash": (
        b'<html><body><figure class="media"><div data-oembed-url="https://x.com/ada'
        b'&#47;status/1786049023310382281"></div></figure></body></html>'
    ),
    "only a video player frame by the post's ID": (
        b'<html><body><iframe src="https://twitter.com/i/videos/1786049023310382281'
        b'?embed_source=facebook"></iframe></body></html>'
    ),
    "percent-encoded": (
        b'<html><body><iframe src="https://cdn.embedly.com/widgets/media.html?url=https%3A%2F%2F'
        b'twitter.com%2Fada%2Fstatus%2F1786049023310382281"></iframe></body></html>'
    ),
    "json-escaped": (
        b'<html><body><div class="x-embed" data-url="https:\\/\\/x.com\\/ada\\/status\\/'
        b'1786049023310382281"></div></body></html>'
    ),
    "only a data-tweet-id": (
        b'<html><body><div data-tweet-id="1786049023310382281"></div></body></html>'
    ),
    "only a data-tweet-id in upper case": (
        b'<html><body><DIV CLASS="embed" DATA-TWEET-ID="1786049023310382281"></DIV></body></html>'
    ),
    "only a data-tweet-id in title case": (
        b'<html><body><div Data-Tweet-Id="1786049023310382281"></div></body></html>'
    ),
    "only a platform.x.com Post.html frame": (
        b'<html><body><div class="embed"><iframe title="X Post" src="https://platform.x.com/embed/'
        b'Post.html?dnt=true&amp;id=1786049023310382281&amp;lang=en"></iframe></div></body></html>'
    ),
    "only json-escaped markup in a state script": (
        b"<html><body><article><p>The ferry crews called off the strike after talks that ran"
        b' past midnight, the operator said.</p></article><script>window.S={"body":[{"v":'
        b'"The ferry crews called off the strike after talks that ran past midnight, the '
        b'operator said."},{"v":"\\u003Cblockquote class=\\"embed twitter-tweet\\"\\u003E'
        b'\\u003Ca href=\\"https:\\u002F\\u002Ftwitter.com\\u002Fada\\u002Fstatus'
        b'\\u002F1786049023310382281\\"\\u003EMay 2, 2024\\u003C\\u002Fa\\u003E'
        b'\\u003C\\u002Fblockquote\\u003E"}]};</script></body></html>'
    ),
    "only an amp tweetid": (
        b'<html><body><amp-twitter data-tweetid="1786049023310382281" width="1" height="1">'
        b"</amp-twitter></body></html>"
    ),
    "wordpress shortcode, bracket as a decimal entity": (
        b'<html><body><p>Intro.</p><p>&#91;tweet id="1786049023310382281"&#93;</p></body></html>'
    ),
    "wordpress shortcode, bracket as a hex entity": (
        b'<html><body><p>Intro.</p><p>&#x5B;tweet id="1786049023310382281"]</p></body></html>'
    ),
    "hugo shortcode, angle bracket as a decimal entity": (
        b"<html><body><p>Intro.</p><p>{{&#60; tweet user=&quot;ada&quot; "
        b"id=&quot;1786049023310382281&quot; &#62;}}</p></body></html>"
    ),
    "hugo shortcode, angle bracket as a hex entity": (
        b"<html><body><p>Intro.</p><p>{{&#x3c;tweet 1786049023310382281&gt;}}</p></body></html>"
    ),
    "wordpress shortcode, bracket as a named entity": (
        b'<html><body><p>Intro.</p><p>&lsqb;tweet id="1786049023310382281"]</p></body></html>'
    ),
    "wordpress shortcode, bracket as an upper-case hex entity": (
        b'<html><body><p>Intro.</p><p>&#X5B;tweet id="1786049023310382281"]</p></body></html>'
    ),
    "wordpress shortcode after a hugo opening": (
        b'<html><body><p>Intro.</p><p>{{&#91;tweet id="1786049023310382281"]</p></body></html>'
    ),
    "hugo shortcode, angle bracket with leading zeros": (
        b"<html><body><p>Intro.</p><p>{{&#060; tweet 1786049023310382281 &gt;}}</p></body></html>"
    ),
    "hugo shortcode, angle bracket as an upper-case entity": (
        b"<html><body><p>Intro.</p><p>{{&LT; tweet 1786049023310382281 &GT;}}</p></body></html>"
    ),
    "component props in a data-tweet attribute": (
        b'<html><body><article><p>Intro.</p><div class="tweet-embed" '
        b'data-tweet-options=\'{"tweet_id": "1786049023310382281"}\'></div></article>'
        b"</body></html>"
    ),
    "title line, its quote in a long link": (
        b'<html><body><article><p>Intro.</p><p>Ada on X: <a href="https://x.com/ada?ref='
        + b"r" * 500
        + b'">"Hello from the river road" / X</a></p><p>More.</p></article></body></html>'
    ),
    "title line, its quote after many tags": (
        b"<html><body><article><p>Intro.</p><p>Ada on X: "
        + b"<span>" * 12
        + b'"Hello from the river road" / X'
        + b"</span>" * 12
        + b"</p><p>More.</p></article></body></html>"
    ),
    "component props in a double-quoted attribute": (
        b'<html><body><article><p>Intro.</p><div data-react-class="Tweet" data-react-props="'
        b'{&quot;tweetId&quot;:&quot;1786049023310382281&quot;}"></div></article></body></html>'
    ),
    "title line, a tag with a > in a value and a comment before its quote": (
        b"<html><body><article><p>Intro.</p><p>Ada on X: <a title='a > b' href=\"/x?a>b\">"
        b'<!-- a -> b -->"Hello from the river road" / X</a></p><p>More.</p></article>'
        b"</body></html>"
    ),
    "utf-16 with bom": codecs.BOM_UTF16_LE
    + (
        '<html><body><blockquote class="twitter-tweet"><p>Hi</p>&mdash; Ada (@ada) '
        '<a href="https://x.com/ada/status/1786049023310382281">May 2, 2024</a></blockquote>'
        "</body></html>"
    ).encode("utf-16-le"),
}


def test_there_are_embed_fixtures():
    assert len(EMBED_PAGES) > 50


@pytest.mark.parametrize("path", EMBED_PAGES, ids=IDS)
def test_every_embed_page_has_markers(path):
    data = path.read_bytes()
    if path.parent.name == "text" and detect.SINGLE_BYTE_DOT.search(data):
        data = decode(data).encode()  # a single-byte text file is surveyed again, decoded
    assert has_markers(data)


@pytest.mark.parametrize("path", PAGES, ids=ALL_IDS)
@pytest.mark.parametrize("include_links", [False, True])
def test_prefilter_changes_nothing(path, include_links, monkeypatch):
    data = path.read_bytes()
    filtered = find_posts(data, include_links=include_links)
    # Pre-filter off: every page is a candidate and every search runs.
    monkeypatch.setattr(detect, "survey", lambda data: detect.ALL_SEARCHES)
    assert find_posts(data, include_links=include_links) == filtered


TEXT_SYNTHETIC = {name for name in SYNTHETIC if name.startswith("title line")}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_unusual_marker_spellings(name, monkeypatch):
    data = SYNTHETIC[name]
    embeds = find_posts(data).embeds
    if name in TEXT_SYNTHETIC:  # a text form: no status ID
        assert [(e.method, e.text) for e in embeds] == [("text", "Hello from the river road")]
    else:
        assert [e.status_id for e in embeds] == ["1786049023310382281"]
    monkeypatch.setattr(detect, "survey", lambda data: detect.ALL_SEARCHES)
    assert find_posts(data).embeds == embeds  # what the detector finds unfiltered


def test_page_without_markers_is_not_parsed(monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("parsed a page that has no marker")

    monkeypatch.setattr(detect, "_from_html", explode)
    monkeypatch.setattr(detect, "_from_text", explode)
    data = b"<html><head><title>Plain</title></head><body><p>Nothing here.</p></body></html>"
    assert not has_markers(data)
    detection = find_posts(data)
    assert detection.embeds == []
    assert detection.page.title == "Plain"


@pytest.mark.parametrize("rule", [".twitter-tweet{margin:auto}", ".twitter-video{margin:auto}"])
def test_a_stylesheet_naming_the_embed_classes_is_no_marker(rule):
    data = f"<html><head><style>{rule}</style></head><body><p>Text.</p></body></html>"
    assert not has_markers(data.encode())
    markup = '<blockquote class="twitter-video"><p>A video</p></blockquote>'
    assert has_markers(markup.encode())


def test_markers_are_bytes_for_literal_search():
    assert all(isinstance(m, bytes) and m for m in MARKERS + TEXT_MARKERS)


@pytest.mark.parametrize("filler", [b"", b"@" * 5000, b"(@" * 3000])
def test_signature_found_however_many_at_signs(filler):
    from archiver.detect.prefilter import _signatures

    page = b"<p>" + filler + b"</p><p>Jane (@jane) March 1, 2024</p>" + b"@" * 3000
    found = list(_signatures(page))
    assert found == [i for i in range(len(page)) if page.startswith(b"(@", i)]
    assert has_markers(page)


@pytest.mark.parametrize("filler", [b"", b"@" * 5000])
def test_linked_handle_signature_is_a_marker_however_many_at_signs(filler):
    """``(<a href=…>@jane</a>) March 1, 2024``: a signature whose handle is a link (a CMS
    that links mentions) counts, before and past the ``@`` count where the search changes."""
    line = b'Jane (<a href="https://twitter.com/jane">@jane</a>) March 1, 2024'
    page = b"<p>" + filler + b"</p><p>" + line + b"</p>"
    assert survey(page).text_markers == 1
    prose = b'<p>Ask (<a href="/u/jane">@jane</a>) about it. <a href="/x">@bob</a> (2)</p>'
    assert not has_markers(b"<p>" + filler + b"</p>" + prose)


def test_big_pages_are_searched_in_chunks_without_missing_a_marker(monkeypatch):
    from archiver.detect import prefilter

    monkeypatch.setattr(prefilter, "CHUNK", 64)
    marker = b'<blockquote class="twitter-tweet">'
    for pad in range(0, 80, 7):  # the marker straddles, starts or ends a chunk boundary
        page = b"x" * pad + marker + b"y" * 100 + b'<a href="https://x.com/a/status/1">'
        starts = [
            start for _, start in prefilter.matches(page, prefilter._ALL, prefilter._SEARCHED)
        ]
        assert starts == [page.index(b"twitter-tweet"), page.index(b"/status")]
        assert survey(page).markup


@pytest.mark.parametrize(
    "shortcode",
    [
        b'{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}',
        b"{{<tweet 1453110110599868418>}}",
        b"{{&lt; x user=&quot;SanDiegoZoo&quot; id=&quot;1453110110599868418&quot; &gt;}}",
        b"{{% twitter user=SanDiegoZoo id=1453110110599868418 %}}",
        b"{% tweet 1453110110599868418 %}",
        b"{%- twitter oembed https://x.com/SanDiegoZoo/1453110110599868418 -%}",
        b"{%twitter https://x.com/SanDiegoZoo/1453110110599868418%}",
    ],
)
def test_hugo_and_jekyll_shortcodes_are_markers(shortcode):
    page = b"<html><body><p>Intro.</p><p>" + shortcode + b"</p></body></html>"
    hints = survey(page)
    assert hints.markup and hints.text_urls and hints.generators
    assert survey(shortcode).candidate  # a Markdown file


@pytest.mark.parametrize(
    "template",
    [b"{{< youtube w7Ft2ymGmfc >}}", b"{% if page.tweets %}", b"{{% notice %}}", b"{{<xkcd 1>}}"],
)
def test_other_shortcodes_are_not_markers(template):
    assert not survey(b"<html><body><p>" + template + b"</p></body></html>").candidate
    linked = b'<p><a href="https://x.com/a/status/1">a</a> ' + template + b" [tweet 1]</p>"
    assert not survey(linked).generators  # their words are not searched for on the page


@pytest.mark.parametrize(
    "markup",
    [
        b'<a class="share" data-location="sharebar-twitter-tweet">Share</a>',
        b'<a data-parsely-event="_twitter-tweet">Share</a>',
        b'<a class="twitter-share-button twitter-tweet-button">Tweet</a>',
        b'<a class="twitter-timeline" data-tweet-limit="5" href="/x">Posts</a>',
        b'<A CLASS="twitter-timeline" DATA-TWEET-LIMIT="5" HREF="/x">Posts</A>',
        b"<p>Follow Lena on Twitter: @Lenadecasparis</p>",
        b'<p>Keep up with me on X: <a href="https://example.com/me">me</a></p>',
    ],
)
def test_names_that_only_contain_a_marker_are_no_marker(markup):
    """Share buttons, timeline widgets and "follow me" lines (real crawl pages): the page is
    not parsed."""
    assert not survey(b"<html><body>" + markup + b"</body></html>").candidate


@pytest.mark.parametrize(
    "markup",
    [
        b'<blockquote class="twitter-tweet-rendered"><p>Hi</p></blockquote>',
        b'<blockquote class="align-center twitter-video">',
        b'<div data-embed="&lt;blockquote class=&quot;twitter-tweet&quot;&gt;">',
        b'{"html": "<blockquote class=\\"note\\ttwitter-tweet\\">"}',
        b"<div data-x='%3Cblockquote%20class%3D%22twitter-tweet%22%3E'>",
        b'<div data-tweetId="1786049023310382281"></div>',
        b'<div data-tweet="1786049023310382281"></div>',
        b'<div data-tweet-id="1786049023310382281"></div>',
        b'<p>Ada on X: "Hello" / X</p>',
        b"<p>Ada on X: <em>&quot;Hello&quot;</em> / X</p>",
        "<p>Ada on Twitter: \n  \u201cHello\u201d / Twitter</p>".encode(),
        "[Ada on X: [\u201cHello\u201d](https://x.com/ada)".encode(),
        "<p>Ada on X: \u201cHello\u201d / X</p>".encode("cp1252"),
    ],
)
def test_whole_names_and_quoted_titles_are_markers(markup):
    assert survey(b"<html><body>" + markup + b"</body></html>").candidate


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("Ada auf X: „Lesesaison!“ / X", True),
        ('Ada sur X : "Saison ouverte." / X', True),
        ('Ada sur X\u00a0: "Saison ouverte." / X', True),
        ("XユーザーのAdaさん: 「読書の季節」 / X", True),
        ('Ada en X: "¡Temporada abierta!" / X', True),
        ("X 上的 Ada：“读书季节开始了” / X", True),
        ("Twitter 上的 Ada ：“读书季节开始了” / Twitter", True),
        ("Ada en X: «Temporada abierta» / X", True),
        # Before 2023 (``Twitter``): no marker of their own (the automaton's fast search
        # is for 64 patterns): read where the page holds another, such as the link to the post.
        ("Ada auf Twitter: „Lesesaison!“ / Twitter", False),
        ("Il joue sur Xbox: un jeu de plus.", False),  # the words, then no colon
        ("Sie schrieb auf X, sie komme.", False),
        ("Ada no X: @ada", False),  # no quote after the colon
        ('Season X: "Finale"', False),  # the colon's words are no title's
        ("Ada en X: @ada", False),
        ("关注 Twitter 上的 @ada 了解更多。", False),  # no colon after the name
        ("在 Y 上的 Ada：“读书季节开始了”", False),  # not X's name before the words
        ("X 上的 Ada：@ada", False),
    ],
)
def test_localized_title_markers_need_their_colon_and_quote(text, marked):
    """Spanish's and Chinese's titles have no fast marker: a text is searched for them when
    the automaton passed it over (``slow_titles``)."""
    data = f"Intro.\n\n{text}\n".encode()
    assert (has_markers(data) or slow_titles(data)) is marked


def test_a_page_starting_with_the_spanish_marker_is_not_read_from_its_end():
    """`` X: `` at byte 0 has no `` en`` before it: a negative start would look at the
    page's last bytes instead, so a page ending in `` en`` passed."""
    page = b' X: "Finale" tonight, says Season en'
    assert not slow_titles(page)
    assert slow_titles(b"Ada en" + page)


def test_a_spanish_title_alone_in_a_text_is_found_without_a_fast_marker():
    """No automaton pattern stands for it (each candidate slowed the survey by 10%)."""
    text = b'Intro.\n\nAda Ruiz en X: "Temporada abierta" / X\n\nMore.\n'
    assert not has_markers(text)
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.author, embed.text) == ("Ada Ruiz", "Temporada abierta")


def test_the_markers_fit_the_automatons_fast_search():
    """Past 64 patterns the automaton leaves its SIMD search: five times slower."""
    from archiver.detect.prefilter import _SEARCHED, MAX_FAST_MARKERS

    assert len(_SEARCHED) <= MAX_FAST_MARKERS


class _CountedSearches(bytes):
    """A page that counts the bytes its ``rfind`` calls search."""

    searched = 0

    def rfind(self, sub, start=0, end=None):  # type: ignore[override]
        stop = len(self) if end is None else end
        type(self).searched += max(0, stop - (start or 0))
        return super().rfind(sub, start, end)


def test_status_urls_in_a_pages_text_are_surveyed_in_linear_time() -> None:
    """Whether each status URL stands in the text or inside a tag was found by searching
    back to the page's start: 200,000 of them after one tag took 31 s (quadratic). Each
    byte is now searched about once."""
    page = _CountedSearches(b"<p>" + b"https://twitter.com/a/status/1 " * 2_000)
    hints = survey(page)
    assert hints.text_urls
    assert _CountedSearches.searched <= 4 * len(page)
