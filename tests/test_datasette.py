"""Browsing the archive in Datasette: metadata, canned queries, search, post cards, serve.

The archive is built by the real scan code (``tests/datasette_sample.py``); Datasette runs
in-process through ``Datasette([...]).client``, and once for real through ``archive serve``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner
from datasette.app import Datasette
from datasette_sample import (
    BRIDGE,
    BRIDGE_EDIT,
    FERRY,
    HOSTILE,
    HOSTILE_TEXT,
    MAYOR,
    PENDING,
    PIER,
    article_url,
    build_sample_archive,
)
from markupsafe import Markup

from archiver.cli import cli
from archiver.datasette import metadata, plugin
from archiver.datasette.serve import datasette_args, register_plugin
from archiver.db import open_database


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build_sample_archive(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def urls(sample) -> dict[str, str]:
    articles = sample.parent / "articles"
    return {name: article_url(articles, f"{name}.html") for name in ("harbour", "ferries")}


@pytest.fixture(scope="module")
def ds(sample) -> Datasette:
    register_plugin()
    return Datasette([str(sample)])


def get(ds: Datasette, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def rows(ds: Datasette, path: str) -> list[dict]:
    separator = "&" if "?" in path else "?"
    response = get(ds, f"{path}{separator}_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


# Plugin and metadata ------------------------------------------------------------------------


def test_plugin_registered_through_entry_point(ds):
    names = [p["name"] for p in get(ds, "/-/plugins.json").json()]
    assert "archiver" in names


def test_instance_metadata(ds):
    meta = get(ds, "/-/metadata.json").json()
    assert meta["title"] == metadata.TITLE
    assert meta["source"] and meta["license"]
    home = get(ds, "/").text
    assert metadata.TITLE in home
    for name in metadata.canned_queries():
        assert f'href="/archive/{name}"' in home


def test_every_table_and_column_is_described(sample):
    db = sqlite_utils.Database(sample)
    described = metadata.tables()
    names = [
        name for name in db.table_names() if "_fts" not in name and not name.startswith("_")
    ] + db.view_names()
    for name in names:
        assert name in described, f"table {name} has no metadata"
        columns = set(db[name].columns_dict)
        assert columns <= set(described[name]["columns"]), (name, columns)
        assert described[name]["description"]


def test_table_options_facets_sort_and_labels(ds):
    posts = get(ds, "/archive/posts.json").json()
    assert set(posts["facet_results"]) == {"status", "handle"}
    assert "sorted by first_seen_at descending" in posts["human_description_en"]
    assert {"method", "handle"} <= set(get(ds, "/archive/embeds.json").json()["facet_results"])
    assert "site" in get(ds, "/archive/articles.json").json()["facet_results"]
    embeds = rows(ds, f"/archive/embeds.json?_labels=on&post_id={MAYOR}")
    assert embeds[0]["post_id"] == {"value": MAYOR, "label": "RiversideMayor"}
    assert embeds[0]["article_id"]["label"].startswith("Harbour bridge closed")
    assert '"hidden": true' in get(ds, "/-/metadata.json").text


# Canned queries ------------------------------------------------------------------------------


def test_queries_are_read_only(ds):
    queries = asyncio.run(ds.get_canned_queries("archive", None))
    assert set(queries) == {
        "provenance",
        "gone",
        "changed",
        "edited",
        "most_embedded",
        "article",
        "search",
        "history",
        "mementos",
    }
    assert not any(query.get("write") for query in queries.values())
    response = get(ds, "/archive.json?sql=" + quote("update posts set status = 'live'"))
    assert response.status_code == 400
    assert "must be a SELECT" in response.json()["error"]


@pytest.mark.parametrize(
    "post",
    [PIER, f"https://twitter.com/harbourwatch/status/{PIER}?s=20", f"x.com/i/web/status/{PIER}"],
)
def test_provenance_of_a_post(ds, urls, post):
    found = rows(ds, "/archive/provenance.json?post=" + quote(post, safe=""))
    assert [(r["post_id"], r["article_url"]) for r in found] == [
        (PIER, urls["ferries"]),
        (PIER, urls["harbour"]),
    ]
    by_article = {r["article_url"]: r for r in found}
    assert by_article[urls["ferries"]]["position"] == 1
    assert by_article[urls["harbour"]]["position"] == 2
    assert by_article[urls["harbour"]]["removed_at"] == "2025-03-20T10:00:00Z"
    assert by_article[urls["ferries"]]["removed_at"] is None
    assert (
        by_article[urls["ferries"]]["shown_text"]
        == "Cracks visible on the east pier of the bridge."
    )
    assert by_article[urls["ferries"]]["first_seen_at"]
    assert by_article[urls["ferries"]]["method"] == "blockquote"


def test_gone_newest_first_with_articles_still_showing(ds, urls):
    found = rows(ds, "/archive/gone.json")
    assert [(r["post_id"], r["status"], r["article_url"]) for r in found] == [
        (FERRY, "suspended", urls["ferries"]),
        (PIER, "deleted", urls["ferries"]),  # harbour took its embed down
    ]
    assert found[1]["last_known_text"] == "Cracks visible on the east pier of the bridge."


def test_changed_text(ds, urls):
    found = rows(ds, "/archive/changed.json")
    assert [(r["post_id"], r["article_url"]) for r in found] == [(MAYOR, urls["harbour"])]
    assert found[0]["shown_text"] == "The bridge reopens on Friday morning."
    assert found[0]["live_text"] == "The bridge reopens next week, not Friday."


def test_edited_posts(ds, urls):
    found = rows(ds, "/archive/edited.json")
    assert [(r["post_id"], r["newer_version_id"], r["article_url"]) for r in found] == [
        (BRIDGE, BRIDGE_EDIT, urls["ferries"]),
        (BRIDGE, BRIDGE_EDIT, urls["harbour"]),
    ]
    assert found[0]["edit_seen_at"] == "2025-03-19T12:00:00Z"
    assert found[0]["shown_text"] == found[0]["live_text"]


def test_most_embedded(ds):
    found = rows(ds, "/archive/most_embedded.json")
    assert [(r["post_id"], r["articles"]) for r in found[:3]] == [
        (BRIDGE, 2),
        (PIER, 2),
        (MAYOR, 1),
    ]
    assert len(found) == 7


def test_most_embedded_counts_as_a_plain_join_would(ds, sample):
    """The query counts from an index, then joins the hundred posts it keeps: its rows are
    those of the plain join and group over every post and embed."""
    plain = """
        select posts.id as post_id, posts.handle, posts.author_name, posts.status, posts.text,
          count(distinct embeds.article_id) as articles, count(*) as embeds,
          min(embeds.first_seen_at) as first_seen_at, max(embeds.last_seen_at) as last_seen_at
        from posts join embeds on embeds.post_id = posts.id and embeds.method != 'link'
        group by posts.id order by articles desc, embeds desc, first_seen_at, posts.id"""
    conn = sqlite3.connect(sample)
    conn.row_factory = sqlite3.Row
    expected = [dict(row) for row in conn.execute(plain)]
    conn.close()
    assert rows(ds, "/archive/most_embedded.json") == expected


def test_everything_from_one_article(ds, urls):
    found = rows(ds, "/archive/article.json?article=" + quote(urls["ferries"], safe=""))
    assert [r["post_id"] for r in found] == [BRIDGE, PIER, FERRY, HOSTILE, PENDING]
    assert [r["position"] for r in found] == [0, 1, 2, 3, 4]
    assert found[2]["status"] == "suspended"
    by_id = rows(ds, f"/archive/article.json?article={found[0]['article_id']}")
    assert by_id == found
    as_shared = urls["ferries"] + "?utm_source=newsletter#comments"  # the address a user has
    assert rows(ds, "/archive/article.json?article=" + quote(as_shared, safe="")) == found


def test_history_of_a_post(ds):
    found = rows(ds, f"/archive/history.json?post={MAYOR}")
    assert [r["checked_at"] for r in found] == ["2025-03-19T12:00:00Z", "2025-03-18T12:00:00Z"]
    assert found[0]["text"] == "The bridge reopens next week, not Friday."


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("pier", {("post", PIER), ("embed", PIER)}),
        ("FERRIES", {("post", FERRY), ("embed", FERRY)}),
        ("onerror", {("post", HOSTILE), ("embed", HOSTILE)}),
        ("harbourwatch", {("post", PIER), ("embed", PIER)}),  # the handle column
        ('"reopens next week"', {("post", MAYOR)}),  # live text only: the article said Friday
    ],
)
def test_search_posts_and_embeds(ds, q, expected):
    found = rows(ds, "/archive/search.json?q=" + quote(q))
    assert {(r["found_in"], r["post_id"]) for r in found} == expected


@pytest.mark.parametrize("q", ["", '"unbalanced', "AND OR NOT", "*", "pier)(", "@ferryfan"])
def test_search_never_fails_on_odd_input(ds, q):
    response = get(ds, "/archive/search.json?_shape=array&q=" + quote(q))
    assert response.status_code == 200, response.text


def test_table_search(ds):
    found = rows(ds, "/archive/posts.json?_search=pier")
    assert [r["id"] for r in found] == [PIER]


# Rendering: cards, badges and hostile text ---------------------------------------------------

HOSTILE_PAGES = [
    f"/archive/posts/{HOSTILE}",
    "/archive/posts",
    "/archive/embeds",
    "/archive/snapshots",
    "/archive/post_provenance",
    "/archive/search?q=onerror",
    "/archive/most_embedded",
    f"/archive/provenance?post={HOSTILE}",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_text_is_escaped(ds, path):
    html = get(ds, path).text
    assert "&lt;script&gt;document.title=" in html
    assert "<script>document.title" not in html
    assert "<img src=x" not in html
    assert 'onerror="document' not in html


def test_post_card(ds):
    html = get(ds, f"/archive/posts/{MAYOR}").text
    assert '<div class="archiver-card">' in html
    assert '<strong class="archiver-author">Mayor of Riverside</strong>' in html
    assert '<span class="archiver-handle">@RiversideMayor</span>' in html
    assert "The bridge reopens next week, not Friday." in html
    assert f'href="https://x.com/RiversideMayor/status/{MAYOR}"' in html
    assert f'href="/archive/provenance?post={MAYOR}"' in html
    assert f'href="/archive/snapshots?post_id={MAYOR}"' in html
    assert "UTC</time>" in html
    assert 'class="archiver-status archiver-status-live"' in html
    assert '/-/archiver.css"' in html


def test_status_badges_and_css(ds):
    html = get(ds, "/archive/gone").text
    assert 'archiver-status archiver-status-suspended"' in html
    assert f'<a href="/archive/posts/{PIER}">{PIER}</a>' in html
    css = get(ds, "/-/archiver.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".archiver-card" in css.text


def test_card_escapes_every_field_and_refuses_unsafe_links():
    row = {
        "id": "1",
        "author_name": "<b>Evil</b>",
        "handle": '"><script>x</script>',
        "text": HOSTILE_TEXT,
        "status": "live",
        "created_at": "<i>",
        "url": "javascript:alert(1)",
    }
    links = {k: f"/db/{k}?a=1&b=<x>" for k in ("post", "articles", "snapshots", "checks")}
    card = plugin.post_card(row, links)
    assert isinstance(card, Markup)
    assert "<b>" not in card and "<script>" not in card and "<i>" not in card
    assert "javascript:" not in card
    assert 'href="/db/post?a=1&amp;b=&lt;x&gt;"' in card
    assert plugin.safe_post_url("https://x.com/a/status/1") == "https://x.com/a/status/1"
    for url in ("http://x.com/a", "https://evil.example/x.com", "javascript:x.com", None, 3):
        assert plugin.safe_post_url(url) is None


def test_sql_helpers():
    assert plugin.post_id_sql(f"https://mobile.twitter.com/a/status/{PIER}/photo/1") == PIER
    assert plugin.post_id_sql(f" {PIER} ") == PIER
    assert plugin.post_id_sql("text:0123456789abcdef") == "text:0123456789abcdef"
    assert plugin.post_id_sql(None) is None
    assert plugin.fts_query_sql("") == '""'
    assert plugin.fts_query_sql('bridge "closed') == '"bridge" "closed"'


def test_other_databases_are_left_alone(tmp_path, sample):
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["posts"].insert({"id": 1, "status": "deleted"})
    both = Datasette([str(sample), str(other)])
    assert plugin.archive_databases(both) == ["archive"]
    html = get(both, "/other/posts").text
    assert "archiver-status" not in html
    assert (
        "queries" not in get(both, "/other.json").json()
        or not get(both, "/other.json").json()["queries"]
    )


def test_metadata_json_for_publishing():
    out = CliRunner().invoke(metadata.main, ["mine"]).output
    assert '"mine"' in out and '"provenance"' in out and '"write"' not in out
    assert '"archive"' in CliRunner().invoke(metadata.main, []).output


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_the_metadata_command_has_help_and_takes_no_option_for_a_name(option):
    """``--help`` was printed as the metadata of a database named ``--help``."""
    shown = CliRunner().invoke(metadata.main, [option])
    assert shown.exit_code == 0 and "NAME is the archive's name in Datasette" in shown.output
    wrong = CliRunner().invoke(metadata.main, ["--mine"])
    assert wrong.exit_code == 2 and "No such option" in wrong.output and "{" not in wrong.output


# archive serve ---------------------------------------------------------------------------------


def test_datasette_args():
    args = datasette_args("a.db", host="0.0.0.0", port=9, open_browser=True)
    assert args[:6] == ["serve", "a.db", "--host", "0.0.0.0", "--port", "9"]
    assert "--open" in args and "--immutable" not in args and "-i" not in args


def test_an_archive_in_a_directory_nobody_here_can_write_is_served_immutable(tmp_path, monkeypatch):
    """SQLite reads a WAL archive through a -shm file it cannot make there: every page failed
    with 'attempt to write a readonly database'. (Tests run as root, who may write anywhere:
    the permission is what is replaced.)"""
    from archiver.datasette import serve

    path = tmp_path / "archive.db"
    open_database(path).conn.close()
    monkeypatch.setattr(serve.os, "access", lambda where, mode: where != tmp_path)
    assert datasette_args(path)[:3] == ["serve", "--immutable", str(path)]
    Path(f"{path}-wal").touch()  # a writer may be at work: served as it changes
    assert datasette_args(path)[:2] == ["serve", str(path)]


def test_serve_without_archive_fails_cleanly(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert "no archive here" in result.output
    assert not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize(("port", "status"), [("busy", 1), ("99999", 2)])
def test_serve_on_a_port_it_cannot_listen_on_is_one_line(sample, port, status):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        if port == "busy":
            port = str(busy.getsockname()[1])
        result = CliRunner().invoke(cli, ["serve", "--db", str(sample), "--port", port])
    assert result.exit_code == status
    assert "Usage: datasette" not in result.output and "INFO" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert port in line


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{bad", "not valid JSON or YAML"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"[1, 2]", "not a JSON object or YAML mapping of metadata"),
    ],
)
def test_serve_with_bad_metadata_is_one_line(sample, tmp_path, content, problem):
    path = tmp_path / "m.json"
    path.write_bytes(content)
    with socket.socket() as busy:  # were the metadata taken, the server still never starts
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        args = ["serve", "--db", str(sample), "--port", port, "--metadata", str(path)]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: {path}: {problem}"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_serve_with_metadata_from_a_pipe_or_a_device_is_one_line(sample, tmp_path):
    """``--metadata /dev/zero`` filled the memory; a named pipe held the command for ever."""
    pipe = tmp_path / "m.json"
    os.mkfifo(pipe)
    for path in (str(pipe), "/dev/zero"):
        with socket.socket() as busy:  # were the metadata taken, the server still never starts
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = str(busy.getsockname()[1])
            args = ["serve", "--db", str(sample), "--port", port, "--metadata", path]
            result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            f"Error: {path}: cannot read (not a regular file (a pipe or a device))"
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 120) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"archive serve exited: {process.stderr.read().decode()}")
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"archive serve did not answer at {url}")


def test_archive_serve_while_another_process_writes(sample, tmp_path):
    process, base = start_serve(sample, tmp_path)  # answering /-/versions.json
    try:
        gone = httpx.get(f"{base}/archive/gone.json?_shape=array").json()
        assert [r["post_id"] for r in gone] == [FERRY, PIER]
        assert "archiver-card" in httpx.get(f"{base}/archive/posts/{HOSTILE}").text
        # A scan writes to the same file while Datasette serves it.
        page = tmp_path / "late.html"
        page.write_text(
            '<html><head><title>Late news</title></head><body><blockquote class="twitter-tweet">'
            '<p>Late post about the pier</p>&mdash; Late (@late) <a href="https://twitter.com/'
            'late/status/1902040000000000005">March 22, 2025</a></blockquote></body></html>',
            encoding="utf-8",
        )
        result = CliRunner().invoke(cli, ["scan", str(page), "--db", str(sample)])
        assert result.exit_code == 0, result.output
        found = httpx.get(f"{base}/archive/search.json?_shape=array&q=late").json()
        assert {r["post_id"] for r in found} == {"1902040000000000005"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)  # a hang guard: Datasette's shutdown is slow under load
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def test_ctrl_c_stops_archive_serve_with_exit_0(sample, tmp_path):
    """Datasette's server answers Ctrl-C itself: a clean shutdown and exit 0, not the 130
    and one line of the other commands."""
    process, _ = start_serve(sample, tmp_path)
    _, err = stop_serve(process, signal.SIGINT)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "interrupted" not in err


def start_serve(sample: Path, tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """``archive serve`` on the sample archive, answering; and its address."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", "serve", "--db", str(sample), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/-/versions.json", process).status_code == 200
    except BaseException:
        process.kill()
        process.communicate()
        raise
    return process, base


