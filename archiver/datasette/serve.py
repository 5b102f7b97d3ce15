"""``archive serve``: Datasette on a live archive, with the plugin.

Datasette opens a file that is not marked immutable with ``mode=ro`` for every read and never
writes without a write canned query or a write plugin (the archive has neither), so the worker
and one-off scans keep writing to the same WAL-mode file while it is browsed.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from ..errors import ArchiverError, DatabaseError
from ..small_files import NotReadable, read_small_file, why_unreadable

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
SETTINGS = {"sql_time_limit_ms": "3000", "facet_time_limit_ms": "500"}


def prepare_archive(path: str | Path) -> Path:
    """Check the archive exists and bring its schema up to date, writing nothing when it
    is (so an archive in a read-only directory is served, as the other reading commands
    read it).

    Raises ``DatabaseError`` when there is no archive at ``path``.
    """
    from ..db import open_archive

    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"{path}: no archive here (create one with archive scan or init)")
    open_archive(path, read_only=True).conn.close()
    return path


def register_plugin() -> None:
    """Register the plugin with Datasette unless its entry point already did."""
    from datasette.plugins import pm

    from . import plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, name="archiver")


def datasette_args(
    path: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    metadata: str | None = None,
) -> list[str]:
    """The ``datasette serve`` arguments for an archive. One in a directory this user
    cannot write, with no ``-wal`` file, is served as immutable: SQLite cannot make the
    ``-shm`` file it reads a WAL archive through there, so it could not be read at all
    (what another user's worker writes later shows after a restart)."""
    served = ["--immutable", str(path)] if _cannot_change(Path(path)) else [str(path)]
    args = ["serve", *served, "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    if metadata:
        args += ["--metadata", metadata]
    if open_browser:
        args.append("--open")
    return args


def serve(path: str | Path, **options) -> None:
    """Run Datasette on the archive until interrupted (options as for ``datasette_args``)."""
    from datasette.cli import cli as datasette_cli
    from datasette.plugins import pm

    from . import sigterm

    if options.get("metadata"):
        check_metadata(options["metadata"])
    path = prepare_archive(path)
    check_address(options.get("host", "127.0.0.1"), options.get("port", 8001))
    register_plugin()
    if not pm.is_registered(sigterm):
        pm.register(sigterm, name="archiver-serve-sigterm")
    hangup = signal.getsignal(signal.SIGHUP)  # the server's stop takes it meanwhile
    try:
        datasette_cli.main(
            args=datasette_args(path, **options), prog_name="datasette", standalone_mode=False
        )
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGHUP, hangup)


def _cannot_change(path: Path) -> bool:
    directory = path.parent
    return not os.access(directory, os.W_OK) and not Path(f"{path}-wal").exists()


MAX_METADATA_BYTES = 10_000_000  # Datasette's metadata: titles, descriptions, queries


def check_metadata(path: str) -> None:
    """Raise ``ArchiverError`` unless ``path`` holds Datasette metadata, a JSON or YAML
    mapping (Datasette reports a file it cannot parse in a traceback of hundreds of lines,
    and serves one that is a list, failing each page)."""
    from datasette.utils import BadMetadataError, parse_metadata

    try:  # /dev/zero filled the memory; a named pipe held the command for ever
        metadata = parse_metadata(read_small_file(path, MAX_METADATA_BYTES).decode("utf-8"))
    except (OSError, NotReadable) as exc:
        raise ArchiverError(f"{path}: cannot read ({why_unreadable(exc)})") from None
    except UnicodeDecodeError:
        raise ArchiverError(f"{path}: not UTF-8 text") from None
    except BadMetadataError:
        raise ArchiverError(f"{path}: not valid JSON or YAML") from None
    if metadata is not None and not isinstance(metadata, dict):
        raise ArchiverError(f"{path}: not a JSON object or YAML mapping of metadata")


def check_address(host: str, port: int) -> None:
    """Raise ``ArchiverError`` when ``host:port`` cannot be listened on (in use, an unknown
    host), before Datasette's server starts and logs it over several lines."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            probe.bind(address)
    except OSError as exc:
        raise ArchiverError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
