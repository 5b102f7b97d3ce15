"""Convert the real pages of ../shared/corpus/real to text with the converters readers use
(run by ``make converted-check`` in a venv of their own, not the project's).

Writes ``OUT/<converter>/<page>.txt`` for each HTML page that has embeds in SOURCES.tsv.
A converter that is not installed (a Python package, a command such as ``lynx``, or Node's
``@mozilla/readability`` with ``jsdom`` in ``$READABILITY_JS_DIR``'s ``node_modules``) is
skipped with a line saying so.
Usage: python scripts/convert_pages.py CORPUS_DIR OUT_DIR
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

Convert = Callable[[str], str]

# Mozilla Readability as Firefox's reader view runs it: the article's ``textContent``.
READABILITY_JS = """
const {JSDOM} = require("jsdom");
const {Readability} = require("@mozilla/readability");
let page = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { page += chunk; });
process.stdin.on("end", () => {
  const article = new Readability(new JSDOM(page).window.document).parse();
  process.stdout.write(article && article.textContent ? article.textContent : "");
});
"""


def _markdown_converters() -> dict[str, Convert]:
    import html2text
    import markdownify

    def html2text_markdown(page: str) -> str:
        converter = html2text.HTML2Text()
        converter.body_width = 0  # one line per paragraph (its default wraps at 78)
        return converter.handle(page)

    return {"html2text": html2text_markdown, "markdownify": markdownify.markdownify}


def _inscriptis() -> dict[str, Convert]:
    import inscriptis

    return {"inscriptis": inscriptis.get_text}


def _trafilatura() -> dict[str, Convert]:
    import trafilatura

    def trafilatura_as(form: str, links: bool) -> Convert:
        options = {"output_format": form, "include_links": links}
        return lambda page: trafilatura.extract(page, **options) or ""

    return {
        "trafilatura-txt": trafilatura_as("txt", links=False),
        "trafilatura-markdown": trafilatura_as("markdown", links=True),
    }


def _readability_lxml() -> dict[str, Convert]:
    import lxml.html
    from readability import Document

    def summary_text(page: str) -> str:
        """readability-lxml's article, its HTML's text as a DOM's ``text_content`` gives it."""
        return str(lxml.html.fromstring(Document(page).summary()).text_content())

    return {"readability-lxml": summary_text}


def _newspaper() -> dict[str, Convert]:
    import newspaper

    def article_text(page: str) -> str:
        article = newspaper.Article("https://example.org/")
        article.download(input_html=page)
        article.parse()
        return str(article.text)

    return {"newspaper4k": article_text}


def _goose() -> dict[str, Convert]:
    from goose3 import Goose

    goose = Goose()
    return {"goose3": lambda page: str(goose.extract(raw_html=page).cleaned_text)}


def _boilerpy() -> dict[str, Convert]:
    from boilerpy3 import extractors

    article = extractors.ArticleExtractor(raise_on_failure=False)
    return {"boilerpy3": lambda page: str(article.get_content(page))}


def _justext() -> dict[str, Convert]:
    import justext

    def good_paragraphs(page: str) -> str:
        """jusText without a language's stoplist (the corpus is in several languages)."""
        paragraphs = justext.justext(page.encode(), frozenset(), stopwords_low=0, stopwords_high=0)
        return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return {"justext": good_paragraphs}


def _html_text() -> dict[str, Convert]:
    import html_text

    return {"html-text": html_text.extract_text}


def _resiliparse() -> dict[str, Convert]:
    from resiliparse.extract.html2text import extract_plain_text

    return {
        "resiliparse": extract_plain_text,
        "resiliparse-main": lambda page: extract_plain_text(page, main_content=True),
    }


def _command(argv: list[str], cwd: Path | None = None) -> Convert:
    """A command that reads the page on its input and writes its text."""

    def run(page: str) -> str:
        done = subprocess.run(argv, input=page.encode(), capture_output=True, cwd=cwd, check=True)
        return done.stdout.decode("utf-8", "replace")

    return run


def _commands() -> dict[str, Convert]:
    """Text browsers and pandoc, as run with their defaults (lines wrapped at ~80)."""
    found = {
        "lynx-dump": ["lynx", "-dump", "-stdin", "-assume_charset=utf-8", "-display_charset=utf-8"],
        "w3m-dump": ["w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"],
        "pandoc-plain": ["pandoc", "-f", "html", "-t", "plain"],
        "pandoc-markdown": ["pandoc", "-f", "html", "-t", "markdown"],
    }
    return {name: _command(argv) for name, argv in found.items() if shutil.which(argv[0])}


def _readability_js() -> dict[str, Convert]:
    folder = Path(os.environ.get("READABILITY_JS_DIR", "."))
    modules = [folder / "node_modules" / name for name in ("jsdom", "@mozilla/readability")]
    if not shutil.which("node") or not all(m.is_dir() for m in modules):
        raise ImportError(f"node with jsdom and @mozilla/readability in {folder}/node_modules")
    return {"readability-js": _command(["node", "-e", READABILITY_JS], cwd=folder)}


SOURCES = [
    _markdown_converters,
    _inscriptis,
    _trafilatura,
    _readability_lxml,
    _readability_js,
    _newspaper,
    _goose,
    _boilerpy,
    _justext,
    _html_text,
    _resiliparse,
    _commands,
]


def converters() -> dict[str, Convert]:
    """The converters installed, by name: each takes a page's HTML and returns its text."""
    found: dict[str, Convert] = {}
    for source in SOURCES:
        try:
            found.update(source())
        except ImportError as error:
            print(f"skipped {source.__name__.strip('_')}: not installed ({error})")
    return found


def _converted(name: str, convert: Convert, page: Path) -> str:
    """The page's text, or none when the converter fails on it (said in a line)."""
    try:
        return convert(page.read_bytes().decode("utf-8", "replace"))
    except Exception as error:  # a converter's own failure, told and passed over
        print(f"{name} failed on {page.name}: {type(error).__name__}: {error}")
        return ""


def main(corpus: Path, out: Path) -> int:
    warnings.filterwarnings("ignore")  # the converters' own complaints about odd markup
    rows = csv.DictReader((corpus / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")
    pages = [corpus / r["file"] for r in rows if r["file"].endswith(".html") and r["embedded_ids"]]
    found = converters()
    for name, convert in found.items():
        (out / name).mkdir(parents=True, exist_ok=True)
        for page in pages:
            text = _converted(name, convert, page)
            (out / name / f"{page.stem}.txt").write_text(text, encoding="utf-8")
    print(f"{len(pages)} pages converted by {len(found)} converters into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
