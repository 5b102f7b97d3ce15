"""Snapshot providers: request builders, response parsers, content hash and status decision.

Fixtures under tests/fixtures/snapshot/ are written for these tests, patterned on the
shapes in ../shared/reference/x-embeds.md §3a (oEmbed) and §3b (syndication, T1-T8).
"""

from __future__ import annotations

import html
import json
from dataclasses import replace
from pathlib import Path

import pytest
from fake_x import oembed_json, tweet_json
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.snapshot.classify import (
    classify_oembed_forbidden,
    classify_tombstone,
    decide_status,
    is_absent_check,
)
from archiver.snapshot.providers import (
    network_failure,
    oembed_request,
    parse_oembed,
    parse_syndication,
    request_url,
    syndication_request,
)
from archiver.snapshot.result import ProviderResult, content_sha256
from archiver.snapshot.syndication import _best_photo

FIXTURES = Path(__file__).parent / "fixtures" / "snapshot"
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def syn(name: str, status: int = 200, ctype: str | None = JSON) -> ProviderResult:
    return parse_syndication(status, ctype, fixture(name))


def oembed(name: str, status: int = 200, ctype: str | None = JSON) -> ProviderResult:
    return parse_oembed(status, ctype, fixture(name))


# --- requests -----------------------------------------------------------------------------


def test_syndication_request() -> None:
    url, params = syndication_request("http://127.0.0.1:9/tweet-result", "1874097816571961839")
    assert url == "http://127.0.0.1:9/tweet-result"
    assert params == {"id": "1874097816571961839", "token": "4jjngwkifa", "lang": "en"}
    assert request_url(url, params) == (
        "http://127.0.0.1:9/tweet-result?id=1874097816571961839&token=4jjngwkifa&lang=en"
    )


@pytest.mark.parametrize("bad", ["", "0", "abc", "https://x.com/a/status/1", "1" * 20])
def test_syndication_request_rejects_bad_ids(bad: str) -> None:
    with pytest.raises(ValueError):
        syndication_request("https://cdn.syndication.twimg.com/tweet-result", bad)


def test_oembed_request() -> None:
    post = "https://x.com/Interior/status/507185938620219395"
    url, params = oembed_request("https://publish.twitter.com/oembed", post)
    assert url == "https://publish.twitter.com/oembed"
    assert params == {"url": post, "omit_script": "1", "dnt": "true"}
    assert request_url(url, params) == (
        "https://publish.twitter.com/oembed?url=https%3A%2F%2Fx.com%2FInterior%2Fstatus"
        "%2F507185938620219395&omit_script=1&dnt=true"
    )
    _, from_id = oembed_request(url, "507185938620219395")
    assert from_id["url"] == "https://x.com/i/status/507185938620219395"


def test_request_url_keeps_an_existing_query() -> None:
    assert request_url("http://h/p?x=1", {"a": "b c"}) == "http://h/p?x=1&a=b+c"


# --- syndication: normal posts ------------------------------------------------------------


def test_text_post() -> None:
    r = syn("syn_text.json")
    assert (r.provider, r.http_status, r.outcome, r.status, r.conclusive) == (
        "syndication",
        200,
        "ok",
        "live",
        True,
    )
    assert r.post_id == "1874097816571961839"
    assert r.author_name == "Example Desk — Newsroom"
    assert r.handle == "ExampleDesk"
    assert r.text == (
        "Last briefing of the year is done. Thanks to everyone who followed along. "
        "Happy #NewYearsEve"
    )
    assert r.created_at == "2024-12-31T14:18:33.181Z"  # from the ID, to the millisecond
    assert r.media == []
    assert (r.quoted_id, r.parent_id, r.edited, r.truncated) == (None, None, False, False)
    assert r.error is None and not r.absent and not r.retryable
    assert r.payload == fixture("syn_text.json")


def test_photo_post_cuts_the_media_link_and_keeps_the_best_photo() -> None:
    r = syn("syn_photo.json")
    assert r.text == (
        "Senator @RonWyden is doing an AMA on r/technology on Monday. "
        "I hope someone asks if he supports it. 1/2"
    )
    assert r.media == [
        {
            "type": "photo",
            "url": "https://pbs.twimg.com/media/F6QabcdXoAA1234?format=jpg&name=orig",
            "preview": "https://pbs.twimg.com/media/F6QabcdXoAA1234.jpg",
            "tco": "https://t.co/AbCdEfGhIj",
            "display_url": "pic.twitter.com/AbCdEfGhIj",
            "alt": "Screenshot of the AMA announcement",
            "width": 1920,
            "height": 1080,
            "content_type": None,
        }
    ]


def test_video_post_picks_the_highest_bitrate_mp4() -> None:
    r = syn("syn_video.json")
    assert r.text == "Storm surge at the harbour wall this morning, filmed at 08:55"
    [video] = r.media
    assert video["type"] == "video"
    assert video["url"].endswith("/vid/avc1/1280x720/hi.mp4?tag=12")
    assert video["preview"].endswith("/img/Qw3rTy.jpg")
    assert video["tco"] == "https://t.co/Vd9Kq2LmPw"


HLS_URL = "https://video.twimg.com/ext_tw_video/1797197201000000000/pu/pl/AbC.m3u8?tag=12"


def only_hls(data: dict) -> dict:
    """``syn_video.json`` with its video offered only as an HLS stream, in both shapes."""
    details = data["mediaDetails"][0]["video_info"]
    details["variants"] = [v for v in details["variants"] if v["content_type"] != "video/mp4"]
    data["video"]["variants"] = [v for v in data["video"]["variants"] if v["type"] != "video/mp4"]
    return data


@pytest.mark.parametrize("shape", ["mediaDetails", "video"])
def test_a_video_offered_only_as_a_stream_keeps_the_stream_marked_as_such(shape: str) -> None:
    data = only_hls(json.loads(fixture("syn_video.json")))
    if shape == "video":
        del data["mediaDetails"]
    [video] = parse_syndication(200, JSON, json.dumps(data).encode()).media
    assert (video["type"], video["url"]) == ("video", HLS_URL)
    assert video["content_type"] == "application/x-mpegURL"  # a playlist, not the video
    assert video["tco"] == "https://t.co/Vd9Kq2LmPw"
    [best] = syn("syn_video.json").media  # an MP4 variant wins over the stream
    assert best["content_type"] == "video/mp4" and best["url"].endswith("hi.mp4?tag=12")


