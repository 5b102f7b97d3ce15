"""Byte ranges of elements in a page: every element of generated markup is found at exactly
the bytes that wrote it, whatever the case, quoting, entities, comments and raw-text content.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_corpus import REAL, absent

from archiver.detect import find_posts, spans
from archiver.detect.dom import Node as Element
from archiver.detect.dom import elements, parse
from archiver.detect.hidden import expand_hidden_markup
from archiver.detect.locate import Locator
from archiver.detect.spans import _ATTRS_ANY, _ATTRS_COMMON, LineSpans, line_span, tokenize

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Node:
    tag: str
    start_tag: str
    children: list[Node | str] = field(default_factory=list)
    end_tag: str = ""


CONTAINERS = ["div", "span", "blockquote", "section", "figure", "em", "DIV", "BlockQuote"]
VOIDS = ["img", "br", "IMG", "hr"]
RAW = ["script", "style", "textarea", "title", "iframe"]
spaces = st.sampled_from([" ", "\n", "  ", "\t", " \n "])
values = st.one_of(
    st.text(alphabet="ab <>/'=&;\n-", max_size=8),
    st.sampled_from(["twitter-tweet", "a&amp;b", "&mdash;", "x\ny", "&#62;", ">"]),
)
names = st.sampled_from(["class", "id", "data-x", "CLASS", "title", "lang"])
texts = st.one_of(
    st.text(alphabet="ab \n&;>-!/", max_size=10),  # a '<' could open a tag the tree lacks
    st.sampled_from(["&mdash;", "<!-- <div> -->", "<!-->", "\n\n", "a < b", "</>", "<? x >"]),
)


@st.composite
def start_tags(draw: st.DrawFn, tag: str, void: bool = False) -> str:
    parts = [f"<{tag}"]
    used: set[str] = set()
    for name in draw(st.lists(names, max_size=3)):
        if name.lower() in used:
            continue
        used.add(name.lower())
        value = draw(values)
        quote = draw(st.sampled_from(['"', "'", ""]))
        if quote == "" and (not value or any(c in value for c in " \n\t>'\"=<`")):
            quote = '"'
        if quote and quote in value:
            quote = "'" if quote == '"' else '"'
            if quote in value:
                value = value.replace(quote, "")
        parts.append(f"{draw(spaces)}{name}={quote}{value}{quote}")
    ending = draw(st.sampled_from([">", "\n>", " />" if void else ">"]))
    return "".join(parts) + ending


@st.composite
def nodes(draw: st.DrawFn, depth: int = 0) -> Node:
    kind = draw(st.sampled_from(["container"] * 3 + ["void", "raw"])) if depth < 4 else "void"
    if kind == "void":
        tag = draw(st.sampled_from(VOIDS))
        return Node(tag.lower(), draw(start_tags(tag, void=True)))
    if kind == "raw":
        tag = draw(st.sampled_from(RAW))
        content = draw(st.sampled_from(["", "<b>x</b>", "</scrip", "a\n<div>", f"</{tag}x"]))
        return Node(tag, draw(start_tags(tag)), [content], f"</{tag.upper()}\n>")
    tag = draw(st.sampled_from(CONTAINERS))
    children: list[Node | str] = []
    for _ in range(draw(st.integers(0, 3))):
        children.append(draw(st.one_of(texts, nodes(depth + 1))))
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag.lower()} >", f"</{tag.upper()}\n>"]))
    return Node(tag.lower(), draw(start_tags(tag)), children, close)


def render(node: Node | str, out: list[str], spans: list[tuple[Node, int, int]]) -> None:
    """Write markup; record each element's expected character range."""
    if isinstance(node, str):
        out.append(node)
        return
    start = sum(map(len, out))
    out.append(node.start_tag)
    if node.tag in RAW:
        out.append(node.children[0])  # type: ignore[arg-type]
    else:
        for child in node.children:
            render(child, out, spans)
    out.append(node.end_tag)
    spans.append((node, start, sum(map(len, out))))


def pair(node: Node, el: Element, found: dict[int, Element]) -> None:
    found[id(node)] = el
    if node.tag in RAW:
        return
    kids = [c for c in node.children if isinstance(c, Node)]
    for child, child_el in zip(kids, elements(el), strict=True):
        pair(child, child_el, found)