def stop_serve(process: subprocess.Popen, number: int) -> tuple[str, str]:
    """Send ``number`` and wait for the end: stdout and stderr."""
    try:
        process.send_signal(number)
        out, err = process.communicate(timeout=120)  # a hang guard
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return out.decode(), err.decode()


STARTUP_LINES = (
    "Started server process",
    "Waiting for application startup.",
    "Application startup complete.",
    "Uvicorn running on",
)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_stops_archive_serve_silently_with_exit_143(sample, tmp_path, number):
    """As SIGTERM ends every other command: nothing printed for it (the server's four
    shutdown lines are dropped), exit 143; SIGHUP (its terminal closed) as SIGTERM, as it
    stops the worker."""
    process, _ = start_serve(sample, tmp_path)
    out, err = stop_serve(process, number)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert all('"GET /-/versions.json' in line for line in out.splitlines()), out  # waited for
    lines = err.splitlines()
    assert len(lines) == len(STARTUP_LINES), err
    assert all(any(start in line for start in STARTUP_LINES) for line in lines), err


def test_once_stopped_by_sigterm_or_sighup_the_server_still_logs_its_warnings_and_errors(
    caplog,
):
    """The server's handler, wrapped as the server starts, drops its INFO lines (the four
    of a shutdown) and lets its warnings and errors through; SIGHUP reaches it as SIGTERM."""
    import logging

    from archiver.datasette.sigterm import SERVER_LOGGER, quiet_on_sigterm

    logger = logging.getLogger(SERVER_LOGGER)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    filters = list(logger.filters)
    called: list[int] = []
    try:
        signal.signal(signal.SIGTERM, lambda number, frame: called.append(number))  # the server's
        quiet_on_sigterm()
        with caplog.at_level(logging.INFO, logger=SERVER_LOGGER):
            logger.info("Started server process")
            signal.getsignal(signal.SIGHUP)(signal.SIGHUP, None)  # type: ignore[operator]
            for level in (logging.INFO, logging.WARNING, logging.ERROR):
                logger.log(level, "a %s line", logging.getLevelName(level))
    finally:
        logger.filters[:] = filters
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert called == [signal.SIGTERM]
    shown = [r.getMessage() for r in caplog.records if r.name == SERVER_LOGGER]
    assert shown == ["Started server process", "a WARNING line", "a ERROR line"]