@pytest.mark.parametrize(
    "variants",
    [
        [{"content_type": "application/x-mpegURL", "url": ""}],
        [{"content_type": "application/x-mpegURL", "url": 7}],
        [{"content_type": None, "url": HLS_URL}],
        ["application/x-mpegURL", None],
        [],
    ],
)
def test_a_video_with_no_usable_variant_has_no_url(variants: list) -> None:
    data = json.loads(fixture("syn_video.json"))
    data["mediaDetails"][0]["video_info"]["variants"] = variants
    [video] = parse_syndication(200, JSON, json.dumps(data).encode()).media
    assert (video["url"], video["content_type"]) == (None, None)
    assert video["preview"].endswith("/img/Qw3rTy.jpg")


def test_media_from_photos_and_video_when_media_details_are_missing() -> None:
    data = json.loads(fixture("syn_video.json"))
    del data["mediaDetails"]
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    [video] = r.media
    assert video["url"].endswith("/1280x720/hi.mp4?tag=12")  # largest, no bitrate given
    assert video["preview"].endswith("/img/Qw3rTy.jpg")
    data = json.loads(fixture("syn_photo.json"))
    del data["mediaDetails"]
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    assert [m["url"] for m in r.media] == [
        "https://pbs.twimg.com/media/F6QabcdXoAA1234?format=jpg&name=orig"
    ]


def test_quote_post() -> None:
    r = syn("syn_quote.json")
    assert r.text == "This is the decision everyone was waiting for"
    assert r.quoted_id == "1876710769913450647"
    assert r.handle == "PolicyTracker"


def test_reply_hides_leading_mentions_and_keeps_the_parent() -> None:
    r = syn("syn_reply.json")
    assert r.text == "Correction: the vote is on Thursday, not Friday."
    assert r.parent_id == "1674699999999999999"
    data = json.loads(fixture("syn_reply.json"))
    del data["parent"]
    assert parse_syndication(200, JSON, json.dumps(data).encode()).parent_id == (
        "1674699999999999999"
    )


def test_edited_post() -> None:
    r = syn("syn_edited.json")
    assert r.edited is True
    assert r.edit_ids == ["1890455000000000000", "1890456789012345678"]
    data = json.loads(fixture("syn_edited.json"))
    del data["isEdited"]
    assert parse_syndication(200, JSON, json.dumps(data).encode()).edited is True
    del data["edit_control"]
    assert parse_syndication(200, JSON, json.dumps(data).encode()).edited is None


def test_a_later_version_of_an_edited_post_lists_its_versions() -> None:
    """After an edit, the newer version's ``edit_control`` holds ``initial_tweet_id`` and the
    version IDs in ``edit_control_initial`` (developer.x.com edit metadata:
    ``ext_edit_control.edit.edit_control_initial``; GraphQL ``EditControlEdit``)."""
    data = json.loads(fixture("syn_edited.json"))
    data["edit_control"] = {
        "initial_tweet_id": "1890455000000000000",
        "edit_control_initial": data["edit_control"],
    }
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    assert (r.edited, r.edit_ids) == (True, ["1890455000000000000", "1890456789012345678"])
    del data["isEdited"]
    assert parse_syndication(200, JSON, json.dumps(data).encode()).edited is True


def test_long_post_is_marked_truncated_and_entities_may_be_absent() -> None:
    """A long post's ``text`` is cut short, the rest behind ``note_tweet.id`` (x-embeds.md
    §3b; public syndication parsers flag truncation on ``note_tweet``'s presence alone): its
    snapshot holds part of the post, as ``snapshots.partial`` says."""
    r = syn("syn_note.json")
    assert r.status == "live"
    assert r.truncated is True
    assert r.partial is True
    assert r.snapshot_fields()["partial"] is True
    assert r.text == "A long thread-style post that X cuts off in…"
    assert syn("syn_text.json").partial is False


AMP_TEXT = "Rates up 0.5% & more to come — Fed <sigh> 🇺🇸 details:"


def test_entities_are_decoded_and_the_range_counts_utf16_units() -> None:
    # display_text_range counted in UTF-16 units over the unescaped text (the flag emoji is
    # 2 code points, 4 units), while the media entity's indices count code points.
    data = json.loads(fixture("syn_amp.json"))
    assert data["display_text_range"] == [0, 55]
    assert data["entities"]["media"][0]["indices"] == [54, 77]
    assert syn("syn_amp.json").text == AMP_TEXT


def test_a_range_in_code_points_is_still_read() -> None:
    # Older captures (and this fixture before) give the range in code points.
    data = json.loads(fixture("syn_amp.json"))
    data["display_text_range"] = [0, 53]
    assert parse_syndication(200, JSON, json.dumps(data).encode()).text == AMP_TEXT


def test_range_counted_over_the_escaped_text_works_too() -> None:
    data = json.loads(fixture("syn_amp.json"))
    data["display_text_range"] = [0, data["text"].index(" https://t.co/")]
    assert parse_syndication(200, JSON, json.dumps(data).encode()).text == AMP_TEXT


def test_a_reading_that_cuts_a_link_after_its_scheme_is_not_taken() -> None:
    """Three ``&gt;`` make the escaped text 9 characters longer than the decoded one: read
    over the decoded text, a range counted over the escaped text ends after the ``https://``
    of the hidden media link, leaving ``t.co/CODE``, which is no whole link. The text keeps
    no half link (a t.co link in a post's text always has its scheme: entity ``url`` values,
    react-tweet ``api/types/entities.ts``, and every capture in x-captures)."""
    data = json.loads(fixture("syn_amp.json"))
    shown = "a -&gt; b -&gt; c -&gt; d"
    data["text"] = f"{shown} https://t.co/Xy12AbCd9Z"
    data["display_text_range"] = [0, len(shown)]
    data["entities"]["media"][0]["indices"] = [len(shown) - 8, len(shown) - 8 + 23]
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    assert r.text == "a -> b -> c -> d"