@SETTINGS
@given(st.lists(nodes(), min_size=1, max_size=4), st.sampled_from(["", "<!doctype html>\n"]))
def test_every_element_is_found_at_the_bytes_that_wrote_it(tops: list[Node], head: str) -> None:
    out = [head, "<html><body>"]
    spans: list[tuple[Node, int, int]] = []
    for top in tops:
        render(top, out, spans)
        out.append(" ")
    out.append("</body></html>")
    page = "".join(out)
    data = page.encode("ascii")
    root = parse(page)
    body = root.css_first("body")
    assert body is not None
    found: dict[int, Element] = {}
    for top, el in zip(tops, elements(body), strict=True):
        pair(top, el, found)
    located = Locator(data, root).locate_all([found[id(node)] for node, _, _ in spans])
    for (node, start, end), span in zip(spans, located, strict=True):
        assert span == (start, end), (node.tag, data[start:end])


def test_the_same_markup_twice_on_one_line_is_told_apart_by_rank() -> None:
    data = b"<html><body><div class=a>1</div><div class=a>2</div>\n<div class=a>3</div>"
    root = parse(data.decode())
    got = Locator(data, root).locate_all(root.css("div"))
    assert [data[span[0] : span[1]] for span in got if span] == [
        b"<div class=a>1</div>",
        b"<div class=a>2</div>",
        b"<div class=a>3</div>",
    ]


def test_markup_in_comments_and_scripts_is_not_taken_for_the_element() -> None:
    data = (
        b"<html><body><!-- <blockquote class=twitter-tweet>x</blockquote> -->"
        b'<script>s="<blockquote class=twitter-tweet>y</blockquote>"</script>'
        b"<blockquote class=twitter-tweet>z</blockquote>"
    )
    root = parse(data.decode())
    (el,) = root.css("blockquote")
    span = Locator(data, root).locate(el)
    assert span is not None
    assert data[span[0] : span[1]] == b"<blockquote class=twitter-tweet>z</blockquote>"


def test_markup_reparsed_from_a_script_template_is_found_inside_it() -> None:
    embed = (
        b'<blockquote class="twitter-tweet"><a href="https://x.com/a/status/9">x</a></blockquote>'
    )
    data = b'<html><body><script type="text/html">\n  ' + embed + b"\n</script></body></html>"
    root = parse(data.decode())
    fragments = expand_hidden_markup(root)
    (el,) = root.css("blockquote")
    locator = Locator(data, root, [fragment.wrapper for fragment in fragments])
    place = locator.place(el)
    assert place is not None and place.host is not None and place.host.tag == "script"
    span = locator.locate(el)
    assert span is not None and data[span[0] : span[1]] == embed


def test_template_content_is_found_where_the_page_wrote_it() -> None:
    embed = b'<blockquote class="twitter-tweet">x</blockquote>'
    data = b"<html><body><template><p>a</p>" + embed + b"</template>" + embed
    root = parse(data.decode())
    got = Locator(data, root).locate_all(root.css("blockquote"))
    inside = data.index(embed)
    assert got == [(inside, inside + len(embed)), (len(data) - len(embed), len(data))]


@pytest.mark.parametrize(
    "wrap",
    ["<template><div><template>{}</template></div></template>", "<template>" * 50 + "{}"],
)
def test_an_embed_in_nested_templates_is_found_with_its_bytes(wrap: str) -> None:
    """Lexbor copies a template it is given without its content: inner ones are filled
    first (the embed used to be lost)."""
    post = POST.format(text="Kept for later", id=1234567890123456789)
    page = f"<html><body>{wrap.format(post)}</body></html>".encode()
    (embed,) = find_posts(page, content_type="text/html").embeds
    assert page[embed.raw_start : embed.raw_end] == post.encode()


def test_an_element_whose_attributes_disagree_is_not_found() -> None:
    root = parse("<html><body><div class=b>1</div>")
    assert Locator(b"<html><body><div class=a>1</div>", root).locate(root.css("div")[0]) is None


def test_unclosed_element_has_no_range() -> None:
    data = b"<html><body><blockquote class=x>never closed"
    root = parse(data.decode())
    assert Locator(data, root).locate(root.css("blockquote")[0]) is None


