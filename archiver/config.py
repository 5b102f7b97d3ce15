"""Read and check ``config.toml``. Key names are part of the contract (DESIGN.md).

Every problem is reported as ``ConfigError("FILE: [section] key: expected …, got …")``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigError
from .small_files import NotReadable, read_small_file, why_unreadable
from .urls import url_problem

DEFAULT_USER_AGENT = "archiver/0.1 (+https://github.com/archiver/archiver)"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


MAX_CONCURRENCY = 256  # threads of one run; thousands fail to start on a small machine
MAX_DURATION = 100 * 365 * 86400.0  # past this, a time it is added to leaves the calendar
MAX_TIMEOUT = 86400.0  # a request's overall deadline is 3 × it: a thread must be able to wait
MAX_CONFIG_BYTES = 1_000_000
MIN_INTERVAL = 0.1  # a worker job every millisecond only queues behind itself, logging each
MAX_BYTES = 10**15  # a size past this is a typo, and overflows C sizes once added to


def parse_duration(value: str | int | float) -> float:
    """``"90s"``, ``"15m"``, ``"6h"``, ``"1d"`` (or a number of seconds) → seconds: at
    least 0, at most ``MAX_DURATION`` (not infinite, not NaN)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(value)
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if not 0 <= seconds <= MAX_DURATION:  # NaN fails both
        raise ValueError(value)
    return seconds


class FetchConfig(NamedTuple):
    """The ``[fetch]`` section: how articles, feeds and posts are requested."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    concurrency: int = 8
    per_host_delay: float = 1.0
    retries: int = 3
    max_redirects: int = 10
    allow_private_redirects: bool = False  # from a public address to a private one


class SnapshotConfig(NamedTuple):
    """The ``[snapshot]`` section: where posts are fetched from, and how often re-checked."""

    providers: tuple[str, ...] = ("syndication", "oembed")
    syndication_url: str = "https://cdn.syndication.twimg.com/tweet-result"
    oembed_url: str = "https://publish.twitter.com/oembed"
    recheck: tuple[float, ...] = (3600.0, 21600.0, 86400.0, 604800.0, 2592000.0)
    wayback_url: str = "https://web.archive.org"
    wayback: str = "when-gone"  # when-gone | always | never: when to look for earlier captures
    media: str = "all"  # all | photos | none: which media of a live post are kept
    max_media_bytes: int = 50_000_000


class ServeConfig(NamedTuple):
    """The ``[serve]`` section."""

    base_url: str = "http://127.0.0.1:8001"  # where Datasette serves the archive (TimeMaps)


class TimestampConfig(NamedTuple):
    """The ``[timestamp]`` section: RFC 3161 time-stamps of the evidence."""

    tsa_url: str | None = None  # an RFC 3161 time-stamping authority; none: no timestamps
    ca_file: str | None = None  # the TSA's trust anchor (PEM), for ``archive verify``
    interval: float = 86400.0  # how often the worker timestamps the new evidence


class WorkerConfig(NamedTuple):
    """The ``[worker]`` section: the daemon's intervals and limits."""

    poll_interval: float = 900.0
    scan_interval: float = 60.0
    snapshot_interval: float = 60.0
    rescan: tuple[float, ...] = (3600.0, 21600.0, 86400.0, 259200.0)
    # Feeds and sitemaps: 50 MB by the sitemap protocol, after decompression.
    max_source_bytes: int = 50_000_000
    # Child sitemaps requested per poll of one source (the rest wait for the next poll).
    sitemap_children_per_poll: int = 100


class Source(NamedTuple):
    """One ``[[sources]]`` entry: a feed, sitemap or URL list the worker polls."""

    name: str
    type: str
    url: str | None = None
    path: str | None = None
    poll_interval: float | None = None


class Config(NamedTuple):
    """The whole configuration: the defaults, overridden by the config file's keys."""

    db: str = "archive.db"
    warc_dir: str | None = None  # default: <db stem>-warc beside the db
    warc_max_bytes: int = 1_000_000_000  # a WARC file is rolled once it passes this
    evidence: bool = True  # False: hashes only, no WARC records (and no media)
    include_links: bool = False
    fetch: FetchConfig = FetchConfig()
    snapshot: SnapshotConfig = SnapshotConfig()
    worker: WorkerConfig = WorkerConfig()
    serve: ServeConfig = ServeConfig()
    timestamp: TimestampConfig = TimestampConfig()
    sources: tuple[Source, ...] = ()
    path: str | None = None