def test_half_a_surrogate_pair_is_read_as_a_replacement_character() -> None:
    """JSON lets a string hold a lone ``\\uD83E`` (RFC 8259 §8.2) and X escapes emoji as
    surrogate pairs (LadybirdBrowser/ladybird#369); text cut inside one keeps half. Every
    string read is then valid Unicode (U+FFFD where the half was), pairs stay emoji, and the
    payload keeps the escape byte for byte."""
    data = json.loads(fixture("syn_text.json"))
    data["text"] = "cut \ud83e|\ud83e\uddf5|\udcf5"
    data["user"]["name"] = "Name \ud83e"
    data["display_text_range"] = [0, 10]
    body = json.dumps(data).encode()
    assert b'"cut \\ud83e|' in body
    r = parse_syndication(200, JSON, body)
    assert (r.text, r.author_name) == ("cut \ufffd|\U0001f9f5|\ufffd", "Name \ufffd")
    assert r.payload == body
    for provider in (parse_syndication, parse_oembed):
        assert provider(200, JSON, b'["\\ud83e", {"a": [["\\udcf5"]]}, 1]').outcome


def test_without_range_only_media_links_are_cut() -> None:
    data = json.loads(fixture("syn_amp.json"))
    del data["display_text_range"]
    assert parse_syndication(200, JSON, json.dumps(data).encode()).text == AMP_TEXT
    data = json.loads(fixture("syn_quote.json"))
    del data["display_text_range"]
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    assert r.text == "This is the decision everyone was waiting for https://t.co/QtE8rPzN1k"


def test_json_without_content_type_is_still_parsed() -> None:
    assert syn("syn_text.json", ctype=None).status == "live"


# --- syndication: abnormal outcomes (x-embeds.md §3b T1-T8) ------------------------------


@pytest.mark.parametrize(
    ("name", "status", "reason", "conclusive"),
    [
        ("syn_tomb_deleted.json", "deleted", "post_deleted", True),  # T1
        ("syn_tomb_gone.json", "deleted", "account_gone", True),
        ("syn_tomb_suspended.json", "suspended", "account_suspended", True),
        ("syn_tomb_protected.json", "protected", "account_protected", True),  # T2
        ("syn_tomb_age.json", "unavailable", "age_restricted", False),  # T2
        ("syn_tomb_unavailable.json", "unavailable", "withheld", False),  # T2
        ("syn_tomb_unknown.json", "unavailable", "unknown", False),
        ("syn_tomb_noreason.json", "unavailable", "unknown", False),  # T3
        ("syn_tomb_bare.json", "unavailable", "unknown", False),  # T3
    ],
)
def test_tombstones(name: str, status: str, reason: str, conclusive: bool) -> None:
    r = syn(name)
    assert (r.outcome, r.status, r.reason, r.conclusive) == (
        "tombstone",
        status,
        reason,
        conclusive,
    )
    assert not r.absent and not r.has_content
    assert r.payload == fixture(name)
    assert (r.error is None) == conclusive


def test_tombstone_notice_drops_learn_more() -> None:
    assert syn("syn_tomb_deleted.json").notice == "This Post was deleted by the Post author."


def test_reasonless_tombstone_is_never_deleted() -> None:
    for name in ("syn_tomb_noreason.json", "syn_tomb_bare.json"):
        r = syn(name)
        assert r.status != "deleted" and not r.absent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This Post was deleted by the Post author. Learn more", ("deleted", "post_deleted")),
        ("This Post is from a suspended account. Learn more", ("suspended", "account_suspended")),
        ("This Post is from an account that no longer exists.", ("deleted", "account_gone")),
        (
            "You’re unable to view this Post because this account owner limits who can view "
            "their Posts. Learn more",
            ("protected", "account_protected"),
        ),
        ("Age-restricted adult content", ("unavailable", "age_restricted")),
        ("This Post has been withheld in Germany.", ("unavailable", "withheld")),
        ("This Post violated the X Rules. Learn more", ("removed", "rules_violation")),
        ("This Tweet violated the Twitter Rules. Learn more", ("removed", "rules_violation")),
        ("This Tweet violated the Twitter rules.", ("removed", "rules_violation")),
        ("Rules of the game: this post is unavailable", ("unavailable", "withheld")),
        ("Learn more", ("unavailable", "unknown")),
        ("", ("unavailable", "unknown")),
        (None, ("unavailable", "unknown")),
    ],
)
def test_classify_tombstone(text: str | None, expected: tuple[str, str]) -> None:
    assert classify_tombstone(text)[:2] == expected


def test_removed_is_conclusive_and_stays_removed_on_an_inconclusive_check() -> None:
    assert classify_tombstone("This Post violated the X Rules. Learn more")[2] is True
    body = json.dumps(
        {
            "__typename": "TweetTombstone",
            "tombstone": {
                "text": {"text": "This Tweet violated the Twitter Rules. Learn more", "rtl": False}
            },
        }
    ).encode()
    r = parse_syndication(200, JSON, body)
    assert (r.status, r.conclusive, r.error) == ("removed", True, None)
    assert decide_status("live", [r]) == ("removed", True)
    single_404 = parse_oembed(404, None, b"")
    assert decide_status("removed", [single_404]) == ("removed", False)


def test_unavailable_typename() -> None:
    body = b'{"__typename":"TweetUnavailable","reason":"Protected"}'
    r = parse_syndication(200, JSON, body)
    assert (r.outcome, r.status, r.conclusive) == ("tombstone", "protected", True)
    body = b'{"__typename":"TweetUnavailable","reason":"NsfwLoggedOut"}'
    assert parse_syndication(200, JSON, body).reason == "age_restricted"


@pytest.mark.parametrize(
    ("body", "error", "notice"),
    [
        (
            b'{"__typename":"TweetUnavailable","reason":"NsfwLoggedOut"}',
            "syndication: post unavailable (reason 'NsfwLoggedOut', inconclusive)",
            "NsfwLoggedOut",
        ),
        (
            b'{"__typename":"TweetUnavailable","reason":"SomethingNew"}',
            "syndication: post unavailable (reason 'SomethingNew', inconclusive)",
            "SomethingNew",
        ),
        (
            b'{"__typename":"TweetUnavailable","reason":" "}',
            "syndication: post unavailable (no reason, inconclusive)",
            None,
        ),
        (
            b'{"__typename":"TweetUnavailable"}',
            "syndication: post unavailable (no reason, inconclusive)",
            None,
        ),
    ],
)
def test_an_inconclusive_unavailable_post_says_why_in_one_line(
    body: bytes, error: str, notice: str | None
) -> None:
    """Its checks row holds the error (before, a bare code or nothing at all)."""
    r = parse_syndication(200, JSON, body)
    assert (r.status, r.conclusive, r.error, r.notice) == ("unavailable", False, error, notice)


