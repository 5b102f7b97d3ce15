"""The README documents every command, every command has help with an example, and the
documentation's links lead somewhere: the README and its chapters in ``docs/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli

REPO = Path(__file__).parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
CHAPTERS = sorted((REPO / "docs").glob("*.md"))
# The README and every chapter, for what the documentation says wherever it says it.
DOCS = "\n".join([README, *(path.read_text(encoding="utf-8") for path in CHAPTERS)])


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_documented_with_example(name):
    assert f"archive {name}" in README
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_quick_start_is_two_commands():
    section = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in section.strip().splitlines()] == [
        "make demo",
        "make test",
    ]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_the_hostile_case_counts_in_the_readme_are_the_suites():
    """*What the archive guarantees* (``docs/guarantees.md``) counts the cases of
    ``tests/reliability/``: a case added there and not here makes it say less than is
    tested, or, a case removed, more."""
    from reliability import test_hostile_network as network
    from reliability import test_hostile_providers as providers

    said = " ".join(DOCS.split())
    # The bad answers, and those that only look bad; not the plain page they are set against.
    behaviours = len(network.CASES) + len(network.GOOD_CASES) - ("/good" in network.GOOD_CASES)
    assert f", {behaviours} hostile HTTP behaviours" in said
    assert f", {2 * len(providers.CASES)} hostile provider replies" in said  # two providers each


def test_the_kill_and_text_counts_in_the_guarantees_are_the_suites():
    """The kill -9 the reliability tests are sure to inject (the scan's loop until it has
    enough, the worker's fewest, and one more), those of a run where each worker round is
    killed, and the hostile texts: the listed ones and the generated examples."""
    from reliability import test_hostile_content as content
    from reliability import test_machine_faults as faults

    said = " ".join(DOCS.split())
    fewest = faults.SCAN_KILLS + faults.WORKER_KILLS + 1
    typical = faults.SCAN_KILLS + faults.WORKER_ROUNDS + 1
    assert f"injects at least {fewest} kill -9 ({typical} in a typical run:" in said
    assert f"and {len(content.HOSTILE_TEXTS) + content.TEXT_EXAMPLES} hostile texts" in said


def test_the_map_of_the_code_names_every_module():
    """Development's "Where the code is" names each module and package of ``archiver/``: a
    module added or split out (scan.py and http.py were) and left out of it is code the map
    does not show."""
    import re

    section = README.split("| stage | modules |", 1)[1].split("```", 1)[0]
    named = set(re.findall(r"`([\w.]+/?)`", section))
    package = Path(__file__).parents[1] / "archiver"
    modules = {p.name for p in package.glob("*.py") if not p.name.startswith("__")}
    packages = {f"{p.name}/" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert sorted((modules | packages) - named) == []


@pytest.mark.parametrize("name", ["scan", "crawl"])
def test_the_help_names_every_kind_of_web_archive_read(name):
    """ARC files were read by both (and the README said so) but missing from their help."""
    from archiver.warc_input import ARC_SUFFIXES, WARC_SUFFIXES

    help_text = CliRunner().invoke(cli, [name, "--help"]).output
    named = set(re.findall(r"\.[a-z]+(?:\.gz)?", help_text))
    assert {*WARC_SUFFIXES, *ARC_SUFFIXES, ".wacz"} <= named


def test_the_quick_start_output_is_what_make_demo_prints(tmp_path, monkeypatch):
    """Every line the README shows of ``make demo`` (``…`` stands for lines left out) is a
    line the two commands print, blanks and all (an embed with no text ended in two)."""
    block = README.split("`make demo` prints", 1)[1].split("```\n", 1)[1].split("```", 1)[0]
    shown = [line for line in block.splitlines() if line.strip() != "…"]
    monkeypatch.chdir(Path(__file__).parents[1])
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    scanned = runner.invoke(cli, ["scan", "examples/articles", "--db", db])
    stats = runner.invoke(cli, ["stats", "--db", db])
    assert scanned.exit_code == stats.exit_code == 0, scanned.output + stats.output
    printed = (scanned.output + stats.output).splitlines()
    assert [line for line in shown if line not in printed] == []


def test_the_timemap_example_names_a_post_of_the_demo(tmp_path, monkeypatch):
    """The `archive timemap` example (*Snapshots*, ``docs/snapshots.md``), run after
    `make demo`, prints a TimeMap: it named a post no archive holds, so copied as it stands
    it failed."""
    snapshots = (REPO / "docs" / "snapshots.md").read_text(encoding="utf-8")
    block = snapshots.split("## TimeMaps", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    command = block.split()
    assert command[:2] == [".venv/bin/archive", "timemap"]
    monkeypatch.chdir(Path(__file__).parents[1])
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "examples/articles", "--db", db]).exit_code == 0
    shown = runner.invoke(cli, [*command[1:], "--db", db])
    assert shown.exit_code == 0, shown.output
    assert 'rel="original"' in shown.output


def test_the_evidence_walk_through_runs_offline_as_written(tmp_path, monkeypatch):
    """*Evidence*'s offline block: ``make demo`` (its scan) makes both example articles
    records, ``archive verify`` passes, and the export is a WACZ py-wacz validates."""
    import sqlite3

    from test_wacz import validate

    evidence = (REPO / "docs" / "evidence.md").read_text(encoding="utf-8")
    block = evidence.split("Offline, on the bundled examples:", 1)[1].split("```sh", 1)[1]
    commands = [line.split("#")[0].split() for line in block.split("```", 1)[0].splitlines()]
    assert [c for c in commands if c] == [
        ["make", "demo"],
        [".venv/bin/archive", "verify"],
        [".venv/bin/archive", "export", "--wacz", "demo.wacz"],
    ]
    monkeypatch.chdir(REPO)
    db, out = str(tmp_path / "archive.db"), tmp_path / "demo.wacz"
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "examples/articles", "--db", db]).exit_code == 0
    with sqlite3.connect(db) as conn:
        kept = conn.execute("select count(distinct target_uri) from records").fetchone()[0]
    assert kept == len(list((REPO / "examples" / "articles").iterdir())) == 2
    verified = runner.invoke(cli, ["verify", "--db", db])
    assert verified.exit_code == 0 and "checked: OK" in verified.output, verified.output
    assert runner.invoke(cli, ["export", "--wacz", str(out), "--db", db]).exit_code == 0
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("name", "option", "says"),
    [("scan", "--urls-file", "paths"), ("export", "--post", "text: ID")],
)
def test_an_options_help_says_what_the_readme_says_it_takes(name, option, says):
    """`--urls-file` lists paths as well as URLs, and `export --post` takes the `text:` ID
    of a post known only from its text: the README said so, the help did not."""
    options = CliRunner().invoke(cli, [name, "--help"]).output.split("Options:", 1)[1]
    described = " ".join(options.split(f"  {option} ", 1)[1].split("\n  -", 1)[0].split())
    assert says in described


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(text: str) -> set[str]:
    """The anchors GitHub makes of a page's headings (lower case, punctuation dropped,
    spaces as hyphens), outside code blocks."""
    anchors, fenced = set(), False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and (heading := re.match(r"#{1,6} (.*)", line)):
            words = "".join(c for c in heading.group(1).lower() if c.isalnum() or c in " -_")
            anchors.add(words.replace(" ", "-"))
    return anchors


def _prose(text: str) -> str:
    """The text less its code blocks and code spans, where ``[tweet](URL)`` is an example."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize("page", [REPO / "README.md", *CHAPTERS], ids=lambda p: p.name)
