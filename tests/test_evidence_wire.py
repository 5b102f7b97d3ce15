"""The archive is evidence: against a raw-socket HTTP/1.1 server on 127.0.0.1, each wire form
real servers use (``wire_forms``) is kept by ``archive scan URL`` as served, byte for byte: the
WARC ``response`` record, read back with warcio, holds the status line, headers and body the
server sent (or what README names as kept where httpx does not let the bytes through),
``archive verify`` passes, and detection reads the decoded page. A form the archive refuses
ends in one line and loses nothing stored.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from httpx._decoders import SUPPORTED_DECODERS
from pages import embed_page
from warcio.archiveiterator import ArchiveIterator
from wire_forms import WireServer, answer, first_answer, forms_of

TEXT = "café {name}"
# An article's URL -> the form whose page ends its redirects.
FINAL = {
    "301": "to-301",
    "302": "to-302",
    "302-cut": "to-302-cut",
    "302-not-gzip": "to-302-cut",
    "302-broken-gzip": "to-302-cut",
    "302-br-after-end": "to-302-cut",
    "302-long-br-after-end": "to-302-cut",
    "303": "to-303",
    "307": "to-caf%C3%A9",
    "308": "to-l%E9",  # Latin-1: the byte, as browsers send it
}


def post_id(name: str) -> str:
    return str(1_763_000_000_000_000_000 + zlib.crc32(name.encode()))


def page(name: str) -> bytes:
    return embed_page(post_id=post_id(name), text=TEXT.format(name=name)).encode("utf-8")


FORMS = forms_of(page)
ARTICLES = sorted(name for name in FORMS if not name.startswith("to-"))


def archive(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args, "--db", "archive.db", "--config", "c.toml"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Scanned:
    """The module's one run: each form scanned (after its first page, where it has one),
    then ``archive verify``; the records and the scan's JSON lines, by article name."""

    def __init__(self, root: Path, server: WireServer) -> None:
        self.root, self.server = root, server
        (root / "c.toml").write_text(
            '[fetch]\ntimeout = "5s"\nper_host_delay = "0s"\nretries = 0\nmax_bytes = 1_000_000\n',
            encoding="utf-8",
        )
        first = [self.url(name) for name in ARTICLES if FORMS[name].before]
        self.first = self.scan(first)
        self.lines = self.scan([self.url(name) for name in ARTICLES])
        self.verify = archive("verify", cwd=root)

    def url(self, name: str) -> str:
        return self.server.url(f"/form/{name}")

    def scan(self, urls: list[str]) -> dict[str, dict[str, Any]]:
        done = archive("scan", "--json", *urls, cwd=self.root)
        assert done.returncode in (0, 1), done.stderr
        lines = [json.loads(line) for line in done.stdout.splitlines()]
        return {line["target"].rsplit("/form/", 1)[1]: line for line in lines}

    def chain(self, name: str) -> list[bytes]:
        return chain(self.root, self.server, name)


def responses(root: Path) -> list[tuple[str, bytes]]:
    """(target URI, block) of every response record of the archive in ``root``, in order."""
    found = []
    for path in sorted((root / "archive-warc").glob("*.warc.gz")):
        found += list(_response_blocks(path))
    return found


def chain(root: Path, server: WireServer, name: str) -> list[bytes]:
    """The blocks of the last answers kept for ``name``: its redirects, then its page."""
    names = [name, FINAL[name]] if name in FINAL else [name]
    urls = [server.url(f"/form/{each}") for each in names]
    kept = dict(responses(root))
    return [kept[url] for url in urls if url in kept]


def _response_blocks(path: Path) -> Iterator[tuple[str, bytes]]:
    """Each response record's URI and block, read by warcio (digests checked); the block is
    the HTTP head as stored (inflated from the record's member) and the body warcio reads."""
    data = path.read_bytes()
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, check_digests=True)
        for record in records:
            if record.rec_type != "response":
                record.content_stream().read()
                continue
            body = record.raw_stream.read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            start = records.get_record_offset()
            member = zlib.decompressobj(31).decompress(data[start:])
            block = member.split(b"\r\n\r\n", 1)[1][: int(record.length)]
            assert block.endswith(body)
            yield record.rec_headers.get_header("WARC-Target-URI"), block


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanned]:
    with WireServer(FORMS, page) as server:
        yield Scanned(tmp_path_factory.mktemp("wire"), server)


