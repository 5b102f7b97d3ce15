"""``archive timestamp`` and ``archive verify`` as real processes, against the TSA stand-in
(``openssl ts -reply`` with a throwaway CA behind a real local HTTP server).

The evidence is real: ``archive scan`` of a page with an embed keeps its bytes as a WARC
record; the manifest is a WARC metadata record read back by warcio; the token is checked
with ``openssl ts -verify`` and nothing of ours.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pages import embed_page
from tsa import OPENSSL, ThrowawayTsa
from warcio.archiveiterator import ArchiveIterator

pytestmark = pytest.mark.skipif(
    OPENSSL is None, reason="the TSA stand-in needs the openssl command line tool"
)


@pytest.fixture(scope="module")
def tsa(tmp_path_factory) -> ThrowawayTsa:
    return ThrowawayTsa(tmp_path_factory.mktemp("tsa"))


def archive(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def setup_archive(tmp_path: Path, tsa_url: str, ca_file: Path | None, pages: int = 1) -> None:
    lines = [
        '[fetch]\nper_host_delay = "0s"\nretries = 0\n',
        f'[timestamp]\ntsa_url = "{tsa_url}"\n',
    ]
    if ca_file:
        lines.append(f'ca_file = "{ca_file}"\n')
    (tmp_path / "config.toml").write_text("".join(lines), encoding="utf-8")
    for n in range(pages):
        page = tmp_path / f"story-{n}.html"
        page.write_text(embed_page(post_id=f"176300000000000000{n + 1}"), encoding="utf-8")
        done = archive("scan", str(page), cwd=tmp_path)
        assert done.returncode == 0, done.stderr


def manifest_and_token(tmp_path: Path, timestamp_id: int) -> tuple[bytes, bytes]:
    conn = sqlite3.connect(tmp_path / "archive.db")
    token, warc_file, offset = conn.execute(
        "select token, warc_file, warc_offset from timestamps join records"
        " on records.id = timestamps.record_id where timestamps.id = ?",
        (timestamp_id,),
    ).fetchone()
    conn.close()
    with open(tmp_path / "archive-warc" / warc_file, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_type == "metadata"
        return record.content_stream().read(), token


def test_timestamp_then_verify_then_openssl_alone(tsa, httpserver, tmp_path):
    setup_archive(tmp_path, tsa.serve(httpserver), tsa.ca_file)
    done = archive("timestamp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("timestamp 1: manifest sha256 ")
    done = archive("verify", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 timestamps: manifests, chain and their TSA signatures: OK" in done.stdout
    manifest, token = manifest_and_token(tmp_path, 1)
    (tmp_path / "MANIFEST").write_bytes(manifest)
    (tmp_path / "TOKEN").write_bytes(token)
    args = ["ts", "-verify", "-data", "MANIFEST", "-in", "TOKEN", "-CAfile", str(tsa.ca_file)]
    checked = subprocess.run([OPENSSL, *args], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout
    assert archive("timestamp", cwd=tmp_path).stdout.startswith("nothing new to timestamp")


def test_the_readme_recipe_with_warcio_extract(tsa, httpserver, tmp_path):
    setup_archive(tmp_path, tsa.serve(httpserver), tsa.ca_file)
    assert archive("timestamp", cwd=tmp_path).returncode == 0
    conn = sqlite3.connect(tmp_path / "archive.db")
    warc_file, offset = conn.execute(
        "select warc_file, warc_offset from records"
        " where id = (select record_id from timestamps where id = 1)"
    ).fetchone()
    conn.close()
    warcio = Path(sys.executable).with_name("warcio")
    extract = [str(warcio), "extract", "--payload", f"archive-warc/{warc_file}", str(offset)]
    manifest = subprocess.run(extract, cwd=tmp_path, capture_output=True, check=True).stdout
    assert manifest == manifest_and_token(tmp_path, 1)[0]
    sqlite3_cli = shutil.which("sqlite3")
    if sqlite3_cli:  # the README's way to take the token out, where the sqlite3 tool exists
        query = "select writefile('token.tsr', token) from timestamps where id = 1"
        subprocess.run([sqlite3_cli, "archive.db", query], cwd=tmp_path, check=True)
        assert (tmp_path / "token.tsr").read_bytes() == manifest_and_token(tmp_path, 1)[1]


def test_manifests_chain_and_tampering_fails_verify(tsa, httpserver, tmp_path):
    tsa_url = tsa.serve(httpserver)
    setup_archive(tmp_path, tsa_url, tsa.ca_file)
    assert archive("timestamp", cwd=tmp_path).returncode == 0
    page = tmp_path / "later.html"
    page.write_text(embed_page(post_id="1763000000000000009"), encoding="utf-8")
    assert archive("scan", str(page), cwd=tmp_path).returncode == 0
    assert archive("timestamp", cwd=tmp_path).stdout.startswith("timestamp 2:")
    assert archive("verify", cwd=tmp_path).returncode == 0

    db = sqlite3.connect(tmp_path / "archive.db")
    good = db.execute("select manifest_sha256 from timestamps where id = 2").fetchone()[0]
    db.execute("update timestamps set manifest_sha256 = ? where id = 2", ("0" * 64,))
    db.commit()
    done = archive("verify", cwd=tmp_path)
    assert done.returncode == 1 and "timestamp 2:" in done.stdout
    db.execute("update timestamps set manifest_sha256 = ? where id = 2", (good,))
    db.execute("delete from timestamps where id = 1")
    db.commit()
    done = archive("verify", cwd=tmp_path)
    assert done.returncode == 1 and "names previous" in done.stdout


def test_a_changed_byte_in_the_manifest_record_fails_verify(tsa, httpserver, tmp_path):
    setup_archive(tmp_path, tsa.serve(httpserver), tsa.ca_file)
    assert archive("timestamp", cwd=tmp_path).returncode == 0
    conn = sqlite3.connect(tmp_path / "archive.db")
    warc_file, offset, length = conn.execute(
        "select warc_file, warc_offset, warc_length from records"
        " where id = (select record_id from timestamps where id = 1)"
    ).fetchone()
    conn.close()
    path = tmp_path / "archive-warc" / warc_file
    data = bytearray(path.read_bytes())
    data[offset + length // 2] ^= 0x01  # inside the compressed manifest record
    path.write_bytes(bytes(data))
    done = archive("verify", cwd=tmp_path)
    assert done.returncode == 1
    assert "timestamp 1: manifest record unreadable" in done.stdout


def test_without_ca_file_verify_says_signatures_were_not_checked(tsa, httpserver, tmp_path):
    setup_archive(tmp_path, tsa.serve(httpserver), None)
    assert archive("timestamp", cwd=tmp_path).returncode == 0
    done = archive("verify", cwd=tmp_path)
    assert done.returncode == 0
    assert "signatures not checked: set [timestamp] ca_file" in done.stdout


def test_failures_are_one_line_and_store_nothing(httpserver, tmp_path):
    httpserver.expect_request("/tsr", method="POST").respond_with_data("busy", status=503)
    setup_archive(tmp_path, httpserver.url_for("/tsr"), None)
    done = archive("timestamp", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: {httpserver.url_for('/tsr')}: time-stamping authority answered HTTP 503"
    ]
    conn = sqlite3.connect(tmp_path / "archive.db")
    assert conn.execute("select count(*) from timestamps").fetchone() == (0,)
    (tmp_path / "config.toml").write_text("[fetch]\nretries = 0\n", encoding="utf-8")
    done = archive("timestamp", cwd=tmp_path)
    assert done.returncode == 1 and "set [timestamp] tsa_url" in done.stderr


NO_TOKEN = bytes.fromhex("30053003020100")  # a TimeStampResp: granted, and no token


def test_a_granted_reply_without_a_token_is_one_line(tsa, httpserver, tmp_path):
    httpserver.expect_request("/empty", method="POST").respond_with_data(
        NO_TOKEN, content_type="application/timestamp-reply"
    )
    setup_archive(tmp_path, httpserver.url_for("/empty"), None)
    done = archive("timestamp", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: not an RFC 3161 TimeStampResp (Missing SignedData)"
    ]
    conn = sqlite3.connect(tmp_path / "archive.db")
    assert conn.execute("select count(*) from timestamps").fetchone() == (0,)
    # A stored token that is such a reply: one problem line from verify.
    setup_archive(tmp_path, tsa.serve(httpserver), None)
    assert archive("timestamp", cwd=tmp_path).returncode == 0
    conn.execute("update timestamps set token = ?", (NO_TOKEN,))
    conn.commit()
    done = archive("verify", cwd=tmp_path)
    assert done.returncode == 1 and done.stderr == ""
    problem = "timestamp 1: not an RFC 3161 TimeStampResp (Missing SignedData)"
    assert problem in done.stdout.splitlines()


def test_the_worker_timestamps_once(tsa, httpserver, tmp_path):
    setup_archive(tmp_path, tsa.serve(httpserver), tsa.ca_file)
    done = archive("worker", "--once", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "timestamp 1: manifest" in done.stderr
    conn = sqlite3.connect(tmp_path / "archive.db")
    assert conn.execute("select count(*) from timestamps").fetchone() == (1,)


def test_verify_of_an_archive_without_timestamps_says_so(run_cli, tmp_path):
    page = tmp_path / "story.html"
    page.write_text("<html><body><p>nothing embedded</p></body></html>", encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    done = run_cli("verify")
    assert done.exit_code == 0
    assert done.output.splitlines()[-1] == "no timestamps to check"


def test_a_token_from_another_authority_fails_verify(tsa, httpserver, tmp_path):
    """A token another authority signed (over the right manifest) is no token of the one
    ``ca_file`` trusts: verify fails on it, as on a changed token."""
    other = ThrowawayTsa(tmp_path / "other-tsa", name="Other")
    setup_archive(tmp_path, other.serve(httpserver), other.ca_file)
    assert archive("timestamp", cwd=tmp_path).returncode == 0
    assert archive("verify", cwd=tmp_path).returncode == 0
    config = tmp_path / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(str(other.ca_file), str(tsa.ca_file)),
        encoding="utf-8",
    )
    done = archive("verify", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("timestamp 1: ")]
    assert line.startswith("timestamp 1: token does not verify") and "Traceback" not in done.stderr
