"""Answers in shapes X's public code shows but the captures in x-captures do not: each body
is served by a local stand-in for X on 127.0.0.1 (``fake_x``), checked by the real snapshot
run, and read back from the archive's rows.

The shapes come from public code that reads X's answers (react-tweet's ``api/types``, X's
GraphQL as scrapers record it); the bodies are written for these tests.
"""

from __future__ import annotations

import json

import pytest
import sqlite_utils
from fake_x import FakeX, tweet_json
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug import Response

from archiver.config import load_config
from archiver.db import open_database, posts_to_check
from archiver.db.reread import rehash_leading_mentions
from archiver.db.schema import migrations
from archiver.snapshot.result import ProviderResult
from archiver.snapshot.run import check_posts

POST = "1841818118046445592"
NOW = "2024-10-04T12:00:00.000Z"


@pytest.fixture
def archive(httpserver, tmp_path, db):
    """``archive(body)``: the post's snapshot row after one check that syndication answered
    with ``body`` (a dict as JSON, or bytes as they are) and oEmbed with a 404."""
    fake = FakeX(httpserver)
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    config = load_config(path)

    def run(body: dict | bytes) -> dict:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        fake.syndication[POST] = [Response(data, content_type="application/json")]
        fake.oembed[POST] = [Response("", status=404)]
        check_posts(db, posts_to_check(db, [(POST, None)]), config)
        db.conn.row_factory = _row
        found = db.conn.execute(
            "select * from snapshots where post_id = ? order by id desc limit 1", [POST]
        ).fetchone()
        db.conn.row_factory = None
        return found or {}

    return run


def _row(cursor, values) -> dict:
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


# --- long posts ---------------------------------------------------------------------------

NOTE = (
    "@editor Here is the whole of a long post, well past the 280 that X shows before it cuts"
    " &amp; adds an ellipsis; the rest reads on https://t.co/Lk9Whole2 and ends here."
)


def long_post(**extra) -> dict:
    """A long reply with a photo and a quoted post: the cut ``text`` hides the mention
    before its range, and the quote's and photo's links after it."""
    cut = "@editor Here is the whole of a long post, well past the 280 that X shows\u2026"
    return tweet_json(
        POST,
        f"{cut} https://t.co/Qu0te1234 https://t.co/Ph0to5678",
        display_text_range=[8, len(cut)],
        in_reply_to_status_id_str="1841818000000000000",
        quoted_tweet={"id_str": "1841817000000000000", "text": "quoted"},
        mediaDetails=[
            {
                "type": "photo",
                "url": "https://t.co/Ph0to5678",
                "display_url": "pic.x.com/Ph0to5678",
                "media_url_https": "https://pbs.twimg.com/media/Long1.jpg",
            }
        ],
        **extra,
    )


def test_a_long_post_whose_answer_holds_its_whole_text_is_stored_whole(archive) -> None:
    """X's GraphQL form (``note_tweet.note_tweet_results.result``) holds the whole text
    beside the cut ``text``: the snapshot keeps the whole, as X shows it (the reply's
    mention, the quote's and the photo's links hidden), and is not partial."""
    note = {
        "is_expandable": True,
        "note_tweet_results": {
            "result": {
                "id": "Tm90ZVR3ZWV0OjE=",
                "text": f"{NOTE} https://t.co/Qu0te1234",
                "entity_set": {
                    "urls": [
                        {
                            "url": "https://t.co/Lk9Whole2",
                            "expanded_url": "https://example.org/rest",
                            "display_url": "example.org/rest",
                        }
                    ]
                },
            }
        },
    }
    row = archive(long_post(note_tweet=note))
    assert row["text"] == NOTE.removeprefix("@editor ").replace("&amp;", "&")
    assert row["partial"] == 0
    assert json.loads(row["links"]) == [
        {
            "url": "https://t.co/Lk9Whole2",
            "expanded_url": "https://example.org/rest",
            "display_url": "example.org/rest",
        }
    ]
    assert (row["quoted_id"], row["parent_id"]) == ("1841817000000000000", "1841818000000000000")
    assert [m["tco"] for m in json.loads(row["media"])] == ["https://t.co/Ph0to5678"]


def test_a_long_post_with_only_its_notes_id_is_stored_cut_and_partial(archive) -> None:
    """syndication's own form names the rest by an ID it does not resolve."""
    row = archive(long_post(note_tweet={"id": "Tm90ZVR3ZWV0OjE="}))
    assert row["text"] == "Here is the whole of a long post, well past the 280 that X shows\u2026"
    assert row["partial"] == 1


