"""Provider replies kept as WARC records: a response for a new payload, a small revisit for
an unchanged one; checks and snapshots point at them and ``archive verify`` reads them back."""

from __future__ import annotations

import contextlib
import json
import os
import zipfile

import pytest
import sqlite_utils
from fake_x import FakeX
from test_wacz import validate
from warcio.archiveiterator import ArchiveIterator

from archiver.evidence.read import read_record
from archiver.evidence.warc import default_warc_dir

POST = "1763000000000000001"


def rows(db_path, sql: str, params=()) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql, params))


def test_replies_are_kept_and_an_unchanged_one_is_a_revisit(
    run_cli, httpserver, config_file, db_path
):
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    fake.live(POST, "Ferries resume at dawn")
    assert run_cli("snapshot", POST).exit_code == 0
    assert run_cli("snapshot", POST).exit_code == 0
    (record,) = rows(db_path, "select * from records")
    assert record["record_type"] == "response" and "token=" in record["target_uri"]
    (snapshot,) = rows(db_path, "select * from snapshots")
    assert snapshot["record_id"] == record["id"]
    assert snapshot["payload_sha256"] == record["payload_sha256"]
    # Both checks point at the record holding their (identical) payload.
    checks = rows(db_path, "select * from checks order by id")
    assert [c["record_id"] for c in checks] == [record["id"], record["id"]]
    warc_dir = default_warc_dir(db_path)
    stored = read_record(
        warc_dir / record["warc_file"], record["warc_offset"], record["warc_length"]
    )
    assert stored.payload.decode() == snapshot["payload"]
    # The re-check's reply is a revisit record of the same URL, referring to the first.
    revisits = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            revisits += [
                (r.rec_headers, fh.tell())
                for r in ArchiveIterator(fh, check_digests=True)
                if r.rec_type == "revisit"
            ]
    (revisit,) = revisits
    headers = revisit[0]
    assert headers.get_header("WARC-Refers-To") == record["record_id"]
    assert headers.get_header("WARC-Target-URI") == record["target_uri"]
    assert headers.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    result = run_cli("verify")
    assert result.exit_code == 0, result.output
    assert "1 records" in result.output and "1 snapshots" in result.output


