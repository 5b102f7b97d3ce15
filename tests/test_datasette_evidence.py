"""Evidence in Datasette: payloads as attachments, kept photos as inert images, a post's WACZ.

The archive is made by the real commands over loopback; Datasette runs in-process."""

from __future__ import annotations

import asyncio
import contextlib
import io
import zipfile

import httpx
import pytest
from datasette.app import Datasette
from fake_x import FakeX
from test_evidence import PAGE
from test_evidence_snapshots import POST, media_post
from werkzeug import Response

from archiver.datasette.serve import register_plugin

JPEG = b"\xff\xd8\xff\xe0 a small jpeg"


@pytest.fixture
def ds(run_cli, httpserver, config_file, db_path, tmp_path) -> Datasette:
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text(), encoding="utf-8")
    page = tmp_path / "story.html"
    page.write_text(PAGE.replace("/status/20", f"/status/{POST}"))
    assert run_cli("scan", str(page)).exit_code == 0
    media_post(fake, httpserver)
    httpserver.expect_request("/media/photo.jpg").respond_with_response(
        Response(JPEG, content_type="image/jpeg")
    )
    httpserver.expect_request("/v/high.mp4").respond_with_response(
        Response(b"<script>alert(1)</script>", content_type="text/html")
    )
    assert run_cli("snapshot", POST).exit_code == 0
    register_plugin()
    return Datasette([str(db_path)])