def test_a_search_fts_cannot_parse_is_a_400_and_one_line_in_the_log(sample, tmp_path):
    """Datasette's handler printed the error's traceback with every local variable (over a
    hundred lines) for this correct 400; now Datasette's one line naming the query, beside
    the request's own access line."""
    process, base = start_serve(sample, tmp_path)
    try:
        page = httpx.get(f"{base}/archive/posts?_search=%22", timeout=60)
        data = httpx.get(f"{base}/archive/posts.json?_search=%22", timeout=60)
        missing = httpx.get(f"{base}/archive/no_such_table", timeout=60)
    finally:
        out, err = stop_serve(process, signal.SIGINT)
    assert page.status_code == 400 and "fts5: syntax error" in page.text
    assert "<title>Invalid SQL</title>" in page.text  # Datasette's error page, as before
    assert data.status_code == 400
    assert data.json() == {
        "ok": False,
        "error": 'fts5: syntax error near ""',
        "status": 400,
        "title": "Invalid SQL",
    }
    assert missing.status_code == 404
    logged = out + err
    assert "Traceback" not in logged
    requests = [line for line in logged.splitlines() if '"GET /archive/' in line]
    assert len(requests) == 3, logged  # each request's access line
    others = [line for line in logged.splitlines() if not line.startswith("INFO:")]
    assert len(others) <= 2, logged  # one line per failed search, none for the 404
    assert all("fts5: syntax error" in line for line in others), logged


