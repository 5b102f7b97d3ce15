"""Detection in the real pages as text converters flatten them (``make converted-check``).

For each converter's texts (``scripts/convert_pages.py``), against the hand-checked IDs of
SOURCES.tsv and what the scanner reads in the page's HTML:

* ``IDs``: embeds whose status ID the converter kept in the text (as a link; a post the page
  embeds twice, twice), and how many of them the text detector reports with that ID;
* ``extra``: IDs reported in a text that the page does not embed;
* ``texts``: embeds whose text (its first 40 characters, read from the HTML) the converter
  kept as a post's (as a reader sees the text: Markdown's links as their labels, then the
  author's handle or the post's ID within the post's length after it; not words that only
  the article quotes, its embed dropped), and how many of them the text detector reports
  with a text that starts as the post's does (a text that runs the article's paragraph
  into the post's, or keeps only the post's last paragraph, is not counted).

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
from archiver.detect.text_marks import MD_ESCAPE, references, unmark
from archiver.models import Embed

KEY_CHARS = 40  # of a post's text, looked for in the converted text
SIGNATURE_CHARS = 200  # after a post's text, where its signature names its author


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def as_read(text: str) -> str:
    """The text as a reader sees it, flattened: Markdown's links as their labels, no quote
    marks or escapes (a post's text with a hashtag link in its first words is kept)."""
    plain, _ = unmark(text.split("\n"), references(text), text)
    return flat(MD_ESCAPE.sub(r"\1", "\n".join(plain)))


def kept_as_post(shown: str, key: str, embed: Embed) -> bool:
    """The converter kept the post's text as a post's: its first words, then its author's
    handle (or its ID) within the post's length after them. Words that only the article
    quotes, its embed dropped, are the article's (a headline repeating a post's words)."""
    after = len(flat(embed.text or "")) + SIGNATURE_CHARS
    marks = [f"@{embed.handle}".casefold()] if embed.handle else []
    marks += [embed.status_id] if embed.status_id else []
    start = shown.find(key)
    while start >= 0:
        near = shown[start : start + after].casefold()
        if not marks or any(mark in near for mark in marks):
            return True
        start = shown.find(key, start + 1)
    return False


def page_counts(html: bytes, text: bytes, expected: list[str]) -> Counter[str]:
    """The counts of one converted page (see the module's description)."""
    counts: Counter[str] = Counter()
    embeds = [e for e in find_posts(text, html=False).embeds if e.method != "link"]
    found, want = Counter(e.status_id for e in embeds if e.status_id), Counter(expected)
    kept = Counter({i: min(n, text.count(i.encode())) for i, n in want.items()})
    counts["ids kept"] += sum(kept.values())
    counts["ids read"] += sum((found & kept).values())
    counts["extra"] += sum((found - want).values())
    read = [flat(e.text or "") for e in embeds]
    shown = as_read(text.decode("utf-8", "replace"))
    for embed in find_posts(html).embeds:
        key = flat(embed.text or "")[:KEY_CHARS]
        if embed.method == "link" or len(key) < 15 or not kept_as_post(shown, key, embed):
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