def kept_forms(names: list[str]) -> list[str]:
    return [name for name in names if FORMS[name].refused is None]


@pytest.mark.parametrize("name", kept_forms(ARTICLES))
def test_the_record_holds_the_answer_as_served(scanned: Scanned, name: str) -> None:
    """Status line, headers and body, byte for byte (redirects too, each its own record)."""
    expected = [FORMS[name].kept] + ([FORMS[FINAL[name]].kept] if name in FINAL else [])
    assert scanned.chain(name) == expected


@pytest.mark.parametrize("name", [name for name in ARTICLES if FORMS[name].refused])
def test_a_form_the_archive_does_not_decode_is_one_line_and_loses_nothing(
    scanned: Scanned, name: str
) -> None:
    if name == "zstd" and "zstd" in SUPPORTED_DECODERS:
        pytest.skip("the zstandard package is installed: httpx decodes zstd")
    line = scanned.lines[name]
    assert line["status"] == "error" and "\n" not in line["error"]
    assert FORMS[name].refused in line["error"]
    # The article's last record: the refused answer as served where its body does not
    # decode (``kept``: as an HTTP error's answer is), else still the page stored before.
    assert scanned.chain(name) == [FORMS[name].kept or first_answer(page(name))]
    assert [e["post_id"] for e in scanned.first[name]["embeds"]] == [post_id(name)]
    with sqlite3.connect(scanned.root / "archive.db") as db:
        kept = db.execute(
            "select e.post_id from embeds e join articles a on a.id = e.article_id"
            " where a.url = ? and e.removed_at is null",
            (scanned.url(name),),
        ).fetchall()
    assert kept == [(post_id(name),)]


def test_archive_verify_passes_on_every_form(scanned: Scanned) -> None:
    assert scanned.verify.returncode == 0, scanned.verify.stdout + scanned.verify.stderr
    assert "WARC file(s) checked: OK" in scanned.verify.stdout


@pytest.mark.parametrize(
    "name", [n for n in kept_forms(ARTICLES) if FORMS[FINAL.get(n, n)].kept[9:10] == b"2"]
)  # every form whose last answer is a 2xx (after its redirect, for one)
def test_detection_reads_the_decoded_page(scanned: Scanned, name: str) -> None:
    line = scanned.lines[name]
    final = FINAL.get(name, name)
    assert line["status"] == "ok", line
    (embed,) = [e for e in line["embeds"] if e["post_id"] == post_id(final)]
    if name != "wrong-charset":  # the header names another charset: its text is the header's
        assert embed["text"] == TEXT.format(name=final)


# --- the worker's sources and their articles, and the snapshot providers' replies ----------


def worker_config(
    root: Path, server: WireServer, sources: dict[str, str], syndication: str = "/form/none"
) -> None:
    """A config for the archive in ``root``: the providers on ``server`` (``/form/none`` is
    a 404: no post is checked anywhere else), each of ``sources`` (type: path) polled."""
    syndication, oembed = server.url(syndication), server.url("/form/none")
    text = (
        '[fetch]\ntimeout = "5s"\nper_host_delay = "0s"\nretries = 0\n'
        f'[snapshot]\nsyndication_url = "{syndication}"\noembed_url = "{oembed}"\n'
        'wayback = "never"\nmedia = "none"\n'
    )
    for kind, path in sources.items():
        text += f'[[sources]]\nname = "{kind}"\ntype = "{kind}"\nurl = "{server.url(path)}"\n'
    (root / "c.toml").write_text(text, encoding="utf-8")


