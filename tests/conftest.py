from __future__ import annotations

import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.db import open_database

# A shell starts a background job with SIGINT ignored, and the commands these tests start
# would inherit that and never see the Ctrl-C the tests send them: handled here, SIGINT is
# back to its default in every process started from the tests.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def db(db_path: Path):
    database = open_database(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A config for tests: no politeness delay, one quick retry, short timeout."""
    path = tmp_path / "config.toml"
    path.write_text(
        '[fetch]\ntimeout = "3s"\nper_host_delay = "0s"\nretries = 1\nmax_bytes = 200_000\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def run_cli(db_path: Path, config_file: Path):
    """Invoke ``archive`` in-process with the test archive and config."""

    def invoke(*args: str, input: bytes | str | None = None, use_defaults: bool = True):
        extra = ["--db", str(db_path), "--config", str(config_file)] if use_defaults else []
        return CliRunner().invoke(cli, [*args, *extra], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def public_web(monkeypatch):
    """A server on 127.0.0.1 as the proxy every http request goes through: it answers for
    ``news.example`` (a public address, for the archive) and for the private ones alike."""
    from source_server import SourceSite

    with SourceSite() as site:
        monkeypatch.setenv("HTTP_PROXY", site.url(""))
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        yield site
