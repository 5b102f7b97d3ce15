"""A post read from a frame file of a page saved "complete" (``Page.html`` beside
``Page_files/``) keeps that file as evidence: a ``resource`` record of its own, its bytes as
on disk, written with the page's, which the embed points at (its ``raw`` and byte range are
the post's markup in that file). Scanned by the ``archive`` command in its own process, read
back with warcio, checked by ``archive verify`` and packed by ``archive export``."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from test_frame_posts import article, embedded_tweet, frame_url, marked
from test_wacz import validate
from warcio.archiveiterator import ArchiveIterator

from archiver.scan_pool import PARALLEL_MIN_FILES

ARCHIVE = Path(sys.executable).with_name("archive")
FIRST_ID = 1181818181818181800


def save_complete(folder: Path, n: int, frame_name: str) -> tuple[Path, Path, str]:
    """Page ``n`` saved complete, its post's frame in its ``_files`` folder: (page, frame
    file, post ID)."""
    post_id = str(FIRST_ID + n)
    files = folder / f"story{n}_files"
    files.mkdir()
    frame = files / frame_name
    tweet = embedded_tweet(post_id, text=f"Bridge {n} reopens at dawn.")
    frame.write_text(marked(tweet, frame_url(post_id)), encoding="utf-8")
    page = folder / f"story{n}.html"
    src = f"./story{n}_files/{frame_name}"
    page.write_text(marked(article(src, post_id), f"https://news.example/{n}"), "utf-8")
    return page, frame, post_id


def archive(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ARCHIVE, *args], capture_output=True, text=True, timeout=300)


def stored(db: Path, record_id: int) -> tuple[dict, object]:
    """A ``records`` row and its record as warcio reads it from the WARC file."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("select * from records where id = ?", (record_id,)).fetchone())
    warc = db.with_name("archive-warc") / row["warc_file"]
    with warc.open("rb") as fh:
        fh.seek(row["warc_offset"])
        member = io.BytesIO(fh.read(row["warc_length"]))
    return row, next(iter(ArchiveIterator(member)))


def test_a_frame_files_post_points_at_the_frame_files_own_record(tmp_path: Path) -> None:
    pages = tmp_path / "saved"
    pages.mkdir()
    count = PARALLEL_MIN_FILES + 1  # pages (their folders are left out): worker processes
    saved = [save_complete(pages, n, "saved_resource.html") for n in range(count - 1)]
    saved.append(save_complete(pages, count - 1, "Tweet"))  # a name without a suffix
    db = tmp_path / "archive.db"
    scan = archive("scan", str(pages), "--db", str(db))
    assert scan.returncode == 0, scan.stderr
    with sqlite3.connect(db) as conn:
        embeds = dict(conn.execute("select post_id, record_id from embeds").fetchall())
        scanned = conn.execute(
            "select target_uri from records join scans on scans.record_id = records.id"
        ).fetchall()
        raw = dict(conn.execute("select post_id, raw from embeds").fetchall())
    assert sorted(uri for (uri,) in scanned) == sorted(page.as_uri() for page, _, _ in saved)
    for n, (_, frame, post_id) in enumerate(saved):
        row, record = stored(db, embeds[post_id])
        data = frame.read_bytes()
        assert row["target_uri"] == frame.as_uri() == record.rec_headers["WARC-Target-URI"]
        assert record.rec_type == "resource" and row["record_type"] == "resource"
        assert record.content_stream().read() == data  # the frame file, byte for byte
        assert row["payload_sha256"] == hashlib.sha256(data).hexdigest()
        assert row["content_type"] == "text/html" == record.rec_headers["Content-Type"]
        assert f"Bridge {n} reopens at dawn." in raw[post_id]  # its text is in its markup
    verify = archive("verify", "--db", str(db))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_export_of_the_post_or_its_article_packs_the_frame_file(tmp_path: Path) -> None:
    pages = tmp_path / "saved"
    pages.mkdir()
    page, frame, post_id = save_complete(pages, 0, "saved_resource.html")
    save_complete(pages, 1, "saved_resource.html")
    db = tmp_path / "archive.db"
    assert archive("scan", str(pages), "--db", str(db)).returncode == 0
    for chosen in (["--post", post_id], ["--article", page.as_uri()]):
        out = tmp_path / "one.wacz"
        export = archive("export", "--wacz", str(out), *chosen, "--db", str(db))
        assert export.returncode == 0, export.stderr
        with zipfile.ZipFile(out) as package:
            index = package.read("indexes/index.cdx").decode().splitlines()
        urls = sorted(json.loads(line.split(" ", 2)[2])["url"] for line in index)
        assert urls == sorted([page.as_uri(), frame.as_uri()])  # not the other page's
        checked = validate(out)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def warc_uris(db: Path) -> list[str]:
    """The target URI of every resource record in the archive's WARC files, in order."""
    uris = []
    for warc in sorted(db.with_name("archive-warc").glob("*.warc.gz")):
        with warc.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "resource":
                    uris.append(record.rec_headers["WARC-Target-URI"])
    return uris


