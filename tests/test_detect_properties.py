"""Properties of detection and normalisation over generated and mutated input.

Whatever the bytes, ``find_posts`` returns (never raises), quickly, and every status ID it
reports is a decimal in (0, 2**63). ``clean_text`` is idempotent and fingerprints do not
depend on how a post's text was escaped, spaced or composed.
"""

from __future__ import annotations

import html
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.detect import find_posts
from archiver.detect.signature import ENGLISH_MONTHS, english_date, parse_date
from archiver.normalize import clean_text, fingerprint

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted((FIXTURES / "html").glob("*.html")) + sorted((FIXTURES / "text").glob("*"))
SEEDS = [p.read_bytes() for p in PAGES]
MAX_SECONDS = 10.0  # CPU seconds: catches runaway inputs, not one-off locale loading
# The first non-English signature date in a process loads dateparser's locale data (0.3-1 s,
# once): load it here, so that the bound above measures the cost of each input only.
parse_date("18. März 2025")

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,  # timing is asserted explicitly, with a generous bound for slow CI
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ids = st.one_of(
    st.from_regex(r"[0-9]{1,19}", fullmatch=True),
    st.from_regex(r"[0-9]{20,25}", fullmatch=True),
    st.sampled_from(["0", "00", "9223372036854775807", "9223372036854775808", "-1", "1e5"]),
)
handles = st.from_regex(r"@?[A-Za-z0-9_\\]{0,18}", fullmatch=True) | st.sampled_from(
    ["i", "intent", "i/web", "hashtag", "search"]
)
hosts = st.sampled_from(
    ["twitter.com", "x.com", "mobile.twitter.com", "fxtwitter.com", "nitter.net", "fox.com", ""]
)
urls = st.one_of(
    st.builds(lambda h, n, i: f"https://{h}/{n}/status/{i}", hosts, handles, ids),
    st.builds(lambda h, i: f"https://{h}/i/web/status/{i}", hosts, ids),
    st.builds(lambda i: f"https://platform.twitter.com/embed/Tweet.html?id={i}", ids),
    st.builds(lambda i: f"https://twitter.com/i/videos/tweet/{i}", ids),
    st.builds(lambda i: f"/media/oembed?url=https%3A//twitter.com/a/status/{i}", ids),
    st.builds(lambda i: f"https://x.com/intent/tweet?in_reply_to={i}", ids),
    st.sampled_from(["about:blank", "", "https://t.co/Ab12Cd34Ef", "javascript:void(0)"]),
)
words = st.one_of(
    st.text(max_size=30),
    urls,
    st.sampled_from(
        [
            "&mdash; Name (@handle) March 27, 2024",
            "— Dale (Coach) Marsh ⚽️ (@coach) May 2, 2024",
            'Ada on X: "Reading season is open." / X',
            'Ada on X (formerly Twitter): "Reading season… / X"',
            'Ada on Twitter: "text"',
            "pic.twitter.com/Qw12Er34Ty",
            "&amp;amp;&#39;&lt;blockquote class=twitter-tweet&gt;",
            "\u200b\ufeff\u202e",
            "\n\n",
        ]
    ),
)
classes = st.sampled_from(
    [
        "twitter-tweet",
        "twitter-video",
        "twitter-tweet twitter-tweet-rendered",
        "nojs-tweet",
        "react-tweet-theme",
        "wp-block-embed-twitter",
        "is-provider-twitter",
        "twitter-timeline",
        "twitter-share-button",
        "TwitterEmbedContainer",
        "tweet",
        "widget_twitter",
        "twitter-embed",
        "",
    ]
)
attributes = st.dictionaries(
    st.sampled_from(
        [
            "class",
            "href",
            "src",
            "data-src",
            "data-tweet-id",
            "data-tweetid",
            "data-id",
            "data-url",
            "data-oembed-url",
            "url",
            "cite",
            "title",
            "data-attrs",
            "data-component-name",
            "type",
            "placeholder",
        ]
    ),
    st.one_of(classes, urls, ids, words, st.just("Twitter2ToDOM"), st.just("text/plain")),
    max_size=4,
)
tags = st.sampled_from(
    [
        "div",
        "p",
        "blockquote",
        "iframe",
        "a",
        "figure",
        "amp-twitter",
        "twitterwidget",
        "template",
        "noscript",
        "script",
        "span",
        "oembed",
        "article",
        "time",
        "li",
        "ul",
        "br",
        "style",
    ]
)


def render(tag: str, attrs: dict[str, str], children: list[str]) -> str:
    rendered = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
    return f"<{tag}{rendered}>{''.join(children)}</{tag}>"


fragments = st.recursive(
    words,
    lambda inner: st.builds(render, tags, attributes, st.lists(inner, max_size=5)),
    max_leaves=40,
)
documents = st.builds(
    lambda body, doctype: f"{doctype}<html><head><title>t</title></head><body>{body}</body></html>",
    st.lists(fragments, max_size=6).map("".join),
    st.sampled_from(["<!DOCTYPE html>", "", "<?xml version='1.0'?>"]),
)


