"""TimeMaps (RFC 7089, application/link-format) from what the archive knows of a post."""

from __future__ import annotations

from archiver.db.provenance import PostMementos
from archiver.memento import Memento, format_timemap, http_date, post_timemap, snapshot_url

ORIGINAL = "https://x.com/ExampleDesk/status/1255123456789012480"


def test_http_date_is_rfc_1123_gmt():
    assert http_date("2020-04-28T20:00:00Z") == "Tue, 28 Apr 2020 20:00:00 GMT"
    assert http_date("2020-04-28T22:00:00.123+02:00") == "Tue, 28 Apr 2020 20:00:00 GMT"


def test_timemap_lists_original_then_mementos_oldest_first_with_first_and_last():
    body = format_timemap(
        ORIGINAL,
        [
            Memento("http://127.0.0.1:8001/archive/snapshots/7", "2026-12-02T08:00:00Z"),
            Memento(
                "https://web.archive.org/web/20200428200000id_/" + ORIGINAL, "2020-04-28T20:00:00Z"
            ),
            Memento(
                "https://web.archive.org/web/20210101000000id_/" + ORIGINAL, "2021-01-01T00:00:00Z"
            ),
        ],
    )
    lines = body.splitlines()
    assert lines[0] == f'<{ORIGINAL}>; rel="original",'
    assert lines[1] == (
        f'<https://web.archive.org/web/20200428200000id_/{ORIGINAL}>; rel="first memento"; '
        'datetime="Tue, 28 Apr 2020 20:00:00 GMT",'
    )
    assert 'rel="memento"; datetime="Fri, 01 Jan 2021 00:00:00 GMT",' in lines[2]
    assert lines[3] == (
        '<http://127.0.0.1:8001/archive/snapshots/7>; rel="last memento"; '
        'datetime="Wed, 02 Dec 2026 08:00:00 GMT"'
    )
    assert body.endswith("\n")


def test_one_memento_is_first_and_last_and_self_link_has_the_range():
    body = format_timemap(
        ORIGINAL, [Memento("http://a/1", "2020-01-01T00:00:00Z")], self_url="http://a/timemap/1"
    )
    assert (
        'rel="self"; type="application/link-format"; from="Wed, 01 Jan 2020 00:00:00 GMT"' in body
    )
    assert '<http://a/1>; rel="first last memento"' in body


def test_no_memento_is_just_the_original():
    assert format_timemap(ORIGINAL, []) == f'<{ORIGINAL}>; rel="original"\n'


def test_urls_cannot_break_out_of_their_angle_brackets():
    body = format_timemap('https://x.com/a/status/1?q=<script>">', [])
    assert body.count("<") == 1 and body.count(">") == 1


def test_post_timemap_links_own_snapshots_to_datasette_and_keeps_replay_urls():
    replay = f"http://wb/web/20200428200000id_/{ORIGINAL}"
    rows = [
        ("2020-04-28T20:00:00Z", "wayback", None, replay),
        ("2026-12-02T08:00:00Z", "syndication", 7, None),
        ("2026-12-03T08:00:00Z", "wayback", None, None),  # nothing to link: left out
    ]
    mementos = post_timemap(PostMementos(ORIGINAL, rows), "http://127.0.0.1:8001/", "my archive")
    assert mementos == [
        Memento(replay, "2020-04-28T20:00:00Z", "wayback"),
        Memento(
            "http://127.0.0.1:8001/my%20archive/snapshots/7", "2026-12-02T08:00:00Z", "syndication"
        ),
    ]


def test_a_memento_whose_time_is_damaged_is_left_out():
    rows = [("garbage", "syndication", 7, None), ("2026-12-02T08:00:00Z", "syndication", 8, None)]
    text = format_timemap(ORIGINAL, post_timemap(PostMementos(ORIGINAL, rows), "http://h", "a"))
    assert "/snapshots/8>" in text and "/snapshots/7>" not in text


def test_snapshot_url():
    assert snapshot_url("http://h:1/", "archive", 3) == "http://h:1/archive/snapshots/3"
