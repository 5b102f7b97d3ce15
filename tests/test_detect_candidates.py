"""The CSS search finds exactly what a walk over every element finds, in order.

The walk below is the specification (it was the detector's search, over lxml, until one CSS
selector answered by Lexbor replaced it for speed): every element of the tree is tested in
Python against the candidate rules. The selector needs the attribute names, which
``candidates`` reads from the markup; every fixture page, the real pages and generated
documents are checked, under every combination of hints.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from shared_corpus import REAL, absent
from test_detect_properties import documents

from archiver.decode import decode
from archiver.detect.candidates import (
    attribute_names,
    candidates,
    markup_names,
    selector,
    words_in_text,
)
from archiver.detect.dom import Node, parse
from archiver.detect.hidden import expand_hidden_markup
from archiver.detect.prefilter import BASE64_MARKERS, PageHints, survey

FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.htm*"))
HINT_SETS = [
    PageHints(id_attributes=ids, text_urls=urls, scripts=scripts, encoded=encoded)
    for ids, urls, scripts, encoded in itertools.product((False, True), repeat=4)
]
ENCODED = [marker.decode() for marker in BASE64_MARKERS]
TEXT = ("/status", "[tweet", "=twitter]")  # the words of the text tests, but the generators'


def _text_children(el: Node) -> list[str]:
    """Each run of text between child elements and comments."""
    runs, current = [], ""
    for child in el.iter(include_text=True):
        if child.is_text_node:
            current += child.text_content or ""
        else:
            runs.append(current)
            current = ""
    return [*runs, current]


SCRIPT_SYNTAX = set("()\"'\\+;,{}!?&|%$^~`<")  # in no name markup writes: not an attribute


def accepted(el: Node, hints: PageHints) -> bool:
    values = [v or "" for n, v in el.attributes.items() if not SCRIPT_SYNTAX & set(n)]
    if el.tag == "blockquote" or any(w in v for v in values for w in ("status", "weet", "witter")):
        return True
    x_figure = {"wp-block-embed-x", "is-provider-x"} & set(
        (el.attributes.get("class") or "").split()
    )
    if el.tag == "figure" and x_figure:
        return True
    ids = any(
        name in el.attributes for name in ("data-tweet-id", "data-tweetid", "data-tweet", "tweetid")
    )
    ids = ids or el.tag == "embetty-tweet"  # heise's Embetty: its ID is in ``status``
    words = ("/status", "[tweet", *(("{{<", "{%") if hints.generators else ()))
    text_url = any(word in t for t in _text_children(el) for word in words)
    script = el.tag == "script" and "createTweet" in el.text()
    lead = _text_children(el)[0]
    encoded = any(marker in v for v in [*values, lead] for marker in ENCODED)
    return (
        (hints.id_attributes and ids)
        or (hints.text_urls and text_url)
        or (hints.scripts and script)
        or (hints.encoded and encoded)
    )


def reference(root: Node, hints: PageHints) -> list[int]:
    return [el.mem_id for el in root.traverse() if el.is_element_node and accepted(el, hints)]


def assert_same(markup: str, hints_sets: list[PageHints]) -> None:
    root = parse(markup)
    fragments = expand_hidden_markup(root)
    source = b"\n".join([markup.encode("utf-8", "surrogatepass"), *(f.source for f in fragments)])
    for hints in hints_sets:
        found = [el.mem_id for el in candidates(root, source, hints)]
        assert found == reference(root, hints), hints


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_pages(path):
    assert_same(decode(path.read_bytes()), HINT_SETS)


@pytest.mark.skipif(not REAL.is_dir(), reason=absent(REAL))
def test_real_pages_with_their_own_hints():
    for path in sorted(REAL.glob("*.html")):
        data = path.read_bytes()
        assert_same(decode(data), [survey(data), HINT_SETS[-1]])


def test_text_children_and_tails_count_for_their_parent():
    markup = (
        "<html><body><p>see <b>this</b> https://x.com/a/status/1 now</p>"
        "<div><!-- c -->[tweet 2]</div><script>twttr.widgets.createTweet('3')</script>"
        "<span data-tweet=''></span><li>{{&lt; tweet 4 &gt;}}</li><dd>{% tweet 5 %}</dd>"
        "</body></html>"
    )
    root = parse(markup)
    found = candidates(root, markup.encode(), HINT_SETS[-1])
    assert [el.tag for el in found] == ["p", "div", "script", "span", "li", "dd"]
    no_generator = HINT_SETS[-1]._replace(generators=False)  # none on the page
    assert [el.tag for el in candidates(root, markup.encode(), no_generator)][4:] == []
    assert candidates(root, markup.encode(), HINT_SETS[0]) == []  # none without their hint


@pytest.mark.parametrize(
    ("markup", "held"),
    [
        ("<p>see https://x.com/a/status/1</p><p>tweets [are] twitter</p>", {"/status"}),
        # Written with a character reference: the bytes lack the word, the text holds it.
        ("<p>x.com/a/status/1</p><div>&#91;tweet 2]</div>", {"/status", "[tweet"}),
        ("<div>[twe<b>et 3]</b> [embed]x.com/a/status/3[/embed=twitter]</div>", set(TEXT)),
        ("<p>nothing here</p>", set()),
    ],
)
def test_text_tests_are_made_only_for_the_words_the_text_holds(markup, held):
    """A ``:lexbor-contains`` test matches by an element's own text node, all of which are
    in the root's text: a word that text lacks matches nothing, so its test (a pass over
    every element) is left out, and the candidates stay those of the walk."""
    root = parse(markup)
    hints = HINT_SETS[-1]._replace(generators=False)
    assert words_in_text(root, hints) == held
    tested = selector(hints, attribute_names(markup.encode()), set(), words_in_text(root, hints))
    assert {w for w in TEXT if f'contains("{w}")' in tested} == held
    assert {w for w in TEXT if f'contains("{w}")' in selector(hints, [], set())} == set(TEXT)
    assert_same(markup, [hints, HINT_SETS[-1]])


def test_attribute_names_are_read_around_every_quoting():
    markup = (
        b"<a href=\"https://x.com/a/status/1\" data-x='tweet' title = https://twitter.com/b"
        b' :class="{weet: 1}" onclick="f(\'status\')">'
    )
    names = {name for name, _ in attribute_names(markup)}
    assert {"href", "data-x", "title", ":class", "onclick"} <= names


def test_odd_attribute_names_still_make_a_valid_selector():
    markup = '<div 1x="twitter" a.b="status" x:y="weet" é="witter">t</div>'
    root = parse(markup)
    assert [el.tag for el in candidates(root, markup.encode(), HINT_SETS[0])] == ["div"]


def test_names_read_in_script_code_are_no_selectors_and_no_attributes():
    """``f("x");g="…status…"`` in a script gives the name ``f("x");g``: no selector part (each
    costs a pass over the page), and an element so named (broken markup) is no candidate."""
    markup = (
        '<script>f("x");g="https://x.com/a/status/1"</script>'
        '<div a?b="https://x.com/a/status/2">t</div><p data-u="https://x.com/a/status/3">u</p>'
    )
    names = attribute_names(markup.encode())
    assert ("data-u", "status") in names and any("?" in name for name, _ in names)
    assert markup_names(names) == [pair for pair in names if not SCRIPT_SYNTAX & set(pair[0])]
    assert "?" not in selector(HINT_SETS[0], names, set())
    root = parse(markup)
    assert [el.tag for el in candidates(root, markup.encode(), HINT_SETS[0])] == ["p"]


def test_a_name_in_another_encoding_makes_every_element_a_candidate():
    markup = '<p>x</p><div dätä="https://x.com/a/status/1">t</div>'
    root = parse(markup)
    found = candidates(root, markup.encode("latin-1"), HINT_SETS[0])
    assert [el.tag for el in found] == ["div"]


@settings(max_examples=150, deadline=None)
@given(documents)
def test_generated_documents(document):
    assert_same(document, [HINT_SETS[0], HINT_SETS[-1]])
