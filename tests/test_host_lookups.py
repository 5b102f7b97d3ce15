"""A run's lookups for the private-address check (``archiver.host_lookups``) of media,
redirects, meta refreshes and the addresses a source's poll names: once per host, within
the fetch's timeout, and given up when the run stops. No network beyond 127.0.0.1:
``inward.resolved`` (getaddrinfo) is stood in for by a lookup the test answers itself, and
a server on 127.0.0.1 is the proxy of the public names (``conftest.public_web``)."""

from __future__ import annotations

import ipaddress
import threading

import pytest
from test_inward import index, moved, queued, refresh, urlset

from archiver import inward
from archiver.config import FetchConfig
from archiver.errors import FetchError, StoppedError
from archiver.http import Http

ENDPOINT = "http://cdn.syndication.example/tweet-result"
PUBLIC = ipaddress.IPv4Address("93.184.216.34")
INSIDE = ipaddress.IPv4Address("10.0.0.5")


class Lookups:
    """Counts each host asked; a host in ``hanging`` answers only once ``release`` is set
    (or after ``patience`` seconds, which only a run without the deadline waits out)."""

    def __init__(
        self,
        hanging: tuple[str, ...] = (),
        patience: float = 20,
        private: tuple[str, ...] = (),
    ) -> None:
        self.asked: list[str] = []
        self.hanging = hanging
        self.patience = patience
        self.private = private  # hosts that resolve to an address inside
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, host: str) -> list[ipaddress.IPv4Address]:
        self.asked.append(host)
        if host in self.hanging:
            self.entered.set()
            self.release.wait(self.patience)
        return [INSIDE if host in self.private else PUBLIC]


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


STORY = "http://news.example/story"
TARGET = "http://inner.example/x"  # asked for directly (NO_PROXY): its name is looked up


@pytest.fixture
def web(lookups, public_web, monkeypatch):
    """The proxied public web, ``inner.example`` asked for directly; the lookups installed
    by the test (``lookups`` first: it clears the proxy settings ``public_web`` makes)."""
    monkeypatch.setenv("NO_PROXY", "inner.example")
    return public_web


def quick(timeout: float) -> FetchConfig:
    return FetchConfig(timeout=timeout, retries=0, per_host_delay=0.0)


def test_a_redirect_s_target_is_looked_up_once_for_the_run(lookups, web) -> None:
    asked = lookups(private=("inner.example",))
    stories = [f"{STORY}/{n}" for n in range(2)]
    for story in stories:
        web.documents[story] = moved(TARGET)
    with Http(quick(5)) as http:
        for story in stories:
            with pytest.raises(FetchError) as caught:
                http.get(story)
            assert "302 redirect to a private address (http://inner.example/x)" in str(caught.value)
    assert asked.asked == ["inner.example"]
    assert web.paths() == stories


def test_a_redirect_whose_target_gives_no_answer_in_time_is_not_followed(lookups, web) -> None:
    """The lookup has the fetch's timeout of its own: the redirect fails in one line, and
    the host is not waited for again in the run."""
    asked = lookups(hanging=("inner.example",), patience=30)
    stories = [f"{STORY}/{n}" for n in range(2)]
    for story in stories:
        web.documents[story] = moved(TARGET)
    with Http(quick(1)) as http:
        for story in stories:
            with pytest.raises(FetchError) as caught:
                http.get(story)
            assert str(caught.value) == (
                f"{story}: 302 redirect to {TARGET} not followed: looking up inner.example"
                " gave no answer within 1s"
            )
    assert asked.asked == ["inner.example"]
    assert web.paths() == stories


def test_a_meta_refresh_whose_target_gives_no_answer_in_time_is_not_followed(lookups, web) -> None:
    from archiver.scan_one import fetch_followed

    asked = lookups(hanging=("inner.example",), patience=30)
    web.documents[STORY] = refresh(TARGET)
    with Http(quick(1)) as http, pytest.raises(FetchError) as caught:
        fetch_followed(http, STORY)
    assert str(caught.value) == (
        f"{STORY}: meta refresh to {TARGET} not followed: looking up inner.example gave no"
        " answer within 1s"
    )
    assert [capture.url for capture in caught.value.refreshed_from] == [STORY]
    assert asked.asked == ["inner.example"] and web.paths() == [STORY]


def test_a_stop_ends_the_wait_for_a_redirect_s_lookup(lookups, web) -> None:
    asked = lookups(hanging=("inner.example",), patience=30)
    web.documents[STORY] = moved(TARGET)
    raised: list[BaseException] = []

    def fetch(http: Http) -> None:
        try:
            http.get(STORY)
        except FetchError as exc:
            raised.append(exc)

    with Http(quick(60)) as http:
        waiting = threading.Thread(target=fetch, args=(http,), daemon=True)
        waiting.start()
        assert asked.entered.wait(10)
        http.stop()
        waiting.join(10)
        assert not waiting.is_alive()
    assert [type(exc) for exc in raised] == [StoppedError]


def test_a_poll_leaves_out_a_host_whose_lookup_gives_no_answer_in_time(
    lookups, web, db_path, caplog
) -> None:
    """A source's poll looks its hosts up with the fetch's timeout: the addresses of one
    that gave no answer are left out of this poll (listed again at the next), the others
    queued."""
    from archiver.config import Config, Source
    from archiver.worker import Worker

    asked = lookups(hanging=("inner.example",), patience=30)
    web.documents["http://news.example/map.xml"] = urlset(
        "http://news.example/1", f"{TARGET}/a", f"{TARGET}/b"
    )
    caplog.set_level("INFO", logger="archiver")
    source = Source("map", "sitemap", "http://news.example/map.xml")
    Worker(str(db_path), Config(fetch=quick(1))).poll_source(source)
    assert queued(db_path) == ["http://news.example/1"]
    assert asked.asked == ["inner.example"]
    assert "2 left out for this poll (looking up their hosts gave no answer in time)" in (
        caplog.text
    )


@pytest.mark.parametrize("nested", [False, True], ids=["sitemap", "child-sitemap"])
def test_addresses_left_out_for_a_poll_are_read_at_the_next_though_unchanged(
    lookups, web, db_path, nested
) -> None:
    """The document that listed addresses left out for want of an answer keeps no
    validators: the next poll reads it whole (its ETag would have had a 304, and those
    addresses never listed again), and queues them once their host answers."""
    from dataclasses import replace

    from archiver.config import Config, Source
    from archiver.worker import Worker

    asked = lookups(hanging=("inner.example",), patience=30)
    listing = replace(urlset("http://news.example/1", f"{TARGET}/a"), etag='"v1"')
    if nested:
        web.documents["http://news.example/map.xml"] = replace(
            index("http://news.example/child.xml"), etag='"i1"'
        )
        web.documents["http://news.example/child.xml"] = listing
    else:
        web.documents["http://news.example/map.xml"] = listing
    worker = Worker(str(db_path), Config(fetch=quick(1)))
    source = Source("map", "sitemap", "http://news.example/map.xml")
    worker.poll_source(source)
    assert queued(db_path) == ["http://news.example/1"]
    asked.release.set()  # the host answers from now on
    worker.poll_source(source)
    assert sorted(queued(db_path)) == [f"{TARGET}/a", "http://news.example/1"]
