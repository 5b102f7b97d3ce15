"""The crawl check (scripts/crawl_check.py): a real WARC file read with fastwarc, every
reported embed listed by form and compared with written judgements."""

from __future__ import annotations

import gzip
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from shared_corpus import CRAWL_WARC, absent

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "crawl_check.py"
CRAWL = CRAWL_WARC

EMBED_PAGE = """<!DOCTYPE html><html lang="de"><head><title>Radwege</title></head><body><article>
<p>Der Stadtrat hat entschieden.</p>
<blockquote class="twitter-tweet"><p lang="de" dir="ltr">Beschlossen!</p>&mdash; Radentscheid
(@radentscheid_ns) <a href="https://twitter.com/radentscheid_ns/status/1902034567812345678">
18. März 2025</a></blockquote></article></body></html>"""
X_PAGE = """<!DOCTYPE html><html><head><title>Post</title>
<link rel="canonical" href="https://twitter.com/someone/status/745276948213968896"></head>
<body><div class="tweet permalink-tweet" data-tweet-id="745276948213968896">Hi</div>
</body></html>"""
PLAIN_PAGE = "<!DOCTYPE html><html><head><title>Plain</title></head><body><p>No posts.</p>"


def warc_record(uri: str, html: str) -> bytes:
    """One gzip member holding a WARC/1.0 response record, as crawlers write them."""
    body = html.encode("utf-8")
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    headers = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2026-12-02T08:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return gzip.compress(headers + http + b"\r\n\r\n")


@pytest.fixture
def crawl(tmp_path) -> Path:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(
        warc_record("https://news.example/plain", PLAIN_PAGE)
        + warc_record("https://news.example/radwege", EMBED_PAGE)
        + warc_record("https://mirror.example/x-page", X_PAGE)
    )
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
    )


def judgements(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "judged.md"
    header = "| record | post | form | verdict | what a reader sees |\n|---|---|---|---|---|\n"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_lists_embeds_by_form_and_agrees_with_the_judgements(crawl, tmp_path):
    judged = judgements(
        tmp_path, "| 1 | `1902034567812345678` | blockquote | embed | the council's post |"
    )
    result = run(str(crawl), "--judgements", str(judged))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "## blockquote: 1 embeds on 1 pages" in result.stdout
    assert "Radentscheid @radentscheid_ns | 18. März 2025" in result.stdout
    assert "3 pages, 1 with embeds, 1 embeds" in result.stdout
    assert "judged: 1 of 1 reported embeds are embeds" in result.stdout


@pytest.mark.parametrize(
    ("rows", "word"),
    [
        ((), "NEW    record 1 1902034567812345678"),
        (("| 1 | `1902034567812345678` | blockquote | not | a quote |",), "FALSE  record 1"),
        (
            (
                "| 1 | `1902034567812345678` | blockquote | embed | ok |",
                "| 2 | `745276948213968896` | placeholder | embed | ? |",
            ),
            "MISSED record 2 745276948213968896",
        ),
    ],
)
def test_every_difference_from_the_judgements_fails(crawl, tmp_path, rows, word):
    result = run(str(crawl), "--judgements", str(judgements(tmp_path, *rows)))
    assert result.returncode == 1
    assert word in result.stdout


def test_missing_warc_is_one_clear_line(tmp_path):
    result = run(str(tmp_path / "absent.warc.gz"))
    assert result.returncode == 2
    assert result.stdout.strip() == (
        f"crawl-check: {tmp_path / 'absent.warc.gz'} not found"
        " (the crawl corpus lives in ../shared; make crawl-check SHARED=DIR)"
    )


@pytest.mark.skipif(not CRAWL.exists(), reason=absent(CRAWL))
def test_the_real_crawl_matches_docs_crawl_check():
    result = run(str(CRAWL))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1000 pages, 17 with embeds, 32 embeds" in result.stdout


def test_a_crawled_page_from_x_hosts_is_not_an_article(tmp_path):
    from archiver.warc_input import WarcCounts, iter_warc_pages
    from archiver.warc_scan import scan_warc_page

    page = X_PAGE.replace(
        '<link rel="canonical" href="https://twitter.com/someone/status/745276948213968896">', ""
    )
    path = tmp_path / "x.warc.gz"
    path.write_bytes(
        warc_record("https://twitter.com/someone/status/745276948213968896", page)
        + warc_record("https://news.example/someone-said", page)
    )
    scanned = [scan_warc_page(p, False) for p in iter_warc_pages(str(path), WarcCounts())]
    assert [len(record.embeds) for record in scanned] == [0, 1]
