"""A run's lookups of hosts' addresses for the private-address check (``archiver.inward``):
each host looked up once (a bounded cache), each lookup within a deadline, and a wait for
one given up as soon as the run is asked to stop.

``getaddrinfo`` blocks in C and nothing interrupts it, so each lookup runs in a daemon
thread and whoever needs its answer waits for the answer, the deadline or a stop, whichever
comes first; a lookup given up is left to end on its own, and its host is not asked again.
"""

from __future__ import annotations

import threading

from . import inward

#: Hosts whose answers a run keeps (the oldest goes first): a provider's media sit on a
#: few hosts, so this bounds memory without asking any of them twice in practice.
MAX_HOSTS = 4096


class LookupUnanswered(Exception):
    """No answer came within the deadline, or the run stopped while one was awaited."""


class _Lookup:
    __slots__ = ("addresses", "done", "given_up")

    def __init__(self) -> None:
        self.addresses: list[inward.Address] = []
        self.done = False
        self.given_up = False  # a wait for it ran out: later ones do not wait again


class HostLookups:
    """``inward.Resolve`` for one run: cached, within ``seconds``, ended by ``stopped``."""

    def __init__(self, seconds: float, stopped: threading.Event) -> None:
        self.seconds = seconds
        self._stopped = stopped
        self._known: dict[str, _Lookup] = {}
        self._changed = threading.Condition()

    def __call__(self, host: str) -> list[inward.Address]:
        with self._changed:
            lookup = self._known.get(host)
            if lookup is None and not self._stopped.is_set():
                lookup = self._start(host)
            if lookup is not None and not lookup.given_up:
                self._changed.wait_for(lambda: lookup.done or self._stopped.is_set(), self.seconds)
            if lookup is not None and lookup.done:
                return lookup.addresses
            if self._stopped.is_set():
                raise LookupUnanswered(f"stopped while looking up {host}")
            assert lookup is not None
            lookup.given_up = True
        raise LookupUnanswered(f"looking up {host} gave no answer within {self.seconds:g}s")

    def wake(self) -> None:
        """Have every wait look at the stop event again (``Http.stop`` calls this)."""
        with self._changed:
            self._changed.notify_all()

    def _start(self, host: str) -> _Lookup:
        if len(self._known) >= MAX_HOSTS:
            del self._known[next(iter(self._known))]
        lookup = self._known[host] = _Lookup()
        thread = threading.Thread(target=self._run, args=(host, lookup), name="host-lookup")
        thread.daemon = True
        thread.start()
        return lookup

    def _run(self, host: str, lookup: _Lookup) -> None:
        addresses: list[inward.Address] = []
        try:
            addresses = inward.resolved(host)
        finally:
            with self._changed:
                lookup.addresses = addresses
                lookup.done = True
                self._changed.notify_all()
