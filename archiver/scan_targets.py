"""What ``archive scan`` is asked to scan: its arguments and URL list expanded into targets
(URLs, page files, WARC files, standard input), in order and lazily, each problem an
``error`` target of its own so the rest of the batch still runs.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple, cast
from urllib.parse import urlsplit

from .page_read import SNIFF_BYTES, page_suffix
from .urls import (
    URL_EDGES,
    WEB_URL_RE,
    article_url,
    file_url_path,
    find_status,
    served_by_x,
    url_problem,
    without_password,
)
from .warc_input import is_warc_path

# A directory's files scanned as pages: by these suffixes, gzip-compressed too (a name
# ending ``.html.gz``: ``page_suffix``).
FILE_SUFFIXES = frozenset(
    {".html", ".htm", ".txt", ".md", ".xhtml", ".markdown"}
    | {".mhtml", ".mht", ".eml", ".webarchive"}  # pages saved as one file (``saved_pages``)
)
PAGE_SUFFIXES = FILE_SUFFIXES - {".txt"}  # names no URL list is given


class Target(NamedTuple):
    """One thing to scan: ``kind`` is url, file, warc, stdin, or error (``value`` is the
    message). A warc target stands for its file, then for each page read from it."""

    kind: str
    value: str
    label: str
    real_path: str | None = None  # files found in a directory walk: already resolved
    source: str | None = "cli"  # URLs: where the URL came from (``articles.source``)
    # Set by the worker for an article due in its queue: save it with its next scan time.
    reschedule: bool = False
    next_scan_at: str | None = None


def iter_targets(
    arguments: Iterable[str], urls_file: str | None = None, left_out: set[str] | None = None
) -> Iterator[Target]:
    """Expand the command-line targets in order, then the URL list's lines (read lazily, a
    line at a time); problems come out as ``error`` targets. The files of saved pages'
    folders a directory's walk leaves out are added to ``left_out``."""
    for item in arguments:
        yield from _expand(item, left_out)
    if urls_file:
        yield from _url_list(urls_file, left_out)


def once_per_run(targets: Iterable[Target], seen: set[str]) -> Iterator[Target]:
    """The targets without a file, WARC file or article met before (in ``seen``): a file by
    its resolved path (one named inside a directory given and on its own, or by two paths
    or a symlink), a URL by the article it names (``urls.article_url``: tracking parameters
    and fragment aside, the identity its scan is saved under), each scanned once per run,
    where it first comes. ``seen`` is shared by the arguments and the URL list."""
    for target in targets:
        key = _identity(target)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        yield target


def _identity(target: Target) -> str | None:
    if target.kind in ("file", "warc"):
        return "file " + (target.real_path or os.path.realpath(target.value))
    if target.kind == "url":
        return "url " + article_url(target.value)
    return None