@pytest.mark.parametrize(
    "note",
    [
        {"note_tweet_results": {"result": {"text": 7}}},
        {"note_tweet_results": None},
        {"note_tweet_results": {"result": {"text": ""}}},
    ],
)
def test_a_long_posts_whole_text_of_another_shape_leaves_the_cut_one(archive, note) -> None:
    row = archive(long_post(note_tweet=note))
    assert row["text"] == "Here is the whole of a long post, well past the 280 that X shows\u2026"
    assert row["partial"] == 1


# --- the quoted post ----------------------------------------------------------------------

QUOTED = "1841817000000000000"
GONE = {
    "__typename": "TweetTombstone",
    "tombstone": {"text": {"text": "This Post is unavailable."}},
}


@pytest.mark.parametrize(
    "extra",
    [
        {"quoted_tweet": GONE, "quoted_status_id_str": QUOTED},
        {"is_quote_status": True, "quoted_status_id_str": QUOTED},
        {
            "quoted_tweet": GONE,
            "quoted_status_permalink": {
                "url": "https://t.co/Qu0te1234",
                "expanded": f"https://twitter.com/someone/status/{QUOTED}",
                "display": "x.com/someone/status/…",
            },
        },
    ],
)
def test_a_quoted_post_shown_as_a_tombstone_is_still_named(archive, extra) -> None:
    """A quoted post that is gone comes as a tombstone without an ID; the post's own v1.1
    fields still name it (``quoted_status_id_str``, ``quoted_status_permalink``)."""
    row = archive(tweet_json(POST, "Look at this", **extra))
    assert (row["text"], row["quoted_id"]) == ("Look at this", QUOTED)


@pytest.mark.parametrize(
    "extra",
    [
        {"quoted_tweet": GONE},
        {"quoted_status_id_str": 1.841817e18},
        {"quoted_status_permalink": {"expanded": "https://example.org/status/12"}},
        {"quoted_status_permalink": "https://twitter.com/a/status/1841817000000000000"},
    ],
)
def test_a_quoted_post_not_named_in_a_known_shape_is_left_empty(archive, extra) -> None:
    assert archive(tweet_json(POST, "Look at this", **extra))["quoted_id"] is None


def test_an_id_sent_as_a_json_number_names_the_post(archive) -> None:
    """``id_str`` (and the IDs beside it) as a JSON integer: read exactly, it is the post's
    ID, so ``created_at`` comes from the ID, not from the provider's date."""
    body = tweet_json(POST, "Look at this", id_str=int(POST), quoted_status_id_str=int(QUOTED))
    row = archive(body)
    assert (row["created_at"], row["quoted_id"]) == ("2024-10-03T12:30:33.325Z", QUOTED)


def test_an_id_sent_as_a_number_of_another_post_is_no_answer(archive, db) -> None:
    archive(tweet_json(POST, "Look at this", id_str=int(POST) + 1))
    error = db.conn.execute("select error from checks where provider = 'syndication'").fetchone()
    assert error == (f"syndication: HTTP 200 with a reply about another post ({int(POST) + 1})",)


# --- cards --------------------------------------------------------------------------------

# A website card with a video, in the shape X's GraphQL answers carry (the card's layout is
# a JSON text of its own in ``binding_values.unified_card.string_value``).
UNIFIED = {
    "type": "video_website",
    "component_objects": {
        "details_1": {
            "type": "details",
            "data": {
                "title": {"content": "A site's own title", "is_rtl": False},
                "subtitle": {"content": "news.example", "is_rtl": False},
                "destination": "browser_2",
            },
        },
        "media_1": {"type": "media", "data": {"id": "13_77", "destination": "browser_1"}},
    },
    "destination_objects": {
        "browser_1": {
            "type": "browser_with_docked_media",
            "data": {"url_data": {"url": "https://news.example/a", "vanity": "docked.example"}},
        },
        "browser_2": {
            "type": "browser",
            "data": {"url_data": {"url": "https://news.example/a", "vanity": "news.example"}},
        },
    },
    "components": ["media_1", "details_1"],
    "media_entities": {
        "13_77": {
            "id_str": "77",
            "media_url_https": "https://pbs.twimg.com/amplify_video_thumb/77/img/a.jpg",
            "type": "video",
        }
    },
}