def check(data: bytes | str, **kwargs) -> None:
    start = time.thread_time()  # CPU time: it does not grow when the machine is busy
    detection = find_posts(data, **kwargs)
    assert time.thread_time() - start < MAX_SECONDS
    for position, embed in enumerate(detection.embeds):
        assert embed.position == position
        if embed.status_id is not None:
            assert embed.status_id.isascii() and embed.status_id.isdigit()
            assert 0 < int(embed.status_id) < 2**63
            assert embed.url and embed.url.endswith(f"/status/{embed.status_id}")
        if embed.method != "link":
            assert embed.post_id is None or embed.post_id.startswith(
                ("text:", embed.status_id or "@")
            )


@PROPERTY_SETTINGS
@given(documents, st.booleans())
def test_generated_html(document, include_links):
    check(document, include_links=include_links)
    check(document.encode("utf-8"), include_links=include_links)


@PROPERTY_SETTINGS
@given(st.lists(words, max_size=20).map("\n".join), st.booleans())
def test_generated_text(text, include_links):
    check(text, html=False, include_links=include_links)
    check(text, html=True, include_links=include_links)


@PROPERTY_SETTINGS
@given(st.binary(max_size=4000), st.sampled_from([None, "text/html", "text/html; charset=utf-16"]))
def test_arbitrary_bytes(data, content_type):
    check(data, content_type=content_type)
    check(data, content_type=content_type, html=False)


@st.composite
def mutated(draw) -> bytes:
    """A fixture with a few slices deleted, duplicated, swapped or replaced by junk."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        start = draw(st.integers(0, len(data) - 1))
        end = draw(st.integers(start, min(len(data), start + 200)))
        action = draw(st.sampled_from(["delete", "duplicate", "junk", "truncate", "swap"]))
        if action == "delete":
            del data[start:end]
        elif action == "duplicate":
            data[start:start] = data[start:end] * draw(st.integers(1, 20))
        elif action == "junk":
            data[start:end] = draw(st.binary(max_size=40))
        elif action == "truncate":
            del data[start:]
        else:
            data[start:end] = bytes(reversed(data[start:end]))
    return bytes(data)


@PROPERTY_SETTINGS
@given(mutated(), st.booleans())
def test_mutated_fixtures(data, include_links):
    check(data, include_links=include_links)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(2, 60))
def test_deep_nesting_and_repetition(seed, times):
    page = b"<div>" * (times * 50) + seed * times + b"</div>" * (times * 50)
    check(page)


texts = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(["&", "amp;", "&#39;", "#", ";", "\u200b", "\u0301", " ", "\n", "\r"]),
    ),
    max_size=80,
).map("".join)


@PROPERTY_SETTINGS
@given(texts)
def test_clean_text_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


@PROPERTY_SETTINGS
@given(texts, texts)
def test_fingerprint_stable(author, text):
    fp = fingerprint(author, text)
    assert fp is None or (fp.startswith("text:") and len(fp) == 21)
    assert fingerprint(author, text) == fp
    assert fingerprint(author, clean_text(text)) == fp
    assert fingerprint(clean_text(author), text) == fp
    assert fingerprint(author, html.escape(text)) == fp
    assert fingerprint(author, unicodedata.normalize("NFD", text)) == fp
    assert fingerprint(f"  {author} ", f"\n {text}  \n") == fp


def test_control_character_in_a_tag_name_of_an_embed():
    """libxml2 keeps ``<h\x01blockquote`` as a tag name, which lxml refuses as an iter()
    filter; the byte-range locator must still place the embed (found by Hypothesis)."""
    page = (
        b'<html><body><p>Intro</p><h\x01blockquote class="twitter-tweet"><p>Hi</p>&mdash; A'
        b' (@a) <a href="https://twitter.com/a/status/20">March 21, 2006</a></h\x01blockquote>'
        b"</body></html>"
    )
    check(page, include_links=False)
    assert [e.status_id for e in find_posts(page).embeds] == ["20"]


def _strptime_date(value: str) -> date | None:
    try:
        return datetime.strptime(" ".join(value.replace(",", ", ").split()), "%B %d, %Y").date()
    except ValueError:
        return None


month_names = st.sampled_from(list(ENGLISH_MONTHS)).flatmap(
    lambda name: st.sampled_from([name, name.upper(), name.title()])
)
english_dates = st.builds(
    "{}{}{}{}{}".format,
    st.one_of(month_names, st.sampled_from(["Mar", "Sept", "Mai", "Marchh", ""])),
    st.sampled_from([" ", " ", " ", "  ", "\t", "", ", "]),
    st.one_of(
        st.integers(1, 31).map(str),
        st.integers(0, 40).map(str),
        st.sampled_from(["01", "09", "007", "00", "3 1", "٣"]),
    ),
    st.sampled_from([", ", ", ", ", ", ",", " , ", " ", ",  ", ""]),
    st.one_of(
        st.integers(2006, 2100).map(str),
        st.integers(0, 12000).map(str),
        st.sampled_from(["2025 ", "02025", "0000", "２０２５"]),
    ),
)


@settings(max_examples=2000, deadline=None)
@given(english_dates)
def test_english_dates_read_as_strptime_reads_them(value: str) -> None:
    """The month-name table reads exactly what ``strptime(…, "%B %d, %Y")`` reads."""
    assert english_date(value) == _strptime_date(value)