def test_empty_object_is_not_found_but_inconclusive() -> None:  # T4
    r = syn("syn_empty.json")
    assert (r.outcome, r.status, r.conclusive, r.absent) == ("empty", "unavailable", False, True)


@pytest.mark.parametrize(("body", "ctype"), [(b"", None), (b"<html>Not found</html>", HTML)])
def test_404_is_not_found_but_inconclusive(body: bytes, ctype: str | None) -> None:  # T5
    r = parse_syndication(404, ctype, body)
    assert (r.outcome, r.http_status, r.status, r.conclusive, r.absent) == (
        "not_found",
        404,
        "unavailable",
        False,
        True,
    )
    assert "404" in (r.error or "")


def test_post_without_user_is_absent_evidence_only() -> None:  # T6
    r = syn("syn_no_user.json")
    assert (r.outcome, r.status, r.conclusive, r.absent, r.reason) == (
        "no_user",
        "unavailable",
        False,
        True,
        "account_gone",
    )
    assert r.text == "Posting this before I leave the site."
    assert r.author_name is None and r.handle is None


@pytest.mark.parametrize(("status", "ctype"), [(200, HTML), (200, None), (403, HTML)])
def test_html_instead_of_json(status: int, ctype: str | None) -> None:  # T7
    r = parse_syndication(status, ctype, fixture("blocked.html"))
    assert (r.outcome, r.status, r.conclusive) == ("not_json", "unavailable", False)
    assert "HTML" in (r.error or "") or "html" in (r.error or "")


@pytest.mark.parametrize("status", [200, 400, 403])
def test_json_error(status: int) -> None:  # T8
    r = parse_syndication(status, JSON, fixture("syn_error.json"))
    assert (r.outcome, r.status, r.conclusive, r.retryable) == (
        "api_error",
        "unavailable",
        False,
        False,
    )
    assert "Bad request: invalid token" in (r.error or "")


@pytest.mark.parametrize(
    ("body", "outcome", "message"),
    [
        (fixture("syn_truncated.json"), "invalid_json", "invalid JSON"),
        (b"", "invalid_json", "empty body"),
        (b"\xff\xfe{}", "invalid_json", "not UTF-8"),
        (fixture("syn_list.json"), "wrong_shape", "got list"),
        (b'"just a string"', "wrong_shape", "got str"),
        (b'{"__typename":"Tweet","text":5}', "wrong_shape", "not a post"),
        (b'{"data":{"tweetResult":{}}}', "wrong_shape", "keys: data"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json", "nested too deeply"),
    ],
)
def test_bad_json(body: bytes, outcome: str, message: str) -> None:
    r = parse_syndication(200, JSON, body)
    assert (r.outcome, r.status, r.conclusive) == (outcome, "unavailable", False)
    assert r.error and r.error.startswith("syndication: ") and message in r.error


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(429, "rate_limited"), (500, "server_error"), (502, "server_error"), (503, "server_error")],
)
def test_retryable_statuses(status: int, outcome: str) -> None:
    for parse in (parse_syndication, parse_oembed):
        r = parse(status, JSON, b'{"error":"Over capacity"}')
        assert (r.outcome, r.http_status, r.conclusive, r.retryable) == (
            outcome,
            status,
            False,
            True,
        )
        assert "Over capacity" in (r.error or "")


def test_other_status_is_inconclusive() -> None:
    r = parse_syndication(418, "text/plain", b"teapot")
    assert (r.outcome, r.conclusive, r.retryable) == ("http_error", False, False)


def test_network_failure() -> None:
    r = network_failure("oembed", "timed out after 20s")
    assert (r.provider, r.http_status, r.outcome, r.status) == (
        "oembed",
        None,
        "network_error",
        "unavailable",
    )
    assert r.retryable and not r.conclusive and r.error == "oembed: timed out after 20s"


@settings(max_examples=300, deadline=None)
@given(
    status=st.sampled_from([200, 200, 200, 403, 404, 429, 500]),
    ctype=st.sampled_from([JSON, HTML, None, "text/plain"]),
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(
                    st.sampled_from(
                        [
                            "__typename",
                            "text",
                            "user",
                            "tombstone",
                            "display_text_range",
                            "mediaDetails",
                            "photos",
                            "video",
                            "edit_control",
                            "html",
                            "error",
                            "url",
                            "author_url",
                            "parent",
                            "quoted_tweet",
                        ]
                    ),
                    children,
                    max_size=6,
                )
            ),
            max_leaves=20,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)
def test_parsers_never_raise(status: int, ctype: str | None, body: bytes) -> None:
    for parse in (parse_syndication, parse_oembed):
        r = parse(status, ctype, body)
        assert r.status in ("live", "deleted", "protected", "suspended", "unavailable")
        assert r.conclusive or r.status == "unavailable"
        content_sha256(r)


# --- oEmbed -------------------------------------------------------------------------------


def test_oembed_200() -> None:
    r = oembed("oembed_200.json")
    assert (r.provider, r.outcome, r.status, r.conclusive) == ("oembed", "ok", "live", True)
    assert r.post_id == "507185938620219395"
    assert r.author_name == "US Department of the Interior"
    assert r.handle == "Interior"
    assert r.text == (
        "Happy 50th anniversary to the Wilderness Act! Here's a great view from Lassen "
        "Volcanic National Park & more #Wilderness50"
    )
    assert r.created_at == "2014-09-03T15:18:45.483Z"  # the ID's time, not the signature day
    assert [(m["tco"], m["display_url"]) for m in r.media] == [
        ("https://t.co/HMhbyTg18X", "pic.twitter.com/HMhbyTg18X")
    ]


def test_oembed_quote_link_in_text() -> None:
    r = oembed("oembed_quote.json")
    assert r.post_id == "1877747914073620506"
    assert r.quoted_id == "1876710769913450647"
    assert r.handle == "PolicyTracker"


def test_oembed_404_is_inconclusive() -> None:
    r = parse_oembed(404, None, b"")
    assert (r.outcome, r.status, r.conclusive, r.absent) == (
        "not_found",
        "unavailable",
        False,
        True,
    )


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("oembed_403_protected.json", "protected", "account_protected"),
        ("oembed_403_suspended.json", "suspended", "account_suspended"),
    ],
)
def test_oembed_403(name: str, status: str, reason: str) -> None:
    r = oembed(name, 403)
    assert (r.outcome, r.http_status, r.status, r.reason, r.conclusive) == (
        "forbidden",
        403,
        status,
        reason,
        True,
    )
    assert r.notice and r.error is None


