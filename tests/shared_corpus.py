"""Where the team's shared corpora are: ``../shared/corpus`` beside the repository, or under
``$ARCHIVER_SHARED`` when the shared folder is elsewhere, as in another clone (``make test
SHARED=DIR`` sets it, as ``make corpus-check SHARED=DIR`` names the folder). The tests over
a corpus skip, naming where they looked, when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ARCHIVER_SHARED") or ROOT.parent / "shared").resolve()
CORPUS = SHARED / "corpus"
REAL = CORPUS / "real"
CRAWL_WARC = CORPUS / "crawl" / "news-1000.warc.gz"


def absent(path: Path) -> str:
    """The reason a test over ``path`` skips."""
    return f"{path} is absent (the team's corpora; make test SHARED=DIR when elsewhere)"
