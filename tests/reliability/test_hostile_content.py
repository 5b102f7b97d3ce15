"""Hostile pages (huge, deep, NUL-laden, script-laden) through the real ``archive scan``.

Generated and mutated markup is covered by ``tests/test_detect_properties.py``; this adds
the sizes and contents that only make sense end to end: bounded time and memory in a real
process, and text stored byte for byte and shown inert.
"""

from __future__ import annotations

import json
import resource
import subprocess
from html import unescape

import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from archiver.datasette.plugin import post_card
from archiver.db import open_database, save_scan
from archiver.normalize import clean_text
from archiver.scan_one import detect_record

from .faults import ARCHIVE

STARTED = "2024-03-01T00:00:00Z"

BQ = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; P (@p{i}) '
    '<a href="https://twitter.com/p{i}/status/{id}">March 1, 2024</a></blockquote>\n'
)
HOSTILE_TEXTS = [
    "Robert'); DROP TABLE posts; --",
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }} ${7*7} <%= 7*7 %>",
    "javascript:alert(1)",
    "\u202eevil\u202c and \U0001f600 and \ufeff",
    "select * from embeds; -- ' or 1=1",
]


def measured(command: list[str], timeout: float) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``command``; returns (result, CPU seconds and peak RSS in MB of the child).

    CPU time, not wall-clock time: it does not grow when other work shares the machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result, cpu, max(after.ru_maxrss, before.ru_maxrss) // 1024


def test_ten_thousand_embeds(tmp_path):
    body = "".join(
        BQ.format(text=f"Post {i}", i=i, id=1763000000000000000 + i) for i in range(10_000)
    )
    page = tmp_path / "many.html"
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    db_path = tmp_path / "archive.db"
    result, cpu_seconds, _ = measured([*ARCHIVE, "scan", str(page), "--db", str(db_path)], 600)
    assert result.returncode == 0, result.stderr
    assert cpu_seconds < 40
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*), count(distinct position) from embeds").fetchone() == (
        10_000,
        10_000,
    )
    assert db.execute("select count(*) from posts").fetchone()[0] == 10_000


def test_fifty_megabytes_of_nested_divs(tmp_path):
    page = tmp_path / "deep.html"
    with page.open("w", encoding="utf-8") as out:
        out.write("<html><body>")
        out.write("<div>" * 5_000_000)  # 25 MB of openers, never closed properly
        out.write(BQ.format(text="Deep inside", i=1, id=1763000000000000001))
        out.write("</div>" * 4_000_000)
    assert page.stat().st_size > 45_000_000
    db_path = tmp_path / "archive.db"
    result, cpu_seconds, peak_mb = measured(
        [*ARCHIVE, "scan", str(page), "--db", str(db_path), "--json"], 600
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["embeds"][0]["post_id"] == "1763000000000000001"
    assert cpu_seconds < 45
    assert peak_mb < 1500, peak_mb  # ~4x the page, not unbounded


def test_nul_bytes_are_refused_or_stored_without_crashing(tmp_path, run_cli, db_path):
    prose = "<p>" + "padding " * 2000 + "</p>"  # NULs after the 8 KiB binary sniff
    text = "before\x00after \x00\x00 end"
    page = tmp_path / "nul.html"
    page.write_bytes(
        f"<html><body>{prose}{BQ.format(text=text, i=1, id=1763000000000000001)}".encode()
    )
    early = tmp_path / "early-nul.html"
    early.write_bytes(b"<html>\x00\x00<body>" + BQ.format(text="x", i=2, id=2).encode())
    result = run_cli("scan", str(page), str(early), "--json")
    assert "Traceback" not in result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["status"] == "ok" and lines[1]["status"] == "error"
    assert "binary file" in lines[1]["error"]
    stored = sqlite_utils.Database(db_path).execute("select text, raw from embeds").fetchall()
    assert len(stored) == 1 and "before" in stored[0][0] and "end" in stored[0][0]


LINKS = dict.fromkeys(("articles", "snapshots", "checks", "post"), "/x")
TEXT_EXAMPLES = 40  # generated lists of texts, besides HOSTILE_TEXTS


@settings(
    max_examples=TEXT_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(HOSTILE_TEXTS) | st.text(min_size=1, max_size=40), min_size=1))
def test_hostile_text_is_stored_verbatim_and_shown_inert(tmp_path_factory, texts):
    page = BQ.format(text=escape(" ".join(texts)), i=1, id=1763000000000000001)
    record = detect_record(
        "https://example.org/a", page.encode(), started_at=STARTED, include_links=False
    )
    assert len(record.embeds) == 1
    embed = record.embeds[0]
    db = open_database(tmp_path_factory.mktemp("verbatim") / "archive.db")
    try:
        save_scan(db, record)
        assert db.execute("select text, raw from embeds").fetchall() == [(embed.text, embed.raw)]
        tables = {name for (name,) in db.execute("select name from sqlite_master")}
        assert {"posts", "embeds", "articles", "scans"} <= tables
        cursor = db.execute("select * from posts")
        post = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        card = str(post_card(post, LINKS))
        assert "<script" not in card and "<img" not in card
    finally:
        db.conn.close()


def test_verbatim_pipeline_keeps_every_hostile_string(run_cli, tmp_path, db_path):
    body = "".join(
        BQ.format(text=escape(text), i=i, id=1763000000000000100 + i)
        for i, text in enumerate(HOSTILE_TEXTS)
    )
    page = tmp_path / "hostile.html"
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    db = sqlite_utils.Database(db_path)
    stored = [r[0] for r in db.execute("select text from embeds order by position")]
    # Verbatim up to the documented normalisation (zero-width characters dropped)...
    assert stored == [clean_text(text) for text in HOSTILE_TEXTS]
    assert stored[:5] == HOSTILE_TEXTS[:5]
    # ...and the raw markup keeps every character.
    raws = [r[0] for r in db.execute("select raw from embeds order by position")]
    assert all(text in unescape(raw) for text, raw in zip(HOSTILE_TEXTS, raws, strict=True))
    assert db.execute("select count(*) from posts").fetchone()[0] == len(HOSTILE_TEXTS)
