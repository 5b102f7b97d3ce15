"""Strict configuration: unknown sections and keys, and out-of-range values, are errors."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.config import Config, load_config, parse_config
from archiver.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def error_of(text: str, tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


def test_the_sample_config_is_valid_and_at_the_defaults():
    config = load_config(REPO / "config.toml")
    defaults = Config()
    assert config.fetch.timeout == defaults.fetch.timeout
    assert config.snapshot == defaults.snapshot
    assert config.worker == defaults.worker
    assert config.serve == defaults.serve
    assert config.fetch._replace(user_agent="") == defaults.fetch._replace(user_agent="")


def test_the_sample_config_shows_every_key():
    """It says it has every key at its default; ``[fetch] max_redirects`` was missing."""
    from archiver.config import FetchConfig, SnapshotConfig, TimestampConfig, WorkerConfig

    text = (REPO / "config.toml").read_text(encoding="utf-8")
    sections = {
        "archive": ("db", "warc_dir", "warc_max_bytes", "evidence"),
        "scan": ("include_links",),
        "fetch": FetchConfig._fields,
        "snapshot": SnapshotConfig._fields,
        "serve": ("base_url",),
        "timestamp": TimestampConfig._fields,
        "worker": WorkerConfig._fields,
    }
    for section, keys in sections.items():
        body = text.split(f"\n[{section}]\n", 1)[1].split("\n[", 1)[0]
        for key in keys:
            assert re.search(rf"(?m)^(# )?{key} = ", body), f"[{section}] {key}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[fetch]\nper_host_dealy = '2s'\n",
            "[fetch] per_host_dealy: unknown key (did you mean 'per_host_delay'?)",
        ),
        ("[fecth]\ntimeout = '5s'\n", "[fecth]: unknown section (did you mean 'fetch'?)"),
        (
            "[worker]\nrescan_ladder = ['1h']\n",
            "[worker] rescan_ladder: unknown key (did you mean 'rescan'?)",
        ),
        ("[nonsense]\n", "[nonsense]: unknown section"),
        (
            "[[sources]]\ntype = 'feed'\nurl = 'https://a.example/rss'\nintervall = '1h'\n",
            "[sources #1] intervall: unknown key",
        ),
    ],
)
def test_unknown_names_are_errors_with_a_suggestion(text, expected, tmp_path):
    assert error_of(text, tmp_path).startswith(expected)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[fetch]\ntimeout = '0s'\n", "[fetch] timeout: expected a duration > 0"),
        ("[fetch]\ntimeout = 0\n", "[fetch] timeout: expected a duration > 0"),
        ("[fetch]\ntimeout = '-5s'\n", "[fetch] timeout: expected a duration > 0"),
        ("[fetch]\ntimeout = inf\n", "[fetch] timeout: expected a duration > 0"),
        ("[fetch]\ntimeout = nan\n", "[fetch] timeout: expected a duration > 0"),
        ("[fetch]\ntimeout = '99999999999999d'\n", "[fetch] timeout: expected a duration"),
        ("[fetch]\nper_host_delay = nan\n", "[fetch] per_host_delay: expected a duration"),
        ("[fetch]\nper_host_delay = 1e300\n", "[fetch] per_host_delay: expected a duration"),
        ("[fetch]\nconcurrency = 0\n", "[fetch] concurrency: expected a positive whole number"),
        (
            "[fetch]\nconcurrency = 257\n",
            "[fetch] concurrency: expected a positive whole number ≤ 256, got 257",
        ),
        ("[fetch]\nmax_bytes = -1\n", "[fetch] max_bytes: expected a positive whole number"),
        ("[fetch]\nretries = -1\n", "[fetch] retries: expected a whole number ≥ 0"),
        ("[fetch]\nretries = 1.5\n", "[fetch] retries: expected a whole number ≥ 0"),
        ("[worker]\nscan_interval = '0m'\n", "[worker] scan_interval: expected a duration ≥ 0.1s"),
        ("[worker]\nrescan = ['1h', '0s']\n", "[worker] rescan: expected a non-empty list"),
        ("[snapshot]\nrecheck = []\n", "[snapshot] recheck: expected a non-empty list"),
        (
            "[worker]\nmax_source_bytes = 0\n",
            "[worker] max_source_bytes: expected a positive whole number",
        ),
        (
            "[worker]\nsitemap_children_per_poll = '10'\n",
            "[worker] sitemap_children_per_poll: expected a positive whole number",
        ),
        (
            "[snapshot]\noembed_url = 'ftp://x.example/'\n",
            "[snapshot] oembed_url: expected an http(s) URL",
        ),
        (
            "[[sources]]\ntype = 'sitemap'\nurl = 'file:///etc/passwd'\n",
            "[sources #1] url: expected an http(s) URL",
        ),
        (
            "[[sources]]\ntype = 'feed'\nurl = 'http://[::1/feed'\n",
            "[sources #1] url: expected an http(s) URL",
        ),
        (
            "[snapshot]\nwayback_url = 'https://web.archive.org:99999'\n",
            "[snapshot] wayback_url: expected an http(s) URL",
        ),
        (
            "[[sources]]\ntype = 'feed'\nurl = 'https://a.example/'\npoll_interval = '0s'\n",
            "[sources #1] poll_interval: expected a duration ≥ 0.1s",
        ),
        ("[scan]\ninclude_links = 'yes'\n", "[scan] include_links: expected true or false"),
        ('[fetch]\nuser_agent = "a\\nb"\n', "[fetch] user_agent: expected a one-line string"),
        ("[fetch]\nuser_agent = ''\n", "[fetch] user_agent: expected a one-line string"),
        ("[archive]\ndb = ''\n", "[archive] db: expected a file path, got ''"),
        # An empty path was read as unset: the default, without a word.
        ("[archive]\nwarc_dir = ''\n", "[archive] warc_dir: expected a directory path, got ''"),
        ("[timestamp]\nca_file = ''\n", "[timestamp] ca_file: expected a file path, got ''"),
        # A blank one was a directory or file named by spaces, beside the current directory.
        ("[archive]\nwarc_dir = ' '\n", "[archive] warc_dir: expected a directory path, got ' '"),
        ('[archive]\nwarc_dir = "\\t\\n"\n', "[archive] warc_dir: expected a directory path"),
        ("[archive]\ndb = '  '\n", "[archive] db: expected a file path, got '  '"),
        ("[timestamp]\nca_file = ' '\n", "[timestamp] ca_file: expected a file path, got ' '"),
        (
            "[[sources]]\ntype = 'urls'\npath = ' '\n",
            "[sources #1] path: expected a file path, got ' '",
        ),
        # Each of these loaded, then failed in a traceback (or a dead deadline thread):
        ('[fetch]\nuser_agent = "café bot"\n', "[fetch] user_agent: expected a one-line string of"),
        ("[timestamp]\ninterval = '10ms'\n", "[timestamp] interval: expected a duration ≥ 0.1s"),
        ('[archive]\ndb = "a\\u0000b.db"\n', "[archive] db: expected a file path, got"),
        (
            '[[sources]]\ntype = "urls"\npath = "a\\u0000b"\n',
            "[sources #1] path: expected a file path",
        ),
        (
            "[worker]\nmax_source_bytes = 9223372036854775807\n",
            "[worker] max_source_bytes: expected a positive whole number ≤ 1000000000000000",
        ),
        (
            "[fetch]\ntimeout = '36500d'\n",
            '[fetch] timeout: expected a duration > 0 and ≤ 86400s such as "90s"',
        ),
        ("[worker]\npoll_interval = '1ms'\n", "[worker] poll_interval: expected a duration ≥ 0.1s"),
        ("db = 'x.db'\n", "db: a key outside any [section] (did you mean [archive] db?)"),
        (
            "[[sources]]\nname = 'feed-2'\ntype = 'feed'\nurl = 'https://a.example/'\n"
            "[[sources]]\ntype = 'feed'\nurl = 'https://b.example/'\n",
            "[sources #2] name: expected a name no other source has, got 'feed-2'",  # its own
        ),
        # URLs that loaded and then failed at each poll:
        ("[[sources]]\ntype = 'feed'\nurl = 'http:///feed.xml'\n", "[sources #1] url: expected"),
        ("[[sources]]\ntype = 'feed'\nurl = 'http://a b.example/'\n", "[sources #1] url: expected"),
        (
            '[[sources]]\ntype = "feed"\nurl = "http://a.example/\\t"\n',
            "[sources #1] url: expected",
        ),
        ("[[sources]]\ntype = 'urls'\nurl = 'file:///etc/passwd'\n", "[sources #1] url: expected"),
        ("[[sources]]\ntype = 'urls'\nurl = 'not a url'\n", "[sources #1] url: expected"),
        (
            "[[sources]]\nname = 'news'\ntype = 'feed'\nurl = 'https://a.example/rss'\n"
            "[[sources]]\nname = 'news'\ntype = 'sitemap'\nurl = 'https://a.example/sm.xml'\n",
            "[sources #2] name: expected a name no other source has, got 'news'",
        ),
        (
            "[[sources]]\nname = ''\ntype = 'feed'\nurl = 'https://a.example/rss'\n",
            "[sources #1] name: expected a name no other source has, got ''",
        ),
        # A required key left out read "got None":
        ("[[sources]]\nname = 'a'\n", '[sources #1] type: missing (expected "feed", "sitemap"'),
        ("[[sources]]\ntype = 'feed'\n", "[sources #1] url: missing (expected an http(s) URL)"),
        (
            "[[sources]]\ntype = 'urls'\n",
            "[sources #1] path: missing (expected a file path or a url for a urls source)",
        ),
        # Both read, one silently unused (a urls source read its path, a feed never one):
        (
            "[[sources]]\ntype = 'urls'\npath = 'u.txt'\nurl = 'https://a.example/u.txt'\n",
            "[sources #1] path: expected no path beside a url (a urls source reads a path or",
        ),
        (
            "[[sources]]\ntype = 'feed'\npath = 'u.txt'\nurl = 'https://a.example/rss'\n",
            "[sources #1] path: expected none in a feed source (a urls source reads a path or",
        ),
    ],
)
def test_values_out_of_range_are_errors(text, where, tmp_path):
    assert error_of(text, tmp_path).startswith(where)


def test_zero_per_host_delay_is_allowed():
    assert parse_config({"fetch": {"per_host_delay": "0s"}}).fetch.per_host_delay == 0.0


def test_a_bad_key_stops_the_cli_with_exit_2_and_one_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[fetch]\nper_host_dealy = '2s'\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "stats",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "a.db"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {config}: [fetch] per_host_dealy: unknown key (did you mean 'per_host_delay'?)"
    ]
    assert not (tmp_path / "a.db").exists()  # nothing was created or touched


@pytest.mark.parametrize("blank", ["", " ", "  \t"])
def test_a_blank_warc_dir_stops_a_scan_with_the_line_of_an_empty_one(tmp_path, blank):
    """Before, ``warc_dir = " "`` was a directory named by a space, made beside the archive."""
    (tmp_path / "config.toml").write_text(f'[archive]\nwarc_dir = "{blank}"\n', "utf-8")
    (tmp_path / "page.html").write_text("<p>nothing embedded</p>", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "archiver", "scan", "page.html", "--db", "a.db"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"Error: config.toml: [archive] warc_dir: expected a directory path, got {blank!r}"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["config.toml", "page.html"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[snapshot]\nwayback = 'sometimes'\n", '[snapshot] wayback: expected "when-gone" or'),
        ("[snapshot]\nwayback_url = 'web.archive.org'\n", "[snapshot] wayback_url: expected an"),
        ("[serve]\nbase = 'http://x'\n", "[serve] base: unknown key (did you mean 'base_url'?)"),
        ("[timestamp]\ntsa = 'http://x'\n", "[timestamp] tsa: unknown key (did you mean"),
        ("[timestamp]\ntsa_url = 'ftp://tsa'\n", "[timestamp] tsa_url: expected an http(s) URL"),
        ("[timestamp]\ninterval = '0s'\n", "[timestamp] interval: expected a duration ≥ 0.1s"),
        ("[timestamp]\nca_file = 3\n", "[timestamp] ca_file: expected a file path"),
    ],
)
def test_provenance_keys_are_checked(tmp_path, text, expected):
    assert error_of(text, tmp_path).startswith(expected)


def test_provenance_keys_are_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[snapshot]\nwayback = 'always'\nwayback_url = 'http://127.0.0.1:9/'\n"
        "[serve]\nbase_url = 'https://archive.example'\n"
        "[timestamp]\ntsa_url = 'http://127.0.0.1:9/tsr'\nca_file = 'tsa.pem'\ninterval = '12h'\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert (config.snapshot.wayback, config.snapshot.wayback_url) == (
        "always",
        "http://127.0.0.1:9/",
    )
    assert config.serve.base_url == "https://archive.example"
    assert config.timestamp.tsa_url == "http://127.0.0.1:9/tsr"
    assert (config.timestamp.ca_file, config.timestamp.interval) == ("tsa.pem", 43200.0)
    assert Config().timestamp.tsa_url is None  # no timestamps unless an authority is named


def test_source_limits_are_read():
    worker = parse_config(
        {"worker": {"max_source_bytes": 1_000, "sitemap_children_per_poll": 7}}
    ).worker
    assert (worker.max_source_bytes, worker.sitemap_children_per_poll) == (1_000, 7)


def test_concurrency_up_to_its_bound_loads(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[fetch]\nconcurrency = 256\n", encoding="utf-8")
    assert load_config(path).fetch.concurrency == 256


def test_a_config_saved_with_a_byte_order_mark_loads(tmp_path):
    """Windows Notepad starts a UTF-8 file with one; tomllib reads it as a bad statement."""
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[fetch]\ntimeout = 7\n")
    assert load_config(path).fetch.timeout == 7


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe[\x00", "not valid TOML (not UTF-8 text: byte 0xff at offset 0)"),
        (None, "cannot read config file (is a directory)"),
        # tomllib reads nesting by recursion: a RecursionError traceback, not one line
        (b"a = " + b"[" * 100_000 + b"]" * 100_000, "not valid TOML (nested too deeply)"),
        (b"a = " + b"{b = " * 50_000 + b"1" + b"}" * 50_000, "not valid TOML (nested too deeply)"),
    ],
    ids=["utf-16", "a-directory", "deep-arrays", "deep-inline-tables"],
)
def test_a_config_that_cannot_be_read_says_why_in_words(tmp_path, content, expected):
    path = tmp_path / "config.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == f"{path}: {expected}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_config_that_is_a_pipe_or_a_device_is_refused_at_once(tmp_path):
    """A named pipe blocked the command for ever; /dev/zero filled the memory."""
    pipe = tmp_path / "config.toml"
    os.mkfifo(pipe)
    for path in (pipe, Path("/dev/zero")):
        with pytest.raises(ConfigError) as raised:
            load_config(path)
        assert str(raised.value) == (
            f"{path}: cannot read config file (not a regular file (a pipe or a device))"
        )
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 1_000_000 + b"\n")
    with pytest.raises(ConfigError, match=r"larger than 1,000,000 bytes"):
        load_config(big)


def test_relative_paths_are_relative_to_the_directory_the_command_runs_in(httpserver, tmp_path):
    """``db``, ``warc_dir`` and a ``urls`` source's file, written relative in a config kept
    elsewhere, name files under the command's working directory, not under the config's."""
    from pages import embed_page

    httpserver.expect_request("/story").respond_with_data(embed_page(), content_type="text/html")
    conf, run = tmp_path / "conf", tmp_path / "run"
    for directory in (conf, run, conf / "data", run / "data"):
        directory.mkdir()
    (run / "urls.txt").write_text(httpserver.url_for("/story") + "\n", encoding="utf-8")
    (conf / "urls.txt").write_text("", encoding="utf-8")  # the wrong one: lists nothing
    config = conf / "config.toml"
    config.write_text(
        '[archive]\ndb = "data/archive.db"\nwarc_dir = "data/warc"\n'
        '[fetch]\nretries = 0\nper_host_delay = "0s"\n'
        '[snapshot]\nsyndication_url = "http://127.0.0.1:1/"\noembed_url = "http://127.0.0.1:1/"\n'
        'wayback = "never"\n'
        '[[sources]]\nname = "list"\ntype = "urls"\npath = "urls.txt"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "worker", "--once", "--config", str(config)],
        cwd=run,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (conf / "data").iterdir()) == []
    assert list((run / "data" / "warc").glob("*.warc.gz"))  # the page, kept as evidence
    with sqlite3.connect(run / "data" / "archive.db") as db:
        assert db.execute("select urls_seen, last_error from source_state").fetchall() == [
            (1, None)
        ]
        assert db.execute("select count(*) from embeds").fetchone() == (1,)
    db.close()


def test_the_defaults_the_readme_states_are_the_defaults():
    """Each default the documentation gives, in its words, is the one a config without the
    key gets."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    readme = " ".join(" ".join(page.read_text(encoding="utf-8").split()) for page in pages)
    hour, day = 3600.0, 86400.0
    defaults = Config()
    stated = {
        "(default 1h, 6h, 1d, 7d, 30d, then every 30 days;": (
            defaults.snapshot.recheck,
            (hour, 6 * hour, day, 7 * day, 30 * day),
        ),
        "re-scans each article 1h, 6h, 1d and 3d after it was first seen": (
            defaults.worker.rescan,
            (hour, 6 * hour, day, 3 * day),
        ),
        "| `[worker] max_source_bytes` | 50 MB |": (defaults.worker.max_source_bytes, 50_000_000),
        "| `[worker] sitemap_children_per_poll` | 100 |": (
            defaults.worker.sitemap_children_per_poll,
            100,
        ),
        "| `[fetch] per_host_delay` | 1 s |": (defaults.fetch.per_host_delay, 1.0),
        "| `[fetch] timeout` | 20 s |": (defaults.fetch.timeout, 20.0),
        "rolled at `[archive] warc_max_bytes` (1 GB)": (
            defaults.warc_max_bytes,
            1_000_000_000,
        ),
        "at most `[snapshot] max_media_bytes`, 50 MB": (
            defaults.snapshot.max_media_bytes,
            50_000_000,
        ),
        '(`[snapshot] wayback = "when-gone"`, the default;': (
            defaults.snapshot.wayback,
            "when-gone",
        ),
        "every [timestamp] interval (default 1d)": (defaults.timestamp.interval, day),
        "default `http://127.0.0.1:8001`": (defaults.serve.base_url, "http://127.0.0.1:8001"),
    }
    for words, (value, expected) in stated.items():
        assert words in readme, words
        assert value == expected, words