def unified_card(layout: object, graphql: bool = False) -> dict:
    value = {"type": "STRING", "string_value": layout}
    card_url = {"type": "STRING", "string_value": "https://t.co/Card1234"}
    if graphql:
        bindings: object = [
            {"key": "unified_card", "value": value},
            {"key": "card_url", "value": card_url},
        ]
        return {
            "rest_id": "card://1",
            "legacy": {"name": "unified_card", "binding_values": bindings},
        }
    return {
        "name": "unified_card",
        "url": "https://t.co/Card1234",
        "binding_values": {"unified_card": value, "card_url": card_url},
    }


@pytest.mark.parametrize("graphql", [False, True])
def test_a_unified_card_keeps_its_title_domain_and_image(archive, graphql: bool) -> None:
    row = archive(tweet_json(POST, "Read it", card=unified_card(json.dumps(UNIFIED), graphql)))
    assert json.loads(row["card"]) == {
        "name": "unified_card",
        "url": "https://t.co/Card1234",
        "title": "A site's own title",
        "domain": "news.example",
        "image": "https://pbs.twimg.com/amplify_video_thumb/77/img/a.jpg",
    }


def test_a_unified_card_without_a_subtitle_takes_its_destinations_domain(archive) -> None:
    layout = json.loads(json.dumps(UNIFIED))
    del layout["component_objects"]["details_1"]["data"]["subtitle"]
    row = archive(tweet_json(POST, "Read it", card=unified_card(json.dumps(layout))))
    assert json.loads(row["card"])["domain"] == "news.example"


@pytest.mark.parametrize(
    "layout",
    [
        "not json",
        '{"type": "image_website", "component_objects": ',
        "[1, 2]",
        json.dumps({"component_objects": [1], "destination_objects": "x", "media_entities": 3}),
        json.dumps({"component_objects": {"d": {"data": {"title": {"content": 5}, "id": []}}}}),
        json.dumps({"component_objects": {"d": {"data": {"title": {"content": "x" * 200_000}}}}}),
        "[" * 100_000,
        7,
    ],
)
def test_a_unified_card_of_another_shape_keeps_what_every_card_has(archive, layout) -> None:
    row = archive(tweet_json(POST, "Read it", card=unified_card(layout)))
    assert (row["text"], json.loads(row["card"])) == (
        "Read it",
        {"name": "unified_card", "url": "https://t.co/Card1234"},
    )


# A live video's card, with the binding keys snscrape's Twitter module and third-party X
# clients read (``broadcast_title``, ``broadcast_state``, ``broadcaster_username``…).
BROADCAST = {
    "name": "745291183405076480:broadcast",
    "url": "https://t.co/Live1234",
    "binding_values": {
        "broadcast_id": {"type": "STRING", "string_value": "1ZkKzbLwXyzGv"},
        "broadcast_title": {"type": "STRING", "string_value": "Press conference, live"},
        "broadcast_state": {"type": "STRING", "string_value": "ENDED"},
        "broadcaster_username": {"type": "STRING", "string_value": "newsdesk"},
        "broadcaster_display_name": {"type": "STRING", "string_value": "News Desk"},
        "broadcaster_twitter_id": {"type": "STRING", "string_value": "12"},
        "broadcast_url": {
            "type": "STRING",
            "string_value": "https://x.com/i/broadcasts/1ZkKzbLwXyzGv",
        },
        "broadcast_thumbnail_original": {
            "type": "IMAGE",
            "image_value": {"url": "https://pbs.twimg.com/card_img/1/live?format=jpg&name=orig"},
        },
    },
}
BROADCAST_READ = {
    "name": "745291183405076480:broadcast",
    "url": "https://t.co/Live1234",
    "title": "Press conference, live",
    "state": "ENDED",
    "broadcaster": "newsdesk",
    "broadcaster_name": "News Desk",
    "broadcast_id": "1ZkKzbLwXyzGv",
    "broadcast_url": "https://x.com/i/broadcasts/1ZkKzbLwXyzGv",
    "image": "https://pbs.twimg.com/card_img/1/live?format=jpg&name=orig",
}


def test_a_live_videos_card_keeps_its_title_state_and_broadcaster(archive) -> None:
    row = archive(tweet_json(POST, "Watch live", card=BROADCAST))
    assert json.loads(row["card"]) == BROADCAST_READ


