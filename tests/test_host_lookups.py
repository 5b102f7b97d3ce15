"""A run's lookups for the private-address check of media (``archiver.host_lookups``):
once per host, within the fetch's timeout, and given up when the run stops. No network:
``inward.resolved`` (getaddrinfo) is stood in for by a lookup the test answers itself."""

from __future__ import annotations

import ipaddress
import threading

import pytest

from archiver import inward
from archiver.config import FetchConfig
from archiver.errors import FetchError, StoppedError
from archiver.http import Http

ENDPOINT = "http://cdn.syndication.example/tweet-result"
PUBLIC = ipaddress.IPv4Address("93.184.216.34")


class Lookups:
    """Counts each host asked; a host in ``hanging`` answers only once ``release`` is set
    (or after ``patience`` seconds, which only a run without the deadline waits out)."""

    def __init__(self, hanging: tuple[str, ...] = (), patience: float = 20) -> None:
        self.asked: list[str] = []
        self.hanging = hanging
        self.patience = patience
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, host: str) -> list[ipaddress.IPv4Address]:
        self.asked.append(host)
        if host in self.hanging:
            self.entered.set()
            self.release.wait(self.patience)
        return [PUBLIC]


@pytest.fixture
def lookups(monkeypatch):
    """Requests go out directly (no proxy), so their names are looked up."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    made: list[Lookups] = []

    def install(**kwargs) -> Lookups:
        made.append(Lookups(**kwargs))
        monkeypatch.setattr(inward, "resolved", made[-1])
        return made[-1]

    yield install
    for each in made:
        each.release.set()


def test_each_host_is_looked_up_once_for_the_run(lookups) -> None:
    asked = lookups()
    with Http(FetchConfig()) as http:
        for n in range(3):
            http.refuse_inward(ENDPOINT, f"http://pbs.example/media/{n}.jpg", "media")
    assert asked.asked == ["cdn.syndication.example", "pbs.example"]


def test_a_lookup_past_the_timeout_fails_its_media_in_one_line_and_is_not_waited_again(
    lookups,
) -> None:
    asked = lookups(hanging=("pbs.example",))
    with Http(FetchConfig(timeout=0.05)) as http:
        for n in range(2):
            url = f"http://pbs.example/media/{n}.jpg"
            with pytest.raises(FetchError) as caught:
                http.refuse_inward(ENDPOINT, url, "media")
            assert str(caught.value) == (
                f"{url}: looking up pbs.example gave no answer within 0.05s, not fetched"
            )
    assert asked.asked == ["cdn.syndication.example", "pbs.example"]


def test_a_stop_ends_the_wait_for_a_lookup(lookups) -> None:
    asked = lookups(hanging=("pbs.example",), patience=30)
    raised: list[BaseException] = []

    def check(http: Http) -> None:
        try:
            http.refuse_inward(ENDPOINT, "http://pbs.example/media/a.jpg", "media")
        except FetchError as exc:
            raised.append(exc)

    with Http(FetchConfig(timeout=60)) as http:
        waiting = threading.Thread(target=check, args=(http,), daemon=True)
        waiting.start()
        assert asked.entered.wait(10)
        http.stop()
        waiting.join(10)
        assert not waiting.is_alive()
    assert [type(exc) for exc in raised] == [StoppedError]
