"""The SQLite archive: every SQL statement of archiver lives in this package.

- ``schema``: tables, views, full-text search and migrations, declared as data;
- ``connection``: opening the file (WAL, busy timeout, foreign keys) and transactions;
- ``group``: grouped commits of all-or-nothing items;
- ``articles``, ``posts``, ``daemon``, ``records``, ``sitemaps``: the writes and reads of each part;
- ``queries``: read-only questions for the CLI.

Each article (and each post check) is saved all-or-nothing: in its own ``BEGIN IMMEDIATE``
transaction, or as a savepoint inside a small group committed together (``GroupWriter``).
A crash leaves an article with all of its embeds or none, and concurrent writers queue on
the busy timeout instead of failing.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .articles import (
    due_articles,
    enqueue_articles,
    save_crawl_scans,
    save_scan,
    scan_writer,
)
from .connection import (
    Archive,
    OpenArchive,
    archive_path,
    open_archive,
    open_database,
    transaction,
)
from .group import GroupWriter

if TYPE_CHECKING:
    from .daemon import (
        SourceRow,
        WorkerRun,
        beat_worker_run,
        forget_moved_source,
        latest_worker_run,
        load_source_state,
        save_source_state,
        start_worker_run,
    )
    from .posts import check_writer, due_posts, posts_to_check, save_check
    from .queries import PostLine, most_embedded_posts, stats
    from .sitemaps import load_sitemap_children, record_listing

# The parts a scan does not use are imported on first use (a one-file scan is mostly its
# imports): name -> module.
_LATER = {
    **dict.fromkeys(
        [
            "SourceRow",
            "WorkerRun",
            "beat_worker_run",
            "forget_moved_source",
            "latest_worker_run",
            "load_source_state",
            "save_source_state",
            "start_worker_run",
        ],
        "daemon",
    ),
    **dict.fromkeys(["check_writer", "due_posts", "posts_to_check", "save_check"], "posts"),
    **dict.fromkeys(["PostLine", "most_embedded_posts", "stats"], "queries"),
    **dict.fromkeys(["load_sitemap_children", "record_listing"], "sitemaps"),
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Archive",
    "GroupWriter",
    "OpenArchive",
    "PostLine",
    "SourceRow",
    "WorkerRun",
    "archive_path",
    "beat_worker_run",
    "check_writer",
    "due_articles",
    "due_posts",
    "enqueue_articles",
    "forget_moved_source",
    "latest_worker_run",
    "load_sitemap_children",
    "load_source_state",
    "most_embedded_posts",
    "open_archive",
    "open_database",
    "posts_to_check",
    "record_listing",
    "save_check",
    "save_crawl_scans",
    "save_scan",
    "save_source_state",
    "scan_writer",
    "start_worker_run",
    "stats",
    "transaction",
]