def embed_pointers(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("select post_id, record_id from embeds").fetchall())


def test_a_page_scanned_again_writes_its_frame_file_only_for_an_embed_new_to_it(
    tmp_path: Path,
) -> None:
    page, frame, post_id = save_complete(tmp_path, 0, "saved_resource.html")
    db = tmp_path / "archive.db"
    for _ in range(2):  # the second scan: nothing changed
        scan = archive("scan", str(page), "--db", str(db))
        assert scan.returncode == 0, scan.stderr
    assert warc_uris(db) == [page.as_uri(), frame.as_uri(), page.as_uri()]
    first = embed_pointers(db)[post_id]
    assert stored(db, first)[0]["target_uri"] == frame.as_uri()

    # The frame file changes (its post as it was stays in the record the embed names) and
    # the page gains a second post, framed in a file of its own.
    frame.write_text(frame.read_text("utf-8") + "<!-- resaved -->", encoding="utf-8")
    second = str(FIRST_ID + 9)
    tweet = embedded_tweet(second, text="Ferries run all night.")
    other = page.with_name("story0_files") / "saved_resource(1).html"
    other.write_text(marked(tweet, frame_url(second)), encoding="utf-8")
    both = article("./story0_files/saved_resource.html", post_id) + article(
        "./story0_files/saved_resource(1).html", second
    )
    page.write_text(marked(both, "https://news.example/0"), "utf-8")
    scan = archive("scan", str(page), "--db", str(db))
    assert scan.returncode == 0, scan.stderr
    uris = [page.as_uri(), frame.as_uri(), page.as_uri(), page.as_uri(), other.as_uri()]
    assert warc_uris(db) == uris
    pointers = embed_pointers(db)
    assert pointers[post_id] == first  # the record of its first located sighting
    row, record = stored(db, pointers[second])
    assert row["target_uri"] == other.as_uri()
    assert record.content_stream().read() == other.read_bytes()
    verify = archive("verify", "--db", str(db))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def article_urls(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(url for (url,) in conn.execute("select url from articles"))


def test_a_directorys_page_saved_complete_is_one_article_its_folder_left_out(
    tmp_path: Path,
) -> None:
    pages = tmp_path / "saved"
    pages.mkdir()
    page, frame, post_id = save_complete(pages, 0, "saved_resource.html")
    (frame.parent / "extra.htm").write_text("<p>a resource page</p>", "utf-8")
    htm, htm_frame, _ = save_complete(pages, 1, "saved_resource.html")
    htm = htm.rename(htm.with_suffix(".htm"))  # a page saved as STEM.htm
    loose = pages / "notes_files"  # no notes.html beside it: an ordinary folder
    loose.mkdir()
    (loose / "note.html").write_text("<p>a note</p>", "utf-8")
    db = tmp_path / "archive.db"
    scan = archive("scan", str(pages), "--db", str(db))
    assert scan.returncode == 0, scan.stderr
    summary = scan.stderr.strip().splitlines()[-1]
    assert summary == (
        "scanned 3 article(s): 2 embed(s) in 2 of them, 3 file(s) in saved pages' folders left out"
    )
    wanted = [page.as_uri(), htm.as_uri(), (loose / "note.html").as_uri()]
    assert article_urls(db) == sorted(wanted)
    assert stored(db, embed_pointers(db)[post_id])[0]["target_uri"] == frame.as_uri()

    # Named directly, the folder (or a file in it) is scanned as the user asks.
    scan = archive("scan", str(frame.parent), str(htm_frame), "--db", str(db))
    assert scan.returncode == 0, scan.stderr
    assert "left out" not in scan.stderr
    named = [frame.as_uri(), (frame.parent / "extra.htm").as_uri(), htm_frame.as_uri()]
    assert article_urls(db) == sorted(wanted + named)