def _url_list(path: str, left_out: set[str] | None = None) -> Iterator[Target]:
    """One target per line of a URL list (UTF-8, a byte-order mark allowed; lines end in LF,
    CRLF or CR alone); blank lines and ``#`` comments are skipped. A line that is not UTF-8
    is a failed target of its own: the others are scanned."""
    try:
        with open(path, "rb", buffering=SNIFF_BYTES) as handle:
            head = cast(io.BufferedReader, handle).peek(SNIFF_BYTES)[:SNIFF_BYTES]  # one read
            if b"\x00" in head:
                # A gzipped list, a WARC named by mistake: its "lines" would be targets,
                # and one that reads "/" would scan the whole file system.
                yield Target("error", "binary file, not a URL list (UTF-8 text)", path)
                return
            lines = (part for raw in handle for part in _line_end(raw).split(b"\r"))
            for number, raw in enumerate(lines, 1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
                except UnicodeDecodeError as exc:
                    byte = f"byte {raw[exc.start]:#04x}"
                    yield Target("error", f"line {number} is not UTF-8 text ({byte})", path)
                    continue
                if line and not line.startswith("#"):
                    yield from _expand(
                        line, left_out
                    )  # never raises OSError: its targets fail alone
    except OSError as exc:
        yield Target("error", f"cannot read URL list ({(exc.strerror or str(exc)).lower()})", path)


def url_list_note(target: Target) -> str | None:
    """For a file named as a target that holds nothing but web addresses, one a line (the
    list ``--urls-file`` reads, named without it), what to do instead: it is scanned as the
    text it is, which finds no embed and fetches none of its pages. Only a regular file's
    first 8 KB are read: a pipe's bytes are the scan's."""
    if target.kind != "file" or target.real_path is not None:  # found in a directory
        return None
    if page_suffix(target.value) in PAGE_SUFFIXES:  # not opened twice: no list
        return None
    try:
        if not stat.S_ISREG(os.stat(target.value).st_mode):
            return None
        with open(target.value, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    lines = head.decode("utf-8-sig", "replace").splitlines()
    if len(head) == SNIFF_BYTES:
        lines = lines[:-1]  # the last may be cut
    entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not entries or not all(WEB_URL_RE.match(e) and len(e.split()) == 1 for e in entries):
        return None
    return (
        f"{target.label}: only URLs, one a line: scanned as one text;"
        f" --urls-file {target.label} scans the pages it lists"
    )


def _line_end(raw: bytes) -> bytes:
    """A line without its LF, CRLF or final CR."""
    raw = raw[:-1] if raw.endswith(b"\n") else raw
    return raw[:-1] if raw.endswith(b"\r") else raw


def _expand(item: str, left_out: set[str] | None = None) -> Iterator[Target]:
    if item == "-":
        yield Target("stdin", "-", "<stdin>")
        return
    if not item.strip():  # an unset shell variable; Path("") would be the current directory
        yield Target("error", "empty target (no file, directory or URL)", item)
        return
    if _is_file_url(item):  # as the archive lists a file's page
        item, problem = _file_url_path(item)
        if problem:
            yield Target("error", problem, item)
            return
    if "://" in item:
        url = item.strip(URL_EDGES)  # a pasted address's spaces: fetched without them
        scheme = url.split("://", 1)[0].lower()
        label = without_password(item)  # shown so; the address is fetched with it
        if scheme in ("http", "https"):
            problem = url_problem(url) or _x_page(url)
            yield Target("error", problem, label) if problem else Target("url", url, label)
        else:
            yield Target("error", f"unsupported URL scheme '{scheme}' (only http and https)", label)
        return
    is_dir, problem = _look_at(item)
    if problem:
        yield Target("error", problem, item)
    elif is_dir:
        unreadable: list[tuple[str, OSError]] = []
        files = page_files(item, unreadable, left_out)
        for directory, exc in unreadable:
            yield Target("error", f"cannot read directory ({exc.strerror or exc})", directory)
        if not files and not unreadable:
            yield Target("error", "no page or WARC files in this directory", item)
        for name, real in files:
            yield (
                Target("warc", name, name)
                if is_warc_path(name)
                else Target("file", name, name, real)
            )
    else:
        yield Target("warc" if is_warc_path(item) else "file", str(Path(item)), item)


def _x_page(url: str) -> str | None:
    """Why an address on X's own hosts is no article to scan (its page shows posts and
    embeds none; fetching it would only store an empty article), or None for any other."""
    if not served_by_x(url):
        return None
    if find_status(url):
        return "a post on X, not an article (archive snapshot checks a post)"
    return "a page of X itself, not an article (X's pages embed no posts)"


def _is_file_url(item: str) -> bool:
    """``file:///path``, ``file://host/path`` or ``file:/path`` (RFC 8089's form with no
    authority, which Python's and WHATWG's URL parsers read as ``file:///path``)."""
    return item.strip(URL_EDGES)[:6].lower() == "file:/"


def _file_url_path(url: str) -> tuple[str, str | None]:
    """The local path a ``file://`` URL names (as ``archive scan`` keys a file, its name's
    bytes escaped), or the URL and why it names none here."""
    path = file_url_path(url.strip(URL_EDGES))
    if path is None:
        host = urlsplit(url.strip(URL_EDGES)).netloc
        return url, f"a file URL on another host ({host}): give its path here"
    if not path:  # ``file://$DIR`` with DIR unset: "" would be no path, or the cwd
        return url, "a file URL with no path"
    return path, None


def _look_at(item: str) -> tuple[bool, str | None]:
    """Whether a local path is a directory, and why it cannot be scanned (None: it can):
    missing, a directory without access on its way, a loop of symlinks, a name too long."""
    try:
        return stat.S_ISDIR(os.stat(item).st_mode), None
    except (FileNotFoundError, NotADirectoryError):
        return False, "no such file or directory" + _scheme_hint(item)
    except PermissionError:
        return False, "permission denied"
    except OSError as exc:
        return False, f"cannot read ({exc.strerror or exc})"
    except ValueError:  # a NUL byte, from a URL list: no path holds one
        return False, "no such file or directory"


# A host name (with a dot) or IPv4 address, then a port or a path: ``www.bbc.co.uk``,
# ``example.com/news/a``, ``127.0.0.1:8000/a``, ``localhost:8000/a``. A file name alone
# (``story.html``) is not one.
# A host before a path: a name whose last label is a top-level domain's (letters, or an
# IDN's ``xn--``; a directory such as ``backup.2024/`` is none), or an IPv4 address.
LOOKS_LIKE_HOST = re.compile(
    r"(?:www\.[^/\s]+"
    r"|(?:[\w-]+\.)+(?:[^\W\d_]{2,}|xn--[\w-]+)(?::[0-9]+)?/.*"
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]+)?/.*"
    r"|[\w.-]+:[0-9]+(?:/.*)?)"
)


