"""The judge's shortcut for a class-less ``<meta>``, ``<img>``… without an id or data-*
attribute (only markup kept in an attribute is read) decides as the full tests do."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from shared_corpus import REAL

from archiver.detect import html
from archiver.detect.dom import Node, parse

FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.htm*"))
PAGES = FIXTURES + (sorted(REAL.glob("*.html")) if REAL.is_dir() else [])
STATUS = "https://twitter.com/jack/status/20"
EMBED = f'<blockquote class="twitter-tweet"><a href="{STATUS}">March 21, 2006</a></blockquote>'
ELEMENTS = [
    f'<meta name="twitter:url" content="{STATUS}">',
    f'<img src="{STATUS}" alt="tweet">',
    f'<img data-tweet-id="20" src="x.png" alt="{STATUS}">',
    f'<video data-src="{STATUS}"></video>',
    '<meta id="twitter-embed" content="20 tweet">',
    '<img class="twitter-tweet" data-id="20" alt="tweet">',
    f'<img data-react-props=\'{{"tweetId": "20"}}\' data-react-class="Tweet" alt="{STATUS}">',
    f'<meta itemprop="embed" content="{base64.b64encode(EMBED.encode()).decode()}">',
    f'<link rel="alternate" title="tweet" href="{EMBED.replace(chr(34), "&quot;")}">',
    f'<source data-embed="{EMBED.replace(chr(34), "&quot;")}">',
]


def _judged(elements: list[Node]) -> list[tuple | None]:
    found = [html.judge(el) for el in elements]
    return [(f.method, f.status_id, f.handle, f.text) if f else None for f in found]


def _compare(root: Node, monkeypatch: pytest.MonkeyPatch) -> list[tuple | None]:
    elements = [el for el in root.css("*") if el.tag in html.UNADDRESSED_TAGS]
    shortcut = _judged(elements)
    with monkeypatch.context() as patched:
        patched.setattr(html, "unmarked", lambda el: False)  # every test runs
        assert shortcut == _judged(elements)
    return shortcut


def test_made_up_elements(monkeypatch: pytest.MonkeyPatch) -> None:
    page = "<html><body><article>" + "".join(f"<p>{e}</p>" for e in ELEMENTS) + "</article>"
    found = _compare(parse(page), monkeypatch)
    assert sum(hit is not None for hit in found) >= 4  # the ones with ids and kept markup


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare(parse(path.read_bytes().decode("utf-8", "replace")), monkeypatch)
