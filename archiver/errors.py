"""The exceptions archiver raises.

    ArchiverError
    ├── ConfigError        a config file that is missing, unreadable or wrong
    ├── TargetError        a scan target that cannot be read (missing, binary, empty…)
    ├── FetchError         an HTTP fetch that failed (keeps url and status_code)
    │   ├── ContentTypeError   the server answered with something that is not a page
    │   └── StoppedError       the run was stopped before the answer came
    ├── DatabaseError      the archive file cannot be opened or written
    ├── WorkerRunningError another ``archive worker`` already runs on the archive
    └── SourceError        a feed, sitemap or URL list that cannot be read
        ├── SourceFormatError   empty, an HTML page, not a feed or sitemap, truncated
        └── SourceTooLargeError past ``[worker] max_source_bytes``

Every message is one line that names what failed and why, so the CLI can print it as is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from .evidence.warc import HttpCapture


def one_line(value: object) -> str:
    """``value`` as text on one line (a parser's message may quote the lines it stopped in)."""
    return " ".join(str(value).split())


class ArchiverError(Exception):
    """Base class: catch this to handle every expected failure."""


class ConfigError(ArchiverError):
    """The configuration file is invalid."""


class TargetError(ArchiverError):
    """A scan target cannot be used."""


class FetchError(ArchiverError):
    """An HTTP request failed."""

    def __init__(self, message: str, *, url: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status_code = status_code
        # What was served on the way before the failure, kept as evidence: the redirects
        # answered (their bodies read), and a scan's pages whose meta refresh led here.
        self.redirects: tuple[httpx.Response, ...] = ()
        self.refreshed_from: tuple[HttpCapture, ...] = ()


class ContentTypeError(FetchError):
    """The response is not HTML or text."""


class StoppedError(FetchError):
    """``Http.stop`` was called (Ctrl-C, a worker shutdown) before the answer came."""


class DatabaseError(ArchiverError):
    """The SQLite archive cannot be opened or written."""


class WorkerRunningError(ArchiverError):
    """Another ``archive worker`` holds the archive's worker lock."""


class ScanWorkerDiedError(ArchiverError):
    """A worker process of a scan ended before handing its pages back (killed, out of
    memory): what was stored before stays, the scan does not go on."""


class SourceError(ArchiverError):
    """A feed, sitemap or URL list cannot be read (the message names it and why)."""


class SourceFormatError(SourceError):
    """A source's body is not what it should be: empty, an HTML page, not a feed or sitemap."""


class SourceTooLargeError(SourceError):
    """A source's body (after decompression) is larger than ``[worker] max_source_bytes``."""