def test_every_link_of_the_documentation_leads_somewhere(page):
    """A link to a file of the repository names one that exists, and a link to a heading
    names one that page has: moving a section to a chapter must move its links too."""
    broken = []
    for target in LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        if path and not re.search(r"\.\w+$|/$", path):
            continue  # an example's placeholder (`[TITLE](img)`, `[](URL)`), not a link
        linked = (page.parent / path).resolve() if path else page
        headings = (
            _anchors(linked.read_text(encoding="utf-8")) if anchor and linked.exists() else set()
        )
        if not linked.exists() or (anchor and anchor not in headings):
            broken.append(target)
    assert broken == []


# A statement as SQL starts it: a keyword and what must follow it (prose such as "Create an
# archive" or "Delete what killed tasks left" is no statement).
SQL_STATEMENT = re.compile(
    r"^\s*(select\s.+\sfrom\s|insert\s+(or\s+\w+\s+)?into\s|update\s+\w+\s+set\s|delete\s+from\s"
    r"|pragma\s+\w+|create\s+(table|index|view|trigger|virtual)\s|begin\s+immediate|with\s+\w+\s+as\s)",
    re.IGNORECASE | re.DOTALL,
)


def sql_outside(package: Path, homes: tuple[str, ...]) -> list[str]:
    """Each string of ``package``'s modules outside ``homes`` that starts an SQL statement."""
    import ast

    found = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] in homes:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and SQL_STATEMENT.match(text):
                found.append(f"{path.relative_to(package)}:{node.lineno}")
    return found


def test_sql_lives_in_the_db_package_and_the_datasette_plugin():
    """*The archive* (``docs/archive.md``): every SQL statement of the commands is in
    ``archiver/db/``; the Datasette plugin, run inside Datasette, holds its own queries."""
    package = REPO / "archiver"
    assert sql_outside(package, ("db", "datasette")) == []
    assert sql_outside(package, ("db",)), "the test finds no SQL where there is some"
    assert "archiver/db/" in DOCS and "archiver/datasette/" in " ".join(
        (REPO / "docs" / "archive.md").read_text(encoding="utf-8").split()
    )


def test_the_archive_chapter_names_every_table_view_and_column_it_lists(tmp_path):
    """*The archive*'s table has a row for each table of a new archive (its full-text and
    migration tables aside) and no other; each column a row names in backticks is one of
    that table's; its views are the archive's; its busy timeout is the one it is opened
    with (what *What the archive guarantees* gives as 30 s)."""
    from archiver.db import open_database

    text = (REPO / "docs" / "archive.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"(?m)^\| `(\w+)` \| (.+) \|$", text))
    db = open_database(tmp_path / "archive.db")
    try:
        tables = {
            name
            for (name,) in db.conn.execute("select name from sqlite_master where type = 'table'")
            if not name.startswith("_") and "_fts" not in name
        }
        assert set(listed) == tables
        for table, row in listed.items():
            columns = {info[1] for info in db.conn.execute(f"pragma table_info({table})")}
            named = set(re.findall(r"`([a-z_]+)`", row)) - {"warc_dir"}  # a config key
            assert named <= columns, (table, named - columns)
        views = {n for (n,) in db.conn.execute("select name from sqlite_master where type='view'")}
        said = " ".join(text.split())
        assert set(re.findall(r"`(post_\w+)`", said)) == views
        timeout_ms = db.conn.execute("pragma busy_timeout").fetchone()[0]
    finally:
        db.conn.close()
    assert f"busy timeout ({timeout_ms // 1000} s)" in " ".join(DOCS.split())