def test_oembed_403_without_a_reason_is_inconclusive() -> None:
    r = parse_oembed(403, HTML, fixture("blocked.html"))
    assert (r.outcome, r.status, r.conclusive) == ("forbidden", "unavailable", False)
    assert classify_oembed_forbidden("HTTPS is required")[2] is False


@pytest.mark.parametrize(
    ("status", "ctype", "body", "outcome"),
    [
        (200, HTML, fixture("blocked.html"), "not_json"),
        (200, JSON, b'{"url": "https://twitter.com/a/status/1"}', "wrong_shape"),
        (200, JSON, b'{"html": "<p>no blockquote</p>"}', "wrong_shape"),
        (200, JSON, b'{"error": "Sorry, that page does not exist"}', "api_error"),
        (200, JSON, fixture("oembed_200.json")[:-40], "invalid_json"),
        (200, JSON, b"[]", "wrong_shape"),
        (400, JSON, b'{"error": "url is required"}', "api_error"),
        (400, JSON, b'{"errors": ["xml not implemented"]}', "api_error"),
        (400, JSON, b'{"errors": [{"code": 356, "message": "xml not implemented"}]}', "api_error"),
        (
            410,
            "application/xml;charset=utf-8",
            b'<?xml version="1.0"?><errors><error code="64">'
            b"The Twitter REST API v1 is no longer active.</error></errors>",
            "api_error",
        ),
        (410, "application/xml", b"<?xml version='1.0'?><status>ok</status>", "not_json"),
    ],
)
def test_oembed_bad_answers(status: int, ctype: str, body: bytes, outcome: str) -> None:
    r = parse_oembed(status, ctype, body)
    assert (r.outcome, r.status, r.conclusive) == (outcome, "unavailable", False)
    assert r.error and r.error.startswith("oembed: ")


@pytest.mark.parametrize(
    ("status", "ctype", "body", "message"),
    [
        (400, JSON, b'{"errors": ["xml not implemented"]}', "HTTP 400: xml not implemented"),
        (
            400,
            JSON,
            b'{"errors": ["first", {"message": "second", "code": 7}, 12]}',
            "HTTP 400: first; second (code 7)",
        ),
        (
            410,
            "application/xml;charset=utf-8",
            b'<?xml version="1.0" encoding="UTF-8"?><errors>  <error code="64">The Twitter REST '
            b"API v1 is no longer active.</error></errors>",
            "HTTP 410: The Twitter REST API v1 is no longer active. (code 64)",
        ),
        (  # no content type: the XML declaration says what it is
            410,
            None,
            b'<?xml version="1.0"?><errors><error code="64">Gone</error></errors>',
            "HTTP 410: Gone (code 64)",
        ),
    ],
)
def test_oembed_error_messages(status: int, ctype: str | None, body: bytes, message: str) -> None:
    r = parse_oembed(status, ctype, body)
    assert r.error == f"oembed: {message}"
    assert "blocked or throttled" not in r.error


def test_xml_error_bodies_never_resolve_entities() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<errors><error>&x;</error></errors>"
    )
    r = parse_oembed(410, "application/xml", body)
    assert r.status == "unavailable" and "root:" not in (r.error or "")


# --- content hash -------------------------------------------------------------------------

OEMBED_FOR_PHOTO_POST = json.dumps(
    {
        "url": "https://twitter.com/rhaksw/status/1703436713362870723",
        "author_name": "Robert Hawkins",
        "author_url": "https://twitter.com/rhaksw",
        "html": (
            '<blockquote class="twitter-tweet" data-dnt="true"><p lang="en" dir="ltr">Senator '
            '<a href="https://twitter.com/RonWyden?ref_src=twsrc%5Etfw">@RonWyden</a> is doing '
            "an AMA on r/technology on Monday. I hope someone asks if he supports it. 1/2 "
            '<a href="https://t.co/AbCdEfGhIj">pic.twitter.com/AbCdEfGhIj</a></p>&mdash; Robert '
            'Hawkins (@rhaksw) <a href="https://twitter.com/rhaksw/status/1703436713362870723'
            '?ref_src=twsrc%5Etfw">September 17, 2023</a></blockquote>\n'
        ),
        "width": 550,
        "height": None,
        "type": "rich",
        "cache_age": "3153600000",
        "provider_name": "Twitter",
        "provider_url": "https://twitter.com",
        "version": "1.0",
    }
).encode()


def test_content_hash_is_the_same_from_both_providers() -> None:
    a = syn("syn_photo.json")
    b = parse_oembed(200, JSON, OEMBED_FOR_PHOTO_POST)
    assert b.text == a.text
    assert content_sha256(a) == content_sha256(b)


def test_content_hash_ignores_counts_escaping_whitespace_and_handle_case() -> None:
    base = syn("syn_text.json")
    data = json.loads(fixture("syn_text.json"))
    data["favorite_count"] = 9999
    data["conversation_count"] = 77
    assert content_sha256(parse_syndication(200, JSON, json.dumps(data).encode())) == (
        content_sha256(base)
    )
    same = replace(base, text=base.text.replace(" ", "  ") + " ", handle="exampledesk")
    assert content_sha256(same) == content_sha256(base)
    amp = syn("syn_amp.json")
    assert content_sha256(replace(amp, text=amp.text.replace("&", "&amp;"))) == (
        content_sha256(amp)
    )
    assert len(content_sha256(base)) == 64


def test_content_hash_changes_with_content() -> None:
    base = syn("syn_photo.json")
    assert content_sha256(replace(base, text=base.text + "!")) != content_sha256(base)
    assert content_sha256(replace(base, author_name="Someone")) != content_sha256(base)
    assert content_sha256(replace(base, handle="other")) != content_sha256(base)
    assert content_sha256(replace(base, media=[])) != content_sha256(base)
    edited = syn("syn_edited.json")
    assert content_sha256(edited) != content_sha256(base)


def test_snapshot_fields() -> None:
    r = syn("syn_photo.json")
    row = r.snapshot_fields()
    assert row["provider"] == "syndication" and row["status"] == "live"
    assert json.loads(str(row["media"]))[0]["tco"] == "https://t.co/AbCdEfGhIj"
    assert row["payload"] == fixture("syn_photo.json")
    assert isinstance(row["payload_sha256"], str) and len(row["payload_sha256"]) == 64


