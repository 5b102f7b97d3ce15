"""A post's captures in Datasette: the card links them, the ``mementos`` query lists them,
and ``/-/timemap/DATABASE/POST`` serves the same TimeMap as ``archive timemap``."""

from __future__ import annotations

import asyncio
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlite_utils
from datasette.app import Datasette
from datasette.utils import tilde_encode
from datasette_sample import MAYOR, PIER, build_sample_archive

from archiver.datasette.serve import register_plugin
from archiver.db import open_database, transaction
from archiver.db.provenance import WaybackLookup, WaybackSnapshot, save_wayback_lookup
from archiver.memento import post_timemap_text

REPLAY = f"http://wb.test/web/20240301130000id_/https://twitter.com/harbourwatch/status/{PIER}"
LISTED = f"http://wb.test/web/20230101000000id_/https://x.com/harbourwatch/status/{PIER}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    path = build_sample_archive(tmp_path_factory.mktemp("sample"))
    fields = {
        "provider": "wayback", "http_status": 200, "status": "live", "author_name": "Pier",
        "handle": "harbourwatch", "text": "Earlier words", "created_at": None, "media": "[]",
        "payload": b"<html></html>", "payload_sha256": "00" * 32,
    }  # fmt: skip
    listed = json.dumps(
        [
            {"replay_url": REPLAY, "memento_datetime": "2024-03-01T13:00:00Z"},
            {"replay_url": LISTED, "memento_datetime": "2023-01-01T00:00:00Z"},
        ]
    )
    snapshot = WaybackSnapshot(REPLAY, "2024-03-01T13:00:00Z", fields, "11" * 32)
    db = open_database(path)
    with transaction(db) as conn:
        save_wayback_lookup(
            conn, WaybackLookup(PIER, "2026-12-02T08:00:00Z", listed, None, snapshot, 86400.0)
        )
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def ds(sample) -> Datasette:
    register_plugin()
    return Datasette([str(sample)])


def get(ds: Datasette, path: str):
    return asyncio.run(ds.client.get(path))


def test_card_links_the_captures_and_the_timemap(ds):
    html = get(ds, f"/archive/posts/{PIER}").text
    assert f'href="/archive/mementos?post={PIER}">captures</a>' in html
    assert f'href="/-/timemap/archive/{PIER}">TimeMap</a>' in html


def test_mementos_query_lists_what_the_timemap_lists(ds, sample):
    url = f"https://twitter.com/harbourwatch/status/{PIER}?s=20"
    rows = get(ds, "/archive/mementos.json?_shape=array&post=" + quote(url, safe="")).json()
    assert [r["url"] for r in rows[:2]] == [LISTED, REPLAY]
    own = [r["snapshot_id"] for r in rows if r["snapshot_id"] is not None]
    assert own and all(r["source"] != "wayback" for r in rows[2:])
    db = open_database(sample)
    text = post_timemap_text(db.conn, PIER, "http://localhost/", "archive")
    assert text is not None and text.count("memento") == len(rows)
    html = get(ds, f"/archive/mementos?post={PIER}").text
    assert f'href="/archive/snapshots/{own[0]}">snapshot {own[0]}</a>' in html


def test_timemap_route_serves_link_format(ds):
    response = get(ds, f"/-/timemap/archive/{PIER}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/link-format")
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.text
    assert body.startswith(f'<https://x.com/harbourwatch/status/{PIER}>; rel="original",\n')
    assert f'<{LISTED}>; rel="first memento"; datetime="Sun, 01 Jan 2023 00:00:00 GMT"' in body
    assert f'<http://localhost/-/timemap/archive/{PIER}>; rel="self"' in body
    assert "<http://localhost/archive/snapshots/" in body


@pytest.mark.parametrize("path", ["/-/timemap/archive/20", "/-/timemap/nothere/1"])
def test_timemap_route_unknown_post_or_database_is_404(ds, path):
    assert get(ds, path).status_code == 404


def test_timemap_route_of_what_names_no_post_is_400_as_the_command_says(ds):
    response = get(ds, "/-/timemap/archive/abc")
    assert response.status_code == 400
    assert response.text == "not a post URL or ID: abc"


def test_timemap_route_of_a_text_only_post_is_404(ds, sample):
    (post,) = (
        sqlite_utils.Database(sample).execute("select id from posts where url is null").fetchone()
    )
    response = get(ds, f"/-/timemap/archive/{post}")
    assert response.status_code == 404
    assert "known only from text" in response.text


def test_every_link_on_a_text_only_posts_card_answers(ds, sample):
    """A post known only from text had a TimeMap link (400: its ID, percent-encoded by the
    card, was read as no post) and a WACZ link (404) on its card; ``archive export --post
    text:…`` packs the pages that showed it, and so does the card's link now."""
    (post,) = (
        sqlite_utils.Database(sample).execute("select id from posts where url is null").fetchone()
    )
    html = get(ds, f"/archive/posts/{tilde_encode(post)}").text
    links = set(re.findall(r'href="(/[^"]*)"', html))
    assert "TimeMap" not in html and "captures</a>" not in html
    wacz = f"/-/archiver/wacz/archive/{quote(post, safe='')}"
    assert wacz in links and any(link.startswith("/archive/history?") for link in links)
    for link in links:
        assert get(ds, unescape(link)).status_code == 200, link
    response = get(ds, wacz)
    assert response.content.startswith(b"PK")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="post-{post.replace(":", "-")}.wacz"'
    )
    assert get(ds, f"/-/timemap/archive/{quote(post, safe='')}").status_code == 404


def test_a_post_without_captures_has_just_its_own_snapshots(ds):
    body = get(ds, f"/-/timemap/archive/{MAYOR}").text
    assert "wb.test" not in body and 'rel="first memento"' in body


def test_the_post_page_lists_its_captures_oldest_first(ds):
    html = get(ds, f"/archive/posts/{PIER}").text
    captures = html.split('<div class="archiver-captures">', 1)[1].split("</div>", 1)[0]
    assert captures.index(LISTED) < captures.index(REPLAY)  # oldest first, as the TimeMap
    assert '2023-01-01 00:00 UTC</time>: <a href="http://wb.test/web/20230101' in captures
    assert 'href="/archive/snapshots/' in captures  # our own snapshots, linked to their rows


def test_captures_never_link_what_is_not_http(ds):
    from archiver.datasette.plugin import captures_html

    rows = [("2020-01-01T00:00:00Z", "wayback", None, "javascript:alert(1)")]
    assert captures_html(rows, ds, "archive", {"mementos": "/m"}) == ""
    many = [("2020-01-01T00:00:00Z", "wayback", None, f"https://wb/{n}") for n in range(12)]
    html = captures_html(many, ds, "archive", {"mementos": "/m?post=1"})
    assert html.count("<li>") == 10 and '<a href="/m?post=1">2 more</a>' in html
