"""List every page of a crawl where the scanner reports an embed, by form, and compare them
with the judgements written down in docs/crawl-check.md (not shipped, not a test).

The crawl (../shared/corpus/crawl/news-1000.warc.gz) has no ground truth: each reported
embed was judged by reading the page's markup, and the judgement is a row of the table in
docs/crawl-check.md: ``| record | status id | form | verdict | what a reader sees |`` with
verdict ``embed`` or ``not``. This script prints every reported embed grouped by form,
then what differs from the judgements:

* ``NEW``: reported, never judged (read the page and add a row);
* ``FALSE``: reported, judged not an embed;
* ``MISSED``: judged an embed, no longer reported.

Exit 0 when nothing differs. Usage:
python scripts/crawl_check.py [WARC] [--judgements docs/crawl-check.md]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from archiver.detect import find_posts
from archiver.warc_input import DamagedRecord, WarcCounts, iter_warc_pages

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WARC = ROOT.parent / "shared" / "corpus" / "crawl" / "news-1000.warc.gz"
DEFAULT_JUDGEMENTS = ROOT / "docs" / "crawl-check.md"
JUDGEMENT_ROW = re.compile(
    r"^\|\s*(?P<record>\d+)\s*\|\s*`?(?P<post>[0-9]{1,19}|text:[0-9a-f]{16})`?\s*\|"
    r"\s*(?P<form>[a-z]+)\s*\|\s*(?P<verdict>embed|not)\s*\|",
    re.M,
)


@dataclass(frozen=True)
class Sighting:
    record: int
    uri: str
    canonical: str | None
    post: str
    form: str
    handle: str | None
    author: str | None
    date_text: str | None


def scan(warc: Path) -> tuple[list[Sighting], int, float]:
    """Every embed the scanner reports in the crawl (pages read by the same WARC reader as
    ``archive scan FILE.warc.gz``), the number of pages, the detection time."""
    found: list[Sighting] = []
    counts = WarcCounts()
    spent = 0.0
    for number, page in enumerate(iter_warc_pages(str(warc), counts)):
        if isinstance(page, DamagedRecord):  # not scanned; its number stays its own
            print(f"note: {page.error}")
            continue
        started = time.perf_counter()
        detection = find_posts(
            page.body, content_type=page.ref.content_type, html=True, url=page.ref.target_uri
        )
        spent += time.perf_counter() - started
        for embed in detection.embeds:
            if embed.method == "link" or embed.post_id is None:
                continue
            found.append(
                Sighting(
                    number,
                    page.ref.target_uri,
                    detection.page.canonical_url,
                    embed.post_id,
                    embed.method,
                    embed.handle,
                    embed.author,
                    embed.date_text or embed.date,
                )
            )
    if counts.skipped:  # record numbers are page numbers: a skipped record would shift them
        print(f"note: {counts.line()}")
    return found, counts.pages, spent


def read_judgements(path: Path) -> dict[tuple[int, str], tuple[str, str]]:
    """(record, post) → (form, verdict) from the judgement table."""
    if not path.exists():
        return {}
    rows = JUDGEMENT_ROW.finditer(path.read_text(encoding="utf-8"))
    return {(int(m["record"]), m["post"]): (m["form"], m["verdict"]) for m in rows}


def report(found: list[Sighting]) -> None:
    by_form: dict[str, list[Sighting]] = defaultdict(list)
    for sighting in found:
        by_form[sighting.form].append(sighting)
    for form in sorted(by_form):
        sightings = by_form[form]
        print(f"\n## {form}: {len(sightings)} embeds on {len({s.record for s in sightings})} pages")
        for s in sightings:
            who = " ".join(x for x in (s.author, f"@{s.handle}" if s.handle else None) if x)
            print(f"{s.record:>5} {s.post:<20} {who or '-'} | {s.date_text or '-'}")
            print(f"      {s.canonical or s.uri}")


def compare(found: list[Sighting], judged: dict[tuple[int, str], tuple[str, str]]) -> int:
    """Print what differs from the judgements; the number of differences."""
    reported = {(s.record, s.post) for s in found}
    problems = 0
    for s in found:
        judgement = judged.get((s.record, s.post))
        if judgement is None:
            print(f"NEW    record {s.record} {s.post} ({s.form}): read the page, judge it")
            problems += 1
        elif judgement[1] == "not":
            print(f"FALSE  record {s.record} {s.post} ({s.form}): judged not an embed")
            problems += 1
    for (record, post), (form, verdict) in sorted(judged.items()):
        if verdict == "embed" and (record, post) not in reported:
            print(f"MISSED record {record} {post} ({form}): judged an embed, not reported")
            problems += 1
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warc", nargs="?", type=Path, default=DEFAULT_WARC)
    parser.add_argument("--judgements", type=Path, default=DEFAULT_JUDGEMENTS)
    args = parser.parse_args()
    if not args.warc.exists():
        print(
            f"crawl-check: {args.warc} not found"
            " (the crawl corpus lives in ../shared; make crawl-check SHARED=DIR)"
        )
        return 2
    found, count, spent = scan(args.warc)
    report(found)
    judged = read_judgements(args.judgements)
    print(
        f"\n{count} pages, {len({s.record for s in found})} with embeds, {len(found)} embeds; "
        f"detection {spent:.2f} s ({spent / max(count, 1) * 1000:.2f} ms per page)"
    )
    problems = compare(found, judged)
    verdicts = [judged.get((s.record, s.post), ("", "?"))[1] for s in found]
    true = verdicts.count("embed")
    print(f"judged: {true} of {len(found)} reported embeds are embeds ({len(judged)} judgements)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