def test_cards_stored_bare_are_read_again_when_the_archive_is_upgraded(db_path) -> None:
    """A ``unified_card`` or a live video's card stored with its name and url only (before
    their details were read) gets them from its stored answer (m028); a card that says more,
    or whose answer says no more, stays as it is."""
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="m028_snapshot_cards_read_again")
    old.conn.execute(
        "insert into posts (id, status, first_seen_at) values (?, 'live', ?)", [POST, NOW]
    )
    bare = {"name": "unified_card", "url": "https://t.co/Card1234"}
    rows = [
        (unified_card(json.dumps(UNIFIED)), bare),
        (BROADCAST, {"name": BROADCAST["name"], "url": BROADCAST["url"]}),
        (unified_card("not json"), bare),
        (BROADCAST, {"name": BROADCAST["name"], "url": BROADCAST["url"], "title": "kept"}),
    ]
    for card, stored in rows:
        old.conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, http_status, status,"
            " payload, card) values (?, ?, 'syndication', 200, 'live', ?, ?)",
            [POST, NOW, json.dumps(tweet_json(POST, "Read it", card=card)), json.dumps(stored)],
        )
    old.conn.commit()
    old.conn.close()
    db = open_database(db_path)
    found = [json.loads(c) for (c,) in db.conn.execute("select card from snapshots order by id")]
    db.conn.close()
    assert found == [
        {
            **bare,
            "title": "A site's own title",
            "domain": "news.example",
            "image": "https://pbs.twimg.com/amplify_video_thumb/77/img/a.jpg",
        },
        BROADCAST_READ,
        bare,
        {"name": BROADCAST["name"], "url": BROADCAST["url"], "title": "kept"},
    ]


# --- what X shows beside a post -----------------------------------------------------------

# A community note in the shape of X's GraphQL ``BirdwatchPivot`` (twitter-openapi).
PIVOT = {
    "title": "Readers added context they thought people might want to know",
    "shorttitle": "Readers added context",
    "subtitle": {"text": "The photo is from 2019, not this week.", "entities": []},
    "destinationUrl": "https://x.com/i/birdwatch/n/1841900000000000000",
    "note": {"rest_id": "1841900000000000000"},
    "iconType": "BirdwatchV1Icon",
}
FLAGGED_PHOTO = {
    "type": "photo",
    "url": "https://t.co/Ph0to1234",
    "media_url_https": "https://pbs.twimg.com/media/Flag.jpg",
    "sensitive_media_warning": {"adult_content": False, "graphic_violence": True, "other": True},
    "ext_media_availability": {"status": "Unavailable", "reason": "Dmcaed"},
}
LABELS = {
    "sensitive": True,
    "community_note": {
        "title": PIVOT["title"],
        "summary": "The photo is from 2019, not this week.",
        "note_id": "1841900000000000000",
        "url": PIVOT["destinationUrl"],
    },
}


def flagged_post(**extra) -> dict:
    return tweet_json(
        POST,
        "Look https://t.co/Ph0to1234",
        possibly_sensitive=True,
        birdwatch_pivot=PIVOT,
        mediaDetails=[FLAGGED_PHOTO],
        **extra,
    )


def test_the_flags_x_shows_beside_a_post_are_kept(archive) -> None:
    """A warning over sensitive media, media disabled (DMCA) and a community note: the post's
    own in ``labels``, each media item's in its media JSON."""
    row = archive(flagged_post())
    (photo,) = json.loads(row["media"])
    assert json.loads(row["labels"]) == LABELS
    assert (photo["warning"], photo["availability"]) == (
        ["graphic_violence", "other"],
        {"status": "Unavailable", "reason": "Dmcaed"},
    )


def test_a_post_without_flags_has_no_labels(archive) -> None:
    body = tweet_json(POST, "Plain", possibly_sensitive=False, birdwatch_pivot={"x": 1})
    body["mediaDetails"] = [
        {
            **FLAGGED_PHOTO,
            "sensitive_media_warning": {},
            "ext_media_availability": {"status": "Available"},
        }
    ]
    row = archive(body)
    assert row["labels"] is None
    assert not {"warning", "availability"} & set(json.loads(row["media"])[0])


def test_a_flag_that_changes_alone_adds_no_snapshot(archive, db) -> None:
    """The README's change rules: a snapshot is added when the text, author, handle, media
    or proven status change; a flag is, like a card, what the snapshot's answer showed."""
    archive(tweet_json(POST, "Look https://t.co/Ph0to1234", mediaDetails=[FLAGGED_PHOTO]))
    archive(flagged_post())
    assert db.conn.execute("select count(*) from snapshots").fetchone() == (1,)


