"""``archive scan`` end to end: real files, a real HTTP server on 127.0.0.1, a real archive."""

from __future__ import annotations

import base64
import gzip
import json
import os
import socket
import subprocess
import sys
import zlib
from pathlib import Path

import brotli
import pytest
import sqlite_utils
from pages import embed_page
from werkzeug import Response

from archiver.evidence.read import read_record
from archiver.evidence.warc import default_warc_dir
from archiver.normalize import sha256_hex

SEED_LIKE = (
    "Some article prose about the vote.\n"
    'Jane Example on X (formerly Twitter): "We did it. Thank you all for the support. / X"\n'
    "We did it. Thank you all for the support.\n"
    'Officials said on X (formerly Twitter) that "the result stands" and moved on.\n'
    'John Sample on X (formerly Twitter): "The count was fair and the result is clear. / X"\n'
    "The count was fair and the result is clear.\n"
    "More prose.\n"
)


def rows(db_path, sql: str):
    return list(sqlite_utils.Database(db_path).query(sql))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_scan_text_file_json_shape(run_cli, tmp_path, db_path):
    page = tmp_path / "reader.txt"
    page.write_text(SEED_LIKE, encoding="utf-8")
    result = run_cli("scan", str(page), "--json")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip())
    assert set(line) == {"target", "url", "status", "error", "embeds"}
    assert line["status"] == "ok" and line["error"] is None
    assert [e["author"] for e in line["embeds"]] == ["Jane Example", "John Sample"]
    assert line["embeds"][0]["text"] == "We did it. Thank you all for the support."
    assert set(line["embeds"][0]) == {
        "position",
        "post_id",
        "url",
        "handle",
        "author",
        "text",
        "date",
        "method",
    }
    assert line["embeds"][0]["post_id"].startswith("text:")
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 2


def test_scan_directory_recursive_and_idempotent(run_cli, tmp_path, db_path):
    (tmp_path / "site" / "deep").mkdir(parents=True)
    (tmp_path / "site" / "a.html").write_text(embed_page(), encoding="utf-8")
    (tmp_path / "site" / "deep" / "b.htm").write_text(
        embed_page(post_id="1763000000000000002"), encoding="utf-8"
    )
    (tmp_path / "site" / "notes.pdf").write_bytes(b"%PDF-1.4")
    for _ in range(2):
        result = run_cli("scan", str(tmp_path / "site"))
        assert result.exit_code == 0, result.output
    assert rows(db_path, "select count(*) as n from articles")[0]["n"] == 2
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 2
    assert rows(db_path, "select count(*) as n from scans")[0]["n"] == 4


def test_stdin_target(run_cli, db_path):
    result = run_cli("scan", "-", "--json", input=embed_page().encode())
    assert result.exit_code == 0
    assert json.loads(result.stdout)["embeds"][0]["post_id"] == "1763000000000000001"


def test_include_links_reports_prose_links(run_cli, tmp_path):
    page = tmp_path / "a.html"
    page.write_text(embed_page(), encoding="utf-8")
    plain = json.loads(run_cli("scan", str(page), "--json").stdout)
    linked = json.loads(run_cli("scan", str(page), "--json", "--include-links").stdout)
    assert [e["method"] for e in plain["embeds"]] == ["blockquote"]
    assert [e["method"] for e in linked["embeds"]] == ["blockquote", "link"]
    assert linked["embeds"][1]["post_id"] == "1760000000000000001"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.html", b"", "empty file"),
        ("blank.txt", b"   \n\n", "empty file"),
        ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary file"),
    ],
)
def test_bad_files_fail_alone(run_cli, tmp_path, db_path, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.html"
    good.write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", str(bad), str(good))
    assert result.exit_code == 1
    assert f"{bad}: {reason}" in result.output
    assert "Traceback" not in result.output
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 1


def test_missing_unreadable_and_scheme_errors(run_cli, tmp_path):
    locked = tmp_path / "locked.html"
    locked.write_text(embed_page(), encoding="utf-8")
    locked.chmod(0)
    gone = (tmp_path / "gone.html").as_uri()
    result = run_cli("scan", str(tmp_path / "nope.html"), gone, "ftp://x.org/a")
    assert result.exit_code == 1
    assert "nope.html: no such file or directory" in result.output
    assert "gone.html: no such file or directory" in result.output  # a file URL is its path
    assert "unsupported URL scheme 'ftp'" in result.output


@pytest.mark.parametrize(
    ("target", "hinted"),
    [
        ("www.example.com", True),
        ("example.com/news/a.html", True),
        ("127.0.0.1:8765/news/story.html", True),
        ("localhost:8765/news/story.html", True),
        ("127.0.0.1/news/story.html", True),
        ("bücher.de/a.html", True),
        ("story.html", False),
        ("pages/story.html", False),
        ("backup.2024/story.html", False),  # a dotted directory, not a host
        ("site_v1.2/story.html", False),
    ],
)
def test_an_address_without_its_scheme_is_told_what_it_lacks(run_cli, target, hinted):
    result = run_cli("scan", target)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if target in line]
    assert line.endswith("no such file or directory" + HINT * hinted)


HINT = " (a URL needs http:// or https://)"


def test_an_empty_target_is_named_as_such(run_cli, tmp_path):
    """``archive scan ""`` (an unset shell variable): before, "cannot read directory"."""
    result = run_cli("scan", "", " ")
    assert result.exit_code == 1
    assert result.output.count("error: : empty target (no file, directory or URL)") == 1
    assert result.output.count("error:  : empty target (no file, directory or URL)") == 1


def test_malformed_urls_are_one_line_each_and_the_rest_is_scanned(run_cli, tmp_path, db_path):
    page = tmp_path / "page.html"
    page.write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", "http://[::1/x", "http://127.0.0.1:99999/x", str(page))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "http://[::1/x: not a valid URL (Invalid IPv6 URL)" in result.output
    assert "http://127.0.0.1:99999/x: not a valid URL (Port out of range 0-65535)" in result.output
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 1


