"""The archive's schema and the idempotent save of scans."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from pages import embed_page
from test_worker import damage_table

from archiver.clock import utcnow
from archiver.db import open_database, save_scan
from archiver.db.schema import migrations
from archiver.detect import find_posts
from archiver.errors import DatabaseError
from archiver.models import ScanRecord


def record_for(html: str, url: str = "https://news.example/a") -> ScanRecord:
    now = utcnow()
    detection = find_posts(html.encode())
    return ScanRecord(
        url=url,
        started_at=now,
        finished_at=now,
        page=detection.page,
        embeds=detection.embeds,
        http_status=200,
        content_sha256="x",
    )


def count(db, table: str, where: str = "1") -> int:
    return db.conn.execute(f"select count(*) from {table} where {where}").fetchone()[0]


def test_schema_tables_views_fts_and_pragmas(db):
    names = set(db.table_names())
    assert {"articles", "posts", "embeds", "snapshots", "checks", "scans"} <= names
    assert {"posts_fts", "embeds_fts"} <= names
    assert {"post_provenance", "post_changes"} <= set(db.view_names())
    assert db.conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db["embeds"].foreign_keys
    assert {"m001_initial", "m002_queue_and_check_state"} <= {
        r["name"] for r in db["_sqlite_migrations"].rows
    }


def test_reopening_applies_no_migration_twice(db_path):
    open_database(db_path).conn.close()
    db = open_database(db_path)
    assert count(db, "_sqlite_migrations") == len(migrations.applied(db)) >= 2
    assert not migrations.pending(db)


def test_scan_saved_with_posts_embeds_and_provenance(db):
    article_id = save_scan(db, record_for(embed_page()))
    post = db["posts"].get("1763000000000000001")
    assert post["status"] == "pending"
    assert post["next_check_at"] == post["first_seen_at"]
    assert post["url"] == "https://x.com/testperson/status/1763000000000000001"
    assert post["created_at"].startswith("2024-02-29")
    embed = next(db["embeds"].rows_where("article_id = ?", [article_id]))
    assert embed["text"] == "Hello from the test post"
    assert embed["occurrence"] == 1 and embed["raw"].startswith("<blockquote")
    assert len(embed["raw_sha256"]) == 64
    assert count(db, "scans") == 1
    provenance = list(db.query("select * from post_provenance"))
    assert provenance[0]["article_url"] == "https://news.example/a"


def test_rescanning_unchanged_article_adds_only_a_scan(db):
    save_scan(db, record_for(embed_page()))
    save_scan(db, record_for(embed_page()))
    assert count(db, "scans") == 2
    assert count(db, "embeds") == 1
    assert count(db, "posts") == 1
    assert count(db, "articles") == 1


def test_changed_article_adds_new_embeds_and_marks_removed_ones(db):
    save_scan(db, record_for(embed_page(post_id="1763000000000000001")))
    save_scan(db, record_for(embed_page(post_id="1763000000000000002")))
    rows = {r["post_id"]: r for r in db["embeds"].rows}
    assert rows["1763000000000000001"]["removed_at"] is not None
    assert rows["1763000000000000002"]["removed_at"] is None
    # It comes back: no longer removed, still one row.
    save_scan(db, record_for(embed_page(post_id="1763000000000000001")))
    rows = {r["post_id"]: r for r in db["embeds"].rows}
    assert rows["1763000000000000001"]["removed_at"] is None
    assert count(db, "embeds") == 2


def test_same_post_twice_in_one_article_is_two_embeds_one_post(db):
    twice = embed_page(
        extra='<blockquote class="twitter-tweet"><p>Hello from the test post</p>'
        '&mdash; Test Person (@testperson) <a href="https://twitter.com/testperson'
        '/status/1763000000000000001">March 1, 2024</a></blockquote>'
    )
    save_scan(db, record_for(twice))
    assert [r["occurrence"] for r in db["embeds"].rows] == [1, 2]
    assert count(db, "posts") == 1


def test_text_only_post_is_resolved_when_the_post_appears_with_an_id(db):
    text = 'Test Person on X: "Hello from the test post" / X\nHello from the test post\n'
    save_scan(db, record_for(text, url="file:///reader.txt"))
    text_post = next(db["posts"].rows_where("id like 'text:%'"))
    assert text_post["status"] == "text_only" and text_post["next_check_at"] is None
    save_scan(db, record_for(embed_page()))
    text_post = db["posts"].get(text_post["id"])
    assert text_post["resolved_id"] == "1763000000000000001"


IFRAME_ONLY = (
    '<html><body><p>x</p><iframe src="https://platform.twitter.com/embed/Tweet.html'
    '?id=1763000000000000001"></iframe></body></html>'
)


def test_a_post_seen_again_fills_its_gaps_and_nothing_else(db):
    """A sighting that can fill nothing in writes nothing to the post (it is only read);
    one that can fills the gaps, and the full-text index follows."""
    save_scan(db, record_for(IFRAME_ONLY, url="https://news.example/iframe"))
    save_scan(db, record_for(IFRAME_ONLY, url="https://news.example/iframe-again"))
    post = db["posts"].get("1763000000000000001")
    assert (post["text"], post["handle"], post["url"]) == (
        None,
        None,
        "https://x.com/i/status/1763000000000000001",
    )
    save_scan(db, record_for(embed_page(text="Ferries resume tomorrow")))
    post = db["posts"].get("1763000000000000001")
    assert (post["text"], post["handle"], post["author_name"]) == (
        "Ferries resume tomorrow",
        "testperson",
        "Test Person",
    )
    assert post["url"] == "https://x.com/testperson/status/1763000000000000001"
    assert post["fingerprint"] and list(db["posts"].search("ferries"))
    save_scan(db, record_for(embed_page(text="Another wording"), url="https://news.example/b"))
    save_scan(db, record_for(IFRAME_ONLY, url="https://news.example/iframe"))
    assert db["posts"].get("1763000000000000001")["text"] == "Ferries resume tomorrow"
    assert count(db, "embeds") == 4 and count(db, "posts") == 1


def test_many_embeds_of_one_article_are_saved_in_their_order(db):
    """New embeds are inserted several rows to a statement: ids follow the page's order."""
    posts = [f"17630000000000{n:05d}" for n in range(70)]
    extra = "".join(
        f'<blockquote class="twitter-tweet"><p>Post number {n}</p>&mdash; P (@p{n}) '
        f'<a href="https://twitter.com/p{n}/status/{post_id}">March 1, 2024</a></blockquote>'
        for n, post_id in enumerate(posts)
    )
    save_scan(db, record_for(embed_page(extra=extra)))
    rows = db.conn.execute("select post_id, position from embeds order by id").fetchall()
    assert rows == [("1763000000000000001", 0)] + [(p, n + 1) for n, p in enumerate(posts)]
    assert [r["post_id"] for r in db["embeds"].search("69")] == [posts[69]]


