"""``iter_statuses`` skips a pattern only when the text cannot hold its literal word: it
finds what trying all three patterns finds, whatever the case or script of the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver import urls
from archiver.urls import iter_statuses

PIECES = [
    "https://", "//", "twitter.com/", "TWITTER.COM/", "x.com/", "nitter.net/", "jack",
    "/status/", "/STATUS/", "/ſtatus/", "/statuses/", "statuses/", "/i/web/status/", "20",
    "1234567890123456789", "platform.twitter.com/embed/Tweet.html?id=", "PLATFORM.TWITTER.COM/",
    "embed/index.html?a=1&id=", "twitter.com/i/videos/tweet/", "twitter.com/i/videos/",
    "twitter.com/i/cards/tfw/v1/",
    "twıtter.com/", "twİtter.com/", "%2F", "\\/", " ", "?s=20", "é", "a.b-", "\u212a",
]  # fmt: skip


def _all_patterns(text: str) -> list[tuple[str, str | None]]:
    """The reference: every pattern tried on the text as ``iter_statuses`` prepares it."""
    if "%" in text and ("%2F" in text or "%2f" in text):
        text = urls.unquote(text)
    text = text.replace("\\/", "/")
    patterns = (urls.STATUS_URL_RE, urls.EMBED_IFRAME_RE, urls.VIDEO_IFRAME_RE)
    matches = sorted((m for p in patterns for m in p.finditer(text)), key=lambda m: m.start())
    found = [
        (urls.canonical_id(m.group("id")), m.groupdict().get("handle"))
        for m in matches
        if urls.ascii_address(m)
    ]
    return [(post_id, urls.clean_handle(handle)) for post_id, handle in found if post_id]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_the_same_statuses_as_every_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert list(iter_statuses(text)) == _all_patterns(text)


def test_letters_that_match_ascii_ones_in_any_case_name_no_post() -> None:
    """``re.I`` matches ``ſ`` to ``s`` and ``ı`` to ``i``: X's addresses are ASCII, so an
    address holding one names no post; a frame's query may hold any letter."""
    assert list(iter_statuses("https://twitter.com/jack/ſtatus/20")) == []
    assert list(iter_statuses("twıtter.com/i/videos/tweet/20")) == []
    frame = "platform.twitter.com/embed/Tweet.html?lang=é&id=20"
    assert list(iter_statuses(frame)) == [("20", None)]