def test_an_address_on_x_itself_is_refused_before_any_fetch(run_cli, tmp_path, db_path):
    """A newcomer scans the post they want kept: X's page shows posts and embeds none, so
    it was fetched (a request to X) and stored as an empty article. It now fails alone,
    in one line naming the command that keeps a post; the file beside it is scanned."""
    page = tmp_path / "page.html"
    page.write_text(embed_page(), encoding="utf-8")
    listed = tmp_path / "urls.txt"
    listed.write_text("https://twitter.com/jack\n", encoding="utf-8")
    post = "https://x.com/jack/status/20"
    frame = "https://platform.twitter.com/embed/Tweet.html?id=20"
    result = run_cli("scan", post, frame, str(page), "--urls-file", str(listed))
    assert result.exit_code == 1
    assert f"{post}: a post on X, not an article (archive snapshot checks a post)" in (
        result.output
    )
    assert f"{frame}: a post on X, not an article" in result.output
    assert "https://twitter.com/jack: a page of X itself, not an article" in result.output
    assert [r["url"] for r in rows(db_path, "select url from articles")] == [page.as_uri()]
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 1


def test_a_url_list_named_without_urls_file_is_scanned_with_a_note_saying_so(
    run_cli, tmp_path, db_path
):
    """``archive scan urls.txt`` (``--urls-file`` forgotten) scanned the list as one text and
    said "0 embed(s)", as if its pages had none; it is still scanned, with a note."""
    listed = tmp_path / "urls.txt"
    listed.write_text(
        f"# tonight\nhttp://127.0.0.1:{free_port()}/a\n\nhttps://news.example/b?id=1\n",
        encoding="utf-8",
    )
    prose = tmp_path / "notes.txt"
    prose.write_text("Read https://news.example/b later.\nhttps://news.example/c\n")
    page = tmp_path / "links.html"  # a page's name: not opened to look for a list
    page.write_text(listed.read_text())
    result = run_cli("scan", str(listed), str(prose), str(page))
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: {listed}: only URLs, one a line: scanned as one text;"
        f" --urls-file {listed} scans the pages it lists"
    ]
    assert rows(db_path, "select count(*) as n from articles")[0]["n"] == 3


def test_malformed_html_is_not_an_error(run_cli, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><div><p>unclosed <blockquote class='twitter-tweet'>"
        "<a href='https://twitter.com/a/status/1763000000000000005'>x</a><table><tr>",
        encoding="utf-8",
    )
    result = run_cli("scan", str(page), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["embeds"][0]["post_id"] == "1763000000000000005"


def test_usage_errors_exit_2(run_cli):
    assert run_cli("scan").exit_code == 2
    assert run_cli("scan", "--no-such-flag", "x").exit_code == 2


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["scan", "--foo"], "Error: No such option '--foo' (see 'archive scan --help')"),
        (
            ["scna"],
            "Error: No such command 'scna'. Did you mean 'scan'? (see 'archive --help')",
        ),
        (
            ["stats", "--db"],
            "Error: Option '--db' requires an argument (see 'archive stats --help')",
        ),
        (["timemap"], "Error: Missing argument 'POST' (see 'archive timemap --help')"),
        (["--bogus"], "Error: No such option '--bogus' (see 'archive --help')"),
        (
            ["scan"],
            "Error: give at least one TARGET or --urls-file (see 'archive scan --help')",
        ),
    ],
)
def test_a_usage_error_is_one_line_naming_the_help(args, line, tmp_path):
    """Not click's usage block, hint and blank line: one line on stderr, exit status 2."""
    done = subprocess.run(
        [sys.executable, "-m", "archiver", *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", line + "\n")


@pytest.mark.parametrize("value", ["abc...", "jack."])
def test_a_usage_error_quotes_what_was_given_to_the_last_dot(value, tmp_path):
    """Click ends its own sentences with a full stop, which the line drops before naming the
    help; a message of the archiver's own may end with what the user typed, kept whole."""
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "timemap", value],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    line = f"Error: not a post URL or ID: {value} (see 'archive timemap --help')\n"
    assert (done.returncode, done.stderr) == (2, line)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["timemap", "1\n2"],
            "Error: not a post URL or ID: 1\\x0a2 (see 'archive timemap --help')",
        ),
        (["snapshot", "\x1b]0;hi\x07"], "Error: not a post URL or ID: \\x1b]0;hi\\x07 (see"),
        (["stats", "--db", "a\nb.db"], "Error: a\\x0ab.db: no archive here (create one with"),
        (
            ["verify", "--config", "bad\n.toml"],
            "Error: bad\\x0a.toml: not valid TOML (Expected ']'",
        ),
    ],
    ids=["usage", "escape-sequence", "archive-path", "config"],
)
def test_what_the_user_typed_is_escaped_in_the_one_error_line(args, line, tmp_path):
    """A line break in a post ID or a path the user typed split the error in two, and an
    escape sequence reached the terminal (as in every other line printed: ``visible``)."""
    (tmp_path / "bad\n.toml").write_text("[fetch\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "archiver", *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode in (1, 2) and done.stdout == ""
    [shown] = done.stderr.splitlines()
    assert shown.startswith(line), shown


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["scan", "page.html"], ["stats"], ["--help"], ["--version"]])
def test_output_that_cannot_be_written_is_one_line_and_keeps_what_was_stored(command, tmp_path):
    """Standard output on a full disk (``> /dev/full``) ended in an OSError traceback, then
    Python's 'Exception ignored' lines; a closed pipe stays click's silent exit 1."""
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    archive = [sys.executable, "-m", "archiver"]
    assert subprocess.run([*archive, "init"], cwd=tmp_path).returncode == 0
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*archive, *command], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert (done.returncode, done.stderr) == (
        1,
        "Error: cannot write the output (No space left on device)\n",
    )
    stored = sqlite_utils.Database(tmp_path / "archive.db")["articles"].count
    assert stored == (1 if command[0] == "scan" else 0)