def test_failed_scan_keeps_previous_embeds(db):
    save_scan(db, record_for(embed_page()))
    now = utcnow()
    save_scan(
        db,
        ScanRecord(
            url="https://news.example/a",
            started_at=now,
            finished_at=now,
            http_status=500,
            error="HTTP 500",
        ),
    )
    assert count(db, "embeds", "removed_at is null") == 1
    assert count(db, "scans", "error is not null") == 1


def test_full_text_search_finds_posts_and_embeds(db):
    save_scan(db, record_for(embed_page(text="Ferries resume tomorrow morning")))
    assert db["embeds"].search("ferries")
    assert list(db["posts"].search("tomorrow"))


def test_directory_or_garbage_file_is_a_clear_database_error(tmp_path):
    with pytest.raises(DatabaseError, match="is a directory"):
        open_database(tmp_path)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="cannot open archive"):
        open_database(garbage)


def test_an_archive_path_that_is_not_utf8_is_refused_before_it_is_made(tmp_path):
    """SQLite reports the file's name as text: a Latin-1 name made an archive that every
    command then called 'damaged or locked'."""
    path = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.db")
    with pytest.raises(DatabaseError) as raised:
        open_database(path)
    assert str(raised.value) == f"{path}: the archive's path is not UTF-8; choose another"
    assert os.listdir(tmp_path) == []