def compacted_size(db_path) -> int:
    """The archive's bytes once compacted (VACUUM, WAL folded in), as ``make bench`` counts."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("vacuum")
        conn.execute("pragma wal_checkpoint(truncate)")
        pages = conn.execute("pragma page_count").fetchone()[0]
        return pages * conn.execute("pragma page_size").fetchone()[0]


def test_an_unchanged_recheck_is_small(httpserver, tmp_path):
    """Evidence (docs/evidence.md): about 1.1 KB of WARC per unchanged re-check (a request
    and a revisit, about 560 bytes; a process's file starts with a warcinfo record of about
    300 bytes) and about 125 bytes of SQLite (its ``checks`` row), no new ``records`` row."""
    from click.testing import CliRunner

    from archiver.cli import cli
    from archiver.evidence.read import walk_members

    fake = FakeX(httpserver)
    posts = [str(1763000000000000100 + n) for n in range(200)]
    for n, post in enumerate(posts):
        fake.live(post, f"Ferries resume at dawn, pier {n}")
    config = tmp_path / "config.toml"
    config.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    db_path = tmp_path / "archive.db"
    args = ["snapshot", *posts, "--db", str(db_path), "--config", str(config)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    warc_dir = default_warc_dir(db_path)
    before = (sum(p.stat().st_size for p in warc_dir.iterdir()), compacted_size(db_path))
    assert CliRunner().invoke(cli, args).exit_code == 0  # one process: one file, one warcinfo
    after = (sum(p.stat().st_size for p in warc_dir.iterdir()), compacted_size(db_path))
    warc_bytes, sqlite_bytes = ((b - a) / len(posts) for a, b in zip(before, after, strict=True))
    assert 900 < warc_bytes < 1280 and sqlite_bytes < 160, (warc_bytes, sqlite_bytes)
    assert rows(db_path, "select count(*) as n from records")[0]["n"] == len(posts)
    assert rows(db_path, "select count(*) as n from checks")[0]["n"] == 2 * len(posts)
    (path,) = warc_dir.glob("*.warc.gz")
    members = list(walk_members(path))
    assert members[0].length < 400  # the warcinfo
    assert all(500 < m.length < 650 for m in members[-2 * len(posts) :])  # requests, revisits


def test_a_changed_reply_is_a_new_response(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    fake.live(POST, "first text")
    assert run_cli("snapshot", POST).exit_code == 0
    fake.live(POST, "second text")
    assert run_cli("snapshot", POST).exit_code == 0
    records = rows(db_path, "select record_type from records order by id")
    assert [r["record_type"] for r in records] == ["response", "response"]
    assert run_cli("verify").exit_code == 0


def test_a_post_exports_with_the_articles_that_embedded_it(
    run_cli, httpserver, config_file, db_path, tmp_path
):
    from test_evidence import PAGE

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    page = tmp_path / "story.html"
    page.write_text(PAGE.replace("/status/20", f"/status/{POST}"))
    assert run_cli("scan", str(page)).exit_code == 0
    fake.live(POST, "Ferries resume at dawn", handle="ada")
    assert run_cli("snapshot", "--due").exit_code == 0
    out = tmp_path / "post.wacz"
    result = run_cli("export", "--wacz", str(out), "--post", f"https://x.com/ada/status/{POST}")
    assert result.exit_code == 0, result.output
    assert validate(out).returncode == 0
    with zipfile.ZipFile(out) as package:
        pages = package.read("pages/pages.jsonl").decode()
    assert "tweet-result" in pages and page.resolve().as_uri() in pages
    assert f"/status/{POST}" in pages  # the post's own URL, beside its reply
    assert os.path.getsize(out) > 0


def media_post(fake: FakeX, server, text: str = "Ferries with pictures") -> None:
    """A live post with a photo and a video of three variants, served by ``server``."""
    from fake_x import json_response, tweet_json

    photo = server.url_for("/media/photo.jpg")
    details = [
        {"type": "photo", "media_url_https": photo, "original_info": {"width": 4, "height": 3}},
        {
            "type": "video",
            "media_url_https": server.url_for("/media/poster.jpg"),
            "video_info": {
                "variants": [
                    {
                        "content_type": "video/mp4",
                        "bitrate": 256000,
                        "url": server.url_for("/v/low.mp4"),
                    },
                    {
                        "content_type": "application/x-mpegURL",
                        "url": server.url_for("/v/list.m3u8"),
                    },
                    {
                        "content_type": "video/mp4",
                        "bitrate": 2176000,
                        "url": server.url_for("/v/high.mp4"),
                    },
                ]
            },
        },
    ]
    fake.syndication[POST] = [json_response(tweet_json(POST, text, mediaDetails=details))]


def test_media_of_a_live_post_are_kept_once(run_cli, httpserver, config_file, db_path, tmp_path):
    from werkzeug import Response

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    media_post(fake, httpserver)
    photo_bytes = b"\xff\xd8\xff\xe0 a jpeg"
    video_bytes = b"\x00\x00\x00\x18ftypmp42 a video" * 100
    httpserver.expect_request("/media/photo.jpg").respond_with_response(
        Response(photo_bytes, content_type="image/jpeg")
    )
    httpserver.expect_request("/v/high.mp4").respond_with_response(
        Response(video_bytes, content_type="video/mp4")
    )
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert "2 media kept (0 failed)" in result.output
    media = rows(db_path, "select * from media order by id")
    assert [(m["kind"], m["error"]) for m in media] == [("photo", None), ("video", None)]
    assert media[1]["url"].endswith("/v/high.mp4")  # the best MP4 variant, and only it
    assert media[0]["bytes"] == len(photo_bytes) and media[0]["content_type"] == "image/jpeg"
    warc_dir = default_warc_dir(db_path)
    for item, data in zip(media, (photo_bytes, video_bytes), strict=True):
        (record,) = rows(db_path, "select * from records where id = ?", [item["record_id"]])
        stored = read_record(
            warc_dir / record["warc_file"], record["warc_offset"], record["warc_length"]
        )
        assert stored.payload == data and record["payload_sha256"] == item["sha256"]
    out = tmp_path / "post.wacz"  # the post's media, packed with its reply
    assert run_cli("export", "--wacz", str(out), "--post", POST).exit_code == 0
    with zipfile.ZipFile(out) as package:
        index = package.read("indexes/index.cdx").decode()
    assert "/media/photo.jpg" in index and "/v/high.mp4" in index
    assert validate(out).returncode == 0
    # A second run fetches nothing again.
    hits = len(httpserver.log)
    assert run_cli("snapshot", POST).exit_code == 0
    assert not any("/media/" in str(r.url) or "/v/" in str(r.url) for r, _ in httpserver.log[hits:])
    assert len(rows(db_path, "select * from media")) == 2
    result = run_cli("verify")
    assert result.exit_code == 0 and "2 media" in result.output
    sqlite_utils.Database(db_path).execute("update media set sha256 = 'x' where kind = 'video'")
    result = run_cli("verify")
    assert result.exit_code == 1 and "payload differs" in result.output


def test_a_media_failure_is_recorded_and_never_fails_the_check(
    run_cli, httpserver, config_file, db_path
):
    from werkzeug import Response

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text("max_media_bytes = 1000\n"), encoding="utf-8")
    media_post(fake, httpserver)
    httpserver.expect_request("/media/photo.jpg").respond_with_response(Response("", status=404))
    httpserver.expect_request("/v/high.mp4").respond_with_response(
        Response(b"x" * 5000, content_type="video/mp4")
    )
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert rows(db_path, "select status from posts")[0]["status"] == "live"
    assert "0 media kept (2 failed)" in result.output
    media = {m["kind"]: m for m in rows(db_path, "select * from media")}
    assert "HTTP 404" in media["photo"]["error"]
    assert "max_bytes" in media["video"]["error"] and media["video"]["record_id"] is None
    # A failed URL is not fetched again: a second run asks for neither, and adds no row.
    hits = len(httpserver.log)
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert "media kept" not in result.output
    assert not any("/media/" in str(r.url) or "/v/" in str(r.url) for r, _ in httpserver.log[hits:])
    assert len(rows(db_path, "select * from media")) == 2


def test_a_video_offered_only_as_a_stream_is_kept_in_the_snapshot_not_fetched(
    run_cli, httpserver, config_file, db_path
):
    """X gave only an HLS playlist: the snapshot keeps its URL, marked by its content type;
    the playlist is not the video, so it is not fetched as if it were (no request, no row)."""
    from fake_x import json_response, tweet_json

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    stream = httpserver.url_for("/v/list.m3u8")
    video = {
        "type": "video",
        "media_url_https": httpserver.url_for("/media/poster.jpg"),
        "video_info": {"variants": [{"content_type": "application/x-mpegURL", "url": stream}]},
    }
    post = tweet_json(POST, "Live from the pier", mediaDetails=[video])
    fake.syndication[POST] = [json_response(post)]
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    [snapshot] = rows(db_path, "select media from snapshots")
    [item] = json.loads(snapshot["media"])
    assert (item["url"], item["content_type"]) == (stream, "application/x-mpegURL")
    assert not any("/v/" in str(r.url) for r, _ in httpserver.log)
    assert rows(db_path, "select count(*) as n from media") == [{"n": 0}]


def test_media_photos_only(run_cli, httpserver, config_file, db_path):
    from werkzeug import Response

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text('media = "photos"\n'), encoding="utf-8")
    media_post(fake, httpserver)
    httpserver.expect_request("/media/photo.jpg").respond_with_response(
        Response(b"jpeg", content_type="image/jpeg")
    )
    assert run_cli("snapshot", POST).exit_code == 0
    assert [m["kind"] for m in rows(db_path, "select kind from media")] == ["photo"]


@pytest.mark.parametrize(
    ("before", "after"),
    [("[archive]\nevidence = false\n", ""), ("", 'media = "none"\n')],
    ids=["evidence-off", "media-none"],
)
def test_no_media_are_fetched_when_none_are_kept(
    run_cli, httpserver, config_file, db_path, before, after
):
    """``[archive] evidence = false`` keeps hashes only, and ``[snapshot] media = "none"``
    keeps no media: neither asks for a photo or a video, nor adds a ``media`` row."""
    fake = FakeX(httpserver)
    config_file.write_text(before + fake.config_text(after), encoding="utf-8")
    media_post(fake, httpserver)
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert "1 live" in result.output and "media kept" not in result.output
    assert not any("/media/" in str(r.url) or "/v/" in str(r.url) for r, _ in httpserver.log)
    assert rows(db_path, "select count(*) as n from media") == [{"n": 0}]
    kept = rows(db_path, "select count(*) as n from records")[0]["n"]
    assert kept == (0 if before else 1)  # evidence off: not even the provider's reply


def test_a_changed_byte_in_an_unreferenced_revisit_fails_verify(
    run_cli, httpserver, config_file, db_path
):
    """The revisit no row names (the last record of the file) is covered by the file's seal."""
    from archiver.evidence.read import walk_members

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    fake.live(POST, "Ferries resume at dawn")
    assert run_cli("snapshot", POST).exit_code == 0
    assert run_cli("snapshot", POST).exit_code == 0
    (path,) = default_warc_dir(db_path).glob("*.warc.gz")
    last = list(walk_members(path))[-1]
    original = path.read_bytes()
    missed = []
    for position in range(last.offset, len(original)):
        changed = bytearray(original)
        changed[position] ^= 0x01
        path.write_bytes(bytes(changed))
        if run_cli("verify").exit_code != 1:
            missed.append(position)
    path.write_bytes(original)
    assert missed == []
    assert run_cli("verify").exit_code == 0


