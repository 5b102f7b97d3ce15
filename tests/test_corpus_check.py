"""The corpus check (scripts/corpus_check.py) on a corpus made here: recall and precision
against SOURCES.tsv, and one line when the corpus is not where it was looked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "scripts" / "corpus_check.py"
PAGE = """<html><body><p>The council voted.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">We did it.</p>&mdash; Jane Roe
(@janeroe) <a href="https://twitter.com/janeroe/status/1902034567812345678">March 18, 2025</a>
</blockquote></body></html>"""


def run(corpus: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(corpus)], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("expected", "code", "summary"),
    [
        ("1902034567812345678", 0, "recall 100.0% (1/1), precision 100.0% (1/1)"),
        ("1902034567812345679", 1, "recall 0.0% (0/1), precision 0.0% (0/1)"),
    ],
)
def test_a_corpus_is_scored_against_its_sources(tmp_path, expected, code, summary):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "SOURCES.tsv").write_text(
        f"file\tcategory\tembedded_ids\npage.html\tblockquote\t{expected}\n", encoding="utf-8"
    )
    result = run(tmp_path)
    assert result.returncode == code, result.stderr
    assert result.stdout.strip().endswith(f"1 files: {summary}")


def test_a_missing_corpus_is_one_line_naming_where_to_point_it(tmp_path):
    """A fresh clone has no ../shared beside it: a FileNotFoundError traceback before."""
    result = run(tmp_path / "absent")
    assert result.returncode == 2
    assert result.stderr == ""
    assert result.stdout == (
        f"corpus-check: {tmp_path / 'absent' / 'SOURCES.tsv'} not found (the real-page"
        " corpus lives in ../shared; make corpus-check SHARED=DIR)\n"
    )