def test_a_server_error_keeps_datasettes_handler():
    """Only a client's error (4xx) is answered quietly: a 5xx keeps the traceback."""
    from datasette.utils.asgi import NotFound
    from datasette.views.base import DatasetteError

    from archiver.datasette.client_errors import client_error, quiet_handlers

    class Datasette:
        pdb = False

    def default() -> None: ...

    default.__module__ = "datasette.handle_exception"
    failed = DatasetteError("disk I/O error", status=500)
    assert client_error(failed) is None
    assert client_error(ValueError("x")) is None
    assert quiet_handlers(Datasette(), None, failed, [default]) == [default]
    assert client_error(NotFound("no such page")).status == 404
    assert quiet_handlers(Datasette(), None, NotFound("gone"), [default]) != [default]


def test_every_status_has_a_badge_colour_and_an_explanation():
    from archiver.snapshot.result import GONE, STATUSES

    css = (Path(plugin.__file__).parent / "static" / "archiver.css").read_text()
    for status in (*STATUSES, "pending", "text_only"):
        assert status in metadata.STATUSES
        assert f".archiver-status-{status} {{" in css
        assert plugin.STATUS_HELP[status]
        assert f"archiver-status-{status}" in plugin.status_badge(status)
    assert set(GONE) <= set(metadata.GONE_STATUSES)
    assert "X removed the post" in plugin.status_badge("removed")


