"""Fixtures for the reliability suite: a misbehaving server, a strict config, archive checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from .hostile import HostileServer

# Short limits so hostile cases end fast: a 1.5 s read timeout gives a 4.5 s overall deadline.
CONFIG = """[fetch]
timeout = "1.5s"
per_host_delay = "0s"
retries = 1
max_bytes = 200_000
concurrency = 32
"""


@pytest.fixture
def strict_config(tmp_path: Path) -> Path:
    path = tmp_path / "strict.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def hostile_server():
    with HostileServer({}) as server:
        yield server