def get(ds: Datasette, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def test_a_records_payload_is_an_attachment_never_rendered(ds) -> None:
    response = get(ds, "/-/archiver/evidence/archive/1")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"] == "application/octet-stream"
    assert b"Caf\xc3\xa9 &amp; news</p>&mdash; Ada" in response.content  # the page as kept
    assert get(ds, "/-/archiver/evidence/archive/999").status_code == 404
    assert get(ds, "/-/archiver/evidence/nosuchdb/1").status_code == 404
    for other in ("/-/archiver/evidence/archive/abc", "/-/archiver/x", "/-/timemap/archive/2/x"):
        response = get(ds, other)  # was Datasette's 404, a 500 with rich installed
        assert (response.status_code, response.text) == (404, f"{other}: no such page")
        assert response.headers["x-content-type-options"] == "nosniff"


def test_provenance_rows_and_tables_link_to_the_payload(ds) -> None:
    html = get(ds, f"/archive/provenance?post={POST}").text
    assert "/-/archiver/evidence/archive/1" in html
    html = get(ds, "/archive/scans").text
    assert 'href="/-/archiver/evidence/archive/1"' in html


def test_a_kept_photo_is_only_ever_an_image(ds) -> None:
    media = get(ds, "/archive/media.json?_shape=objects").json()["rows"]
    by_kind = {m["kind"]: m for m in media}
    photo = get(ds, f"/-/archiver/media/archive/{by_kind['photo']['id']}")
    assert photo.status_code == 200 and photo.content == JPEG
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in photo.headers["content-security-policy"]
    assert "sandbox" in photo.headers["content-security-policy"]
    # The "video" the server sent is HTML: never served by the photo route.
    video = get(ds, f"/-/archiver/media/archive/{by_kind['video']['id']}")
    assert video.status_code == 404 and b"<script>" not in video.content
    card = get(ds, f"/archive/posts/{POST}").text  # the post's card shows it too
    assert f'src="/-/archiver/media/archive/{by_kind["photo"]["id"]}"' in card
    assert f'src="/-/archiver/media/archive/{by_kind["video"]["id"]}"' not in card
    table = get(ds, "/archive/media").text
    assert (
        f'<img class="archiver-thumb" src="/-/archiver/media/archive/{by_kind["photo"]["id"]}"'
        in table
    )


@pytest.mark.parametrize(
    ("content_type", "body", "served"),
    [
        ("image/jpeg", JPEG, True),
        ("image/jpeg", b"<html><script>alert(1)</script></html>", False),
        ("image/png", JPEG, False),
        ("image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00", True),
        ("image/webp", b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00", False),
    ],
    ids=["jpeg", "html-as-jpeg", "jpeg-as-png", "webp", "wav-as-webp"],
)
def test_a_photo_is_served_only_when_its_bytes_begin_as_its_type(
    run_cli, httpserver, config_file, db_path, content_type, body, served
) -> None:
    """The row's type is what the server said; the bytes must begin as that type does (a
    WebP file: ``RIFF``, a size, ``WEBP``), or the route refuses them."""
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text('media = "photos"\n'), encoding="utf-8")
    media_post(fake, httpserver)
    httpserver.expect_request("/media/photo.jpg").respond_with_response(
        Response(body, content_type=content_type)
    )
    assert run_cli("snapshot", POST).exit_code == 0
    register_plugin()
    ds = Datasette([str(db_path)])
    (media,) = get(ds, "/archive/media.json?_shape=objects").json()["rows"]
    assert media["error"] is None and media["content_type"] == content_type  # kept as served
    photo = get(ds, f"/-/archiver/media/archive/{media['id']}")
    if served:
        assert photo.status_code == 200 and photo.content == body
        assert photo.headers["content-type"] == content_type
    else:
        assert photo.status_code == 404 and body not in photo.content


def test_the_post_card_downloads_its_evidence_as_a_wacz(ds) -> None:
    card = get(ds, f"/archive/posts/{POST}").text
    assert f"/-/archiver/wacz/archive/{POST}" in card and "download evidence (WACZ)" in card
    response = get(ds, f"/-/archiver/wacz/archive/{POST}")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="post-{POST}.wacz"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        pages = package.read("pages/pages.jsonl").decode()
    assert "tweet-result" in pages and "story.html" in pages
    assert get(ds, "/-/archiver/wacz/archive/not-a-post").status_code == 404
    # A post the archive does not hold is named as such (it read "nothing to export").
    missing = get(ds, "/-/archiver/wacz/archive/123")
    assert (missing.status_code, missing.text) == (404, "123: no such post in the archive")


def test_a_configured_warc_dir_is_found(run_cli, config_file, db_path, tmp_path, monkeypatch):
    from archiver.datasette.evidence import WARC_DIR_ENV

    warc_dir = tmp_path / "elsewhere"
    config_file.write_text(f'[archive]\nwarc_dir = "{warc_dir}"\n', encoding="utf-8")
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    assert list(warc_dir.glob("*.warc.gz")) and run_cli("verify").exit_code == 0
    register_plugin()
    monkeypatch.delenv(WARC_DIR_ENV, raising=False)
    assert get(Datasette([str(db_path)]), "/-/archiver/evidence/archive/1").status_code == 500
    monkeypatch.setenv(WARC_DIR_ENV, str(warc_dir))  # as archive serve sets it from the config
    assert get(Datasette([str(db_path)]), "/-/archiver/evidence/archive/1").status_code == 200


def test_an_archive_served_immutable_keeps_its_routes(ds, db_path, monkeypatch) -> None:
    """As in a directory the server cannot write: a WAL archive opens only as immutable
    (SQLite cannot make the ``-shm`` file it reads the archive through), for Datasette and
    for the plugin's own connections alike (the archive test, the WACZ export)."""
    import sqlite3

    # As archive serve finds an archive it serves immutable: no -wal file to read through
    # (an immutable reader never looks at one). The commands' last connection may still be
    # open (in-process, it closes when garbage is collected): its -wal is checkpointed now.
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("pragma wal_checkpoint(truncate)").fetchone()[0] == 0
    real_connect = sqlite3.connect

    def connect(database, *args, **kwargs):
        if str(db_path.name) in str(database) and "immutable=1" not in str(database):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    served = Datasette(immutables=[str(db_path)])
    assert asyncio.run(served.client.get("/-/archiver/evidence/archive/1")).status_code == 200
    card = asyncio.run(served.client.get(f"/archive/posts/{POST}")).text
    assert f"/-/archiver/wacz/archive/{POST}" in card and f"/-/timemap/archive/{POST}" in card
    wacz = asyncio.run(served.client.get(f"/-/archiver/wacz/archive/{POST}"))
    assert wacz.status_code == 200 and wacz.content.startswith(b"PK")