def test_a_post_edited_twice_is_listed_once_with_its_newest_version(tmp_path):
    """The ``edited`` query names, for each article, the newest version X names, when it was
    first named (as ``post_changes`` does): not a row for each version ever named, the
    earlier ones no longer the newest."""
    from archiver.datasette.metadata import CANNED_QUERIES
    from archiver.db import open_database

    post, first_edit, second_edit = "1901955510931214337", "1902100000000000009", "1902200000000003"
    conn = open_database(tmp_path / "archive.db").conn
    conn.execute("insert into articles (id, url, first_seen_at) values (1, 'https://a/1', 't')")
    conn.execute(
        "insert into posts (id, status, text, first_seen_at) values (?, 'live', 'Hi', 't')",
        (post,),
    )
    conn.execute(
        "insert into embeds (article_id, post_id, position, method, occurrence, text)"
        " values (1, ?, 0, 'blockquote', 1, 'Hi')",
        (post,),
    )
    for fetched_at, status, newer in [
        ("2025-03-18T12:00:00Z", "live", None),
        ("2025-03-19T12:00:00Z", "live", first_edit),
        ("2025-03-20T12:00:00Z", "live", second_edit),
        ("2025-03-21T12:00:00Z", "protected", None),
        ("2025-03-22T12:00:00Z", "live", second_edit),
    ]:
        conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, status, text,"
            " newer_version_id) values (?, ?, 'syndication', ?, 'Hi', ?)",
            (post, fetched_at, status, newer),
        )
    conn.commit()
    conn.row_factory = sqlite3.Row
    found = [dict(r) for r in conn.execute(CANNED_QUERIES["edited"]["sql"])]
    assert [(r["post_id"], r["newer_version_id"], r["edit_seen_at"]) for r in found] == [
        (post, second_edit, "2025-03-20T12:00:00Z")
    ]
    [change] = conn.execute("select newer_version_id from post_changes").fetchall()
    assert change[0] == second_edit


