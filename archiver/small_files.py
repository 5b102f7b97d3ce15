"""Reading a small file that must be a regular one (a config file, a worker's URL list).

A named pipe blocks its reader until a writer comes, for ever if none does, and a device
such as ``/dev/zero`` never ends: such a path is refused before it is opened, and a file is
read up to a limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotReadable(ValueError):
    """Why a path cannot be read as a small regular file (the message is the reason)."""


def read_small_file(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them. Raises
    ``FileNotFoundError`` and the other ``OSError``\\ s of ``open``, and ``NotReadable``."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise NotReadable("is a directory")
    if not stat.S_ISREG(mode):
        raise NotReadable("not a regular file (a pipe or a device)")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotReadable(f"larger than {limit:,} bytes")
    return data


def why_unreadable(exc: OSError | NotReadable) -> str:
    """The reason in words, lower-case (``no such file or directory``, not ``[Errno 2] …``)."""
    reason = str(exc) if isinstance(exc, NotReadable) else exc.strerror or str(exc)
    return reason.lower()
