"""Benchmark: the largest sitemap the protocol allows, parsed by the worker's parser.

    python bench/sources.py [--repeats 3] [--write bench/SOURCES.md]

A generated news sitemap at the protocol's limits (50,000 URLs, each with a news and an
image block, ~50 MB; also gzipped) is parsed by ``archiver.sitemaps.parse_sitemap`` in a
fresh process. Reported: the parse time, and the process' peak RSS above the interpreter's
(after imports) next to the bytes it must hold anyway (the file, plus its decompressed copy
for the gzip case): iterparse drops each entry once read, so the rest stays small.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ENTRIES = 50_000
CHILD = r"""
import json, sys, time
from archiver.source_body import gunzip
from archiver.sitemaps import parse_sitemap

def peak_kib():  # VmHWM: this process' own peak (ru_maxrss keeps the parent's across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

before = peak_kib()
with open(sys.argv[1], "rb") as handle:
    data = handle.read()
start = time.perf_counter()
body = gunzip(data, 60_000_000, "bench") if data[:2] == b"\x1f\x8b" else data
doc = parse_sitemap(body, "https://news.example/sitemap.xml")
seconds = time.perf_counter() - start
grown = peak_kib() - before
print(json.dumps({"pages": len(doc.pages), "seconds": seconds, "grown_kib": grown}))
"""


def news_sitemap() -> bytes:
    entry = (
        "<url><loc>https://news.example/2026/12/02/section/story-{i}.html?id={i}</loc>"
        "<lastmod>2026-12-02T08:00:00Z</lastmod><news:news><news:publication>"
        "<news:name>The Example Times</news:name><news:language>en</news:language>"
        "</news:publication><news:publication_date>2026-12-02T07:59:00Z"
        "</news:publication_date><news:title>{title}</news:title>"
        "<news:keywords>harbour, festival, city council, budget</news:keywords></news:news>"
        "<image:image><image:loc>https://img.news.example/{i}/large.jpg</image:loc>"
        "<image:caption>{caption}</image:caption></image:image></url>\n"
    )
    title = "Harbour festival draws record crowds as the council debates next year's budget"
    caption = "Crowds on the quay at dusk, seen from the old lighthouse. " * 6
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset'
        ' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
    ]
    parts += [entry.format(i=i, title=title, caption=caption) for i in range(ENTRIES)]
    parts.append("</urlset>\n")
    return "".join(parts).encode()


def run(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True
    )
    import json

    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    body = news_sitemap()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "sitemap.xml"
        plain.write_bytes(body)
        packed = Path(folder) / "sitemap.xml.gz"
        packed.write_bytes(gzip.compress(body))
        for label, path, held in (
            ("sitemap.xml", plain, len(body)),
            ("sitemap.xml.gz", packed, packed.stat().st_size + len(body)),
        ):
            runs = [run(path) for _ in range(args.repeats)]
            assert all(r["pages"] == ENTRIES for r in runs), runs
            seconds = statistics.median(r["seconds"] for r in runs)
            grown = statistics.median(r["grown_kib"] for r in runs) * 1024
            rows.append(
                f"| {label} | {path.stat().st_size / 1e6:.1f} MB | {ENTRIES:,} | "
                f"{seconds:.2f} s | {grown / 1e6:.1f} MB | {(grown - held) / 1e6:+.1f} MB |"
            )
    table = "\n".join(
        [
            "| file | size | URLs | parse time | peak RSS above start | beyond the bytes held |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    print(table)
    if args.write:
        args.write.write_text(
            "# Sources benchmark (bench/sources.py)\n\n"
            f"Median of {args.repeats} runs, each in a fresh process.\n\n{table}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