# --- status decision ----------------------------------------------------------------------

LIVE = syn("syn_text.json")
DELETED = syn("syn_tomb_deleted.json")
PROTECTED_OE = oembed("oembed_403_protected.json", 403)
SYN_404 = parse_syndication(404, None, b"")
SYN_EMPTY = syn("syn_empty.json")
SYN_NO_USER = syn("syn_no_user.json")
SYN_500 = parse_syndication(500, None, b"")
SYN_AGE = syn("syn_tomb_age.json")
OE_404 = parse_oembed(404, None, b"")
OE_LIVE = oembed("oembed_200.json")
OE_TIMEOUT = network_failure("oembed", "timed out")


@pytest.mark.parametrize(
    ("previous", "results", "absent_before", "expected"),
    [
        # 1. the first conclusive answer wins
        (None, [LIVE], 0, ("live", True)),
        ("deleted", [LIVE], 3, ("live", True)),
        ("live", [DELETED], 0, ("deleted", True)),
        ("live", [SYN_404, OE_LIVE], 5, ("live", True)),
        ("live", [SYN_500, PROTECTED_OE], 0, ("protected", True)),
        ("live", [SYN_AGE, OE_LIVE], 0, ("live", True)),
        ("live", [DELETED, OE_LIVE], 0, ("deleted", True)),  # order decides
        # 2. 404s from both providers on two separate checks
        ("live", [SYN_404, OE_404], 1, ("deleted", True)),
        ("live", [SYN_EMPTY, OE_404], 2, ("deleted", True)),
        ("unavailable", [SYN_NO_USER, OE_404], 1, ("deleted", True)),
        # ... but not on the first such check
        ("live", [SYN_404, OE_404], 0, ("live", False)),
        (None, [SYN_404, OE_404], 0, ("unavailable", False)),
        # ... nor when only one provider answered, or one failed differently
        ("live", [SYN_404], 4, ("live", False)),
        ("live", [SYN_404, SYN_404], 4, ("live", False)),
        ("live", [SYN_404, OE_TIMEOUT], 4, ("live", False)),
        ("live", [SYN_500, OE_404], 4, ("live", False)),
        # 3. all inconclusive: keep a known status, else unavailable
        ("live", [SYN_500, OE_TIMEOUT], 0, ("live", False)),
        ("deleted", [SYN_500, OE_TIMEOUT], 0, ("deleted", False)),
        ("protected", [SYN_AGE, OE_404], 0, ("protected", False)),
        ("suspended", [SYN_404], 0, ("suspended", False)),
        ("unavailable", [SYN_500], 0, ("unavailable", False)),
        ("pending", [SYN_500, OE_TIMEOUT], 0, ("unavailable", False)),
        (None, [SYN_AGE, OE_404], 0, ("unavailable", False)),
        (None, [], 0, ("unavailable", False)),
        ("live", [], 0, ("live", False)),
        ("text_only", [], 0, ("text_only", False)),
    ],
)
def test_decide_status(
    previous: str | None,
    results: list[ProviderResult],
    absent_before: int,
    expected: tuple[str, bool],
) -> None:
    assert decide_status(previous, results, absent_before) == expected


def test_is_absent_check() -> None:
    assert is_absent_check([SYN_404, OE_404])
    assert is_absent_check([SYN_EMPTY, OE_404])
    assert is_absent_check([SYN_NO_USER, OE_404])
    assert not is_absent_check([SYN_404])
    assert not is_absent_check([SYN_404, OE_LIVE])
    assert not is_absent_check([SYN_500, OE_404])
    assert not is_absent_check([])


def test_a_transient_failure_never_turns_live_into_deleted() -> None:
    status = "live"
    absent_checks = 0
    for results in ([SYN_500, OE_404], [SYN_404, OE_TIMEOUT], [SYN_AGE, OE_404], [SYN_404]):
        status, conclusive = decide_status(status, results, absent_checks)
        absent_checks += is_absent_check(results)
        assert (status, conclusive) == ("live", False)


def test_odd_field_types_are_ignored() -> None:
    data = json.loads(fixture("syn_video.json"))
    data["edit_control"]["edit_tweet_ids"] = "123"
    data["mediaDetails"][0]["video_info"]["variants"] = "x"
    data["photos"] = {"url": "x"}
    data["display_text_range"] = [True, "5"]
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    assert r.status == "live"
    assert r.edit_ids == []
    assert r.media[0]["url"] is None


def test_an_oembed_paragraph_nesting_thousands_of_elements_is_read() -> None:
    """The walk over an oEmbed ``<p>`` recursed: 1,500 nested spans raised RecursionError."""
    from archiver.detect.dom import parse_fragment
    from archiver.snapshot.display import oembed_text

    link = '<a href="https://t.co/abc">pic.twitter.com/abc</a>'
    markup = "<p>a " + "<span>" * 5000 + f"deep {link}" + "</span>" * 5000 + "<br>end</p>"
    fragment = parse_fragment(markup)
    paragraph = fragment.css_first("p") if fragment is not None else None
    assert paragraph is not None
    assert oembed_text(paragraph) == ("a deep\nend", [("https://t.co/abc", "pic.twitter.com/abc")])


def test_one_bad_field_does_not_make_a_reply_unreadable() -> None:
    """A 5,000-digit count (past what Python reads as an int) and a photo URL that does not
    parse each made the whole reply 'unreadable (ValueError)': the post's text was lost."""
    data = json.loads(fixture("syn_text.json"))
    data["favorite_count"] = 1
    body = json.dumps(data).replace('"favorite_count": 1', '"favorite_count": ' + "9" * 5000)
    r = parse_syndication(200, JSON, body.encode())
    assert (r.status, r.conclusive, r.post_id) == ("live", True, "1874097816571961839")
    assert r.text and r.text.startswith("Last briefing of the year")
    assert _best_photo("http://[::1") == "http://[::1"