def test_read_only_archive_gives_clear_error_and_keeps_data(db_path, tmp_path):
    db = open_database(db_path)
    save_scan(db, record_for(embed_page()))
    db.conn.close()
    ro = open_database(db_path)
    ro.conn.close()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    import sqlite_utils

    readonly = sqlite_utils.Database(conn)
    with pytest.raises(DatabaseError):
        save_scan(readonly, record_for(embed_page(post_id="1763000000000000009")))
    assert open_database(db_path)["embeds"].count == 1


def test_zero_padded_post_ids_of_older_archives_become_one_post(db_path):
    """Migration m010: before IDs were canonical, /status/00020 and /status/20 were two
    posts (and /status/0042 one under "0042"); rows are moved, nothing is lost."""
    db = open_database(db_path)
    now = "2025-01-01T00:00:00Z"
    sql = db.conn.execute
    sql("insert into articles (id, url, first_seen_at) values (1, 'https://a.example/1', ?)", [now])
    sql("insert into articles (id, url, first_seen_at) values (2, 'https://a.example/2', ?)", [now])
    for post_id, text in (("20", None), ("00020", "just setting up"), ("0042", "answer")):
        sql(
            "insert into posts (id, url, handle, text, status, first_seen_at) values"
            " (?, ?, 'jack', ?, 'live', ?)",
            [post_id, f"https://x.com/jack/status/{post_id}", text, now],
        )
    embeds = [(1, "20", 1), (1, "00020", 1), (2, "00020", 1), (2, "0042", 1)]
    for article, post_id, occurrence in embeds:
        sql(
            "insert into embeds (article_id, post_id, position, method, occurrence,"
            " first_seen_at) values (?, ?, 0, 'blockquote', ?, ?)",
            [article, post_id, occurrence, now],
        )
    for post_id in ("20", "00020"):
        sql("insert into snapshots (post_id, fetched_at) values (?, ?)", [post_id, now])
        sql("insert into checks (post_id, checked_at) values (?, ?)", [post_id, now])
        sql("insert into media (post_id, url) values (?, 'https://pbs.twimg.com/m.jpg')", [post_id])
    sql("update posts set resolved_id = '00020' where id = '0042'")
    sql("delete from _sqlite_migrations where name = 'm010_canonical_post_ids'")
    db.conn.commit()
    db.conn.close()

    db = open_database(db_path)  # applies m010 again
    posts = {r[0]: r[1:] for r in db.conn.execute("select id, text, url, resolved_id from posts")}
    assert posts == {
        "20": ("just setting up", "https://x.com/jack/status/20", None),
        "42": ("answer", "https://x.com/jack/status/42", "20"),
    }
    rows = db.conn.execute("select article_id, post_id, occurrence from embeds order by 1, 3, 2")
    assert rows.fetchall() == [(1, "20", 1), (1, "20", 2), (2, "20", 1), (2, "42", 1)]
    assert count(db, "snapshots", "post_id = '20'") == 2
    assert count(db, "checks", "post_id = '20'") == 2
    assert count(db, "media") == 1
    assert db.conn.execute("pragma foreign_key_check").fetchall() == []
    db.conn.close()


@pytest.mark.parametrize("command", [["stats"], ["verify"], ["timemap", "20"], ["timestamp"]])
def test_reading_commands_never_create_an_archive(command, tmp_path):
    import subprocess
    import sys

    typo = tmp_path / "archve.db"
    result = subprocess.run(
        [sys.executable, "-m", "archiver", *command, "--db", str(typo)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {typo}: no archive here (create one with archive scan or init)"
    ]
    assert not typo.exists()


@pytest.mark.parametrize("command", [["stats", "--posts"], ["snapshot", "--due", "--limit"]])
@pytest.mark.parametrize("count", ["-1", "99999999999999999999999"])
def test_a_count_out_of_range_is_a_usage_error(command, count, run_cli, tmp_path):
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(tmp_path / "page.html")).exit_code == 0
    result = run_cli(*command, count)
    assert result.exit_code == 2
    assert "is not in the range 0<=x<=1000000000" in result.output.splitlines()[-1]


