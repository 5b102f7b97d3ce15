"""What ``archive`` prints: archived text never drives the terminal, and is stored verbatim."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from archiver.terminal import ERROR_WIDTH, error_line, first_words, json_line, visible

# A window-title sequence (OSC 0 ... BEL), a colour (CSI), a C1 CSI, bidi overrides/isolates.
HOSTILE = "Mayor\x1b]0;pwned\x07 says \x1b[31mred\x1b[0m \x9b2J \u202eevil\u202c \u2067iso\u2069"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "plain text, émoji 🤷\u200d♂️ and زبان\u200cها",
            "plain text, émoji 🤷\u200d♂️ and زبان\u200cها",
        ),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("\x1b[2J\x1bc", "\\x1b[2J\\x1bc"),
        ("a\x00b\x7fc\x85d\x9be", "a\\x00b\\x7fc\\x85d\\x9be"),
        ("\u202aA\u202bB\u202cC\u202dD\u202eE", "\\u202aA\\u202bB\\u202cC\\u202dD\\u202eE"),
        ("\u2066x\u2067y\u2068z\u2069", "\\u2066x\\u2067y\\u2068z\\u2069"),
        ("tab\tand\nnewline", "tab\\x09and\\x0anewline"),
        ("caf\udce9.html", "caf\\udce9.html"),  # a file name that is not UTF-8
        (None, ""),
    ],
)
def test_visible_escapes_controls_and_bidi_overrides(text: str | None, shown: str) -> None:
    assert visible(text) == shown


def test_visible_keeps_marks_that_do_not_override() -> None:
    # LRM/RLM and zero-width joiners are ordinary text for a terminal.
    assert visible("a\u200eb\u200fc\u200dd") == "a\u200eb\u200fc\u200dd"


def test_first_words_collapses_lines_then_escapes() -> None:
    assert first_words("one\n\ttwo\r\n three") == "one two three"
    assert first_words("\x1b]0;x\x07" + "y" * 100, 10) == "\\x1b]0;x\\x07yyy…"
    assert "\x1b" not in first_words(HOSTILE)


def test_a_value_of_another_type_from_a_damaged_row_is_shown() -> None:
    """A text column holding a number or a blob (SQLite keeps any type) prints as text."""
    assert first_words(5) == "5"  # type: ignore[arg-type]
    assert visible(b"\x00\xffA") == "\\x00\ufffdA"  # type: ignore[arg-type]


def test_json_lines_escape_what_a_terminal_would_act_on_and_keep_the_value() -> None:
    line = json_line({"text": HOSTILE, "émoji": "🤷\u200d♂\ufe0f"})
    assert not any(ch in line for ch in "\x1b\x07\x9b\u202e\u202c\u2067\u2069\n")
    assert "🤷\u200d♂\ufe0f" in line and "émoji" in line  # readable, not ASCII-escaped
    assert json.loads(line) == {"text": HOSTILE, "émoji": "🤷\u200d♂\ufe0f"}


def test_scan_and_stats_print_escapes_and_store_the_text_verbatim(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(
        '<html><body><blockquote class="twitter-tweet"><p lang="en" dir="ltr">'
        f"{HOSTILE}</p>&mdash; Mayor (@mayor) "
        '<a href="https://twitter.com/mayor/status/1874097816571961839">December 31, 2024</a>'
        "</blockquote></body></html>",
        encoding="utf-8",
    )
    db = tmp_path / "archive.db"
    run = [sys.executable, "-m", "archiver"]
    scan = subprocess.run(
        [*run, "scan", str(page), "--db", str(db)], capture_output=True, timeout=120
    )
    stats = subprocess.run([*run, "stats", "--db", str(db)], capture_output=True, timeout=120)
    assert scan.returncode == 0 and stats.returncode == 0, (scan.stderr, stats.stderr)
    for out in (scan.stdout, scan.stderr, stats.stdout, stats.stderr):
        text = out.decode("utf-8")
        assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\u202c\u2067\u2069"), text
    assert b"\\x1b]0;pwned\\x07" in scan.stdout and b"\\u202eevil" in scan.stdout
    assert b"\\x1b]0;pwned\\x07" in stats.stdout
    [stored] = sqlite_utils.Database(db).query("select text from embeds")
    assert "\x1b]0;pwned\x07" in stored["text"] and "\u202eevil" in stored["text"]
    as_json = subprocess.run(
        [*run, "scan", str(page), "--db", str(db), "--json"], capture_output=True, timeout=120
    )
    text = as_json.stdout.decode("utf-8")
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\u202c\u2067\u2069"), text
    [embed] = json.loads(text)["embeds"]
    assert embed["text"] == stored["text"]


def on_a_terminal(command: list[str]) -> bytes:
    """What ``command`` writes to a pseudo-terminal that is its stdout and stderr."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=follower, stderr=follower)
    finally:
        os.close(follower)
    out = b""
    try:
        while chunk := _read_or_end(leader):
            out += chunk
    finally:
        os.close(leader)
        process.wait(timeout=120)
    assert process.returncode == 0, out
    return out