def test_snapshots_stored_before_m029_get_their_flags(db_path) -> None:
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="m029_snapshot_labels")
    old.conn.execute(
        "insert into posts (id, status, first_seen_at) values (?, 'live', ?)", [POST, NOW]
    )
    stored = [{"type": "photo", "url": "https://pbs.twimg.com/media/Flag?format=jpg&name=orig"}]
    for body in (flagged_post(), tweet_json(POST, "Plain")):
        old.conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, http_status, status,"
            " payload, media, content_sha256) values (?, ?, 'syndication', 200, 'live', ?, ?, 'h')",
            [POST, NOW, json.dumps(body), json.dumps(stored)],
        )
    old.conn.commit()
    old.conn.close()
    db = open_database(db_path)
    found = db.conn.execute("select labels, media, content_sha256 from snapshots order by id")
    (labels, media, sha), plain = found.fetchall()
    db.conn.close()
    assert (json.loads(labels), sha) == (LABELS, "h")
    assert json.loads(media)[0]["availability"] == {"status": "Unavailable", "reason": "Dmcaed"}
    assert plain == (None, json.dumps(stored), "h")


# --- a reply, from either provider --------------------------------------------------------


def reply_oembed(text_html: str) -> dict:
    """oEmbed's blockquote of a reply: it shows the leading mention that syndication's
    display range hides (publish.twitter.com markup as pages embed it: ``<p …><a
    href="https://twitter.com/Elia_MG">@Elia_MG</a> Can you share…</p>``)."""
    markup = (
        f'<blockquote class="twitter-tweet" data-conversation="none"><p lang="en" dir="ltr">'
        f'{text_html}</p>&mdash; Test Person (@testperson) <a href="https://twitter.com/'
        f'testperson/status/{POST}?ref_src=twsrc%5Etfw">October 3, 2024</a></blockquote>\n'
    )
    return {
        "url": f"https://twitter.com/testperson/status/{POST}",
        "author_name": "Test Person",
        "author_url": "https://twitter.com/testperson",
        "html": markup,
        "type": "rich",
        "version": "1.0",
    }


MENTION = '<a href="https://twitter.com/{0}?ref_src=twsrc%5Etfw">@{0}</a>'


@pytest.mark.parametrize("mentions", [["editor"], ["editor", "desk_2"]])
def test_a_reply_answered_by_oembed_after_syndication_is_no_change(
    httpserver, tmp_path, db, mentions: list[str]
) -> None:
    """The same reply, shown by syndication without its leading mentions and by oEmbed with
    them, is one snapshot: a check answered by oEmbed (syndication blocked) wrote a second
    one, for a change X never made."""
    fake = FakeX(httpserver)
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    config = load_config(path)
    lead = "".join(f"@{m} " for m in mentions)
    body = tweet_json(
        POST, f"{lead}Thanks &amp; noted", display_text_range=[len(lead), len(lead) + 18]
    )
    blocked = Response("<html>blocked</html>", content_type="text/html")
    paragraph = " ".join(MENTION.format(m) for m in mentions) + " Thanks &amp; noted"
    fake.syndication[POST] = [Response(json.dumps(body), content_type="application/json"), blocked]
    fake.oembed[POST] = [
        Response(json.dumps(reply_oembed(paragraph)), content_type="application/json")
    ]
    for _ in range(2):
        check_posts(db, posts_to_check(db, [(POST, None)]), config)
    rows = db.conn.execute("select provider, text from snapshots order by id").fetchall()
    checks = db.conn.execute("select provider, status from checks order by id").fetchall()
    assert checks[-1] == ("oembed", "live")
    assert rows == [("syndication", "Thanks & noted")]
    assert db.conn.execute("select text from posts").fetchall() == [("Thanks & noted",)]


def test_snapshots_hashed_with_their_leading_mentions_are_hashed_again(
    httpserver, tmp_path, db_path
) -> None:
    """An archive from before m027 hashed an oEmbed reply's leading mentions: upgraded, it
    hashes as a check does today, so syndication's answer for the same reply adds no
    snapshot. Rows whose text opens otherwise, or whose media do not read, keep theirs."""
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="m027_snapshot_hash_without_leading_mentions")
    old.conn.execute(
        "insert into posts (id, status, first_seen_at) values (?, 'live', ?)", [POST, NOW]
    )
    for text, media in [
        ("Other", "[]"),
        ("@desk hi", "{not json"),
        ("@editor Thanks & noted", "[]"),
    ]:
        old.conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, http_status, status, text,"
            " author_name, handle, media, payload, payload_sha256, content_sha256)"
            " values (?, ?, 'oembed', 200, 'live', ?, 'Test Person', 'testperson', ?, '{}', '-',"
            " 'old')",
            [POST, NOW, text, media],
        )
    old.conn.commit()
    old.conn.close()
    db = open_database(db_path)
    hashes = [row[0] for row in db.conn.execute("select content_sha256 from snapshots order by id")]
    assert hashes[:2] == ["old", "old"] and hashes[2] != "old"
    fake = FakeX(httpserver)
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    body = tweet_json(POST, "@editor Thanks &amp; noted", display_text_range=[8, 26])
    fake.syndication[POST] = [Response(json.dumps(body), content_type="application/json")]
    check_posts(db, posts_to_check(db, [(POST, None)]), load_config(path))
    assert db.conn.execute("select count(*) from snapshots").fetchone()[0] == 3
    assert rehash_leading_mentions(db.conn) == 0  # idempotent
    db.conn.close()