def test_a_reply_listing_more_media_than_a_post_holds_is_cut_to_four() -> None:
    """300 mediaDetails made one check fetch and keep 300 files."""
    data = json.loads(fixture("syn_photo.json"))
    data["mediaDetails"] = data["mediaDetails"][:1] * 300
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    assert len(r.media) == 4


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda post: {**post, "__typename": "TweetWithVisibilityResults"}, id="flat"),
        pytest.param(
            lambda post: {
                "__typename": "TweetWithVisibilityResults",
                "tweet": post,
                "limitedActionResults": {"limited_actions": [{"action": "Reply"}]},
            },
            id="nested",
        ),
    ],
)
def test_a_post_in_a_visibility_wrapper_is_read_as_the_post(wrap) -> None:
    """X's wrapper for posts shown with limited actions (GraphQL ``TweetWithVisibilityResults``,
    the post in ``tweet`` or flattened into it) was rejected as 'not a post'."""
    body = json.dumps(wrap(json.loads(fixture("syn_text.json")))).encode()
    r = parse_syndication(200, JSON, body)
    plain = syn("syn_text.json")
    assert (r.outcome, r.status, r.conclusive) == ("ok", "live", True)
    assert (r.post_id, r.text, r.author_name, r.handle, r.created_at) == (
        plain.post_id,
        plain.text,
        plain.author_name,
        plain.handle,
        plain.created_at,
    )
    assert r.payload == body
    assert content_sha256(r) == content_sha256(plain)


def test_a_visibility_wrapper_without_a_post_is_not_one() -> None:
    body = b'{"__typename": "TweetWithVisibilityResults", "tweet": {"rest_id": "1"}}'
    r = parse_syndication(200, JSON, body)
    assert (r.outcome, r.status, r.conclusive) == ("wrong_shape", "unavailable", False)


@pytest.mark.parametrize(
    "extra",
    [{"tombstone": None}, {"tombstone": None, "__typename": None}],
    ids=["Tweet", "untyped"],
)
def test_a_null_tombstone_on_a_post_is_no_tombstone(extra: dict) -> None:
    """A live post with ``"tombstone": null`` was read as a reasonless tombstone: never live."""
    data = {**json.loads(fixture("syn_text.json")), **extra}
    r = parse_syndication(200, JSON, json.dumps(data).encode())
    assert (r.outcome, r.status, r.handle) == ("ok", "live", "ExampleDesk")


@pytest.mark.parametrize(
    "body",
    [
        {"tombstone": {"text": {"text": "This Post was deleted by the Post author. Learn more"}}},
        {"tombstone": {}},
        {"tombstone": "This Post was deleted by the Post author."},
        {  # an empty text beside it: still the tombstone (it was read as a post without user)
            "__typename": "Tweet",
            "tombstone": {"text": {"text": "This Post was deleted by the Post author."}},
            "text": "",
            "id_str": "20",
        },
    ],
)
def test_a_tombstone_without_typename_is_still_one(body: dict) -> None:
    r = parse_syndication(200, JSON, json.dumps(body).encode())
    assert r.outcome == "tombstone"


@pytest.mark.parametrize("parse", [parse_syndication, parse_oembed], ids=["syndication", "oembed"])
@pytest.mark.parametrize("ctype", [JSON, "application/json", HTML])
def test_an_html_page_labelled_json_is_a_block_page(parse, ctype: str) -> None:
    """A block page sent as ``application/json`` was reported as 'invalid JSON (Expecting
    value at line 1 column 1)' rather than as the HTML page it is."""
    r = parse(200, ctype, fixture("blocked.html"))
    assert (r.outcome, r.status, r.conclusive, r.absent) == (
        "not_json",
        "unavailable",
        False,
        False,
    )
    assert "HTML page" in (r.error or "")
    assert r.payload == fixture("blocked.html")


@pytest.mark.parametrize("ctype", [HTML, "text/html", "text/plain", None])
def test_a_post_labelled_html_is_still_the_post(ctype: str | None) -> None:
    """The body decides: a post X (or a proxy) labels ``text/html`` was recorded as 'an HTML
    page instead of JSON: blocked or throttled?', and the live post was lost."""
    syndication = json.dumps(tweet_json("1420720925868052486", "Same")).encode()
    r = parse_syndication(200, ctype, b"\xef\xbb\xbf \n" + syndication)
    assert (r.outcome, r.status, r.conclusive, r.text) == ("ok", "live", True, "Same")
    oembed = json.dumps(oembed_json("1420720925868052486", "Same")).encode()
    r = parse_oembed(200, ctype, oembed)
    assert (r.outcome, r.status, r.conclusive, r.text) == ("ok", "live", True, "Same")
    broken = parse_syndication(200, ctype, b"[" + syndication)  # JSON, however broken
    assert (broken.outcome, broken.conclusive) == ("invalid_json", False)


def test_what_x_says_is_kept_on_one_line() -> None:
    """A tombstone's text or an error message with line breaks made a check's error (the
    ``checks.error`` column, a run's report line) span several lines; a huge one is cut."""
    tomb = {"__typename": "TweetTombstone", "tombstone": {"text": {"text": "Odd\nwording\r\n"}}}
    r = parse_syndication(200, JSON, json.dumps(tomb).encode())
    assert (r.status, r.notice, r.error) == (
        "unavailable",
        "Odd wording",
        "syndication: tombstone: Odd wording",
    )
    tomb["tombstone"]["text"]["text"] = "This Post was\ndeleted by the Post author.\nLearn more"
    r = parse_syndication(200, JSON, json.dumps(tomb).encode())
    assert (r.status, r.notice) == ("deleted", "This Post was deleted by the Post author.")
    body = json.dumps({"errors": [{"message": "Sorry, you are not\nauthorized.", "code": 179}]})
    r = parse_oembed(403, JSON, body.encode())
    assert (r.status, r.notice) == ("protected", "Sorry, you are not authorized. (code 179)")
    r = parse_syndication(500, JSON, json.dumps({"error": "line one\nline two"}).encode())
    assert r.error == "syndication: HTTP 500 server error: line one line two"
    r = parse_syndication(200, JSON, json.dumps({"error": "x" * 100_000}).encode())
    assert r.error == f"syndication: HTTP 200 with error: {'x' * 300}…"
    r = parse_syndication(200, JSON, b'{"__typename":"TweetUnavailable","reason":"A\\nB"}')
    assert (r.notice, r.error) == (
        "A B",
        "syndication: post unavailable (reason 'A B', inconclusive)",
    )
    r = parse_syndication(200, JSON, json.dumps({"__typename": "x" * 1000, "a\nb": 1}).encode())
    assert r.error == f"syndication: JSON object is not a post (__typename='{'x' * 288}…)"
    r = parse_syndication(200, JSON, json.dumps({"__typename": "Odd", "a\nb": 1}).encode())
    assert (
        r.error
        == "syndication: JSON object is not a post (__typename='Odd', keys: __typename, a b)"
    )