def test_snowflake_time_sql_is_the_time_python_decodes_from_the_id() -> None:
    from archiver.db.schema import snowflake_time_sql
    from archiver.urls import snowflake_time

    conn = sqlite3.connect(":memory:")
    ids = ["20", "29700859247", "29700859248", "1703436713362870723", "1874097816571961839"]
    ids += [str(2**63 - 1), "2000000000000000000", "1902100000000000009"]
    for post_id in ids:
        [(found,)] = conn.execute(
            f"select {snowflake_time_sql('id')} from (select ? as id)", [post_id]
        ).fetchall()
        assert found == snowflake_time(post_id), post_id


def test_edited_says_whether_the_edit_came_after_the_embed_and_leaves_out_removed_ones(
    tmp_path,
):
    """The newer version's time (from its ID) against when the archive first saw each embed:
    1 when the article showed the post before the edit, 0 when the newer version already
    existed, empty when the embed's time is unknown; embeds taken down are not listed."""
    from archiver.datasette.metadata import CANNED_QUERIES
    from archiver.db import open_database

    post, newer = "1901955510931214337", "1902100000000000009"  # edited 2025-03-18T20:49:13.966Z
    conn = open_database(tmp_path / "archive.db").conn
    sql = conn.execute
    sql("insert into posts (id, status, text, first_seen_at) values (?, 'live', 'Hi', 't')", [post])
    seen = [
        ("2025-03-18T20:00:00Z", None),  # before the edit
        ("2025-03-19T08:00:00Z", None),  # after it
        (None, None),
        ("2025-03-18T20:00:00Z", "2025-03-20T00:00:00Z"),  # since taken down
    ]
    for article_id, (first_seen_at, removed_at) in enumerate(seen, start=1):
        sql(
            "insert into articles (id, url, first_seen_at) values (?, ?, 't')",
            [article_id, f"https://a/{article_id}"],
        )
        sql(
            "insert into embeds (article_id, post_id, position, method, occurrence, text,"
            " first_seen_at, removed_at) values (?, ?, 0, 'blockquote', 1, 'Hi', ?, ?)",
            [article_id, post, first_seen_at, removed_at],
        )
    sql(
        "insert into snapshots (post_id, fetched_at, provider, status, text, newer_version_id)"
        " values (?, '2025-03-21T00:00:00Z', 'syndication', 'live', 'Hi', ?)",
        [post, newer],
    )
    conn.row_factory = sqlite3.Row
    found = [dict(r) for r in conn.execute(CANNED_QUERIES["edited"]["sql"])]
    assert [(r["article_url"], r["edited_after_seen"]) for r in found] == [
        ("https://a/1", 1),
        ("https://a/2", 0),
        ("https://a/3", None),
    ]
    assert {r["edited_at"] for r in found} == {"2025-03-18T20:49:13.966Z"}
    assert found[0]["shown_since"] == "2025-03-18T20:00:00Z"


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("provenance", {"post": "20"}),
        ("article", {"article": "https://a.example/1"}),
        ("most_embedded", {}),
    ],
)
def test_one_post_or_article_is_found_by_index_not_by_reading_every_row(
    tmp_path: Path, name: str, params: dict[str, str]
) -> None:
    """SQLite's plan for a query naming one post or one article searches indexes only (each
    side of its ``or`` too): a full scan of embeds, posts or articles grows with the archive
    (0.46 s for one post among 150,000 before ``m022``). The most-embedded posts are counted
    from an index that holds what is counted (0.95 s for 200,000 embeds before ``m026``)."""
    from archiver.datasette.metadata import canned_queries
    from archiver.datasette.plugin import prepare_connection
    from archiver.db import open_database

    database = open_database(tmp_path / "plan.db")
    prepare_connection(database.conn)
    sql = canned_queries()[name]["sql"]
    plan = [row[3] for row in database.conn.execute("explain query plan " + sql, params)]
    database.conn.close()
    scans = [step for step in plan if step.startswith("SCAN") and "COVERING INDEX" not in step]
    assert scans in ([], ["SCAN counts"]), plan  # the hundred posts counted, not a table