@pytest.mark.parametrize("command", [["stats"], ["verify"]])
def test_a_damaged_archive_is_one_line(command, run_cli, tmp_path, db_path):
    """An archive missing a table (a hand edit, a half-restored backup) fails in one line."""
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(tmp_path / "page.html")).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("drop table checks")
    conn.close()
    result = run_cli(*command)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: cannot use the archive, damaged or locked (no such table: checks)"
    ]


@pytest.mark.parametrize(("command", "table"), [(["stats"], "posts"), (["verify"], "records")])
def test_a_corrupt_page_of_the_archive_ends_a_command_in_one_line(
    command, table, run_cli, tmp_path, db_path
):
    """A page of a table the command reads overwritten (a bad disk, a torn copy): the
    command ends with SQLite's word for it in one line and exit 1, not a traceback."""
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(tmp_path / "page.html")).exit_code == 0
    damage_table(db_path, table)
    result = run_cli(*command)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = "Error: cannot use the archive, damaged or locked (database disk image is malformed)"
    assert result.output.splitlines()[-1] == said


def test_verify_finds_a_corrupt_page_of_a_table_it_does_not_read(run_cli, tmp_path, db_path):
    """``archive verify`` checks the archive's own file too (SQLite's ``quick_check``): a
    page of ``posts`` overwritten passed it, every WARC record being sound. SQLite reports
    a page it cannot read as an error, which ends the command in one line."""
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(tmp_path / "page.html")).exit_code == 0
    assert run_cli("verify").exit_code == 0
    damage_table(db_path, "posts")
    result = run_cli("verify")
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = "Error: cannot use the archive, damaged or locked (database disk image is malformed)"
    assert result.output.splitlines()[-1] == said


def test_an_archive_of_a_newer_version_is_read_but_never_written(
    run_cli, tmp_path, db_path, config_file
):
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(tmp_path / "page.html")).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at)"
            " values ('archiver', 'm999_from_the_future', '2030-01-01')"
        )
    conn.close()
    nowhere = "http://127.0.0.1:1/"  # were a command to write, it would reach nothing
    config_file.write_text(
        f'[snapshot]\nsyndication_url = "{nowhere}"\noembed_url = "{nowhere}"\n'
        f'wayback = "never"\n[timestamp]\ntsa_url = "{nowhere}tsr"\n',
        encoding="utf-8",
    )
    (tmp_path / "crawl").mkdir()
    for command in (
        ["scan", str(tmp_path / "page.html")],
        ["snapshot", "1763000000000000001"],
        ["worker", "--once"],
        ["timestamp"],
        ["import", str(tmp_path / "crawl")],
        ["init"],
    ):
        result = run_cli(*command)
        assert result.exit_code == 1, command
        assert result.output == (
            f"Error: {db_path}: made by a newer archiver (migration m999_from_the_future is"
            " unknown here); upgrade archiver to write to it\n"
        ), command
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from scans").fetchone() == (1,)
    conn.close()
    # Every command that only reads still reads it (README: stats, timemap, verify, export).
    assert run_cli("stats").exit_code == 0
    assert run_cli("verify").exit_code == 0
    timemap = run_cli("timemap", "1763000000000000001")
    assert timemap.exit_code == 0, timemap.output
    assert 'rel="original"' in timemap.output
    export = run_cli("export", "--wacz", str(tmp_path / "all.wacz"))
    assert export.exit_code == 0, export.output
    assert zipfile.is_zipfile(tmp_path / "all.wacz")


