"""The README documents every command, and every command has help with an example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


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
    """The README's "How we know" counts the cases of ``tests/reliability/``: a case added
    there and not here makes it say less than is tested, or, a case removed, more."""
    from reliability import test_hostile_network as network
    from reliability import test_hostile_providers as providers

    said = " ".join(README.split())
    # The bad answers, and those that only look bad; not the plain page they are set against.
    behaviours = len(network.CASES) + len(network.GOOD_CASES) - ("/good" in network.GOOD_CASES)
    assert f", {behaviours} hostile HTTP behaviours" in said
    assert f", {2 * len(providers.CASES)} hostile provider replies" in said  # two providers each


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
    """The README's `archive timemap` example, run after `make demo`, prints a TimeMap: it
    named a post no archive holds, so copied as it stands it failed."""
    block = README.split("### TimeMaps", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    command = block.split()
    assert command[:2] == [".venv/bin/archive", "timemap"]
    monkeypatch.chdir(Path(__file__).parents[1])
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "examples/articles", "--db", db]).exit_code == 0
    shown = runner.invoke(cli, [*command[1:], "--db", db])
    assert shown.exit_code == 0, shown.output
    assert 'rel="original"' in shown.output


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
