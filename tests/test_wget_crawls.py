"""Crawls written by the real GNU wget (``wget --warc-file``), in the forms users run it,
of a site served on 127.0.0.1 (``wget_site``), scanned end to end: every article page is an
article, each embed is found with its post ID and its byte range in the stored record reads
back (warcio and FastWARC) to its ``raw_sha256``, no JSON file, redirect or 404 is an
article, a re-scan adds nothing, ``archive verify`` passes, and ``archive crawl`` on a
local Dask cluster finds what a local scan finds.

Skipped, with a message, where wget is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from test_crawl import archive, archive_rows
from warcio.archiveiterator import ArchiveIterator
from wget_site import ARTICLES, LATIN1, LATIN1_TEXT, META, META_TEXT, NOT_ARTICLES, Site

import archiver.evidence.read  # noqa: F401  (warcio reads br bodies with it: ``_BrotliStream``)

WGET = shutil.which("wget")
pytestmark = pytest.mark.skipif(
    WGET is None, reason="wget is not installed (Debian: apt-get install wget): no real crawl"
)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with Site() as served:
        yield served


def wget(site: Site, workdir: Path, *options: str) -> Path:
    """Run the real wget on ``site`` with ``options``: its WARC files go to
    ``workdir/warcs`` (named ``crawl``), the pages it saves to ``workdir/pages``."""
    warcs = workdir / "warcs"
    warcs.mkdir(parents=True, exist_ok=True)
    command = [
        str(WGET),
        "--no-config",  # no ~/.wgetrc or /etc/wgetrc: the options given, only
        "--no-proxy",
        "--no-hsts",
        "--tries=2",  # a download that broke off is asked for again (its rest, a 206)
        "--waitretry=0",
        "--timeout=60",
        "--no-verbose",
        "--directory-prefix",
        str(workdir / "pages"),
        f"--warc-file={warcs / 'crawl'}",
        *options,
        site.url("/"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=workdir)
    assert done.returncode in (0, 8), done.stderr  # 8: the server answered an error (the 404)
    return warcs


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def expected_embeds(site: Site) -> set[tuple[str, str]]:
    return {(site.url(page.path), post) for page in ARTICLES for post in page.posts}


def check_found(db_path: Path, site: Site) -> None:
    """Every article page is an article and nothing else is; each embed, once."""
    articles = {url for (url,) in rows(db_path, "select url from articles")}
    assert articles == {site.url(page.path) for page in ARTICLES}
    assert not articles & {site.url(path) for path in NOT_ARTICLES}
    found = rows(
        db_path, "select a.url, e.post_id from embeds e join articles a on a.id = e.article_id"
    )
    assert sorted(found) == sorted(expected_embeds(site))
    texts = dict(rows(db_path, "select post_id, text from embeds"))
    assert (texts[META], texts[LATIN1]) == (META_TEXT, LATIN1_TEXT), "decoded by their charset"


EVIDENCE = (
    "select r.warc_file, r.warc_offset, r.warc_length, r.record_id, e.post_id, e.raw_start,"
    " e.raw_end, e.raw_sha256, e.raw from embeds e join records r on r.id = e.record_id"
)
CHARSETS = {META: "windows-1252", LATIN1: "latin-1"}  # the others' pages are UTF-8


def check_evidence(db_path: Path) -> None:
    """Each embed's byte range, in its record's payload as warcio and FastWARC read the
    record back by its pointer, hashes to ``raw_sha256`` and decodes to ``raw``."""
    embeds = rows(db_path, EVIDENCE)
    assert len(embeds) == len(rows(db_path, "select id from embeds"))
    for warc_file, offset, length, record_id, post, start, end, digest, raw in embeds:
        with open(warc_file, "rb") as fh:
            fh.seek(offset)
            stored = fh.read(length)
        record = next(iter(ArchiveIterator(io.BytesIO(stored))))
        assert record.rec_headers.get_header("WARC-Record-ID") == record_id
        payload = record.content_stream().read()
        assert payload == fast_payload(stored)
        assert start is not None and hashlib.sha256(payload[start:end]).hexdigest() == digest
        assert payload[start:end].decode(CHARSETS.get(post, "utf-8")) == raw


def fast_payload(stored: bytes) -> bytes:
    """The payload of the one record in ``stored``, as FastWARC decodes it."""
    record = next(iter(FastIterator(io.BytesIO(stored), parse_http=True, auto_decode="all")))
    return record.reader.read()


def check_scan(run_cli, db_path: Path, site: Site, *targets: Path) -> str:
    """Scan ``targets`` and check the archive; a second scan adds nothing; verify passes.
    Returns the scan's summary."""
    result = run_cli("scan", *map(str, targets))
    assert result.exit_code == 0, result.output
    check_found(db_path, site)
    check_evidence(db_path)
    before = archive_rows(db_path)
    again = run_cli("scan", *map(str, targets))
    assert again.exit_code == 0, again.output
    assert archive_rows(db_path) == before, "a re-scan adds nothing"
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output
    return result.stderr