def other_database(path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (id integer primary key, text text)")
        conn.execute("insert into notes (text) values ('mine')")
    conn.close()


NOT_ARCHIVES = {
    "another SQLite database": "an SQLite database but not an archive",
    "not SQLite": "cannot open archive (file is not a database)",
}


def archive_command(command: list[str], db: Path, cwd: Path):
    """``archive COMMAND --db DB`` run as a process, its output captured."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "archiver", *command, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize("command", [["scan", "page.html"], ["stats"], ["init"]])
@pytest.mark.parametrize("kind", NOT_ARCHIVES)
def test_a_file_that_is_not_an_archive_is_refused_and_left_unchanged(command, kind, tmp_path):
    """Before, an SQLite database of something else silently got the archive's tables."""
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    path = tmp_path / "notes.db"
    if kind == "not SQLite":
        path.write_bytes(b"these are not the bytes of an SQLite database" * 100)
    else:
        other_database(path)
    before, files = path.read_bytes(), sorted(tmp_path.iterdir())
    result = archive_command(command, path, tmp_path)
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {path}: {NOT_ARCHIVES[kind]}"), line
    assert path.read_bytes() == before
    assert sorted(tmp_path.iterdir()) == files  # no -wal, -shm or -journal file either


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
@pytest.mark.parametrize("command", [["stats"], ["scan", "page.html"]])
@pytest.mark.parametrize("kind", ["a named pipe", "a device"])
def test_a_pipe_or_a_device_is_refused_as_an_archive_at_once(command, kind, tmp_path):
    """SQLite waited for ever on a named pipe, and called /dev/null a 'disk I/O error'."""
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    path = tmp_path / "archive.db"
    if kind == "a named pipe":
        os.mkfifo(path)
    else:
        path = Path(os.devnull)
    result = archive_command(command, path, tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"Error: {path}: not a regular file (a pipe or a device), not an archive file"
    ]


@pytest.mark.parametrize("command", [["stats"], ["scan", "page.html"], ["init"], ["serve"]])
def test_an_empty_db_path_is_bad_usage_not_the_default_archive(command, tmp_path):
    """``--db "$UNSET"`` opened ./archive.db (or the config's) without a word: the scan went
    into another archive than the one named. An empty ``db`` in the config is refused too."""
    import subprocess
    import sys

    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "archiver", *command, "--db", " "],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Error: Invalid value for '--db': an empty path (leave --db out for the config's"
        f" archive) (see 'archive {command[0]} --help')"
    ]
    assert not (tmp_path / "archive.db").exists()