def _scheme_hint(item: str) -> str:
    """For a missing path that reads as an address without its scheme, what it lacks."""
    if item.strip(URL_EDGES)[:5].lower() == "file:":  # file:notes.txt: no absolute path
        return " (a file URL names an absolute path: file:///path or file:/path)"
    return " (a URL needs http:// or https://)" if LOOKS_LIKE_HOST.fullmatch(item) else ""


def page_files(
    directory: str,
    unreadable: list[tuple[str, OSError]] | None = None,
    left_out: set[str] | None = None,
) -> list[tuple[str, str]]:
    """(path, resolved path) of every page or WARC file below a directory, in path order;
    each directory that cannot be listed is added to ``unreadable``, with its error.

    The directory is resolved once: symlinked directories are not followed, so only a
    symlinked file needs resolving of its own (``realpath`` per file costs an ``lstat`` per
    path component, as much as reading a small page).
    """
    return list(iter_page_files(directory, unreadable, left_out))


def iter_page_files(
    directory: str,
    unreadable: list[tuple[str, OSError]] | None = None,
    left_out: set[str] | None = None,
) -> Iterator[tuple[str, str]]:
    """``page_files``, one at a time. A page saved complete is one article: the files of
    its ``STEM_files`` folder beside ``STEM.html`` (or ``.htm``) are not scanned as pages of
    their own (its frames are read with the page); their paths are added to ``left_out``.
    The folder named itself is walked (the check is of a directory's subfolders)."""
    stack = [(directory, os.path.realpath(directory))]
    while stack:
        path, real = stack.pop()
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError as exc:
            if unreadable is not None:
                unreadable.append((path, exc))
            continue
        kinds = [(entry, _entry_kind(entry)) for entry in entries]
        folders = _saved_page_folders(kinds)
        subdirs = []
        for entry, kind in kinds:
            if kind == "dir" and entry.name in folders:
                if left_out is not None:
                    left_out.update(name for name, _ in iter_page_files(entry.path, None, left_out))
            elif kind == "dir":
                subdirs.append((entry.path, os.path.join(real, entry.name)))
            elif kind == "page":
                resolved = os.path.join(real, entry.name)
                if entry.is_symlink():
                    resolved = os.path.realpath(entry.path)
                yield entry.path, resolved
        stack.extend(reversed(subdirs))


FILES_FOLDER = "_files"  # Chrome's and Firefox's "Web Page, complete": STEM_files/


def _saved_page_folders(kinds: list[tuple[os.DirEntry[str], str | None]]) -> set[str]:
    """The ``STEM_files`` folders of a directory with their page ``STEM.html`` beside."""
    stems = set()
    for entry, kind in kinds:
        stem, suffix = os.path.splitext(entry.name)
        if kind == "page" and suffix.lower() in (".html", ".htm"):
            stems.add(stem + FILES_FOLDER)
    return {entry.name for entry, kind in kinds if kind == "dir" and entry.name in stems}


def _entry_kind(entry: os.DirEntry[str]) -> str | None:
    """``dir`` for a directory (a symlinked one is not followed, as os.walk does), ``page``
    for a regular page or WARC file (not a named pipe or device: reading one may never
    end), else None. A symlink that cannot be followed (a loop, a target without access)
    with a page's name is a ``page``: reading it fails, one line naming it."""
    wanted = page_suffix(entry.name) in FILE_SUFFIXES or is_warc_path(entry.name)
    try:
        if entry.is_dir(follow_symlinks=False):
            return "dir"
        if entry.is_symlink() and entry.is_dir():
            return None
        return "page" if wanted and entry.is_file() else None
    except OSError:
        return "page" if wanted else None
