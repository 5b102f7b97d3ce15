"""`make install` (and so `make demo` and `make test`) on a machine whose Python is too old,
and after a first try with one: stand-in interpreters, so that no package is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def stand_in(path: Path, version: str, new_enough: bool, log: Path) -> Path:
    """An interpreter that tells ``version``, answers the Makefile's version check, and on
    ``-m venv DIR`` makes DIR/bin/python a new-enough stand-in; every call is logged."""
    check = "exit 0" if new_enough else "exit 1"
    path.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        'case "$1" in\n'
        f'  -V) echo "Python {version}"; exit 0;;\n'
        f"  -c) {check};;\n"
        '  -m) if [ "$2" = venv ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; fi; exit 0;;\n'
        "esac\n"
        "exit 99\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


def make_install(python: Path, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "install", f"PYTHON={python}", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@needs_make
def test_a_python_too_old_stops_the_install_in_one_line_before_any_venv(tmp_path: Path) -> None:
    old = stand_in(tmp_path / "python3", "3.10.2", new_enough=False, log=tmp_path / "log")
    done = make_install(old, tmp_path / "venv")
    assert done.returncode != 0
    assert done.stderr.splitlines()[0] == (
        f"make: archiver needs Python 3.11 or newer; {old}: Python 3.10.2"
        " (PYTHON=python3.12 names another)"
    )
    assert not (tmp_path / "venv").exists()


@needs_make
def test_a_missing_python_is_named_as_such(tmp_path: Path) -> None:
    done = make_install(tmp_path / "no-such-python", tmp_path / "venv")
    assert done.returncode != 0
    assert ": not found (PYTHON=python3.12 names another)" in done.stderr.splitlines()[0]


@needs_make
def test_a_venv_an_older_python_left_is_made_anew(tmp_path: Path) -> None:
    """A first `make demo` with Python 3.10 leaves .venv behind; venv would keep its 3.10
    interpreter, so the next try with a new enough Python failed the same way."""
    log = tmp_path / "log"
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    stand_in(venv / "bin" / "python", "3.10.2", new_enough=False, log=log)
    (venv / "left-over").write_text("", encoding="utf-8")
    new = stand_in(tmp_path / "python3.12", "3.12.1", new_enough=True, log=log)
    done = make_install(new, venv)
    assert done.returncode == 0, done.stderr
    assert not (venv / "left-over").exists()
    assert f"-m venv {venv}" in log.read_text(encoding="utf-8").splitlines()
    assert (venv / "bin" / "archive").exists()


@needs_make
def test_a_new_enough_venv_is_kept(tmp_path: Path) -> None:
    log = tmp_path / "log"
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    stand_in(venv / "bin" / "python", "3.11.7", new_enough=True, log=log)
    (venv / "installed").write_text("", encoding="utf-8")
    new = stand_in(tmp_path / "python3", "3.11.7", new_enough=True, log=log)
    assert make_install(new, venv).returncode == 0
    assert (venv / "installed").exists()


@needs_make
def test_make_test_hands_the_shared_folder_to_the_tests(tmp_path: Path) -> None:
    """`make corpus-check SHARED=DIR` reads a shared folder that is not beside the clone;
    `make test` skipped every test over the corpora there."""
    planned = subprocess.run(
        ["make", "--no-print-directory", "-n", "test", f"SHARED={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    assert f"ARCHIVER_SHARED={tmp_path} .venv/bin/python -m pytest -q" in planned
    env = {**os.environ, "ARCHIVER_SHARED": str(tmp_path)}
    code = "import shared_corpus; print(shared_corpus.REAL, shared_corpus.CRAWL_WARC)"
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "tests",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert found == [
        str(tmp_path.resolve() / "corpus" / "real"),
        str(tmp_path.resolve() / "corpus" / "crawl" / "news-1000.warc.gz"),
    ]