def _read_or_end(fd: int) -> bytes:
    """A read of the terminal's output; b"" once every writer has closed it (EIO on Linux)."""
    import os

    try:
        return os.read(fd, 65536)
    except OSError:
        return b""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal")
def test_scan_and_stats_on_a_terminal_print_escapes_too(tmp_path: Path) -> None:
    """A terminal, not a pipe, is where an escape would act: the lines are the same."""
    page = tmp_path / "hostile.html"
    page.write_text(
        '<html><body><blockquote class="twitter-tweet"><p lang="en" dir="ltr">'
        f"{HOSTILE}</p>&mdash; Mayor (@mayor) "
        '<a href="https://twitter.com/mayor/status/1874097816571961839">December 31, 2024</a>'
        "</blockquote></body></html>",
        encoding="utf-8",
    )
    db = str(tmp_path / "archive.db")
    for command in (["scan", str(page)], ["stats"]):
        shown = on_a_terminal([sys.executable, "-m", "archiver", *command, "--db", db])
        text = shown.decode("utf-8")
        assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\u202c\u2067\u2069"), text
        assert "\\x1b]0;pwned\\x07" in text and "\\u202eevil" in text, text


def test_worker_log_lines_are_escaped_line_by_line() -> None:
    import logging

    from archiver.logs import VisibleFormatter

    record = logging.LogRecord(
        "archiver.worker", logging.INFO, __file__, 1, "post checked: %s", (HOSTILE,), None
    )
    line = VisibleFormatter("%(levelname)s %(message)s").format(record)
    assert line.startswith("INFO post checked: Mayor\\x1b]0;pwned\\x07")
    assert not any(ch in line for ch in "\x1b\x07\x9b\u202e\u202c\u2067\u2069")
    # A message is one line (a source named with a line break made two); a traceback after
    # it keeps its lines, each escaped.
    record.msg, record.args = "first\nsecond\x1b", ()
    assert VisibleFormatter("%(message)s").format(record) == "first\\x0asecond\\x1b"
    try:
        raise ValueError("bad\x1b")
    except ValueError:
        record.exc_info, record.exc_text = sys.exc_info(), None
    shown = VisibleFormatter("%(message)s").format(record).split("\n")
    assert shown[0] == "first\\x0asecond\\x1b"
    assert shown[1] == "Traceback (most recent call last):"
    assert shown[-1] == "ValueError: bad\\x1b"


def test_an_error_about_a_huge_url_shows_both_ends(tmp_path: Path) -> None:
    """A URL list line of 3 MB: the error names its start and keeps the reason, in about
    ``ERROR_WIDTH`` characters (before, the whole URL was printed)."""
    url = "http://example.com/" + "a" * 3_000_000
    assert error_line("short: reason") == "short: reason"
    shown = error_line(f"{url}: malformed URL")
    assert shown.startswith("http://example.com/aaa") and shown.endswith("aaa: malformed URL")
    assert f"…[{len(url) + 15 - ERROR_WIDTH:,} characters]…" in shown
    assert len(shown) < ERROR_WIDTH + 40
    escaped = error_line("\u202e" * 3000)  # escaped first, then cut: 6 characters each
    assert escaped.startswith("\\u202e") and len(escaped) < ERROR_WIDTH + 40
    urls = tmp_path / "urls.txt"
    urls.write_text(f"http://[::1/{'a' * 3_000_000}\n")
    command = [sys.executable, "-m", "archiver", "scan", "--urls-file", str(urls)]
    result = subprocess.run(
        [*command, "--db", str(tmp_path / "a.db")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert len(result.stderr) < ERROR_WIDTH + 200


def test_json_lines_are_utf8_with_a_file_name_that_is_not() -> None:
    name = "pages/caf\udce9.html"  # os.fsdecode(b"pages/caf\xe9.html")
    line = json_line({"target": name})
    assert line.encode("utf-8") == b'{"target": "pages/caf\\udce9.html"}'
    assert json.loads(line) == {"target": name}


def test_json_text_escapes_only_lone_surrogates_by_default() -> None:
    from archiver.jsontext import json_text

    assert json_text({"a": "é\udce9\x9b"}) == '{"a": "é\\udce9\x9b"}'


def test_stats_columns_align_whatever_the_status(run_cli, db_path, tmp_path: Path) -> None:
    """``unavailable`` is longer than the other statuses: its line's columns moved right."""
    page = tmp_path / "a.html"
    page.write_text(
        "".join(
            f'<blockquote class="twitter-tweet"><p>Post {n}</p>&mdash; Name {n} (@user{n})'
            f' <a href="https://twitter.com/user{n}/status/{n}0000000001">March 1, 2025</a>'
            "</blockquote>"
            for n in (1, 2)
        ),
        encoding="utf-8",
    )
    assert run_cli("scan", str(page)).exit_code == 0
    with sqlite_utils.Database(db_path) as db:
        db.execute("update posts set status = 'unavailable' where id = '10000000001'")
        db.conn.commit()
    lines = [line for line in run_cli("stats").output.splitlines() if "@user" in line]
    assert len(lines) == 2 and {line.index("Name") for line in lines} == {14}, lines