def test_the_worker_keeps_articles_from_coded_feeds_and_sitemaps_as_served(
    scanned: Scanned, tmp_path: Path
) -> None:
    """A feed served chunked and gzipped and a sitemap in br are read; the articles they list
    (chunked, raw deflate, a redirect) are kept as served, and verify passes."""
    server = scanned.server
    listed = {"feed": ["chunked", "deflate-raw"], "sitemap": ["301", "chunked-ext-trailers"]}
    links = {
        kind: [server.url(f"/form/{name}") for name in names] for kind, names in listed.items()
    }
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links["feed"])
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
    locs = "".join(f"<url><loc>{link}</loc></url>" for link in links["sitemap"])
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</urlset>"
    )
    server.forms["w-feed"] = answer("chunked-gzip", feed.encode(), b"application/rss+xml")
    server.forms["w-sitemap"] = answer("br", sitemap.encode(), b"application/xml")
    worker_config(tmp_path, server, {"feed": "/form/w-feed", "sitemap": "/form/w-sitemap"})
    done = archive("worker", "--once", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in listed["feed"] + listed["sitemap"]:
        expected = [FORMS[name].kept] + ([FORMS[FINAL[name]].kept] if name in FINAL else [])
        assert chain(tmp_path, server, name) == expected, name
    verify = archive("verify", cwd=tmp_path)
    assert verify.returncode == 0 and "WARC file(s) checked: OK" in verify.stdout, verify.stdout


@pytest.mark.parametrize("kind", ["chunked-gzip", "chunked-trailers", "br", "deflate-raw"])
def test_a_snapshot_keeps_the_providers_reply_as_served(
    scanned: Scanned, tmp_path: Path, kind: str
) -> None:
    """``archive snapshot`` with the syndication endpoint on the raw server: the reply's
    record holds it as served, the post reads live, verify passes."""
    from fake_x import tweet_json

    server = scanned.server
    post = post_id(f"snapshot-{kind}")
    reply = json.dumps(tweet_json(post, f"café {kind}")).encode()
    server.forms[f"s-{kind}"] = form = answer(kind, reply, b"application/json;charset=utf-8")
    worker_config(tmp_path, server, {}, syndication=f"/form/s-{kind}")
    done = archive("snapshot", post, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{post}: live" in done.stdout  # the decoded reply was read
    asked = server.url(f"/form/s-{kind}?")
    (block,) = [block for uri, block in responses(tmp_path) if uri.startswith(asked)]
    assert block == form.kept
    verify = archive("verify", cwd=tmp_path)
    assert verify.returncode == 0 and "WARC file(s) checked: OK" in verify.stdout, verify.stdout


def test_verify_undoes_a_stack_of_codings_and_reads_a_decoded_body_as_stored() -> None:
    import gzip

    import brotli
    from wire_forms import raw_deflate

    from archiver.evidence.read import stacked_undone

    body = b"<p>caf\xc3\xa9</p>"
    assert stacked_undone(gzip.compress(gzip.compress(body)), "gzip, gzip") == body
    assert stacked_undone(brotli.compress(raw_deflate(body)), "Deflate , br") == body
    assert stacked_undone(body, "gzip, gzip") == body  # a crawler's decoded copy: as stored
    once = gzip.compress(body)
    assert stacked_undone(once, "gzip") == once  # one coding: warcio's part


def test_the_archives_own_warc_files_scan_back_to_the_same_embeds(
    scanned: Scanned, tmp_path: Path
) -> None:
    """Every page kept, read back from the archive's WARC files by ``archive scan FILE``
    (FastWARC, not httpx), gives the embeds its fetch gave."""
    (tmp_path / "c.toml").write_text("", encoding="utf-8")
    warcs = sorted(str(path) for path in (scanned.root / "archive-warc").glob("*.warc.gz"))
    done = archive("scan", "--json", *warcs, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    again = {}
    for line in map(json.loads, done.stdout.splitlines()):
        again[line["url"]] = [embed["post_id"] for embed in line["embeds"]]
    with sqlite3.connect(scanned.root / "archive.db") as db:
        rows = db.execute(
            "select r.target_uri, e.post_id from embeds e join records r on r.id = e.record_id"
        ).fetchall()
    assert rows and all(again.get(uri) == [post] for uri, post in rows), (rows, again)