def test_an_element_moved_out_of_a_table_is_never_given_another_ones_bytes() -> None:
    """Foster parenting puts the second blockquote (written between rows) before the table:
    in the tree it comes first, in the bytes second. Neither may get the other's range."""
    first = b'<blockquote class="twitter-tweet">A</blockquote>'
    second = b'<blockquote class="twitter-tweet">B</blockquote>'
    data = b"<html><body><table><tr><td>" + first + b"</td></tr>" + second + b"</table>"
    root = parse(data.decode())
    quotes = root.css("blockquote")
    assert [q.text() for q in quotes] == ["B", "A"]  # the tree's order
    assert Locator(data, root).locate_all(quotes) == [None, None]


def test_tables_are_located_at_their_own_tags_nested_or_not() -> None:
    """A table's own start tag counts the tables around it, as its element's ancestors do:
    it was counted as one more, so no table of a page was ever located."""
    inner = b'<table class="card"><tr><td>inner</td></tr></table>'
    outer = b"<table><tr><td>" + inner + b"</td></tr></table>"
    data = b"<html><body>" + outer + b"<table><tr><td>after</td></tr></table></body></html>"
    root = parse(data.decode())
    tables = root.css("table")
    spans = Locator(data, root).locate_all(tables)
    assert [data[s:e] for s, e in (span or (0, 0) for span in spans)] == [
        outer,
        inner,
        b"<table><tr><td>after</td></tr></table>",
    ]


def test_a_placeholder_that_is_a_table_keeps_its_bytes() -> None:
    """An embed found on a ``<table>`` (a newsletter's layout) has its byte range."""
    box = b'<table class="tweet-embed" data-tweet-id="1771122334455667788"><tr><td>Loading'
    box += b"</td></tr></table>"
    data = b"<html><body><table><tr><td><p>News.</p>" + box + b"</td></tr></table></body></html>"
    (embed,) = find_posts(data).embeds
    assert embed.status_id == "1771122334455667788"
    assert embed.raw_start is not None and data[embed.raw_start : embed.raw_end] == box


def test_a_formatting_element_cloned_by_the_parser_is_not_located() -> None:
    """Misnested formatting markup makes the parser clone ``<a>`` (the adoption agency
    algorithm): the tree has more ``<a>`` elements than the bytes have tags."""
    data = b'<html><body><a href="https://x.com/a/status/1"><p>x</a>y</p><a href="/b">b</a>'
    root = parse(data.decode())
    anchors = root.css("a")
    assert len(anchors) == 3
    assert Locator(data, root).locate_all(anchors) == [None, None, None]


def test_tokenizer_follows_html5_comment_endings() -> None:
    data = b"<!--><b>a</b><!---><i>b</i><!-- x --!><u>c</u><? x ><s>d</s>"
    names = [t.name for t in tokenize(data) if t.kind == 1]
    assert names == ["b", "i", "u", "s"]


# Pieces of hostile markup: tags of the names detection asks for among others, raw-text
# elements, comments, attribute values with quotes, '=' and '<' in odd places.
PIECES = [
    *[b"<", b">", b"/", b"=", b'"', b"'", b" ", b"\n", b"\t", b"-", b"!", b"a", b"\xc3\xa9"],
    *[b"<!--", b"-->", b"--!>", b"<!-->", b"<!", b"<?", b"</", b"<1", b"<b<c", b"<!-- x -->"],
    *[b"<div", b"</div", b"<DIV", b"<blockquote", b"</BlockQuote", b"<amp-twitter", b"<a", b"</a"],
    *[b"<div>", b"</div>", b"<blockquote class=x>", b"</blockquote>", b"<a href='/'>", b"</a>"],
    *[b"<script", b"</SCRIPT", b"<scriptx", b"<iframe", b"</iframe", b"<title", b"<textarea"],
    *[b"<script>", b"</script>", b"<style>", b"</style >", b"<iframe src=x>", b"</iframe>"],
    *[b"<title>", b"</title>", b"<plaintext>", b"<xmp>", b"<noscript>", b"<template>"],
    *[b" class=", b'="', b"='", b"=x", b' a="<blockquote>"', b" a=b=", b' a ="', b" a/="],
    *[b"<noembed>", b"</noembed>", b"<NOFRAMES>", b"</textarea>", b"<s>", b"<st", b"</s"],
]
NAMES = ["blockquote", "div", "a", "amp-twitter", "script", "iframe", "title", "plaintext"]
NAMES += ["noscript", "template", "b<c", "style", "textarea", "s"]
markup = st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(markup, st.frozensets(st.sampled_from(NAMES)))
def test_the_tags_of_some_names_are_the_same_as_among_all_tags(
    data: bytes, names: frozenset[str]
) -> None:
    """Asking for some names skips the other tags in a pattern built for those names: it must
    see each tag exactly where the tokenizer of all tags does."""
    every = tokenize(data)
    assert tokenize(data, names=names) == [tag for tag in every if tag.name in names]
    middle = len(data) // 3
    every = tokenize(data, middle, 2 * middle)
    assert tokenize(data, middle, 2 * middle, names) == [t for t in every if t.name in names]


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b'<div a=b="x>y"><blockquote>', [15]),  # a plain value holds the quote
        (b'<div ="x><blockquote>">', [9]),  # an '=' that opens a name: no value follows
        (b'<div a="x"="y><blockquote>">', [14]),  # the same after a quoted value
        (b'<div a ="<blockquote>">', []),  # spaces before and after the '=': still a value
        (b'<div a= "<blockquote>">', []),
        (b'<div a/="<blockquote>">', []),  # after '/', '=' opens a name that ends at '>'
        (b"<div a='<blockquote>'>", []),
        (b"<blockquote\n\ta = x>", [0]),
    ],
)
def test_attribute_forms_decide_where_a_tag_ends(data: bytes, found: list[int]) -> None:
    tags = tokenize(data, names=frozenset({"blockquote"}))
    assert [tag.start for tag in tags] == found