def test_a_closed_standard_input_fails_alone(tmp_path):
    """``archive scan - <&-``: Python has no ``sys.stdin`` then, and the scan ended in an
    AttributeError traceback."""
    (tmp_path / "page.html").write_text(embed_page(), encoding="utf-8")
    archive = [sys.executable, "-m", "archiver", "scan", "-", "page.html"]
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" <&-', "sh", *archive], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: <stdin>: no standard input (it is closed)",
        "scanned 1 article(s): 1 embed(s) in 1 of them, 1 failed",
    ]


def test_a_usage_error_is_one_line_with_click_8_1(run_cli, monkeypatch):
    """Click 8.1 (``click>=8.1``) has no ``NoArgsIsHelpError``: a usage error was a traceback."""
    import click

    monkeypatch.delattr(click.exceptions, "NoArgsIsHelpError")
    result = run_cli("scan", "--foo")
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: No such option '--foo' (see '")


def test_the_command_alone_still_shows_its_help(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "archiver"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "Commands:" in done.stdout + done.stderr and "(see '" not in done.stderr


def test_invalid_config_is_one_line(run_cli, tmp_path, db_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[fetch]\ntimeout = "soon"\n', encoding="utf-8")
    result = run_cli(
        "scan", "x.html", "--db", str(db_path), "--config", str(bad), use_defaults=False
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f'Error: {bad}: [fetch] timeout: expected a duration > 0 and ≤ 86400s such as "90s",'
        ' "15m", "6h" or "1d", got \'soon\''
    ]


# --- URLs against a real local HTTP server -------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "hint"),
    [
        ("application/rss+xml", ': a feed? list it as a [[sources]] of type "feed"'),
        (
            "application/atom+xml; charset=utf-8",
            ': a feed? list it as a [[sources]] of type "feed"',
        ),
        ("application/xml", ": a feed or a sitemap? list it as a [[sources]]"),
        ("text/xml", ": a feed or a sitemap? list it as a [[sources]]"),
        ("application/pdf", ""),
    ],
)
def test_a_feed_or_sitemap_given_to_scan_is_pointed_at_the_worker(
    run_cli, httpserver, db_path, content_type, hint
):
    """A newcomer hands ``archive scan`` the site's feed or sitemap: the one line it fails
    with says where such an address goes (a source of ``archive worker``)."""
    httpserver.expect_request("/feed").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
        content_type=content_type,
    )
    url = httpserver.url_for("/feed")
    result = run_cli("scan", url)
    assert result.exit_code == 1
    media_type = content_type.split(";")[0]
    (line,) = [line for line in result.output.splitlines() if line.startswith("error:")]
    expected = f"error: {url}: not a web page (Content-Type {media_type}){hint}"
    assert line.startswith(expected)
    assert line.endswith(" for archive worker" if hint else f"{media_type})")
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 0


def test_scan_urls_from_local_server(run_cli, httpserver, db_path, tmp_path):
    httpserver.expect_request("/news/ok").respond_with_data(
        embed_page(title="Bridge reopens"), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/news/missing").respond_with_data("gone", status=404)
    httpserver.expect_request("/news/broken").respond_with_data("oops", status=500)
    httpserver.expect_request("/file.pdf").respond_with_data(
        b"%PDF", content_type="application/pdf"
    )
    httpserver.expect_request("/huge").respond_with_data("x" * 300_000, content_type="text/html")
    urls = tmp_path / "urls.txt"
    urls.write_text("# comment\n" + httpserver.url_for("/news/missing") + "\n", encoding="utf-8")
    refused = f"http://127.0.0.1:{free_port()}/closed"
    result = run_cli(
        "scan",
        httpserver.url_for("/news/ok"),
        httpserver.url_for("/news/broken"),
        httpserver.url_for("/file.pdf"),
        httpserver.url_for("/huge"),
        refused,
        "--urls-file",
        str(urls),
        "--json",
    )
    assert result.exit_code == 1
    lines = {json.loads(line)["target"]: json.loads(line) for line in result.stdout.splitlines()}
    ok = lines[httpserver.url_for("/news/ok")]
    assert ok["status"] == "ok" and ok["embeds"][0]["post_id"] == "1763000000000000001"
    assert "HTTP 404" in lines[httpserver.url_for("/news/missing")]["error"]
    assert "HTTP 500" in lines[httpserver.url_for("/news/broken")]["error"]
    assert "not a web page" in lines[httpserver.url_for("/file.pdf")]["error"]
    assert "larger than max_bytes" in lines[httpserver.url_for("/huge")]["error"]
    assert "cannot connect" in lines[refused]["error"]
    article = rows(db_path, "select * from articles where title = 'Bridge reopens'")[0]
    assert article["http_status"] == 200 and len(article["content_sha256"]) == 64
    errors = rows(db_path, "select error, http_status from scans where error is not null")
    assert {e["http_status"] for e in errors} >= {404, 500}


def test_an_article_named_twice_in_one_run_is_fetched_and_scanned_once(
    run_cli, httpserver, db_path, tmp_path
):
    """The same article by its URL, with a tracking parameter or a fragment, and again in
    the URL list: one fetch and one scan, where it first comes (its identity is the one it
    is saved under); another path is another article."""
    httpserver.expect_request("/news/ok").respond_with_data(
        embed_page(), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/news/other").respond_with_data(
        embed_page(post_id="1763000000000000002"), content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/news/ok")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{url}\n{httpserver.url_for('/news/other')}\n", encoding="utf-8")
    named = (url, url + "?utm_source=feed", url + "#comments")
    result = run_cli("scan", *named, "--urls-file", str(urls), "--json")
    assert result.exit_code == 0, result.output
    targets = [json.loads(line)["target"] for line in result.stdout.splitlines()]
    assert targets == [url, httpserver.url_for("/news/other")]
    fetched = [request.path for request, _ in httpserver.log]
    assert fetched.count("/news/ok") == 1
    assert rows(db_path, "select count(*) as n from scans")[0]["n"] == 2


def test_gzip_and_redirect_and_charset_from_header(run_cli, httpserver):
    page = embed_page(text="Caf\u00e9 cr\u00e8me \u2013 na\u00efve").replace(
        '<meta charset="utf-8">', ""
    )
    body = gzip.compress(page.encode("cp1252"))
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new")})
    )
    httpserver.expect_request("/new").respond_with_response(
        Response(
            body,
            headers={"Content-Type": "text/html; charset=windows-1252", "Content-Encoding": "gzip"},
        )
    )
    result = run_cli("scan", httpserver.url_for("/old"), "--json")
    assert result.exit_code == 0, result.output
    assert (
        json.loads(result.stdout)["embeds"][0]["text"] == "Caf\u00e9 cr\u00e8me \u2013 na\u00efve"
    )


def test_redirect_loop_is_an_error(run_cli, httpserver):
    httpserver.expect_request("/loop").respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/loop")})
    )
    result = run_cli("scan", httpserver.url_for("/loop"), "--json")
    assert result.exit_code == 1
    assert "too many redirects" in json.loads(result.stdout)["error"]