def cdx_pages(cdx: Path) -> set[tuple[str, int, str]]:
    """The HTML 2xx responses wget's own index (``--warc-cdx``) lists, but the 206 of a
    page's rest: file name, offset and record ID (fields ``g V u``, as its header names them)."""
    header, *lines = cdx.read_text().splitlines()
    names = header.split()[1:]  # " CDX a b a m s k r M V g u"
    found = set()
    for line in lines:
        field = dict(zip(names[::-1], line.split()[::-1], strict=True))  # the last 'a' is dropped
        if field["m"] == "text/html" and field["s"].startswith("2") and field["s"] != "206":
            found.add((Path(field["g"]).name, int(field["V"]), field["u"]))
    return found


def stored_pages(db_path: Path) -> set[tuple[str, int, str]]:
    kept = rows(db_path, "select warc_file, warc_offset, record_id from records")
    return {(Path(file).name, offset, record_id) for file, offset, record_id in kept}


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (("--recursive", "--page-requisites"), "crawl.warc.gz"),  # gzip per record: the default
        (("--recursive", "--no-warc-compression"), "crawl.warc"),
        (("--mirror", "--warc-cdx"), "crawl.warc.gz"),
        (("--recursive", "--page-requisites", "--compression=auto"), "crawl.warc.gz"),
        (("--recursive", "--no-warc-digests"), "crawl.warc.gz"),  # digest fields left unfilled
    ],
    ids=["gzipped", "uncompressed", "mirror", "compression-auto", "no-digests"],
)
def test_a_wget_crawl_is_scanned_end_to_end(
    tmp_path: Path, run_cli, db_path: Path, site: Site, options: tuple[str, ...], name: str
) -> None:
    warcs = wget(site, tmp_path, *options)
    assert sorted(path.name for path in warcs.glob("crawl.warc*")) == [name]
    summary = check_scan(run_cli, db_path, site, warcs / name)
    assert "0 unreadable" in summary and "0 revisit" in summary
    assert "(1 of them cut short by the crawler)" in summary  # the page whose connection dropped
    if "--warc-cdx" in options:  # the records kept are the pages wget's own index lists
        assert stored_pages(db_path) == cdx_pages(warcs / "crawl.cdx")


def test_files_split_by_warc_max_size(tmp_path: Path, run_cli, db_path: Path, site: Site) -> None:
    """``--warc-max-size`` writes numbered files (``crawl-00000.warc.gz``…) and one of the
    crawl's log and manifest (``crawl-meta.warc.gz``): each file scanned in turn gives the
    rows the directory gives."""
    warcs = wget(
        site, tmp_path, "--recursive", "--page-requisites", "--warc-max-size=2k", "--warc-cdx"
    )
    files = sorted(warcs.glob("crawl-*.warc.gz"))
    assert len(files) > 5 and files[-1].name == "crawl-meta.warc.gz"
    for path in files:
        assert run_cli("scan", str(path)).exit_code == 0
    check_found(db_path, site)
    # wget's offset of a record that opened a new file is the size of the file before it
    # (it takes the offset, then rolls the file over): the files and IDs are the index's.
    listed = {(name, record_id) for name, _, record_id in cdx_pages(warcs / "crawl.cdx")}
    assert {(name, record_id) for name, _, record_id in stored_pages(db_path)} == listed
    one_by_one = archive_rows(db_path)
    db_path.unlink()
    check_scan(run_cli, db_path, site, warcs)
    assert archive_rows(db_path) == one_by_one


def test_archive_crawl_of_split_files_on_a_local_cluster(tmp_path: Path, site: Site) -> None:
    """``archive crawl DIR`` on a local Dask cluster, then ``archive import``: the rows a
    local scan of the directory gives."""
    warcs = wget(site, tmp_path, "--recursive", "--warc-max-size=4k")
    out, imported, scanned = tmp_path / "out", tmp_path / "imported.db", tmp_path / "scanned.db"
    archive("crawl", str(warcs), "--out", str(out), "--local", "2", check=True)
    archive("import", str(out), "--db", str(imported), check=True)
    archive("scan", str(warcs), "--db", str(scanned), check=True)
    assert archive_rows(imported) == archive_rows(scanned)
    check_found(imported, site)
    check_evidence(imported)


def test_a_crawl_deduplicated_against_an_earlier_one(
    tmp_path: Path, run_cli, db_path: Path, site: Site
) -> None:
    """``--warc-dedup`` with the first crawl's CDX: wget writes each unchanged answer as a
    ``revisit`` of the first crawl's record. Scanned after the first crawl it adds nothing;
    every revisit is counted as one."""
    first = wget(site, tmp_path / "first", "--recursive", "--warc-cdx")
    second = wget(site, tmp_path / "second", "--recursive", f"--warc-dedup={first / 'crawl.cdx'}")
    with open(second / "crawl.warc.gz", "rb") as fh:
        kinds = [record.rec_type for record in ArchiveIterator(fh)]
    revisits = kinds.count("revisit")
    assert revisits >= len(ARTICLES) and "response" in kinds  # wget keeps robots.txt whole
    check_scan(run_cli, db_path, site, first / "crawl.warc.gz")
    before = archive_rows(db_path)
    result = run_cli("scan", str(second / "crawl.warc.gz"))
    assert result.exit_code == 0, result.output
    assert f"{revisits} revisit" in result.stderr and "0 HTML page(s) scanned" in result.stderr
    assert archive_rows(db_path) == before