ATTRIBUTE_PIECES = [b" ", b"\n", b"/", b"=", b'"', b"'", b"<", b">", b"a", b"b", b"=x", b' a="<b>"']
attribute_text = st.lists(st.sampled_from(ATTRIBUTE_PIECES)).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(attribute_text)
def test_the_common_attribute_form_ends_where_the_general_one_does(text: bytes) -> None:
    """Where the quick form of a tag's attributes reaches a '>', the general form (the HTML5
    attribute states) ends the tag at that same '>'."""
    common = re.compile(_ATTRS_COMMON + b">").match(text)
    if common is not None:
        general = re.compile(_ATTRS_ANY + b">").match(text)
        assert general is not None and general.end() == common.end()


def test_an_unterminated_tag_at_the_end_reads_the_rest_once() -> None:
    """Each later '<' of an unterminated last tag read its attributes to the end again:
    quadratic (0.9 CPU-s for 15 KB, an hour for 1 MB). Now the end of the page inside a tag
    ends the tokens, as in an HTML5 tokenizer."""
    embed = (
        b'<blockquote class="twitter-tweet"><p>hi</p>&mdash; A (@a) '
        b'<a href="https://twitter.com/a/status/1234567890123456789">May 1, 2020</a></blockquote>'
    )
    page = b"<html><body><p>x</p>" + embed + b"<p>" + b"<a " * 100_000
    assert [t.name for t in tokenize(page, names=frozenset({"a", "p"}))][-1] == "p"
    started = time.process_time()
    (found,) = find_posts(page, content_type="text/html").embeds
    assert time.process_time() - started < 10  # about 0.05 s; quadratic, it was hours
    assert page[found.raw_start : found.raw_end] == embed


def test_plaintext_makes_the_rest_of_the_page_text() -> None:
    data = b"<p>a</p><PLAINTEXT class=x><p>b</p></plaintext><p>"
    assert [t.start for t in tokenize(data, names=frozenset({"p", "plaintext"}))] == [0, 4]
    assert [t.start for t in tokenize(data)] == [0, 4]


def test_a_raw_text_element_asked_for_ends_at_its_end_tag_in_any_case() -> None:
    data = b"<SCRIPT type=x><b></Script ><b>"
    got = [
        (t.kind, t.name, t.start, t.end) for t in tokenize(data, names=frozenset({"script", "b"}))
    ]
    assert got == [(1, "script", 0, 15), (2, "script", 18, 28), (1, "b", 28, 31)]


def test_names_are_whole_names_matched_literally() -> None:
    data = b"<blockquote><b></b><axb><a.b></B>"
    assert [t.start for t in tokenize(data, names=frozenset({"b", "a.b"}))] == [12, 15, 24, 29]
    assert tokenize(data, names=frozenset({"B", "1x"})) == []  # no tag has those names