def test_directory_listing_order_and_resolved_paths(tmp_path):
    from archiver.scan_targets import page_files

    root = tmp_path / "site"
    (root / "b").mkdir(parents=True)
    (root / "a" / "deep").mkdir(parents=True)
    for name in ("z.html", "a/one.htm", "a/deep/two.md", "b/three.txt", "b/skip.png"):
        (root / name).write_text("<p>x</p>")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "target.html").write_text("<p>y</p>")
    (elsewhere / "hidden.html").write_text("<p>z</p>")
    (root / "b" / "link.html").symlink_to(elsewhere / "target.html")
    (root / "linked-dir.html").symlink_to(elsewhere, target_is_directory=True)

    found = page_files(str(root))

    relative = [str(Path(path).relative_to(root)) for path, _ in found]
    assert relative == ["z.html", "a/one.htm", "a/deep/two.md", "b/link.html", "b/three.txt"]
    for path, real in found:  # what a realpath of each file would give
        assert real == os.path.realpath(path)
    assert dict(found)[str(root / "b" / "link.html")] == str(elsewhere / "target.html")


def test_an_unreadable_directory_is_one_line_and_the_rest_is_scanned(
    run_cli, tmp_path, db_path, monkeypatch
):
    """A directory the walk cannot list (no read permission: root reads every directory,
    so the refusal is made here) is a failed target of its own, not passed over."""
    import archiver.scan_targets

    site = tmp_path / "site"
    (site / "closed").mkdir(parents=True)
    (site / "a.html").write_text(embed_page(), encoding="utf-8")
    listing = archiver.scan_targets.os.scandir

    def scandir(path):
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(archiver.scan_targets.os, "scandir", scandir)
    result = run_cli("scan", str(site))
    assert result.exit_code == 1, result.output
    assert f"{site / 'closed'}: cannot read directory (Permission denied)" in result.stderr
    assert rows(db_path, "select count(*) as n from articles")[0]["n"] == 1
    result = run_cli("scan", str(site / "closed"))
    assert result.exit_code == 1 and "no page or WARC files" not in result.stderr