# --- X's GraphQL form ---------------------------------------------------------------------


def graphql_post(user: dict, **beside) -> dict:
    """A reply with a photo, quoting a post, in X's GraphQL form, in the wrapper X puts
    around a post shown with limited actions."""
    legacy = {
        "id_str": POST,
        "full_text": "@desk Rates rise &amp; fall https://t.co/Ph0to5678",
        "display_text_range": [6, 27],
        "created_at": "Thu Oct 03 12:30:33 +0000 2024",
        "in_reply_to_status_id_str": "1841818000000000000",
        "entities": {"urls": [], "user_mentions": [{"screen_name": "desk", "indices": [0, 5]}]},
        "extended_entities": {
            "media": [
                {
                    "type": "photo",
                    "url": "https://t.co/Ph0to5678",
                    "display_url": "pic.x.com/Ph0to5678",
                    "media_url_https": "https://pbs.twimg.com/media/Gq1.jpg",
                    "ext_alt_text": "A chart",
                    "original_info": {"width": 1200, "height": 675},
                }
            ]
        },
        "favorite_count": 10**30,
    }
    tweet = {
        "__typename": "Tweet",
        "rest_id": POST,
        "core": {"user_results": {"result": {"__typename": "User", **user}}},
        "legacy": legacy,
        "quoted_status_result": {"result": {"__typename": "Tweet", "rest_id": QUOTED}},
        "edit_control": {"edit_tweet_ids": [POST], "editable_until_msecs": "1727962233000"},
        **beside,
    }
    return {
        "__typename": "TweetWithVisibilityResults",
        "tweet": tweet,
        "limitedActionResults": {"limited_actions": [{"action": "Reply"}]},
    }


@pytest.mark.parametrize(
    "user",
    [
        {"legacy": {"name": "Rates Desk", "screen_name": "RatesDesk"}},  # before 2025
        {"core": {"name": "Rates Desk", "screen_name": "RatesDesk"}, "legacy": {}},  # since
    ],
)
def test_a_post_in_xs_graphql_form_is_read_as_syndications(archive, user: dict) -> None:
    row = archive(graphql_post(user))
    assert (row["status"], row["author_name"], row["handle"]) == ("live", "Rates Desk", "RatesDesk")
    assert row["text"] == "Rates rise & fall"
    assert row["created_at"] == "2024-10-03T12:30:33.325Z"
    assert (row["quoted_id"], row["parent_id"]) == (QUOTED, "1841818000000000000")
    [photo] = json.loads(row["media"])
    assert (photo["tco"], photo["alt"], photo["width"]) == (
        "https://t.co/Ph0to5678",
        "A chart",
        1200,
    )
    assert json.loads(row["edit_ids"]) == [POST]


def test_a_long_post_and_an_article_in_xs_graphql_form(archive) -> None:
    note = {"note_tweet_results": {"result": {"text": "@desk Rates rise & fall, and more."}}}
    article = {
        "article_results": {
            "result": {
                "rest_id": "1841818118046445000",
                "title": "Why rates move",
                "preview_text": "A primer.",
                "cover_media": {
                    "media_info": {"original_img_url": "https://pbs.twimg.com/media/Cv.jpg"}
                },
            }
        }
    }
    user = {"legacy": {"name": "Rates Desk", "screen_name": "RatesDesk"}}
    row = archive(graphql_post(user, note_tweet=note))
    assert (row["text"], row["partial"]) == ("Rates rise & fall, and more.", 0)
    row = archive(graphql_post(user, article=article))
    assert row["text"] == "Rates rise & fall\n\nWhy rates move\n\nA primer."
    assert row["partial"] == 1


@pytest.mark.parametrize("user", [{}, {"legacy": None}, {"legacy": {"name": 5}, "core": []}])
def test_a_graphql_post_without_its_author_is_no_snapshot(httpserver, archive, user) -> None:
    row = archive(graphql_post(user))
    assert row == {}  # inconclusive: no snapshot