def test_names_that_start_with_every_letter_leave_no_tag_to_the_ordinary_skip() -> None:
    """With every first letter told apart, the skip has no letter of its own left."""
    names = frozenset("abcdefghjklmoqruvwyz")  # with the raw-text names: all 26 letters
    data = b"<a><b x=1></a><title>t</title><zz><q>"
    every = tokenize(data)
    assert tokenize(data, names=names) == [tag for tag in every if tag.name in names]
    assert [tag.name for tag in tokenize(data, names=names)] == ["a", "b", "a", "q"]


@given(st.lists(st.text(alphabet="ab\r ", max_size=5), min_size=1, max_size=6), st.data())
def test_line_span_covers_exactly_the_lines(lines: list[str], data: st.DataObject) -> None:
    first = data.draw(st.integers(0, len(lines) - 1))
    last = data.draw(st.integers(first, len(lines) - 1))
    page = "\n".join(lines).encode()
    span = line_span(page, first, last)
    assert span is not None
    assert page[span[0] : span[1]] == "\n".join(lines[first : last + 1]).encode()


@given(
    st.lists(st.text(alphabet="ab\r ", max_size=5), min_size=1, max_size=8),
    st.booleans(),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3)), max_size=8),
)
def test_line_spans_asked_in_any_order_give_each_range_alone(
    lines: list[str], bom: bool, asked: list[tuple[int, int]]
) -> None:
    """The cursor walks on from its last answer and starts again when asked an earlier line:
    every answer is ``line_span``'s of that range alone, None past the text's end."""
    page = (b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode()
    spans = LineSpans(page)
    for first, more in asked:
        last = first + more
        expected = None
        if last < len(lines):
            text = "\n".join(lines[first : last + 1]).encode()
            expected_start = len("\n".join(lines[:first]).encode()) + (1 if first else 0)
            expected_start += 3 if bom else 0
            expected = (expected_start, expected_start + len(text))
        assert spans.span(first, last) == expected == line_span(page, first, last)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_find_posts_gives_each_embed_the_exact_bytes_of_its_markup() -> None:
    embed = (
        b"<BLOCKQUOTE class=twitter-tweet><p lang=en>Caf\xc3\xa9 &amp; more</p>&mdash; Ada "
        b'(@ada) <a href="https://twitter.com/ada/status/20">March 1, 2024</a></BLOCKQUOTE>'
    )
    data = b"<html><head><meta charset=utf-8></head><body><p>intro</p>\n" + embed + b"\n</body>"
    (found,) = find_posts(data).embeds
    assert found.raw_start is not None and found.raw_end is not None
    assert data[found.raw_start : found.raw_end] == embed
    assert found.raw == embed.decode("utf-8")


def test_find_posts_text_forms_cover_their_lines() -> None:
    data = (
        b"Intro line\r\n"
        b'Ada on X: "Reading season is open." / X\r\n'
        b"Reading season is open.\r\n"
        b"After\r\n"
    )
    (found,) = find_posts(data, html=False).embeds
    assert found.raw_start is not None and found.raw_end is not None
    assert data[found.raw_start : found.raw_end].decode() == found.raw
    assert found.raw.startswith("Ada on X")


def test_find_posts_in_a_legacy_charset_decodes_the_range_with_the_page_charset() -> None:
    embed = (
        '<blockquote class="twitter-tweet"><p>Café</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/77">May 1, 2024</a></blockquote>'
    ).encode("cp1252")
    data = b'<html><head><meta charset="windows-1252"></head><body>' + embed + b"</body>"
    (found,) = find_posts(data).embeds
    assert data[found.raw_start : found.raw_end] == embed  # type: ignore[misc]
    assert "Café" in found.raw


@pytest.mark.parametrize(
    ("codec", "plain"),
    [("utf-16", "utf-16-le"), ("utf-16-le", None), ("utf-16-be", None)],
)
def test_utf16_pages_get_ranges_in_their_own_bytes(codec: str, plain) -> None:
    """A byte-order mark (``plain`` is then the order Python wrote) or a declared charset."""
    embed = (
        '<blockquote class="twitter-tweet"><p>Caf\u00e9 \U0001f600</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/77">May 1, 2024</a></blockquote>'
    )
    page = f"<html><head><title>t</title></head><body>\n<p>x</p>{embed}</body></html>"
    data = page.encode(codec)
    content_type = None if plain else f"text/html; charset={codec}"
    (found,) = find_posts(data, content_type=content_type).embeds
    assert found.raw_start is not None and found.raw_end is not None
    exact = data[found.raw_start : found.raw_end]
    assert exact.decode(plain or codec) == embed == found.raw
    assert found.raw_sha256 == hashlib.sha256(exact).hexdigest()


@pytest.mark.skipif(not REAL.is_dir(), reason=absent(REAL))
def test_every_markup_embed_of_the_real_corpus_is_located() -> None:
    """The hand-checked pages of ../shared/corpus/real: each markup embed has the exact
    bytes of its markup (start tag to end tag, its post's ID among them)."""
    located = 0
    for path in sorted(REAL.glob("*.html")):
        data = path.read_bytes()
        for embed in find_posts(data).embeds:
            if embed.method in ("text", "link"):
                continue
            assert embed.raw_start is not None, (path.name, embed.position)
            exact = data[embed.raw_start : embed.raw_end]
            assert exact.startswith(b"<") and exact.endswith(b">")
            assert embed.status_id is None or embed.status_id.encode() in exact
            located += 1
    assert located > 100


def test_a_tag_name_the_parser_rewrote_is_not_looked_for() -> None:
    """HTML5 turns a NUL in a tag name into U+FFFD, which no byte of the page spells."""
    assert tokenize(b"<h\x00 x><p>a</p>", names=frozenset({"h\ufffd", "p"})) == tokenize(
        b"<h\x00 x><p>a</p>", names=frozenset({"p"})
    )


POST = (
    '<blockquote class="twitter-tweet"><p>{text}</p>&mdash; A (@a) '
    '<a href="https://twitter.com/a/status/{id}">May 1, 2020</a></blockquote>'
)


@pytest.mark.parametrize(
    "foreign", ["<svg><style>{}</style></svg>", "<math><title>{}</title></math>"]
)
def test_an_element_is_never_given_the_bytes_of_another_post(foreign: str) -> None:
    """In SVG and MathML, <style> and <title> hold markup (the byte tokenizer takes them for
    raw text), and '<!--<script>' inside a script starts its double-escaped state (the
    tokenizer sees tags there). Once each, the counts agree and the ranks pair post 222 with
    post 111's markup; the located bytes are checked, so it gets no range instead."""
    real = foreign.format(POST.format(text="REAL", id=222))
    fake = "<script><!--<script></script>" + POST.format(text="FAKE", id=111) + "--></script>"
    page = f"<html><body>{real}\n{fake}</body></html>".encode()
    for embed in find_posts(page, content_type="text/html").embeds:
        if embed.raw_start is not None:
            shown = page[embed.raw_start : embed.raw_end]
            assert f"/status/{embed.status_id}".encode() in shown


@pytest.mark.parametrize(
    "fake",
    [
        "<script><!--<script></script>{}--></script>",
        "<svg><![CDATA[ > {} ]]></svg>",  # CDATA in SVG is text; the tokenizer sees a tag
    ],
)
def test_a_post_with_the_same_words_is_not_given_the_other_ones_bytes(fake: str) -> None:
    """Two posts with the same words differ in their links: those are compared too."""
    real = "<svg><title>" + POST.format(text="Same words", id=111) + "</title></svg>"
    other = fake.format(POST.format(text="Same words", id=999))
    page = f"<html><body>{real}{other}</body></html>".encode()
    for embed in find_posts(page, content_type="text/html").embeds:
        if embed.raw_start is not None:
            shown = page[embed.raw_start : embed.raw_end]
            assert f"/status/{embed.status_id}".encode() in shown


def _tokenizing(data: bytes, root: Element) -> Locator:
    """A locator that never takes the spellings' shortcut (the reference it must agree with)."""
    locator = Locator(data, root)
    locator._quick_find = lambda place: None  # type: ignore[method-assign]
    return locator


def test_start_tags_spelled_in_any_case_are_found_without_tokenizing() -> None:
    """``<amp-twitter`` also spells ``<a``; ``<BlockQuote`` is a blockquote: each name is
    counted on its own, in any case, and the page is not tokenized."""
    data = (
        b"<html><body><a href=/x>x</a><amp-twitter data-tweetid=1></amp-twitter>"
        b"<BlockQuote class=twitter-tweet>A</BLOCKQUOTE><blockquote class=twitter-tweet>B"
        b"<blockquote>C</blockquote></blockquote></body></html>"
    )
    root = parse(data.decode())
    wanted = [*root.css("blockquote"), *root.css("amp-twitter")]
    locator = Locator(data, root)
    got = locator.locate_all(wanted)
    assert [data[s:e] for s, e in got if s is not None] == [
        b"<BlockQuote class=twitter-tweet>A</BLOCKQUOTE>",
        b"<blockquote class=twitter-tweet>B<blockquote>C</blockquote></blockquote>",
        b"<blockquote>C</blockquote>",
        b"<amp-twitter data-tweetid=1></amp-twitter>",
    ]
    assert locator._tags == {}  # no region was tokenized
    assert got == _tokenizing(data, root).locate_all(wanted)


@pytest.mark.parametrize(
    "decoy",
    [
        b"<!-- <blockquote class=twitter-tweet>old</blockquote> -->",
        b"<script>s='<blockquote class=twitter-tweet>js</blockquote>'</script>",
        b"<div title='<blockquote class=twitter-tweet>'></div>",
        b"<table><tr><td>cell</td></tr></table>",
    ],
)
def test_a_spelling_that_is_not_an_element_sends_the_page_to_the_tokenizer(decoy: bytes) -> None:
    """A start tag spelled in a comment, a script or an attribute value (more spellings
    than elements), or a table (foster parenting may reorder): the page is tokenized (its
    start tags only, without a table)."""
    embed = b"<blockquote class=twitter-tweet>real</blockquote>"
    data = b"<html><body>" + decoy + embed + b"</body></html>"
    root = parse(data.decode())
    (el,) = [q for q in root.css("blockquote") if q.text() == "real"]
    locator = Locator(data, root)
    assert locator.locate(el) == (data.index(embed), data.index(embed) + len(embed))
    assert locator._tags != {} or locator._starts_only is not None


@pytest.mark.skipif(not REAL.is_dir(), reason=absent(REAL))
def test_the_spellings_shortcut_gives_the_tokenizers_ranges_on_real_pages() -> None:
    """Every element of the real pages the detector reports gets the same range either way."""
    from archiver.detect.html import find_embeds

    compared = 0
    for path in sorted(REAL.glob("*.html")):
        data = path.read_bytes()
        root = parse(data.decode("utf-8", "replace"))
        elements_found = [found.element for found in find_embeds(root, data)]
        got = Locator(data, root).locate_all(elements_found)
        assert got == _tokenizing(data, root).locate_all(elements_found), path.name
        compared += sum(span is not None for span in got)
    assert compared > 100


def test_start_tags_are_the_tokenizers_start_tags() -> None:
    data = (
        b"<html><body><div a='<div>'><!-- <div> --><DIV>x</DIV><script>'<div>'</script>"
        b"<iframe src=a><div></iframe><div/><textarea><div></textarea></div>"
    )
    names = frozenset({"div", "iframe", "textarea"})
    tokens = [t for t in tokenize(data, names=names) if t.kind == 1]
    found = spans.start_tags(data, names)
    assert {name: [t.start for t in tokens if t.name == name] for name in names} == found
    assert len(found["div"]) == 3


def test_thousands_of_nested_elements_in_a_table_are_counted_in_linear_time() -> None:
    """The table depth of each element of a located name was a walk to the top: 9,000
    nested divs in a table cell took 10 CPU-s. Generous bound: about 0.2 s now."""
    embed = b'<div class="twitter-tweet-placeholder" data-tweet-id="1234567890123456789"></div>'
    page = (
        b"<html><body><table><tr><td>"
        + b"<div>" * 9000
        + b"<p>text</p>"
        + embed
        + b"</div>" * 9000
        + b"</td></tr></table></body></html>"
    )
    started = time.process_time()
    (found,) = find_posts(page).embeds
    assert time.process_time() - started < 5
    assert page[found.raw_start : found.raw_end] == embed


def test_templates_nested_thousands_deep_cost_little_and_the_first_levels_are_read() -> None:
    """Filling 6,000 nested templates copied every level's content into the next: 14 CPU-s.
    The first 64 levels are filled (an embed 50 deep is still found, above)."""
    post = POST.format(text="Too deep", id=1234567890123456789)
    page = f"<html><body>{'<template>' * 6000}{post}{'</template>' * 6000}".encode()
    started = time.process_time()
    assert find_posts(page, content_type="text/html").embeds == []
    assert time.process_time() - started < 5