def test_a_page_that_cannot_be_saved_is_named_in_its_error_line(
    run_cli, httpserver, db_path, monkeypatch
):
    """A URL scanned while another process holds the archive's write lock past the busy
    timeout: the line named neither the page nor what failed ("archive is busy…")."""
    import sqlite3

    from archiver.db import connection

    httpserver.expect_request("/a").respond_with_data(embed_page(), content_type="text/html")
    httpserver.expect_request("/b").respond_with_data(embed_page(), content_type="text/html")
    assert run_cli("scan", httpserver.url_for("/b")).exit_code == 0  # stored before
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_cli("scan", httpserver.url_for("/a"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    line = f"error: cannot save {httpserver.url_for('/a')}: archive is busy or read-only"
    assert result.stderr.startswith(line + " (database is locked)\n"), result.stderr
    assert "Traceback" not in result.output and len(result.stderr.splitlines()) == 2
    assert [r["url"] for r in rows(db_path, "select url from articles")] == [
        httpserver.url_for("/b")
    ]


def test_a_page_that_breaks_detection_fails_alone(run_cli, tmp_path, db_path, monkeypatch):
    """An exception inside a detector (RecursionError from markup nested past Python's
    stack, before those paths were made iterative) ended the whole scan with a traceback.
    It is now that page's one-line error; the other pages are saved."""
    import archiver.detect
    from archiver.detect import find_posts

    def breaks_on_marked_pages(data, **kwargs):
        if b"break-the-detector" in data:
            raise RecursionError("maximum recursion depth exceeded")
        return find_posts(data, **kwargs)

    monkeypatch.setattr(archiver.detect, "find_posts", breaks_on_marked_pages)
    bad = tmp_path / "bad.html"
    bad.write_text(embed_page().replace("<body>", "<body><p>break-the-detector</p>"), "utf-8")
    good = tmp_path / "good.html"
    good.write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", str(bad), str(good))
    assert result.exit_code == 1
    assert "detection failed on this page (RecursionError)" in result.output
    assert "Traceback" not in result.output
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 1


def test_binary_stdin_is_refused_before_its_end(tmp_path, db_path):
    """``archive scan - < /dev/zero``: refused on its first bytes. Before, standard input was
    read to its end first, which never comes (the memory ran out)."""
    command = [sys.executable, "-m", "archiver", "scan", "-", "--db", str(db_path)]
    pipe = subprocess.PIPE
    with subprocess.Popen(command, stdin=pipe, stderr=pipe, cwd=tmp_path) as process:
        assert process.stdin is not None and process.stderr is not None
        process.stdin.write(b"\0" * 16384)
        process.stdin.flush()  # and kept open: no end of input
        try:
            assert process.wait(timeout=120) == 1
        finally:
            process.kill()
        assert "<stdin>: binary file, not a web page or text" in process.stderr.read().decode()


def test_endless_text_on_stdin_is_refused_at_the_size_limit(tmp_path, db_path):
    """``yes | archive scan -``: text that never ends. Before, it was read until the memory
    ran out; it is now refused once past ``MAX_PAGE_BYTES``, and the archive keeps what it
    held."""
    import threading

    from archiver.page_read import MAX_PAGE_BYTES

    page = tmp_path / "kept.html"
    page.write_text(embed_page(), encoding="utf-8")
    base = [sys.executable, "-m", "archiver", "scan", "--db", str(db_path)]
    assert subprocess.run([*base, str(page)], capture_output=True, check=False).returncode == 0
    pipe = subprocess.PIPE
    with subprocess.Popen([*base, "-"], stdin=pipe, stderr=pipe, cwd=tmp_path) as process:
        assert process.stdin is not None and process.stderr is not None

        def feed() -> None:  # as `yes` does, until the reader goes away
            try:
                while True:
                    process.stdin.write(b"y\n" * 65536)
            except (BrokenPipeError, ValueError, OSError):
                pass

        threading.Thread(target=feed, daemon=True).start()
        try:
            assert process.wait(timeout=300) == 1
        finally:
            process.kill()
        error = process.stderr.read().decode()
    assert f"<stdin>: larger than {MAX_PAGE_BYTES:,} bytes, not an article page" in error
    assert "Traceback" not in error
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 1


def test_a_page_file_past_the_size_limit_is_refused_unread(run_cli, tmp_path, db_path):
    from archiver.page_read import MAX_PAGE_BYTES

    big = tmp_path / "big.html"
    with big.open("wb") as fh:
        fh.write(b"<html><body><p>" + b"word " * 4000)
        fh.truncate(MAX_PAGE_BYTES + 1)  # sparse: nothing past the head is written
    good = tmp_path / "good.html"
    good.write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", str(big), str(good))
    assert result.exit_code == 1
    assert f"{big}: larger than {MAX_PAGE_BYTES:,} bytes, not an article page" in result.output
    assert rows(db_path, "select count(*) as n from embeds")[0]["n"] == 1


def test_a_regular_file_past_the_size_limit_is_refused_on_its_head_alone(tmp_path):
    from archiver.errors import TargetError
    from archiver.page_read import MAX_PAGE_BYTES, SNIFF_BYTES, read_checked

    big = tmp_path / "big.html"
    with big.open("wb") as fh:
        fh.write(b"<html><body><p>" + b"word " * 4000)
        fh.truncate(MAX_PAGE_BYTES + 1)
    with big.open("rb") as fh:
        counting = _CountingReader(fh)
        with pytest.raises(TargetError, match="larger than"):
            read_checked(counting, str(big))  # type: ignore[arg-type]
    assert counting.total <= SNIFF_BYTES


class _CountingReader:
    """A file's ``read`` and ``fileno``, counting the bytes read."""

    def __init__(self, fh) -> None:
        self.fh, self.total = fh, 0

    def fileno(self) -> int:
        return self.fh.fileno()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.total += len(data)
        return data


def test_a_file_that_grows_while_read_is_read_to_its_end(tmp_path, monkeypatch):
    """The size told before reading is only where reading starts: what was appended since
    is read too (up to the limit)."""
    from archiver import page_read

    page = tmp_path / "growing.html"
    page.write_bytes(b"<p>" + b"a" * 20)
    with page.open("rb") as fh:
        size_of = page_read._file_size
        monkeypatch.setattr(page_read, "_file_size", lambda stream: size_of(stream) - 10)
        assert page_read.read_checked(fh, "growing") == page.read_bytes()


@pytest.mark.parametrize("size", [10, 11, 5000])
def test_read_checked_stops_at_the_limit(monkeypatch, size):
    import io

    from archiver import page_read
    from archiver.errors import TargetError

    monkeypatch.setattr(page_read, "MAX_PAGE_BYTES", 10)
    monkeypatch.setattr(page_read, "READ_PIECE", 3)
    monkeypatch.setattr(page_read, "SNIFF_BYTES", 4)
    stream = io.BytesIO(b"a" * size)
    if size <= 10:
        assert page_read.read_checked(stream, "s") == b"a" * size
        return
    with pytest.raises(TargetError, match="s: larger than 10 bytes"):
        page_read.read_checked(stream, "s")
    assert stream.tell() <= 13  # read one piece past the limit, not to the end


def test_a_url_list_that_cannot_be_read_says_why_in_words(run_cli, tmp_path):
    """Not the exception's class name ('FileNotFoundError', 'UnicodeDecodeError'), and a
    line that is not UTF-8 fails alone (before, it ended the list, and the lines before it in
    the same 8 KB were never scanned). A byte-order mark is not part of the first URL."""
    page, other = tmp_path / "page.html", tmp_path / "other.html"
    page.write_text(embed_page(), encoding="utf-8")
    other.write_text(embed_page(post_id="1763000000000000002"), encoding="utf-8")
    listed = tmp_path / "listed.txt"
    listed.write_bytes(
        b"\xef\xbb\xbf" + f"{page}\n".encode() + b"caf\xe9\n" + f"{other}\n".encode()
    )
    missing = run_cli("scan", "--urls-file", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 1
    assert f"{tmp_path / 'nope.txt'}: cannot read URL list (no such file or directory)" in (
        missing.stderr
    )
    latin = run_cli("scan", "--urls-file", str(listed), "--json")
    assert latin.exit_code == 1
    printed = [json.loads(line) for line in latin.stdout.splitlines()]
    assert [line["status"] for line in printed] == ["ok", "error", "ok"]
    assert printed[1]["error"] == f"{listed}: line 2 is not UTF-8 text (byte 0xe9)"


def test_a_file_whose_name_is_not_utf8_is_scanned_under_a_percent_encoded_url(
    run_cli, tmp_path, db_path
):
    """A Latin-1 name from an old archive (``caf\\xe9.html``): the file URL was built from
    the decoded name and the scan ended in a traceback. Its URL now percent-encodes the
    name's bytes, as ``Path.as_uri`` does, and the lines printed escape the byte (written
    as it is, it made the JSON invalid UTF-8)."""
    pages = tmp_path / "pages"
    pages.mkdir()
    try:
        page = Path(os.fsdecode(bytes(pages) + b"/caf\xe9.html"))
        page.write_text(embed_page(), encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system wants UTF-8 names")
    result = run_cli("scan", str(pages), "--json")
    assert result.exit_code == 0, result.output
    assert "\\udce9" in result.stdout  # the name's byte, escaped: the output is UTF-8
    printed = json.loads(result.stdout.splitlines()[0])
    assert printed["target"] == str(page)
    assert printed["url"] == page.as_uri() == f"file://{pages}/caf%E9.html"
    assert printed["embeds"] and rows(db_path, "select url from articles") == [
        {"url": page.as_uri()}
    ]


def test_standard_input_named_twice_is_read_once(run_cli, tmp_path):
    """The second '-' read an empty stream, and failed as 'empty file'; a '-' line in a URL
    list counts as naming it too."""
    listed = tmp_path / "listed.txt"
    listed.write_text("-\n", encoding="utf-8")
    page = 'Ada on X: "Hello from the river road" / X\nHello from the river road\n'
    result = run_cli("scan", "-", "-", "--urls-file", str(listed), "--json", input=page)
    assert result.exit_code == 1
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["status"], len(line["embeds"])) for line in printed] == [
        ("ok", 1),
        ("error", 0),
        ("error", 0),
    ]
    assert {line["error"] for line in printed[1:]} == {
        "<stdin>: named again (standard input is read once)"
    }


def test_a_url_list_with_cr_line_ends_is_read_line_by_line(run_cli, tmp_path):
    """Old Mac line ends (CR alone) made the whole list one line, refused as a bad URL."""
    listed = tmp_path / "listed.txt"
    listed.write_bytes(b"- \r# a comment\r\r-\r")
    page = 'Ada on X: "Hello from the river road" / X\nHello from the river road\n'
    result = run_cli("scan", "--urls-file", str(listed), "--json", input=page)
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses == ["ok", "error"], result.output  # stdin, then named again


def test_a_redirect_to_a_data_url_is_refused_by_name(run_cli, httpserver, db_path):
    httpserver.expect_request("/moved").respond_with_response(
        Response(status=302, headers={"Location": "data:text/html,<p>elsewhere</p>"})
    )
    url = httpserver.url_for("/moved")
    result = run_cli("scan", url, "--json")
    assert result.exit_code == 1
    error = f"{url}: 302 redirect to a data: URL (only http and https are followed)"
    assert json.loads(result.stdout)["error"] == error
    assert [row["error"] for row in rows(db_path, "select error from scans")] == [error]


def test_a_redirect_with_no_location_says_so(run_cli, httpserver):
    """It failed as 'empty file': the empty body of an answer that was not a page."""
    httpserver.expect_request("/moved").respond_with_data("", status=302)
    httpserver.expect_request("/same").respond_with_data("", status=304)
    result = run_cli("scan", httpserver.url_for("/moved"), httpserver.url_for("/same"), "--json")
    assert result.exit_code == 1
    errors = [json.loads(line)["error"] for line in result.stdout.splitlines()]
    assert errors == [
        f"{httpserver.url_for('/moved')}: HTTP 302 FOUND (a redirect with no Location to follow)",
        f"{httpserver.url_for('/same')}: HTTP 304 NOT MODIFIED (to a request without validators)",
    ]


@pytest.mark.parametrize("coding", ["zstd", "zstd, gzip", "gzip, zstd", "foo"])
def test_a_page_in_a_coding_nothing_here_decodes_fails_and_loses_nothing(
    run_cli, httpserver, db_path, coding
):
    """It was scanned as its encoded bytes (httpx passes over a coding it does not know: zstd
    without the zstandard package): 'ok', no embeds, the embed marked removed, and a WARC
    record giving those bytes as the page."""
    page = embed_page().encode()
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    assert run_cli("scan", httpserver.url_for("/story")).exit_code == 0
    httpserver.clear_all_handlers()
    # Stands in for bytes in that coding: text, so nothing took them for a binary file.
    encoded = base64.b64encode(page)
    if coding.endswith("gzip"):  # zstd applied, then gzip: httpx undid the gzip alone
        encoded = gzip.compress(encoded)
    httpserver.expect_request("/story").respond_with_data(
        encoded, headers={"Content-Type": "text/html", "Content-Encoding": coding}
    )
    httpserver.expect_request("/other").respond_with_data(
        embed_page(post_id="1763000000000000002"), content_type="text/html"
    )
    result = run_cli("scan", httpserver.url_for("/story"), httpserver.url_for("/other"), "--json")
    assert result.exit_code == 1
    failed, other = (json.loads(line) for line in result.stdout.splitlines())
    assert failed["error"] == (
        f"{httpserver.url_for('/story')}: served with Content-Encoding: {coding},"
        " which this archiver does not decode"
    )
    assert other["status"] == "ok" and other["embeds"][0]["post_id"] == "1763000000000000002"
    assert rows(db_path, "select removed_at from embeds where post_id = '1763000000000000001'") == [
        {"removed_at": None}
    ]
    assert rows(db_path, "select count(*) n from records") == [{"n": 2}]  # the two good pages
    assert rows(db_path, "select count(*) n from scans where error is null") == [{"n": 2}]


def test_a_path_that_cannot_be_looked_at_fails_alone(run_cli, tmp_path, db_path):
    """A symlink loop in a directory or named on the command line, and a name too long,
    are one line each (they were a traceback from the walk or from ``Path.is_dir``, and in
    a URL list 'cannot read URL list' that dropped the lines after them)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(embed_page(), encoding="utf-8")
    (site / "loop.html").symlink_to("loop.html")
    (site / "loop").symlink_to("loop")  # no page's name: passed over
    too_long = str(tmp_path / ("x" * 300 + ".html"))
    result = run_cli("scan", str(site), str(site / "loop.html"), too_long)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    loop_line = f"error: {site / 'loop.html'}: cannot read (Too many levels of symbolic links)"
    assert result.stderr.count(loop_line) == 2, result.stderr
    assert f"error: {too_long}: cannot read (File name too long)" in result.stderr
    assert "loop:" not in result.stderr
    listed = tmp_path / "listed.txt"
    listed.write_text(f"{too_long}\n{site / 'a.html'}\n", encoding="utf-8")
    result = run_cli("scan", "--urls-file", str(listed), "--json")
    assert result.exit_code == 1, result.output
    assert [json.loads(line)["status"] for line in result.stdout.splitlines()] == ["error", "ok"]
    assert rows(db_path, "select count(*) as n from articles")[0]["n"] == 1


def test_a_binary_url_list_is_refused_before_any_line(run_cli, tmp_path, db_path):
    """A gzipped list (or a WARC named by mistake) is one line: its 'lines' are not
    targets, one of which could read '/' and scan the whole file system."""
    page = tmp_path / "page.html"
    page.write_text(embed_page(), encoding="utf-8")
    listed = tmp_path / "urls.txt.gz"
    listed.write_bytes(gzip.compress(f"{page}\n{tmp_path}\n".encode()))
    result = run_cli("scan", "--urls-file", str(listed))
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"error: {listed}: binary file, not a URL list (UTF-8 text)",
        "scanned 0 article(s): 0 embed(s) in 0 of them, 1 failed",
    ]
    assert rows(db_path, "select count(*) as n from articles")[0]["n"] == 0


def test_a_file_named_twice_in_one_run_is_scanned_once_where_it_first_comes(tmp_path):
    """Inside a directory given and on its own, by another spelling of its path, through a
    symlink, or in the URL list: one scan per file per run, in the order they first come."""
    from warc_data import article, write_warc

    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(embed_page(), encoding="utf-8")
    (site / "b.html").write_text(embed_page(post_id="1763000000000000002"), encoding="utf-8")
    write_warc(site / "c.warc.gz", [article(3, with_embed=True)])
    (tmp_path / "link.html").symlink_to(site / "b.html")
    (tmp_path / "list.txt").write_text("site/a.html\nsite/c.warc.gz\nfresh.html\n", "utf-8")
    (tmp_path / "fresh.html").write_text(embed_page(post_id="1763000000000000004"), "utf-8")
    arguments = ["link.html", "site", "site/a.html", "./site/../site/b.html", "site/c.warc.gz"]
    options = ["--urls-file", "list.txt", "--json", "--db", "archive.db"]
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "scan", *arguments, *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["target"] for line in lines] == [
        "link.html",
        "site/a.html",
        "https://news.example.org/story/3",  # the WARC file's page
        "fresh.html",
    ]
    db = tmp_path / "archive.db"
    assert rows(db, "select count(*) as n from scans")[0]["n"] == 4
    assert rows(db, "select count(*) as n from articles")[0]["n"] == 4


def test_a_gzip_page_cut_short_is_refused_and_kept_as_served(
    run_cli, httpserver, db_path, tmp_path
):
    """A page whose gzip stream the body ends inside (framed whole by its Content-Length) is
    half a page: scanned, the embeds after the cut read as removed from the article. It is
    refused in one line, the embeds stay as they were, and its answer is kept as served, the
    cut bytes as the WARC record's body, as an HTTP error's answer is; verify reads it."""
    page = (embed_page() + "<p>more of the story</p>" * 3000).encode()
    page += embed_page(post_id="1763000000000000002").encode()
    whole = gzip.compress(page)
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    assert run_cli("scan", httpserver.url_for("/story")).exit_code == 0
    httpserver.clear_all_handlers()
    cut = whole[: len(whole) * 2 // 3]
    httpserver.expect_request("/story").respond_with_data(
        cut, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    result = run_cli("scan", httpserver.url_for("/story"), "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    decoded = zlib.decompressobj(31).decompress(cut)  # all that the cut bytes hold
    assert error == (
        f"{httpserver.url_for('/story')}: gzip body cut short: the {len(cut):,} bytes served"
        f" end inside its stream ({len(decoded):,} bytes decoded)"
    )
    assert rows(db_path, "select post_id, removed_at from embeds order by post_id") == [
        {"post_id": "1763000000000000001", "removed_at": None},
        {"post_id": "1763000000000000002", "removed_at": None},
    ]
    (scan,) = rows(db_path, "select error, record_id from scans order by id desc limit 1")
    assert scan["error"] == error and scan["record_id"] is not None
    assert rows(db_path, "select count(*) n from records") == [{"n": 2}]
    # The record: the cut bytes as its body, what decodes of them as its payload.
    (kept,) = rows(db_path, f"select * from records where id = {scan['record_id']}")
    path = default_warc_dir(db_path) / kept["warc_file"]
    member = path.read_bytes()[kept["warc_offset"] : kept["warc_offset"] + kept["warc_length"]]
    assert gzip.decompress(member).endswith(b"\r\n\r\n" + cut + b"\r\n\r\n")
    stored = read_record(path, kept["warc_offset"], kept["warc_length"])
    assert stored.payload == decoded and kept["payload_sha256"] == sha256_hex(decoded)
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


def test_a_file_url_as_the_archive_lists_it_scans_that_file(run_cli, tmp_path, db_path):
    """``file://`` + the escaped path (an article's ``url`` for a file, or a browser's
    address bar) names the file, its name's bytes and all; another host names none here."""
    folder = tmp_path / "saved pages"
    folder.mkdir()
    page = folder / os.fsdecode(b"caf\xe9.html")
    page.write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    (article,) = rows(db_path, "select url from articles")
    again = run_cli("scan", article["url"])
    assert again.exit_code == 0, again.output
    assert rows(db_path, "select count(*) as n from scans")[0]["n"] == 2
    assert rows(db_path, "select count(*) as n from articles")[0]["n"] == 1
    other = run_cli("scan", "file://fileserver/share/story.html")
    assert other.exit_code == 1
    assert "a file URL on another host (fileserver): give its path here" in other.output


def test_a_pasted_file_url_with_blanks_around_it_scans_that_file(run_cli, tmp_path, db_path):
    """Blanks around a pasted address are dropped, a file URL's as an http one's (it was
    refused as 'unsupported URL scheme 'file'', which is supported)."""
    page = tmp_path / "story.html"
    page.write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", f" {page.as_uri()}\n")
    assert result.exit_code == 0, result.output
    assert [row["url"] for row in rows(db_path, "select url from articles")] == [page.as_uri()]


def test_a_file_url_with_one_slash_scans_that_file(run_cli, tmp_path, db_path, monkeypatch):
    """``file:/path`` (RFC 8089's form without an authority, read by Python's and WHATWG's
    URL parsers as ``file:///path``) names that file: it was read as a relative path and
    not found. ``file:story.html`` names no absolute path: refused, saying so."""
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "story.html"
    page.write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", f"FILE:{page}", "--json")
    assert result.exit_code == 0, result.output
    assert [row["url"] for row in rows(db_path, "select url from articles")] == [page.as_uri()]
    relative = run_cli("scan", "file:story.html")
    assert relative.exit_code == 1
    assert "file:story.html: no such file or directory (a file URL names an absolute path" in (
        relative.output
    )


def test_a_file_url_naming_no_path_is_refused_by_its_url(run_cli, tmp_path, monkeypatch):
    """``file://`` with no path (``file://$DIR`` with DIR unset) names no file: refused in
    a line that names it, not read as the current directory nor as a nameless path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "story.html").write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", "file://", "file://localhost")
    assert result.exit_code == 1
    assert "file://: a file URL with no path" in result.output
    assert "file://localhost: a file URL with no path" in result.output
    assert "scanned 0 article(s)" in result.output


def test_an_http_error_whose_gzip_body_is_cut_short_is_named_by_its_status(
    run_cli, httpserver, db_path
):
    """A 404 is what the article now says: its status, not its body's coding, is the error
    (the answer is kept as served either way)."""
    httpserver.expect_request("/story").respond_with_data(embed_page(), content_type="text/html")
    assert run_cli("scan", httpserver.url_for("/story")).exit_code == 0
    httpserver.clear_all_handlers()
    gone = gzip.compress(b"<html><body><h1>Not Found</h1>" + b"<p>gone</p>" * 500)
    httpserver.expect_request("/story").respond_with_data(
        gone[: len(gone) // 2],
        status=404,
        headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
    )
    result = run_cli("scan", httpserver.url_for("/story"), "--json")
    error = json.loads(result.stdout)["error"]
    assert error == f"{httpserver.url_for('/story')}: HTTP 404 NOT FOUND"
    assert rows(db_path, "select count(*) n from records") == [{"n": 2}]
    assert run_cli("verify").exit_code == 0


STACKED = {
    "gzip, gzip": lambda body: gzip.compress(gzip.compress(body)),
    "deflate, br": lambda body: brotli.compress(zlib.compress(body)),
    "br, deflate": lambda body: zlib.compress(brotli.compress(body)),
    "br, gzip": lambda body: gzip.compress(brotli.compress(body)),
}


@pytest.mark.parametrize("coding", sorted(STACKED))
def test_a_stacked_page_cut_short_is_kept_as_served_and_verify_reads_it(
    run_cli, httpserver, db_path, coding
):
    """As a gzip page cut short is: verify reads each coding of the stack as far as the cut
    goes, as warcio reads a single one, so the record's payload is what decoded of it."""
    page = (embed_page() + "<p>more of the story</p>" * 3000).encode()
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    assert run_cli("scan", httpserver.url_for("/story")).exit_code == 0
    httpserver.clear_all_handlers()
    whole = STACKED[coding](page)
    httpserver.expect_request("/story").respond_with_data(
        whole[: len(whole) * 2 // 3],
        headers={"Content-Type": "text/html", "Content-Encoding": coding},
    )
    result = run_cli("scan", httpserver.url_for("/story"), "--json")
    assert f"{coding} body cut short: the " in json.loads(result.stdout)["error"]
    assert rows(db_path, "select count(*) n from records") == [{"n": 2}]
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


def test_a_file_whose_name_is_not_utf8_is_kept_when_its_embeds_vanish(run_cli, tmp_path, db_path):
    """A page kept only because its article had embeds is read again by its file URL: the
    name's escaped bytes (``caf%E9``) name the file, as the scan that made the URL read it."""
    page = tmp_path / os.fsdecode(b"caf\xe9.html")
    page.write_text(embed_page(), encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    page.write_text("<html><body><p>The post is gone from this page.</p></body></html>")
    assert run_cli("scan", str(page)).exit_code == 0
    assert rows(db_path, "select count(*) as n from records")[0]["n"] == 2
    assert run_cli("verify").exit_code == 0
