"""Detection in the real pages as text converters flatten them (``make converted-check``).

For each converter's texts (``scripts/convert_pages.py``), against the hand-checked IDs of
SOURCES.tsv and what the scanner reads in the page's HTML:

* ``IDs``: embeds whose status ID the converter kept in the text (as a link), and how many
  of them the text detector reports with that ID;
* ``extra``: IDs reported in a text that the page does not embed;
* ``texts``: embeds whose text (its first 40 characters, read from the HTML) the converter
  kept, and how many of them the text detector reports with a text that starts as the
  post's does (a text that runs the article's paragraph into the post's, or keeps only the
  post's last paragraph, is not counted).

A measurement, not a test: the converters drop some embeds whole, and a post's first
paragraphs, with no quote marks, cannot be told from the article's.
Usage: python scripts/converted_check.py CONVERTED_DIR [CORPUS_DIR]
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from archiver.detect import find_posts

KEY_CHARS = 40  # of a post's text, looked for in the converted text


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_counts(html: bytes, text: bytes, expected: list[str]) -> Counter[str]:
    """The counts of one converted page (see the module's description)."""
    counts: Counter[str] = Counter()
    embeds = [e for e in find_posts(text, html=False).embeds if e.method != "link"]
    found, want = Counter(e.status_id for e in embeds if e.status_id), Counter(expected)
    kept = Counter({i: n for i, n in want.items() if i.encode() in text})
    counts["ids kept"] += sum(kept.values())
    counts["ids read"] += sum((found & kept).values())
    counts["extra"] += sum((found - want).values())
    read = [flat(e.text or "") for e in embeds]
    shown = flat(text.decode("utf-8", "replace"))
    for embed in find_posts(html).embeds:
        key = flat(embed.text or "")[:KEY_CHARS]
        if embed.method == "link" or len(key) < 15 or key not in shown:
            continue
        counts["texts kept"] += 1
        counts["texts read"] += any(t.startswith(key[:25]) for t in read)
    return counts


def main(converted: Path, corpus: Path) -> int:
    rows = csv.DictReader((corpus / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")
    expected = {Path(r["file"]).stem: [i for i in r["embedded_ids"].split(",") if i] for r in rows}
    for folder in sorted(p for p in converted.iterdir() if p.is_dir()):
        counts: Counter[str] = Counter()
        for text in sorted(folder.glob("*.txt")):
            html = (corpus / f"{text.stem}.html").read_bytes()
            counts += page_counts(html, text.read_bytes(), expected[text.stem])
        print(
            f"{folder.name:<21} IDs {counts['ids read']:>3} of {counts['ids kept']:>3}"
            f"  extra {counts['extra']:>2}  texts {counts['texts read']:>3} of"
            f" {counts['texts kept']:>3}"
        )
    return 0


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else default))