def test_the_replies_of_a_group_of_checks_are_made_durable_once(
    run_cli, httpserver, config_file, db_path, monkeypatch
):
    """Every reply is on disk before the commit that names it, with one fsync per group of
    checks, not one per check (a check cost 0.9 ms more: an fsync and a seal each)."""
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    posts = [str(1763000000000000100 + n) for n in range(12)]
    for n, post in enumerate(posts):
        fake.live(post, f"Ferry timetable, part {n}")
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    assert run_cli("snapshot", *posts).exit_code == 0
    assert rows(db_path, "select count(*) as n from records")[0]["n"] == len(posts)
    assert 1 <= len(synced) < len(posts) // 2
    assert run_cli("verify").exit_code == 0


def test_a_media_url_that_is_not_http_is_a_failed_fetch(run_cli, httpserver, config_file, db_path):
    """A reply listing a photo at ``file:`` or ``data:`` had it left out silently: no row,
    not counted. It is a failed fetch now, with its reason, and nothing is requested."""
    from fake_x import json_response, tweet_json
    from werkzeug import Response

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    odd = ["file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo="]
    details = [
        {"type": "photo", "media_url_https": url}
        for url in [*odd, httpserver.url_for("/media/photo.jpg")]
    ]
    fake.syndication[POST] = [json_response(tweet_json(POST, "Odd photos", mediaDetails=details))]
    httpserver.expect_request("/media/photo.jpg").respond_with_response(
        Response(b"\xff\xd8\xff\xe0 a jpeg", content_type="image/jpeg")
    )
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert "1 media kept (2 failed)" in result.output
    media = rows(db_path, "select url, error, record_id from media order by id")
    assert media[:2] == [
        {"url": url, "error": f"{url}: only http(s) URLs can be fetched", "record_id": None}
        for url in odd
    ]
    assert media[2]["error"] is None and media[2]["record_id"] is not None
    # Counted once: a second run fetches nothing and adds no row.
    assert run_cli("snapshot", POST).exit_code == 0
    assert len(rows(db_path, "select * from media")) == 3


