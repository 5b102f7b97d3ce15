"""Redirects and meta refreshes from a public address to a private one are refused
(``archiver/inward.py``): through a proxy on 127.0.0.1 standing in for the public web (no
name is resolved), against a real archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from pages import embed_page
from source_server import Document, SourceSite
from warcio.archiveiterator import ArchiveIterator

from archiver.inward import is_private, leads_inward


def never_direct(url: str) -> bool:
    return False  # through a proxy: no name is resolved here


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8001/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/admin",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[fe80::1%25eth0]/",
        "http://localhost:9000/",
        "http://LocalHost./",
        "http://admin.localhost/",
    ],
)
def test_addresses_inside_the_network_are_private(url: str) -> None:
    assert is_private(url, never_direct)
    assert leads_inward("https://news.example/a", url, never_direct)


@pytest.mark.parametrize(
    "url", ["https://news.example/a", "http://93.184.216.34/", "http://[2606:4700::1]/", "x"]
)
def test_public_addresses_and_names_not_resolved_are_not(url: str) -> None:
    assert not is_private(url, never_direct)
    assert not leads_inward("https://news.example/a", url, never_direct)


def test_a_way_that_starts_inside_goes_on_as_it_leads() -> None:
    assert not leads_inward("http://127.0.0.1:5000/a", "http://10.0.0.5/b", never_direct)
    assert not leads_inward("http://localhost/a", "http://127.0.0.1/b", never_direct)


STORY = "http://news.example/story"


def responses(tmp_path: Path) -> list[tuple[str, int]]:
    found = []
    for path in sorted(tmp_path.rglob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    status = int(record.http_headers.get_statuscode())
                    found.append((record.rec_headers.get_header("WARC-Target-URI"), status))
    return found


def moved(location: str) -> Document:
    return Document(b"Moved.", {"Location": location, "Content-Type": "text/html"}, 302)


def refresh(location: str) -> Document:
    page = f'<meta http-equiv="refresh" content="0; url={location}">Moved.'
    return Document(page.encode(), {"Content-Type": "text/html"})


INSIDE = "http://169.254.169.254/latest/meta-data"
WAYS_INWARD = {
    "a redirect": (moved(INSIDE), f"302 redirect to a private address ({INSIDE})", 302),
    "a meta refresh": (refresh(INSIDE), f"meta refresh to a private address ({INSIDE})", 200),
}


@pytest.mark.parametrize("way", WAYS_INWARD)
def test_a_public_page_leading_to_a_private_address_is_not_followed(
    public_web, run_cli, db_path, tmp_path, way
) -> None:
    """The private address is never asked for; the scan fails in one line naming it and
    the setting, and the answer that led there is kept (the article had embeds)."""
    answer, why, status = WAYS_INWARD[way]
    public_web.documents[INSIDE] = Document(b'{"secret": "key"}', {"Content-Type": "text/html"})
    public_web.documents[STORY] = Document(embed_page().encode(), {"Content-Type": "text/html"})
    assert run_cli("scan", STORY).exit_code == 0
    public_web.documents[STORY] = answer
    result = run_cli("scan", STORY, "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert (
        error == f"{STORY}: {why}, not followed from a public one ([fetch] allow_private_redirects)"
    )
    assert INSIDE not in public_web.paths()
    assert responses(tmp_path)[-1] == (STORY, status)
    (scan,) = sqlite_utils.Database(db_path).query(
        "select error, record_id from scans order by id desc limit 1"
    )
    assert scan["error"] == error and scan["record_id"] is not None
    assert run_cli("verify").exit_code == 0


@pytest.mark.parametrize("way", WAYS_INWARD)
def test_the_setting_lets_a_way_inward_through(
    public_web, run_cli, config_file, db_path, way
) -> None:
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "allow_private_redirects = true\n",
        encoding="utf-8",
    )
    public_web.documents[INSIDE] = Document(embed_page().encode(), {"Content-Type": "text/html"})
    public_web.documents[STORY] = WAYS_INWARD[way][0]
    assert run_cli("scan", STORY).exit_code == 0
    assert public_web.paths() == [STORY, INSIDE]
    (article,) = sqlite_utils.Database(db_path).query("select url, final_url from articles")
    assert article == {"url": STORY, "final_url": INSIDE}


def test_a_local_server_redirecting_to_itself_still_works(run_cli) -> None:
    """The start is private (your own server): every step goes on as it leads."""
    with SourceSite() as site:
        site.documents["/a"] = moved(site.url("/b").replace("127.0.0.1", "localhost"))
        site.documents["/b"] = refresh(site.url("/c"))
        site.documents["/c"] = Document(embed_page().encode(), {"Content-Type": "text/html"})
        assert run_cli("scan", site.url("/a")).exit_code == 0
        assert site.paths() == ["/a", "/b", "/c"]


def poll(db_path: Path, source, allow_private: bool = False) -> None:
    from archiver.config import Config, FetchConfig
    from archiver.worker import Worker

    fetch = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=0)
    config = Config(fetch=fetch._replace(allow_private_redirects=allow_private))
    Worker(str(db_path), config).poll_source(source)


def queued(db_path: Path) -> list[str]:
    return [row["url"] for row in sqlite_utils.Database(db_path).query("select url from articles")]


SITEMAP = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
INDEX = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>'


def urlset(*urls: str) -> Document:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return Document(SITEMAP.format(entries).encode(), {"Content-Type": "application/xml"})


def index(*urls: str) -> Document:
    entries = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return Document(INDEX.format(entries).encode(), {"Content-Type": "application/xml"})


@pytest.mark.parametrize("allow_private", [False, True])
def test_a_public_sitemap_naming_private_addresses_is_not_followed_there(
    public_web, db_path, caplog, allow_private
) -> None:
    """A child sitemap or an article a public source names at a private address is left
    out (counted in the poll's line), unless the setting lets it through; the rest is read."""
    from archiver.config import Source

    public_web.documents |= {
        "http://news.example/index.xml": index(
            "http://news.example/a.xml", "http://10.0.0.5/internal.xml"
        ),
        "http://news.example/a.xml": urlset("http://news.example/1", f"{INSIDE}/x"),
        "http://10.0.0.5/internal.xml": urlset("http://news.example/2"),
    }
    caplog.set_level("INFO", logger="archiver")
    poll(db_path, Source("map", "sitemap", "http://news.example/index.xml"), allow_private)
    asked = ["http://news.example/index.xml", "http://news.example/a.xml"]
    if allow_private:
        assert sorted(queued(db_path)) == sorted(
            ["http://news.example/1", "http://news.example/2", f"{INSIDE}/x"]
        )
        assert public_web.paths() == [*asked, "http://10.0.0.5/internal.xml"]
    else:
        assert queued(db_path) == ["http://news.example/1"]
        assert public_web.paths() == asked
        assert "2 at private addresses left out" in caplog.text


def test_a_private_source_lists_what_it_lists(run_cli, db_path) -> None:
    """Your own sitemap on 127.0.0.1: its private addresses are yours to archive."""
    from archiver.config import Source

    with SourceSite() as site:
        site.documents["/map.xml"] = urlset("http://10.0.0.5/a", "http://localhost:9/b")
        poll(db_path, Source("mine", "sitemap", site.url("/map.xml")))
    assert sorted(queued(db_path)) == ["http://10.0.0.5/a", "http://localhost:9/b"]


POST = "1763000000000000001"


def test_media_a_public_provider_lists_at_a_private_address_are_not_fetched(
    public_web, run_cli, config_file, db_path
) -> None:
    """The provider's reply names the media: one at a private address gets a row with its
    one-line reason, and is never asked for; a public one is kept."""
    from fake_x import tweet_json

    endpoint = "http://cdn.syndication.example/tweet-result"
    details = [
        {"type": "photo", "media_url_https": f"{INSIDE}/a.jpg"},
        {"type": "photo", "media_url_https": "http://pbs.example/media/b.jpg"},
    ]
    reply = json.dumps(tweet_json(POST, "Ferries", mediaDetails=details)).encode()
    public_web.documents[endpoint] = Document(reply, {"Content-Type": "application/json"})
    public_web.documents["http://pbs.example/media/b.jpg"] = Document(b"jpeg", {})
    public_web.documents[f"{INSIDE}/a.jpg"] = Document(b"secret", {})
    config_file.write_text(
        config_file.read_text(encoding="utf-8")
        + f'[snapshot]\nsyndication_url = "{endpoint}"\nproviders = ["syndication"]\n'
        + 'wayback = "never"\n',
        encoding="utf-8",
    )
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert "1 media kept (1 failed)" in result.output
    assert not any(path.startswith(INSIDE) for path in public_web.paths())
    media = list(sqlite_utils.Database(db_path).query("select url, error from media order by id"))
    assert media[0]["error"] == (
        f"{media[0]['url']}: media at a private address, listed by {endpoint}, not followed"
        " from a public one ([fetch] allow_private_redirects)"
    )
    assert media[1]["error"] is None


def test_a_name_a_public_source_lists_is_looked_up_when_asked_for_directly(
    public_web, db_path, caplog, monkeypatch
) -> None:
    """This machine's own name resolves to an address on it; asked for directly (not
    through the proxy), it is looked up, once per host, and left out as an IP would be."""
    import socket

    from archiver.config import Source

    name = socket.gethostname().lower()
    if not name or not is_private(f"http://{name}/", lambda _: True):
        pytest.skip("this machine's name does not resolve to a private address")
    monkeypatch.setenv("NO_PROXY", name)
    public_web.documents["http://news.example/map.xml"] = urlset(
        "http://news.example/1", f"http://{name}:9/a", f"http://{name}:9/b"
    )
    caplog.set_level("INFO", logger="archiver")
    poll(db_path, Source("map", "sitemap", "http://news.example/map.xml"))
    assert queued(db_path) == ["http://news.example/1"]
    assert "2 at private addresses left out" in caplog.text


def test_a_public_provider_redirecting_inward_is_not_followed(
    public_web, run_cli, config_file, db_path
) -> None:
    """A provider's endpoint is asked through the same client: its redirect to a private
    address is refused as an article's is, in the check's one line."""
    endpoint = "http://cdn.syndication.example/tweet-result"
    public_web.documents[endpoint] = moved(INSIDE)
    config_file.write_text(
        config_file.read_text(encoding="utf-8")
        + f'[snapshot]\nsyndication_url = "{endpoint}"\nproviders = ["syndication"]\n'
        + 'wayback = "never"\n',
        encoding="utf-8",
    )
    result = run_cli("snapshot", POST)
    assert f"syndication: 302 redirect to a private address ({INSIDE}), not followed" in (
        result.output
    )
    assert public_web.paths() == [endpoint]
    # The refused redirect is the check's evidence, as a page fetch's is.
    kept = sqlite_utils.Database(db_path).execute(
        "select records.target_uri, records.http_status, records.record_type from checks"
        " join records on records.id = checks.record_id"
    )
    assert [(uri.split("?")[0], status, kind) for uri, status, kind in kept.fetchall()] == [
        (endpoint, 302, "response")
    ]


def test_a_host_a_poll_names_is_looked_up_once_in_all_its_sitemaps(
    public_web, db_path, monkeypatch
) -> None:
    """As the README says, once per host a poll names: not again for each child sitemap
    that names it (each lookup blocks the poll)."""
    import ipaddress

    from archiver import inward
    from archiver.config import Source

    looked_up: list[str] = []

    def resolved(host: str) -> list[ipaddress.IPv4Address]:
        looked_up.append(host)
        return [ipaddress.IPv4Address("93.184.216.34")]

    monkeypatch.setattr(inward, "resolved", resolved)
    monkeypatch.setenv("NO_PROXY", "articles.example")
    maps = [f"http://news.example/{n}.xml" for n in range(3)]
    public_web.documents["http://news.example/index.xml"] = index(*maps)
    for n, url in enumerate(maps):
        public_web.documents[url] = urlset(f"http://articles.example/{n}")
    poll(db_path, Source("map", "sitemap", "http://news.example/index.xml"))
    assert len(queued(db_path)) == 3
    assert looked_up == ["articles.example"]


def test_a_host_holding_a_nul_is_no_address_and_raises_nothing() -> None:
    """A provider's JSON may name media at ``http://a\\u0000b/``: no resolver reads it, so
    it is not private, and the fetch fails on its own (inet_aton raised ValueError, out of
    the check's media keeping)."""
    assert not is_private("http://a\x00b/x.jpg", lambda _: True)
    assert not leads_inward("https://news.example/a", "http://a\x00b/x.jpg", never_direct)