def test_a_newer_version_is_named_only_after_this_one() -> None:
    """``newer_version_id``: the last of the versions X lists, when this post is an earlier
    one; none for the newest version itself, or for a list that does not hold this post."""
    data = json.loads(fixture("syn_edited.json"))
    first, last = "1890455000000000000", "1890456789012345678"
    for own, versions, newer in [
        (first, [first, last], last),
        (last, [first, last], None),
        (first, [first], None),
        (first, ["1", "2"], None),
    ]:
        data.update(id_str=own, edit_control={"edit_tweet_ids": versions})
        assert parse_syndication(200, JSON, json.dumps(data).encode()).newer_version_id == newer


def oembed_of(text: str) -> ProviderResult:
    from fake_x import oembed_json

    answer = oembed_json("1841818118046445592", html.escape(text, quote=False))
    return parse_oembed(200, JSON, json.dumps(answer).encode())


LONG_START = "A long post, written in full on X and cut by oEmbed after about 280 of its units. "


def cut_at(units: int, piece: str = "word ") -> str:
    """A text of ``units`` X units (twitter-text weights), the last one its "…"."""
    from archiver.snapshot.display import weighted_length

    text = LONG_START
    while weighted_length(text + piece) + 2 <= units:
        text += piece
    text = text.rstrip()
    while weighted_length(text) + 2 < units:
        text += "."
    return text + "…"


@pytest.mark.parametrize(
    "text",
    [
        cut_at(282),  # cut at 280, then "…" (as published blockquotes show)
        cut_at(278),  # cut at a word's end
        cut_at(262),  # a long word dropped at the cut
        cut_at(280, "漢字 "),  # CJK counts 2: cut at about 140 characters
        cut_at(280, "👩‍👩‍👧 🇺🇸 "),  # an emoji sequence counts 2, a flag 4 here
        cut_at(281) + "  \n",
    ],
)
def test_an_oembed_long_post_cut_with_an_ellipsis_is_marked_partial(text: str) -> None:
    """oEmbed shows a long post's first ~280 units and "…", and does not say the post is
    long: a text ending in "…" at a length no ordinary post reaches is taken for a cut."""
    r = oembed_of(text)
    assert r.text == text.rstrip()
    assert (r.truncated, r.partial, r.snapshot_fields()["partial"]) == (True, True, True)


@pytest.mark.parametrize(
    "text",
    [
        "If only…",
        "残雪があるぞ…",  # short, even counted twice
        cut_at(250),  # a post that ends in "…" by itself
        cut_at(282)[:-1] + ".",  # long, but no ellipsis: as X wrote it
        cut_at(282) + " https://t.co/AbCdEf1234",  # the "…" is not at the end
        "…",
        "",
    ],
)
def test_an_oembed_text_ending_in_an_ellipsis_by_itself_is_not_partial(text: str) -> None:
    r = oembed_of(text)
    assert (r.truncated, r.partial) == (False, False)


@pytest.mark.parametrize(
    "card",
    [
        [],
        "summary",
        {"name": 5, "binding_values": []},
        {"binding_values": {"title": {"string_value": 7}, "choice1_label": "x"}},
        {
            "binding_values": {
                "choice1_label": {"string_value": "A"},
                "choice1_count": {"string_value": "9" * 5000},
            }
        },
        {
            "binding_values": {
                "choice1_label": {"string_value": "A"},
                "choice1_count": {"string_value": "٣"},
            }
        },
        {"binding_values": {"thumbnail_image": {"image_value": "not an object"}}},
    ],
)
def test_a_card_of_any_shape_never_breaks_the_post(card) -> None:
    """The post is read with whatever of its card reads; counts that are no number are none."""
    from fake_x import tweet_json

    body = json.dumps(tweet_json("1763000000000000001", "Vote", card=card)).encode()
    result = parse_syndication(200, "application/json", body)
    assert (result.status, result.text) == ("live", "Vote")
    assert result.card is None or all(c["count"] is None for c in result.card.get("choices", []))


@pytest.mark.parametrize(
    "urls",
    [
        "https://t.co/AbCdEf1234",
        [None, 5, [], {"url": 7}, {"url": "https://t.co/Other12345"}],
        [{"url": "https://t.co/AbCdEf1234", "expanded_url": ["x"], "display_url": {}}] * 3000,
    ],
)
def test_links_of_any_shape_never_break_the_post(urls) -> None:
    """Only the links the text shows are listed, once each, with what reads of them."""
    from fake_x import tweet_json

    value = tweet_json("1763000000000000001", "Read https://t.co/AbCdEf1234")
    value["entities"]["urls"] = urls
    result = parse_syndication(200, "application/json", json.dumps(value).encode())
    assert result.text == "Read https://t.co/AbCdEf1234"
    assert result.links == [
        {"url": "https://t.co/AbCdEf1234", "expanded_url": None, "display_url": None}
    ]


def test_a_card_in_graphqls_form_reads_as_syndications() -> None:
    """X's GraphQL API writes ``binding_values`` as a list of key/value pairs in ``legacy``."""
    from fake_x import tweet_json

    syndication = {
        "name": "poll2choice_text_only",
        "url": "card://1",
        "binding_values": {
            "choice1_label": {"string_value": "Yes", "type": "STRING"},
            "choice1_count": {"string_value": "10", "type": "STRING"},
            "choice2_label": {"string_value": "No", "type": "STRING"},
            "counts_are_final": {"boolean_value": True, "type": "BOOLEAN"},
        },
    }
    pairs = [{"key": k, "value": v} for k, v in syndication["binding_values"].items()]
    graphql = {"rest_id": "1", "legacy": {**syndication, "binding_values": [*pairs, 5, {}]}}
    read = [
        parse_syndication(200, JSON, json.dumps(tweet_json("20", "Vote", card=c)).encode()).card
        for c in (syndication, graphql)
    ]
    assert (
        read[0]
        == read[1]
        == {
            "name": "poll2choice_text_only",
            "url": "card://1",
            "choices": [{"label": "Yes", "count": 10}, {"label": "No", "count": None}],
            "counts_final": True,
        }
    )