def test_a_media_url_that_does_not_parse_is_a_failed_fetch(
    run_cli, httpserver, config_file, db_path
):
    """A reply listing a photo at ``https://[::1/…`` ended ``archive snapshot`` with a
    traceback (urlsplit's ValueError): it is a failed fetch, as any other."""
    from fake_x import json_response, tweet_json

    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    odd = "https://[::1/photo.jpg"
    details = [{"type": "photo", "media_url_https": odd}]
    fake.syndication[POST] = [json_response(tweet_json(POST, "Odd photo", mediaDetails=details))]
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert "0 media kept (1 failed)" in result.output
    media = rows(db_path, "select url, error from media")
    assert media == [{"url": odd, "error": f"{odd}: not a valid URL (Invalid IPv6 URL)"}]


def test_a_gif_is_kept_as_its_mp4_and_a_body_in_an_unread_coding_is_a_failed_fetch(
    run_cli, httpserver, config_file, db_path
):
    """A GIF (X serves it as an MP4) is kept as a ``gif``; a photo served in a coding archiver
    does not decode (``zstd``) is a failed fetch whose row gives why, and no record holds it."""
    from fake_x import json_response, tweet_json
    from httpx._decoders import SUPPORTED_DECODERS
    from werkzeug import Response

    if "zstd" in SUPPORTED_DECODERS:
        pytest.skip("the zstandard package is installed: httpx decodes zstd")
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    gif = {
        "type": "animated_gif",
        "media_url_https": httpserver.url_for("/media/gif-poster.jpg"),
        "video_info": {
            "variants": [
                {"content_type": "video/mp4", "bitrate": 0, "url": httpserver.url_for("/g.mp4")}
            ]
        },
    }
    photo = {"type": "photo", "media_url_https": httpserver.url_for("/media/zstd.jpg")}
    fake.syndication[POST] = [json_response(tweet_json(POST, "A gif", mediaDetails=[gif]))]
    other = "1763000000000000002"
    fake.syndication[other] = [json_response(tweet_json(other, "A photo", mediaDetails=[photo]))]
    clip = b"\x00\x00\x00\x18ftypmp42 a gif" * 50
    httpserver.expect_request("/g.mp4").respond_with_response(
        Response(clip, content_type="video/mp4")
    )
    httpserver.expect_request("/media/zstd.jpg").respond_with_response(
        Response(b"(zstd bytes)", content_type="image/jpeg", headers={"Content-Encoding": "zstd"})
    )
    result = run_cli("snapshot", POST, other)
    assert result.exit_code == 0, result.output
    assert "1 media kept (1 failed)" in result.output
    media = {m["kind"]: m for m in rows(db_path, "select * from media")}
    assert media["gif"]["error"] is None and media["gif"]["bytes"] == len(clip)
    (record,) = rows(db_path, "select * from records where id = ?", [media["gif"]["record_id"]])
    stored = read_record(
        default_warc_dir(db_path) / record["warc_file"],
        record["warc_offset"],
        record["warc_length"],
    )
    assert stored.payload == clip
    refused = "served with Content-Encoding: zstd, which this archiver does not decode"
    assert refused in media["photo"]["error"] and media["photo"]["record_id"] is None
    assert not rows(db_path, "select * from records where target_uri like '%zstd%'")
    assert rows(db_path, "select status from posts order by id") == [{"status": "live"}] * 2
    assert run_cli("verify").exit_code == 0