@pytest.mark.parametrize(
    "user",
    [
        {"name": None, "screen_name": None},
        {"name": 5, "screen_name": ["a"]},
        {"id_str": "42", "name": "  ", "screen_name": "not a handle!"},
    ],
)
def test_a_post_whose_user_has_no_name_or_handle_is_not_shown_live(archive, db, user: dict) -> None:
    """It was stored live with no author; now it is an inconclusive check with one line,
    the answer kept as evidence, and no snapshot."""
    body = json.dumps(tweet_json(POST, "Who wrote this?", user=user)).encode()
    assert archive(body) == {}
    status, error, record_id = db.conn.execute(
        "select status, error, record_id from checks where provider = 'syndication'"
    ).fetchone()
    assert status == "unavailable"
    assert error == "syndication: post whose user has no name or handle (inconclusive)"
    assert record_id is not None  # the answer, as served, in the WARC


def test_snapshots_stored_before_m018_get_a_quoted_post_named_beside_its_tombstone(
    db_path,
) -> None:
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="m018_snapshot_quoted_and_parent")
    old.conn.execute(
        "insert into posts (id, status, first_seen_at) values (?, 'live', ?)", [POST, NOW]
    )
    for extra in (
        {"quoted_tweet": GONE, "quoted_status_id_str": QUOTED},
        {"quoted_status_id_str": QUOTED},
    ):
        old.conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, http_status, status, payload)"
            " values (?, ?, 'syndication', 200, 'live', ?)",
            [POST, NOW, json.dumps(tweet_json(POST, "Look at this", **extra))],
        )
    old.conn.commit()
    old.conn.close()
    db = open_database(db_path)
    found = db.conn.execute("select quoted_id from snapshots order by id").fetchall()
    db.conn.close()
    assert found == [(QUOTED,), (QUOTED,)]


# --- a long post, whole from one provider and cut by the other ----------------------------

WHOLE = " ".join(
    f"Part {n} of a long post on rates, which goes on past where X cuts it for embeds."
    for n in range(1, 9)
)


def oembed_of(text: str) -> Response:
    return Response(json.dumps(reply_oembed(text)), content_type="application/json")


@pytest.mark.parametrize("note_form", ["whole", "cut"])
def test_a_long_post_cut_by_one_provider_is_no_change_from_its_whole_text(
    httpserver, tmp_path, db, note_form: str
) -> None:
    """Syndication gives the whole text (X's GraphQL form) or its first part cut with "…";
    oEmbed its first part cut elsewhere. A check answered by the other provider showed no
    change X made, but each switch wrote a snapshot. A cut that shows more than the latest
    snapshot (oEmbed's after syndication's shorter one) is kept once."""
    fake = FakeX(httpserver)
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    config = load_config(path)
    cut = WHOLE[:272].rstrip() + "\u2026"  # syndication's cut
    if note_form == "whole":
        extra = {"note_tweet": {"note_tweet_results": {"result": {"text": WHOLE}}}}
    else:
        extra = {"note_tweet": {"id": "Tm90ZVR3ZWV0OjE="}}
    body = json.dumps(tweet_json(POST, cut, **extra))
    syndication = Response(body, content_type="application/json")
    blocked = Response("<html>blocked</html>", content_type="text/html")
    oembed_cut = WHOLE[:278].rstrip() + "\u2026"  # oEmbed's, past syndication's
    fake.oembed[POST] = [oembed_of(oembed_cut)]
    # Ending on the provider that shows less of the post than the other.
    answers = [syndication, blocked, syndication, blocked, syndication, blocked]
    for answer in answers if note_form == "whole" else answers[:-1]:
        fake.syndication[POST] = [answer]
        check_posts(db, posts_to_check(db, [(POST, None)]), config)
    rows = db.conn.execute("select provider, text from snapshots order by id").fetchall()
    if note_form == "whole":
        assert rows == [("syndication", WHOLE)]
    else:
        assert rows == [("syndication", cut), ("oembed", oembed_cut)]
    # The post's text is the most it was shown, not the last cut.
    posts = db.conn.execute("select text from posts").fetchall()
    assert posts == [(WHOLE if note_form == "whole" else oembed_cut,)]