def _did_you_mean(name: str, known: list[str]) -> str:
    import difflib  # only for an unknown key: kept out of every command's start-up

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Reader:
    """Typed access to one TOML table, naming file, section and key in every error.

    It remembers the keys it was asked for, so ``check_unknown`` can reject the rest: a key
    is known exactly when the parser reads it.
    """

    def __init__(self, file: str, section: str, table: Any) -> None:
        if not isinstance(table, dict):
            raise ConfigError(f"{file}: [{section}]: expected a table, got {type(table).__name__}")
        self.file, self.section, self.table = file, section, table
        self.known: list[str] = []

    def fail(self, key: str, expected: str, default: Any = None) -> ConfigError:
        """The error of a bad value; ``default``: the value used when the key is absent. A key
        required and absent is said to be missing (it read "got None")."""
        if key not in self.table and default is None:
            return ConfigError(
                f"{self.file}: [{self.section}] {key}: missing (expected {expected})"
            )
        got = self.table.get(key, default)
        return ConfigError(f"{self.file}: [{self.section}] {key}: expected {expected}, got {got!r}")

    def check_unknown(self) -> None:
        for key in self.table:
            if key not in self.known:
                hint = _did_you_mean(key, self.known)
                raise ConfigError(f"{self.file}: [{self.section}] {key}: unknown key{hint}")

    def get(self, key: str, kind: type, default: Any, expected: str) -> Any:
        self.known.append(key)
        if key not in self.table:
            return default
        value = self.table[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(key, expected)
        if not isinstance(value, kind) or (isinstance(value, str) and "\0" in value):
            raise self.fail(key, expected)  # a NUL: no path, URL or header holds one
        return value

    def path(self, key: str, default: str, expected: str) -> str:
        """A path, never empty (an empty one would name the current directory)."""
        value = self.optional_path(key, expected, default)
        assert value is not None  # the default is one
        return value

    def optional_path(self, key: str, expected: str, default: str | None = None) -> str | None:
        """A path or nothing; never empty nor blank (read as unset, an empty one was
        silently the default; a blank one, a directory named by spaces, is a slip)."""
        value = self.get(key, str, default, expected)
        if value is not None and not value.strip():
            raise self.fail(key, expected)
        return str(value) if value is not None else None

    def positive_int(self, key: str, default: int, at_most: int = MAX_BYTES) -> int:
        expected = f"a positive whole number ≤ {at_most}"
        value = self.get(key, int, default, expected)
        if not 1 <= value <= at_most:
            raise self.fail(key, expected)
        return int(value)

    def whole_number(self, key: str, default: int) -> int:
        """An int that may be 0 (``retries``)."""
        value = self.get(key, int, default, "a whole number ≥ 0")
        if value < 0:
            raise self.fail(key, "a whole number ≥ 0")
        return int(value)

    def duration(
        self,
        key: str,
        default: float,
        *,
        zero_ok: bool = False,
        at_least: float = 0.0,
        at_most: float = MAX_DURATION,
    ) -> float:
        """A duration string or number of seconds; > 0 unless ``zero_ok``, and within
        ``at_least`` and ``at_most``."""
        self.known.append(key)
        if key not in self.table:
            return default
        bound = "≥ 0" if zero_ok else f"≥ {at_least:g}s" if at_least else "> 0"
        bound += f" and ≤ {at_most:g}s" if at_most < MAX_DURATION else ""
        expected = f'a duration {bound} such as "90s", "15m", "6h" or "1d"'
        try:
            seconds = parse_duration(self.table[key])
        except ValueError:
            raise self.fail(key, expected) from None
        if (seconds == 0 and not zero_ok) or not at_least <= seconds <= at_most:
            raise self.fail(key, expected)
        return seconds

    def interval(self, key: str, default: float) -> float:
        """How often a worker job runs: at least ``MIN_INTERVAL``."""
        return self.duration(key, default, at_least=MIN_INTERVAL)

    def optional_interval(self, key: str) -> float | None:
        if key not in self.table:
            self.known.append(key)
            return None
        return self.interval(key, 0.0)

    def durations(self, key: str, default: tuple[float, ...]) -> tuple[float, ...]:
        self.known.append(key)
        if key not in self.table:
            return default
        value = self.table[key]
        expected = 'a non-empty list of durations > 0 such as ["1h", "1d"]'
        if not isinstance(value, list) or not value:
            raise self.fail(key, expected)
        try:
            steps = tuple(parse_duration(item) for item in value)
        except ValueError:
            raise self.fail(key, expected) from None
        if min(steps) <= 0:
            raise self.fail(key, expected)
        return steps

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        expected = " or ".join(f'"{c}"' for c in choices)
        value = self.get(key, str, default, expected)
        if value not in choices:
            raise self.fail(key, expected)
        return str(value)

    def url(self, key: str, default: str) -> str:
        value = self.get(key, str, default, "an http(s) URL")
        if not _is_web_url(value):
            raise self.fail(key, "an http(s) URL")
        return value

    def optional_url(self, key: str) -> str | None:
        if key not in self.table:
            self.known.append(key)
            return None
        return self.url(key, "")


def _is_web_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and url_problem(value) is None


def load_config(path: str | Path | None = None) -> Config:
    """Load ``path``; without one, ``./config.toml`` when it exists, else the defaults."""
    if path is None:
        if not Path("config.toml").is_file():
            return Config()
        path = "config.toml"
    import tomllib  # only with a file to read: 3 ms of start-up otherwise

    file = str(path)
    try:
        # A byte-order mark (Windows Notepad writes one) is not part of the TOML.
        data = tomllib.loads(read_small_file(path, MAX_CONFIG_BYTES).decode("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except (OSError, NotReadable) as exc:
        raise ConfigError(f"{file}: cannot read config file ({why_unreadable(exc)})") from None
    except UnicodeDecodeError as exc:
        where = f"byte {exc.object[exc.start]:#04x} at offset {exc.start}"
        raise ConfigError(f"{file}: not valid TOML (not UTF-8 text: {where})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from None
    except RecursionError:  # tomllib reads each level of nesting by a call of its own
        raise ConfigError(f"{file}: not valid TOML (nested too deeply)") from None
    return parse_config(data, file)


class _Sections:
    """The config's top-level tables; a section is known exactly when the parser reads it."""

    def __init__(self, file: str, data: dict[str, Any]) -> None:
        self.file, self.data = file, data
        self.readers: dict[str, _Reader] = {}

    def __getitem__(self, name: str) -> _Reader:
        if name not in self.readers:
            self.readers[name] = _Reader(self.file, name, self.data.get(name, {}))
        return self.readers[name]

    def check_unknown(self, also_known: tuple[str, ...] = ()) -> None:
        known = [*self.readers, *also_known]
        for name, value in self.data.items():
            if name in known:
                continue
            if not isinstance(value, dict | list):  # ``db = …`` above every [section]
                home = next((r.section for r in self.readers.values() if name in r.known), None)
                hint = f" (did you mean [{home}] {name}?)" if home else ""
                raise ConfigError(f"{self.file}: {name}: a key outside any [section]{hint}")
            hint = _did_you_mean(name, known)
            raise ConfigError(f"{self.file}: [{name}]: unknown section{hint}")
        for reader in self.readers.values():
            reader.check_unknown()


def parse_config(data: dict[str, Any], file: str = "config.toml") -> Config:
    """Check ``data`` (a parsed TOML document) against the known sections, keys and values."""
    sections, base = _Sections(file, data), Config()
    config = Config(
        db=sections["archive"].path("db", base.db, "a file path"),
        warc_dir=sections["archive"].optional_path("warc_dir", "a directory path"),
        warc_max_bytes=sections["archive"].positive_int("warc_max_bytes", base.warc_max_bytes),
        evidence=sections["archive"].get("evidence", bool, True, "true or false"),
        include_links=sections["scan"].get("include_links", bool, False, "true or false"),
        fetch=_fetch_config(sections["fetch"]),
        snapshot=_snapshot_config(sections["snapshot"]),
        worker=_worker_config(sections["worker"]),
        serve=ServeConfig(base_url=sections["serve"].url("base_url", base.serve.base_url)),
        timestamp=_timestamp_config(sections["timestamp"]),
        sources=_sources(file, data.get("sources", [])),
        path=file,
    )
    sections.check_unknown(also_known=("sources",))
    return config


def _user_agent(fetch: _Reader, default: str) -> str:
    """A header value: printable ASCII, one line (else every request fails, naming no
    setting: ``café bot`` cannot be encoded)."""
    expected = "a one-line string of printable ASCII"
    value = fetch.get("user_agent", str, default, expected)
    if not value.strip() or not value.isprintable() or not value.isascii():
        raise fetch.fail("user_agent", expected)
    return value


def _fetch_config(fetch: _Reader) -> FetchConfig:
    base = FetchConfig()
    return FetchConfig(
        user_agent=_user_agent(fetch, base.user_agent),
        timeout=fetch.duration("timeout", base.timeout, at_most=MAX_TIMEOUT),
        max_bytes=fetch.positive_int("max_bytes", base.max_bytes),
        concurrency=fetch.positive_int("concurrency", base.concurrency, MAX_CONCURRENCY),
        per_host_delay=fetch.duration("per_host_delay", base.per_host_delay, zero_ok=True),
        retries=fetch.whole_number("retries", base.retries),
        max_redirects=fetch.positive_int("max_redirects", base.max_redirects),
        allow_private_redirects=fetch.get(
            "allow_private_redirects", bool, base.allow_private_redirects, "true or false"
        ),
    )


def _snapshot_config(snap: _Reader) -> SnapshotConfig:
    base = SnapshotConfig()
    providers = snap.get("providers", list, list(base.providers), "a list of providers")
    if not providers or any(p not in ("syndication", "oembed") for p in providers):
        raise snap.fail("providers", 'a non-empty list of "syndication" and/or "oembed"')
    return SnapshotConfig(
        providers=tuple(providers),
        syndication_url=snap.url("syndication_url", base.syndication_url),
        oembed_url=snap.url("oembed_url", base.oembed_url),
        recheck=snap.durations("recheck", base.recheck),
        wayback_url=snap.url("wayback_url", base.wayback_url),
        wayback=snap.choice("wayback", base.wayback, ("when-gone", "always", "never")),
        media=snap.choice("media", base.media, ("all", "photos", "none")),
        max_media_bytes=snap.positive_int("max_media_bytes", base.max_media_bytes),
    )


def _timestamp_config(stamp: _Reader) -> TimestampConfig:
    base = TimestampConfig()
    return TimestampConfig(
        tsa_url=stamp.optional_url("tsa_url"),
        ca_file=stamp.optional_path("ca_file", "a file path"),
        interval=stamp.interval("interval", base.interval),
    )


def _worker_config(work: _Reader) -> WorkerConfig:
    base = WorkerConfig()
    return WorkerConfig(
        poll_interval=work.interval("poll_interval", base.poll_interval),
        scan_interval=work.interval("scan_interval", base.scan_interval),
        snapshot_interval=work.interval("snapshot_interval", base.snapshot_interval),
        rescan=work.durations("rescan", base.rescan),
        max_source_bytes=work.positive_int("max_source_bytes", base.max_source_bytes),
        sitemap_children_per_poll=work.positive_int(
            "sitemap_children_per_poll", base.sitemap_children_per_poll
        ),
    )


def _sources(file: str, items: Any) -> tuple[Source, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{file}: [[sources]]: expected an array of tables")
    sources: list[Source] = []
    for number, item in enumerate(items, 1):
        reader = _Reader(file, f"sources #{number}", item)
        kind = reader.get("type", str, None, '"feed", "sitemap" or "urls"')
        if kind not in ("feed", "sitemap", "urls"):
            raise reader.fail("type", '"feed", "sitemap" or "urls"')
        name = reader.get("name", str, f"{kind}-{number}", "a string")
        if not name or name in {source.name for source in sources}:  # the key of its state
            raise reader.fail("name", "a name no other source has", name)
        url = reader.get("url", str, None, "an http(s) URL")
        path = reader.optional_path("path", "a file path")
        if kind == "urls" and not (path or url):
            raise reader.fail("path", "a file path or a url for a urls source")
        if path is not None and (kind != "urls" or url is not None):
            # The path won over the url (a feed's was read nowhere): one of them was a slip.
            wanted = "no path beside a url" if kind == "urls" else f"none in a {kind} source"
            raise reader.fail("path", f"{wanted} (a urls source reads a path or a url)")
        if (kind != "urls" or url is not None) and not (url and _is_web_url(url)):
            raise reader.fail("url", "an http(s) URL")
        interval = reader.optional_interval("poll_interval")
        reader.check_unknown()
        sources.append(Source(name, kind, url, path, interval))
    return tuple(sources)
