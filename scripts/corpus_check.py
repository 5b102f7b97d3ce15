"""Measure detection against the real-page corpus in ../shared/corpus/real (not shipped).

For each page, compares the status IDs detected as embeds (in order, a post embedded twice
counted twice) with the hand-checked ``embedded_ids`` of SOURCES.tsv. Text files carry no
IDs, so for them the number of embeds is compared. Prints one line per page and the totals.

Usage: python scripts/corpus_check.py [CORPUS_DIR]
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from archiver.detect import find_posts

ELSEWHERE = "the real-page corpus lives in ../shared; make corpus-check SHARED=DIR"


def main(corpus: Path) -> int:
    if not (corpus / "SOURCES.tsv").is_file():
        print(f"corpus-check: {corpus / 'SOURCES.tsv'} not found ({ELSEWHERE})")
        return 2
    rows = list(csv.DictReader((corpus / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t"))
    true_pos = false_pos = false_neg = 0
    for row in rows:
        path = corpus / row["file"]
        expected = [i for i in row["embedded_ids"].split(",") if i]
        embeds = [e for e in find_posts(path.read_bytes()).embeds if e.method != "link"]
        if row["category"] == "text" and path.suffix == ".txt":
            got = len(embeds)
            tp = min(got, len(expected))
            fp, fn = got - tp, len(expected) - tp
            detail = f"{got} embeds, expected {len(expected)}"
        else:
            got_ids = Counter(e.status_id or e.post_id for e in embeds)
            want = Counter(expected)
            tp = sum((got_ids & want).values())
            fp = sum((got_ids - want).values())
            fn = sum((want - got_ids).values())
            detail = ""
            if fp:
                detail += f" extra={sorted((got_ids - want).elements())}"
            if fn:
                detail += f" missed={sorted((want - got_ids).elements())}"
            order_ok = [e.status_id for e in embeds] == expected
            if tp and not fp and not fn and not order_ok:
                detail += " (order differs)"
        true_pos, false_pos, false_neg = true_pos + tp, false_pos + fp, false_neg + fn
        mark = "ok  " if not fp and not fn else "FAIL"
        print(f"{mark} {row['file']:<14} {row['category']:<10} tp={tp} fp={fp} fn={fn} {detail}")
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    print(
        f"\n{len(rows)} files: recall {recall:.1%} ({true_pos}/{true_pos + false_neg}), "
        f"precision {precision:.1%} ({true_pos}/{true_pos + false_pos})"
    )
    return 0 if recall == precision == 1.0 else 1


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