def test_a_new_snapshot_of_a_cut_leaves_the_posts_whole_text(httpserver, tmp_path, db) -> None:
    """A check that writes a snapshot for another change (the author's name) while its
    provider cuts the text: the post's text stays the whole one it was shown."""
    fake = FakeX(httpserver)
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    config = load_config(path)
    cut = WHOLE[:272].rstrip() + "\u2026"
    note = {"note_tweet": {"note_tweet_results": {"result": {"text": WHOLE}}}}
    renamed = {"note_tweet": {"id": "Tm90ZVR3ZWV0OjE="}, "name": "Renamed Author"}
    for body in (tweet_json(POST, cut, **note), tweet_json(POST, cut, **renamed)):
        fake.syndication[POST] = [Response(json.dumps(body), content_type="application/json")]
        check_posts(db, posts_to_check(db, [(POST, None)]), config)
    snapshots = db.conn.execute("select text from snapshots order by id").fetchall()
    assert snapshots == [(WHOLE,), (cut,)]
    assert db.conn.execute("select text, author_name from posts").fetchall() == [
        (WHOLE, "Renamed Author")
    ]


def test_only_a_cut_of_the_same_post_shows_part_of_a_snapshot() -> None:
    from archiver.snapshot.providers import parse_syndication
    from archiver.snapshot.result import content_sha256

    def answer(text: str, **extra) -> ProviderResult:
        body = tweet_json(POST, text, **extra)
        return parse_syndication(200, "application/json", json.dumps(body).encode())

    whole = answer(WHOLE)
    cut = WHOLE[:272].rstrip() + "\u2026"
    note = {"note_tweet": {"id": "Tm90ZVR3ZWV0OjE="}}
    assert answer(cut, **note).shows_part_of(WHOLE, content_sha256(whole))
    assert not answer(cut).shows_part_of(WHOLE, content_sha256(whole))  # not cut by X
    assert not answer("Part 9" + cut, **note).shows_part_of(WHOLE, content_sha256(whole))
    other = answer(WHOLE, name="Someone Else")
    assert not answer(cut, **note).shows_part_of(WHOLE, content_sha256(other))
    assert not answer(cut, **note).shows_part_of(None, content_sha256(whole))
    assert not answer("\u2026", **note).shows_part_of(WHOLE, content_sha256(whole))


# --- any shape ----------------------------------------------------------------------------

_KEYS = st.sampled_from(
    [
        "result",
        "legacy",
        "core",
        "user_results",
        "tweet",
        "__typename",
        "rest_id",
        "full_text",
        "text",
        "note_tweet",
        "note_tweet_results",
        "quoted_status_result",
        "article",
        "article_results",
        "extended_entities",
        "media",
        "name",
        "screen_name",
        "quoted_status_permalink",
        "expanded",
        "quoted_tweet",
        "quoted_status_id_str",
        "entity_set",
        "urls",
        "display_text_range",
        "component_objects",
        "data",
        "title",
        "destination_objects",
        "media_entities",
        "id",
        "url_data",
        "subtitle",
        "content",
    ]
)
_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
)
_ANY = st.recursive(
    _LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_ANY, _ANY, _ANY, _ANY)
def test_the_new_shapes_of_any_content_never_break_the_answer(a, b, c, d) -> None:
    """A GraphQL post, a long post's text, a quoted post named beside it and a unified
    card, each holding anything: the answer is read (or refused in one line), never
    raised on."""
    from archiver.snapshot.providers import parse_syndication

    card = {
        "name": "unified_card",
        "binding_values": {"unified_card": {"string_value": json.dumps(c)}},
    }
    graphql = {
        "__typename": "TweetWithVisibilityResults",
        "tweet": {
            "rest_id": POST,
            "legacy": {"full_text": "x", "extended_entities": a, "quoted_status_id_str": d},
            "core": b,
            "quoted_status_result": c,
            "article": d,
            "note_tweet": a,
            "card": card,
        },
    }
    flat = tweet_json(
        POST,
        "hi",
        note_tweet={"note_tweet_results": {"result": a}},
        quoted_status_permalink=b,
        quoted_status_id_str=c,
        quoted_tweet=d,
        card=card,
    )
    for body in (graphql, flat):
        result = parse_syndication(200, "application/json", json.dumps(body).encode())
        fields = result.snapshot_fields()
        assert result.error is None or "\n" not in result.error
        json.loads(str(fields["media"]))


def test_the_flags_of_a_post_in_xs_graphql_form_are_kept(archive) -> None:
    """GraphQL keeps the note beside ``legacy`` and the sensitive flag in it."""
    body = graphql_post({"legacy": {"name": "Rates Desk", "screen_name": "RatesDesk"}})
    body["tweet"]["birdwatch_pivot"] = PIVOT
    body["tweet"]["legacy"]["possibly_sensitive"] = True
    assert json.loads(archive(body)["labels"]) == LABELS
