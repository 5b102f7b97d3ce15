"""One worker per archive: an OS file lock beside the archive file.

The lock is ``flock`` on ``<archive>.worker.lock``, which the kernel releases when the
process ends however it ends (kill -9 included), so a crashed worker never blocks a
restart. The file holds the holder's pid and host, to name it in the error.
"""

from __future__ import annotations

import fcntl
import os
import socket
import stat
from pathlib import Path

from .errors import DatabaseError, WorkerRunningError


class WorkerLock:
    """Held for the life of an ``archive worker`` process."""

    def __init__(self, archive: str | Path) -> None:
        self.path = Path(f"{archive}.worker.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise ``WorkerRunningError`` naming the running worker
        (``DatabaseError`` when the lock file cannot be opened at all)."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseError(
                f"{self.path}: cannot open the worker's lock file ({exc.strerror or exc})"
            ) from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # it could not be truncated nor hold a pid
            os.close(fd)
            raise DatabaseError(
                f"{self.path}: cannot use the worker's lock file (not a regular file: a pipe"
                " or a device)"
            )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "unknown process"
            os.close(fd)
            raise WorkerRunningError(
                f"another archive worker is running on this archive ({holder});"
                f" stop it first (lock file: {self.path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> WorkerLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