def test_an_empty_file_becomes_an_archive(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    db = open_database(path)
    save_scan(db, record_for(embed_page()))
    applied = [row[0] for row in db.conn.execute("select name from _sqlite_migrations")]
    assert applied == migrations.names
    db.conn.close()


def test_a_signature_date_is_kept_as_written_and_parsed(db):
    page = (
        '<html lang="de"><body><blockquote class="twitter-tweet"><p lang="de">Die Brücke ist'
        " gesperrt.</p>&mdash; Stadt Wien (@stadtwien) "
        '<a href="https://twitter.com/stadtwien/status/1901955510931214337">18. März 2025</a>'
        "</blockquote></body></html>"
    )
    save_scan(db, record_for(page))
    row = db.execute("select date, date_text, author_name from embeds").fetchone()
    assert row[1] == "18. März 2025"
    assert row[0] and row[0].startswith("2025-03-18")
    assert row[2] == "Stadt Wien"


def test_a_source_moved_to_another_url_under_its_name_starts_afresh(db):
    """The old URL's ETag was sent for the new one, and its 304 hid the new listing."""
    from archiver.db import forget_moved_source, load_source_state, save_source_state
    from archiver.db.daemon import SourceRow

    old, new = "https://news.example/old.xml", "https://news.example/new.xml"
    save_source_state(db, "idx", "sitemap", old, SourceRow('"v1"', "Mon", 5.0), None, 3)
    db.conn.execute(
        "insert into sitemap_children (source, url, parent, depth) values ('idx', ?, ?, 1)",
        (f"{old}#child", old),
    )
    db.conn.commit()
    assert not forget_moved_source(db, "idx", "sitemap", old)
    assert load_source_state(db, "idx") == SourceRow('"v1"', "Mon", 5.0)
    assert forget_moved_source(db, "idx", "sitemap", new)
    assert load_source_state(db, "idx") == SourceRow()
    assert db.conn.execute("select count(*) from sitemap_children").fetchone()[0] == 0
    assert db.conn.execute("select type, url from source_state").fetchall() == [("sitemap", new)]
    assert not forget_moved_source(db, "idx", "sitemap", new)
    assert forget_moved_source(db, "idx", "feed", new), "a change of type counts too"


def test_an_index_that_broke_off_forgets_no_child_and_a_broken_child_keeps_no_validators(db):
    """A cut index deleted the children after the cut; a broken copy's validators were kept,
    so a 304 hid the repaired document for good."""
    from archiver.db import load_sitemap_children, record_listing
    from archiver.listings import ChildRef, Listing, Validators

    root = "https://news.example/index.xml"
    names = [ChildRef(f"https://news.example/c{n}.xml") for n in (1, 2, 3)]
    record_listing(db, "idx", Listing(root, children=names))
    record_listing(db, "idx", Listing(root, children=names[:1], error="XML broken off"))
    assert sorted(load_sitemap_children(db, "idx")) == [child.url for child in names]
    broken = Listing(
        names[1].url, depth=1, parent=root, validators=Validators('"cut"'), error="XML broken"
    )
    record_listing(db, "idx", broken)
    assert load_sitemap_children(db, "idx")[names[1].url].validators == Validators()
    record_listing(db, "idx", Listing(root, children=names[:2]))
    assert sorted(load_sitemap_children(db, "idx")) == [child.url for child in names[:2]]


def test_stats_tells_due_articles_from_those_scheduled_later(run_cli, db_path):
    from archiver.db import enqueue_articles

    db = open_database(db_path)
    assert enqueue_articles(db, ["https://news.example/a", "https://news.example/b"], "feed") == 2
    with db.conn:  # b was scanned: its next scan comes later
        db.conn.execute("update articles set next_scan_at = '2999-01-01T00:00:00Z' where id = 2")
    db.conn.close()
    result = run_cli("stats")
    assert "queue: 1 article(s) due for a scan, 1 scheduled later" in result.output
    assert '"due": 1' in run_cli("stats", "--json").output


def test_an_archive_in_a_missing_directory_names_the_directory(tmp_path):
    from click.testing import CliRunner

    from archiver.cli import cli

    where = tmp_path / "no" / "such" / "archive.db"
    result = CliRunner().invoke(cli, ["init", "--db", str(where)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {where}: cannot open archive (unable to open database file:"
        f" no such directory {where.parent})\n"
    )
    assert not (tmp_path / "no").exists()


def test_a_read_only_directory_is_named_when_sqlite_cannot_write_there(tmp_path, monkeypatch):
    from archiver.db import connection

    path = tmp_path / "archive.db"
    path.touch()
    monkeypatch.setattr(connection.os, "access", lambda where, mode: where != tmp_path)
    problem = connection._open_problem(
        path, sqlite3.OperationalError("attempt to write a readonly database")
    )
    assert problem.endswith(f": the directory {tmp_path} is not writable")
    new = tmp_path / "new.db"  # a new archive there: SQLite cannot make the file
    problem = connection._open_problem(
        new, sqlite3.OperationalError("unable to open database file")
    )
    assert problem == f"unable to open database file: the directory {tmp_path} is not writable"


def test_newer_versions_are_found_by_an_index_of_the_snapshots_naming_one(db):
    """``post_changes`` looks for a post's newer version once per row, and the ``edited``
    query reads every snapshot naming one: both read an index of those snapshots alone, not
    every snapshot of the post from the table, where ``newer_version_id`` comes after the
    payload (on 400,000 snapshots of 5 KB the view took 4 times as long, 3 s)."""
    from archiver.datasette.metadata import CANNED_QUERIES

    def snapshot_reads(sql: str) -> list[str]:
        plan = db.conn.execute(f"explain query plan {sql}").fetchall()
        return [row[3] for row in plan if " snapshots " in f"{row[3]} "]

    for sql in ("select * from post_changes", CANNED_QUERIES["edited"]["sql"]):
        reads = snapshot_reads(sql)
        assert reads and all("COVERING INDEX idx_snapshots_newer_version" in r for r in reads), (
            reads
        )
