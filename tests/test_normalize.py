"""Text normalisation (reference/x-embeds.md §4): clean text, media, titles, fingerprints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archiver.detect import find_posts
from archiver.normalize import (
    clean_text,
    comparable,
    fingerprint,
    is_truncated,
    same_text,
    sha256_hex,
    split_media,
    strip_title_wrapper,
    unescape,
)

FIXTURES = Path(__file__).parent / "fixtures"

MESSY = [
    "",
    "plain",
    "  leading and trailing  ",
    "it&#39;s &amp; &quot;quoted&quot; &mdash; done",
    "double &amp;amp; escaped &amp;#39;",
    "zero\u200bwidth\u200c join\u200d er\ufeff\u2060",
    "cafe\u0301 (decomposed)",
    "tabs\tand\u00a0nbsp   runs",
    "line one  \n  line two\r\nline three\rline four",
    "para one\n\n\n\n\npara two",
    "\n\n  \n",
    "emoji 🎙 and RTL افتتاح and 日本語",
]


@pytest.mark.parametrize("text", MESSY)
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ""),
        ("", ""),
        ("it&#39;s &amp; &quot;quoted&quot;", 'it\'s & "quoted"'),
        ("double &amp;amp; escaped", "double & escaped"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("cafe\u0301", "café"),
        ("tabs\tand\u00a0nbsp   runs", "tabs and nbsp runs"),
        ("line one  \n  line two\r\nline three", "line one\nline two\nline three"),
        ("para one\n\n\n\npara two", "para one\n\npara two"),
        ("  \n padded \n  ", "padded"),
    ],
)
def test_clean_text(text, expected):
    assert clean_text(text) == expected


def test_unescape_stops():
    assert unescape("&amp;amp;amp;amp;amp;amp;amp;") == "&"
    assert unescape("&am\u200bp;lt;") == "<"
    assert unescape("no entities") == "no entities"


@pytest.mark.parametrize(
    ("text", "body", "media"),
    [
        ("Hail today pic.twitter.com/Qw12Er34Ty", "Hail today", ("pic.twitter.com/Qw12Er34Ty",)),
        (
            "Two photos https://pic.twitter.com/Qw12Er34Ty pic.x.com/Zx98Cv76Bn",
            "Two photos",
            ("https://pic.twitter.com/Qw12Er34Ty", "pic.x.com/Zx98Cv76Bn"),
        ),
        ("pic.twitter.com/Qw12Er34Ty", "", ("pic.twitter.com/Qw12Er34Ty",)),
        ("Link in middle pic.twitter.com/Qw12Er34Ty then text", None, ()),
        ("Plain text", "Plain text", ()),
        ("Regular link https://t.co/Ab12Cd34Ef", "Regular link https://t.co/Ab12Cd34Ef", ()),
    ],
)
def test_split_media(text, body, media):
    got_body, got_media = split_media(text)
    assert got_body == (text if body is None else body)
    assert got_media == media


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ('"Reading season is open." / X', "Reading season is open."),
        ('"Reading season is open / X"', "Reading season is open"),
        ('"Reading season is open." / Twitter', "Reading season is open."),
        ("“Reading season is open.”", "Reading season is open."),
        ("Reading season is open.", "Reading season is open."),
    ],
)
def test_strip_title_wrapper(title, text):
    assert strip_title_wrapper(title) == text


def test_truncation_and_prefix_comparison():
    assert is_truncated("Three weeks without…")
    assert is_truncated("Three weeks without...")
    assert not is_truncated("Three weeks without water.")
    full = "Three weeks without hot water. https://t.co/Ab12Cd34Ef"
    assert same_text(full, "Three weeks without…")
    assert same_text(full, "three   WEEKS without hot water.")
    assert not same_text(full, "Three weeks without")  # not truncated: must match whole
    assert not same_text(full, "")
    assert not same_text("", full)


def test_comparable_drops_urls_case_and_spacing():
    assert comparable("Hello  World https://t.co/Ab12Cd34Ef pic.twitter.com/X") == "hello world"


def test_fingerprint_shape_and_stability():
    fp = fingerprint("Ada Loomfield", "Reading season is open.")
    assert re.fullmatch(r"text:[0-9a-f]{16}", fp)
    assert fp == fingerprint("ada  loomfield", "Reading   season is open.")
    assert fp == fingerprint("Ada Loomfield", "Reading season is open. https://t.co/Ab12Cd34Ef")
    assert fp == fingerprint("Ada Loomfield", "Reading season is open. pic.twitter.com/Qw12Er34Ty")
    assert fp == fingerprint("Ada Loomfield", "Reading season&nbsp;is open.")
    assert fp != fingerprint("Other Person", "Reading season is open.")
    assert fp != fingerprint("Ada Loomfield", "Reading season is closed.")
    assert fingerprint("Ada Loomfield", "") is None
    assert fingerprint("Ada Loomfield", None) is None
    assert fingerprint(None, "Text") == fingerprint("", "Text")


@pytest.mark.parametrize(
    "title_form",
    [
        'Lumen Theatre on X: "Opening night sold out in four minutes." / X',
        'Lumen Theatre on X (formerly Twitter): "Opening night sold out in four minutes. / X"',
        'Lumen Theatre on Twitter: "Opening night sold out in four minutes." / Twitter',
    ],
)
def test_fingerprint_same_across_blockquote_and_title_forms(title_form):
    """The same post seen as publish markup and as a title line has one fingerprint."""
    (markup,) = find_posts((FIXTURES / "html" / "bq_plus_iframe.html").read_bytes()).embeds
    (titled,) = find_posts(f"Intro.\n\n{title_form}\n\nOutro.\n", html=False).embeds
    assert titled.status_id is None
    assert titled.fingerprint == markup.fingerprint
    assert titled.post_id == markup.fingerprint


def test_fingerprint_same_across_embedly_title_and_signature_text():
    (iframe,) = find_posts((FIXTURES / "html" / "medium_embedly.html").read_bytes()).embeds
    text = "Write the draft badly first. Fix it later.\n— Quill & Moss (@quillandmoss) May 2, 2024"
    (flat,) = find_posts(text, html=False).embeds
    assert flat.post_id == iframe.fingerprint


def test_sha256_hex():
    assert sha256_hex("abc") == sha256_hex(b"abc")
    assert sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_fingerprint_of_text_with_a_lone_surrogate():
    # JSON replies can carry "\ud800"; the fingerprint must not raise on it.
    from archiver.normalize import fingerprint

    assert fingerprint("", "\ud800").startswith("text:")
