"""The candidate walk finds exactly what the XPath union it replaced found, in order.

The XPath expressions below are the specification (they were the detector's search until
the walk in ``archiver/detect/candidates.py`` replaced them for speed): every fixture page
and generated documents are checked against them, under every combination of hints.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from lxml import etree
from test_detect_properties import documents

from archiver.decode import decode
from archiver.detect.candidates import candidates
from archiver.detect.hidden import expand_hidden_markup
from archiver.detect.html import parse
from archiver.detect.prefilter import BASE64_MARKERS, PageHints, survey

CORE = (
    "//blockquote | //*[@*[contains(., 'status') or contains(., 'weet') or contains(., 'witter')]]"
)
IDS = "//*[@data-tweet-id or @data-tweetid or @data-tweet]"
TEXT_URLS = "//text()[contains(., '/status') or contains(., '[tweet')]/.."
SCRIPTS = "//script[contains(., 'createTweet')]"
ENCODED = "//*[@*[{}]]".format(
    " or ".join(f"contains(., '{marker.decode()}')" for marker in BASE64_MARKERS)
)

FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.htm*"))
REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
HINT_SETS = [
    PageHints(id_attributes=ids, text_urls=urls, scripts=scripts, encoded=encoded)
    for ids, urls, scripts, encoded in itertools.product((False, True), repeat=4)
]


def reference(root: etree._Element, hints: PageHints) -> list[etree._Element]:
    parts = [CORE] + [IDS] * hints.id_attributes + [TEXT_URLS] * hints.text_urls
    parts += [SCRIPTS] * hints.scripts + [ENCODED] * hints.encoded
    return etree.XPath(" | ".join(parts))(root)


def assert_same(markup: str, hints_sets: list[PageHints]) -> None:
    root = parse(markup)
    expand_hidden_markup(root)
    for hints in hints_sets:
        assert candidates(root, hints) == reference(root, hints), hints


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_pages(path):
    assert_same(decode(path.read_bytes()), HINT_SETS)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real is absent")
def test_real_pages_with_their_own_hints():
    for path in sorted(REAL.glob("*.html")):
        data = path.read_bytes()
        assert_same(decode(data), [survey(data), HINT_SETS[-1]])


def test_text_children_and_tails_count_for_their_parent():
    markup = (
        "<html><body><p>see <b>this</b> https://x.com/a/status/1 now</p>"
        "<div><!-- c -->[tweet 2]</div><script>twttr.widgets.createTweet('3')</script>"
        "<span data-tweet=''></span></body></html>"
    )
    root = parse(markup)
    found = candidates(root, HINT_SETS[-1])
    assert [el.tag for el in found] == ["p", "div", "script", "span"]
    assert candidates(root, HINT_SETS[0]) == []  # none of them without their hint


@settings(max_examples=150, deadline=None)
@given(documents)
def test_generated_documents(document):
    assert_same(document, [HINT_SETS[0], HINT_SETS[-1]])
