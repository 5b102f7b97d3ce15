"""Convert the real pages of ../shared/corpus/real to text with the converters readers use
(run by ``make converted-check`` in a venv of their own, not the project's).

Writes ``OUT/<converter>/<page>.txt`` for each HTML page that has embeds in SOURCES.tsv.
Usage: python scripts/convert_pages.py CORPUS_DIR OUT_DIR
"""

from __future__ import annotations

import csv
import sys
import warnings
from collections.abc import Callable
from pathlib import Path


def converters() -> dict[str, Callable[[str], str]]:
    """The converters, by name: each takes a page's HTML and returns its text."""
    import html2text
    import inscriptis
    import markdownify
    import trafilatura

    def html2text_markdown(page: str) -> str:
        converter = html2text.HTML2Text()
        converter.body_width = 0  # one line per paragraph (its default wraps at 78)
        return converter.handle(page)

    def trafilatura_as(form: str, links: bool) -> Callable[[str], str]:
        options = {"output_format": form, "include_links": links}
        return lambda page: trafilatura.extract(page, **options) or ""

    return {
        "html2text": html2text_markdown,
        "markdownify": markdownify.markdownify,
        "inscriptis": inscriptis.get_text,
        "trafilatura-txt": trafilatura_as("txt", links=False),
        "trafilatura-markdown": trafilatura_as("markdown", links=True),
    }


def main(corpus: Path, out: Path) -> int:
    warnings.filterwarnings("ignore")  # the converters' own complaints about odd markup
    rows = csv.DictReader((corpus / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")
    pages = [corpus / r["file"] for r in rows if r["file"].endswith(".html") and r["embedded_ids"]]
    for name, convert in converters().items():
        (out / name).mkdir(parents=True, exist_ok=True)
        for page in pages:
            text = convert(page.read_bytes().decode("utf-8", "replace"))
            (out / name / f"{page.stem}.txt").write_text(text, encoding="utf-8")
    print(f"{len(pages)} pages converted by {len(converters())} converters into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
