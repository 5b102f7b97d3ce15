"""Every real answer in ../shared/corpus/x-captures, parsed and stored the way X displays it.

Per file: the stored text, the media count, the status by the tombstone's wording, and
created_at (expectations in ``x_captures.py``). Then the content hash, equal whichever
provider answered (over the live captures and over generated posts), and the whole path
end to end: a local server on 127.0.0.1 answering as both endpoints with the captured bodies,
``archive snapshot`` as a subprocess, and the rows it stored.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug import Request, Response
from x_captures import CORPUS, EXPECTED, SKIP_REASON, Capture, capture_names, load

from archiver.snapshot.providers import parse_oembed, parse_syndication
from archiver.snapshot.result import ProviderResult, content_sha256
from archiver.snapshot.token import syndication_token
from archiver.urls import find_status

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
NAMES = capture_names()
# Live syndication captures other than X Articles (what oEmbed shows for those is unknown).
LIVE_SYNDICATION = [
    n
    for n in NAMES
    if n.startswith("syndication/") and EXPECTED[n].text and b'"article"' not in load(n).body
]
TCO = re.compile(r"https?://t\.co/\w+")
MONTHS = "January February March April May June July August September October November December"


def parse(capture: Capture) -> ProviderResult:
    parser = parse_syndication if capture.provider == "syndication" else parse_oembed
    return parser(capture.http_status, capture.content_type, capture.body)


@needs_corpus
def test_the_corpus_is_found_and_every_file_has_expectations() -> None:
    assert len(NAMES) >= 51
    assert set(NAMES) == set(EXPECTED)


@needs_corpus
@pytest.mark.parametrize("name", NAMES)
def test_each_capture_as_x_displays_it(name: str) -> None:
    capture, expect = load(name), EXPECTED[name]
    result = parse(capture)
    assert result.text == expect.text
    assert len(result.media) == expect.media
    assert result.status == expect.status
    assert result.created_at == expect.created_at
    assert result.conclusive is (expect.status not in ("unavailable",))
    if expect.error:
        assert result.error == f"{capture.provider}: {expect.error}"
    if result.text:  # a media link is never part of the displayed text
        codes = {TCO.search(m["tco"] or "") and m["tco"].rsplit("/", 1)[1] for m in result.media}
        assert not any(code and f"t.co/{code}" in result.text for code in codes)
        assert result.post_id == capture.post_id


@needs_corpus
@pytest.mark.parametrize("name", [n for n in NAMES if EXPECTED[n].created_at])
def test_created_at_is_the_ids_time_and_agrees_with_the_provider(name: str) -> None:
    capture, expect = load(name), EXPECTED[name]
    stored = datetime.fromisoformat(str(expect.created_at).replace("Z", "+00:00"))
    post_id = int(str(capture.post_id))
    if post_id > 29700859247:  # a snowflake: milliseconds since X's epoch, in the high bits
        assert stored == datetime(2010, 11, 4, 1, 42, 54, 657000, UTC) + timedelta(
            milliseconds=post_id >> 22
        )
    said = _providers_time(capture)
    if len(str(expect.created_at)) > 10:  # the provider's second (or day) agrees
        assert stored.tzinfo == UTC
        assert abs(stored - said) < (timedelta(seconds=1) if said.hour else timedelta(days=2))


def _providers_time(capture: Capture) -> datetime:
    value = json.loads(capture.body)
    if capture.provider == "syndication":
        return datetime.fromisoformat(value["created_at"].replace("Z", "+00:00"))
    month, day, year = re.findall(r">(\w+) (\d+), (\d{4})</a></blockquote>", value["html"])[0]
    return datetime(int(year), MONTHS.split().index(month) + 1, int(day), tzinfo=UTC)


# --- the content hash is the same whichever provider answered -----------------------------


def oembed_answer(post_id: str, text: str, name: str, handle: str, media: list[str]) -> bytes:
    """What publish.twitter.com answers for a post: its text in a ``<p>`` (links, mentions
    and hashtags as anchors, ``<br>`` for line breaks), one ``pic.twitter.com`` anchor for
    all its media, then the signature."""
    paragraph = html.escape(text, quote=False)
    paragraph = TCO.sub(lambda m: f'<a href="{m.group()}">{m.group()}</a>', paragraph)
    paragraph = re.sub(
        r"(?<!\w)@(\w{1,15})",
        r'<a href="https://twitter.com/\1?ref_src=twsrc%5Etfw">@\1</a>',
        paragraph,
    )
    paragraph = paragraph.replace("\n", "<br>")
    for link in dict.fromkeys(media):
        code = link.rsplit("/", 1)[1]
        paragraph += f' <a href="{link}">pic.twitter.com/{code}</a>'
    markup = (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{paragraph}</p>&mdash; '
        f'{html.escape(name)} (@{handle}) <a href="https://twitter.com/{handle}/status/'
        f'{post_id}?ref_src=twsrc%5Etfw">July 29, 2021</a></blockquote>\n'
    )
    return json.dumps(
        {
            "url": f"https://twitter.com/{handle}/status/{post_id}",
            "author_name": name,
            "author_url": f"https://twitter.com/{handle}",
            "html": markup,
            "type": "rich",
            "version": "1.0",
        }
    ).encode()


@needs_corpus
@pytest.mark.parametrize("name", LIVE_SYNDICATION)
def test_content_hash_is_equal_from_both_providers_for_every_live_capture(name: str) -> None:
    capture = load(name)
    syndication = parse(capture)
    value = json.loads(capture.body)
    media = [m["url"] for m in value.get("mediaDetails", [])]
    text = str(EXPECTED[name].text)
    user = value["user"]
    answer = oembed_answer(str(capture.post_id), text, user["name"], user["screen_name"], media)
    oembed = parse_oembed(200, "application/json", answer)
    assert (oembed.text, oembed.author_name, oembed.handle) == (
        syndication.text,
        syndication.author_name,
        syndication.handle,
    )
    assert len(oembed.media) == (1 if media else 0)
    assert content_sha256(oembed) == content_sha256(syndication)


# Live captures with media in both ``mediaDetails`` and ``photos`` / ``video``.
WITH_MEDIA = [n for n in LIVE_SYNDICATION if json.loads(load(n).body).get("mediaDetails")]


def without(body: bytes, *keys: str) -> bytes:
    value = json.loads(body)
    for key in keys:
        value.pop(key, None)
    return json.dumps(value, ensure_ascii=False).encode()


@needs_corpus
@pytest.mark.parametrize("name", WITH_MEDIA)
@pytest.mark.parametrize("dropped", [("mediaDetails",), ("mediaDetails", "entities")])
def test_an_answer_without_media_details_keeps_alt_text_and_the_media_link(
    name: str, dropped: tuple[str, ...]
) -> None:
    """``photos`` and ``video`` alone (some answers carry no ``mediaDetails``): the photos'
    alt text (``accessibilityLabel``) and the t.co link they share (from ``entities.media``,
    else the link X hides after the display range) are kept, so the content hash is the one
    of the full answer and of oEmbed's for the same post."""
    capture = load(name)
    full = parse(capture)
    bare = parse_syndication(200, capture.content_type, without(capture.body, *dropped))
    assert (bare.text, len(bare.media)) == (full.text, len(full.media))
    assert content_sha256(bare) == content_sha256(full)
    for got, want in zip(bare.media, full.media, strict=True):
        assert (got["type"], got["tco"]) == (want["type"], want["tco"])
        assert got["url"] and got["preview"] == want["preview"]
        if want["type"] == "photo":  # ``video`` has no alt text (kcd_quote's GIF has one)
            assert (got["url"], got["alt"]) == (want["url"], want["alt"])
            assert (got["width"], got["height"]) == (want["width"], want["height"])
            if "entities" not in dropped:
                assert got == want
    value = json.loads(capture.body)
    user = value["user"]
    media = [m["url"] for m in value["mediaDetails"]]
    answer = oembed_answer(
        str(capture.post_id), str(full.text), user["name"], user["screen_name"], media
    )
    assert content_sha256(parse_oembed(200, "application/json", answer)) == content_sha256(bare)


# Text the generator writes: letters, digits, punctuation X escapes (& < >), emoji with
# zero-width joiners and variation selectors, the Persian non-joiner, CJK, line breaks,
# combining accents, a terminal escape sequence and a bidi override.
PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "7",
        " ",
        "\n",
        "&",
        "<",
        ">",
        '"',
        "'",
        "&amp;",
        "👏",
        "🇺🇸",
        "🤷\u200d♂\ufe0f",
        "👩\u200d👩\u200d👧",
        "می\u200cخواهم",
        "漢字",
        "é",
        "e\u0301",
        "—",
        "…",
        "#tag",
        "@someone",
        "https://t.co/AbCdEf1234",
        "\x1b]0;title\x07",  # stored verbatim, only printing escapes it
        "\u202e",
    ]
)
MEDIA_CODE = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=10, max_size=10
)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@st.composite
def posts(draw: st.DrawFn) -> tuple[dict, str, int]:
    """A post as syndication returns it, its displayed text, and its number of photos."""
    text = "".join(draw(st.lists(PIECES, min_size=1, max_size=30))).strip()
    photos = draw(st.sampled_from([0, 1, 2, 3, 4]))
    mention = "@replied_to " if draw(st.booleans()) else ""
    code = draw(MEDIA_CODE)
    link = f"https://t.co/{code}"
    full = mention + text + (f" {link}" if photos else "")
    media_at = [len(mention + text) + 1, len(full)]  # entity indices count code points
    body = {
        "__typename": "Tweet",
        "id_str": "1420726342996271105",
        "text": html.escape(full, quote=False),
        "display_text_range": [utf16_length(mention), utf16_length(mention + text)],
        "created_at": "2021-07-29T12:42:10.000Z",
        "entities": {"media": [{"url": link, "indices": media_at}] if photos else []},
        "user": {"name": "Ké 🌌 Dodds", "screen_name": "kentcdodds"},
        "mediaDetails": [
            {
                "type": "photo",
                "url": link,
                "display_url": f"pic.twitter.com/{code}",
                "indices": media_at,
                "media_url_https": f"https://pbs.twimg.com/media/P{n}{code}.jpg",
            }
            for n in range(photos)
        ],
    }
    return body, text, photos


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts())
def test_content_hash_is_equal_from_both_providers_for_generated_posts(post) -> None:
    body, text, photos = post
    syndication = parse_syndication(200, "application/json", json.dumps(body).encode())
    media = [m["url"] for m in body["mediaDetails"]]
    # oEmbed shows a reply's leading mention, which syndication's display range hides.
    mention = "@replied_to " if body["display_text_range"][0] else ""
    shown = f"{mention}{text}"
    answer = oembed_answer(body["id_str"], shown, body["user"]["name"], "kentcdodds", media)
    oembed = parse_oembed(200, "application/json", answer)
    assert syndication.text == (text or None)  # verbatim: joiners, entities decoded once
    assert oembed.text == (shown.strip() or None)
    assert len(syndication.media) == photos
    assert len(oembed.media) == min(photos, 1)  # several photos share one t.co link
    assert content_sha256(oembed) == content_sha256(syndication)


# --- end to end: archive snapshot against the captured answers ----------------------------


class CapturedX:
    """Both endpoints on 127.0.0.1, answering each post ID with its captures in turn (the
    last one repeats); a post without captures for an endpoint gets a 404 there."""

    def __init__(self, httpserver, captures: list[Capture]) -> None:
        self.server = httpserver
        self.scripts: dict[tuple[str, str], list[Capture]] = {}
        for capture in captures:
            key = (capture.provider, str(capture.post_id))
            self.scripts.setdefault(key, []).append(capture)
        self.served: dict[tuple[str, str], Capture] = {}
        httpserver.expect_request("/tweet-result").respond_with_handler(self._syndication)
        httpserver.expect_request("/oembed").respond_with_handler(self._oembed)

    def post_ids(self) -> list[str]:
        return sorted({post_id for _, post_id in self.scripts})

    def rounds(self) -> int:
        return max(len(script) for script in self.scripts.values())

    def _answer(self, provider: str, post_id: str) -> Response:
        script = self.scripts.get((provider, post_id))
        if not script:
            return Response("", status=404)
        capture = script.pop(0) if len(script) > 1 else script[0]
        self.served[(provider, post_id)] = capture
        return Response(capture.body, status=capture.http_status, content_type=capture.content_type)

    def _syndication(self, request: Request) -> Response:
        post_id = request.args.get("id", "")
        if request.args.get("token") != syndication_token(post_id):
            return Response("{}", content_type="application/json")
        return self._answer("syndication", post_id)

    def _oembed(self, request: Request) -> Response:
        found = find_status(request.args.get("url", ""))
        return self._answer("oembed", found[0] if found else "")


@needs_corpus
def test_archive_snapshot_stores_every_capture(tmp_path: Path, httpserver) -> None:
    fake = CapturedX(httpserver, [load(name) for name in NAMES])
    config, db = tmp_path / "config.toml", tmp_path / "archive.db"
    config.write_text(
        '[fetch]\ntimeout = "10s"\nper_host_delay = "0s"\nretries = 0\n[snapshot]\n'
        f'syndication_url = "{httpserver.url_for("/tweet-result")}"\n'
        f'oembed_url = "{httpserver.url_for("/oembed")}"\nwayback = "never"\n'
        'media = "none"\n',  # the captures' media are on X's servers: not fetched here
        encoding="utf-8",
    )
    seen: set[str] = set()
    history: dict[str, list[str]] = {}
    answers: dict[str, list[str]] = {}  # the captures each post was answered with, in order
    for _ in range(fake.rounds()):
        fake.served.clear()
        command = [sys.executable, "-m", "archiver", "snapshot", *fake.post_ids()]
        run = subprocess.run(
            [*command, "--db", str(db), "--config", str(config)], capture_output=True, timeout=600
        )
        assert run.returncode == 0, run.stderr.decode()
        archive = sqlite_utils.Database(db)
        for (provider, post_id), capture in fake.served.items():
            statuses = history.setdefault(post_id, [])
            statuses.append(EXPECTED[capture.name].status)
            _check_stored(archive, provider, post_id, capture, statuses)
            seen.add(capture.name)
            answers.setdefault(post_id, []).append(capture.name)
    assert seen == set(NAMES)
    # One snapshot per change of what X showed (post 702136612822634496: its author renamed
    # "Rails Girls Summer of Code" to "Rails Girls SoC"); the same post in another shape (with
    # and without the widget's script, from the v1 and the publish endpoint) is no change.
    for post_id, names in answers.items():
        shown = [(EXPECTED[n].status, content_sha256(parse(load(n)))) for n in names]
        proven = [s for s in shown if s[0] != "unavailable"]
        changes = sum(1 for i, s in enumerate(proven) if i == 0 or s != proven[i - 1])
        count = "select count(*) from snapshots where post_id = ?"
        assert sqlite_utils.Database(db).execute(count, [post_id]).fetchone()[0] == changes


def _check_stored(
    archive, provider: str, post_id: str, capture: Capture, statuses: list[str]
) -> None:
    """The rows of this round's check of ``post_id``; ``statuses`` are the statuses of the
    captures it was answered with so far (an inconclusive answer keeps the last proven one)."""
    expect = EXPECTED[capture.name]
    [check] = archive.query(
        "select * from checks where post_id = ? and provider = ? order by id desc limit 1",
        [post_id, provider],
    )
    assert (check["http_status"], check["status"]) == (capture.http_status, expect.status)
    if expect.error:
        assert check["error"] == f"{provider}: {expect.error}"
    [post] = archive.query("select * from posts where id = ?", [post_id])
    snapshots = list(
        archive.query("select * from snapshots where post_id = ? order by id desc", [post_id])
    )
    if expect.status == "unavailable":  # inconclusive: nothing proven, nothing snapshotted
        proven = [status for status in statuses if status != "unavailable"]
        assert post["status"] == (proven[-1] if proven else "unavailable")
        assert not proven or snapshots[0]["status"] == proven[-1]
        assert snapshots or not proven
        return
    snapshot = snapshots[0]
    assert (post["status"], snapshot["status"]) == (expect.status, expect.status)
    if expect.status != "live":  # a tombstone: its snapshot keeps the evidence
        assert snapshot["payload"] == capture.body.decode("utf-8")
        return
    assert (post["text"], post["created_at"]) == (expect.text, expect.created_at)
    assert (snapshot["text"], snapshot["created_at"]) == (expect.text, expect.created_at)
    assert len(json.loads(snapshot["media"])) == expect.media
    assert snapshot["partial"] == (1 if b'"article"' in capture.body else 0)
    assert (snapshot["quoted_id"], snapshot["parent_id"]) == QUOTES.get(capture.name, (None, None))
    assert card_summary(snapshot["card"]) == CARDS.get(capture.name)
    links = [tuple(link.values()) for link in json.loads(snapshot["links"] or "[]")]
    assert {link[0] for link in links} == set(TCO.findall(expect.text or ""))
    assert links == LINKS.get(capture.name, links)


# Links as each answer gives them: (t.co, where it leads, what X shows) in text order.
LINKS = {
    "syndication/kcd_linkWithMetadata.json": [
        ("https://t.co/LoU6y2wvVV", "http://EpicReact.dev", "EpicReact.dev"),
        ("https://t.co/e7c3mMKkmQ", "https://EpicReact.dev/boss", "EpicReact.dev/boss"),
    ],
    "syndication/kcd_streamEmbed.json": [
        (
            "https://t.co/gmCkT93byp",
            "http://www.briefs.fm/3-minutes-with-kent/235",
            "briefs.fm/3-minutes-with…",
        )
    ],
    # oEmbed does not say where a link leads; 2012 markup shows a short form of it.
    "oembed/mdxtwitter_0.json": [("http://t.co/9MwHZCya", None, "soundcloud.com/nerouk/nero-es…")],
    "oembed/hugo_0.json": [
        ("https://t.co/FfzhM8bNhT", None, None),
        ("https://t.co/ITbMNU2BUf", None, None),
    ],
}


def card_summary(stored: str | None) -> dict | None:
    """A stored card without its long texts (the description, the image's alt text)."""
    card = json.loads(stored) if stored else None
    return (
        {k: v for k, v in card.items() if k not in ("description", "image_alt")} if card else None
    )


IMAGE = "https://pbs.twimg.com/card_img/"
# The card under each capture's text, as a reader sees it (descriptions aside).
CARDS = {
    "syndication/kcd_poll.json": {
        "name": "poll4choice_text_only",
        "url": "card://1415491277131374593",
        "choices": [
            {"label": "Light mode", "count": 869},
            {"label": "Dark mode", "count": 1101},
            {"label": "Use my system setting", "count": 3123},
            {"label": "🤷\u200d♂\ufe0f", "count": 121},
        ],
        "ends_at": "2021-07-16T01:59:53Z",
        "counts_final": True,
    },
    "syndication/kcd_linkWithMetadata.json": {
        "name": "summary_large_image",
        "url": "https://t.co/e7c3mMKkmQ",
        "title": "Why we need Epic React",
        "domain": "epicreact.dev",
        "image": f"{IMAGE}1649548167300390913/lFc0jt3o?format=png&name=orig",
    },
    "syndication/kcd_streamEmbed.json": {
        "name": "player",
        "url": "https://t.co/gmCkT93byp",
        "title": "Prisma is amazing",
        "domain": "briefs.fm",
        "image": "https://pbs.twimg.com/cards/player-placeholder.png",
        "player_url": "https://www.briefs.fm/3-minutes-with-kent/235/embed",
    },
    "syndication/mysocialscribe_space.json": {
        "name": "3691233323:audiospace",
        "url": "https://t.co/6gI27J44AE",
        "space_id": "1MYxNMyyrdNJw",
    },
    "syndication/reveddit_wyden.json": {
        "name": "summary_large_image",
        "url": "https://t.co/JLoLiR5BcW",
        "title": "From the technology community on Reddit: We are Senator Ron Wyden, Fight for "
        "the Future, ACLU, EFF...",
        "domain": "reddit.com",
        "image": f"{IMAGE}1702940668891377664/wjPofjBa?format=jpg&name=orig",
    },
    "syndication/tweetrsc_2.json": {
        "name": "summary_large_image",
        "url": "https://t.co/fI2B6TT8rL",
        "title": "Tutorial: Tic-Tac-Toe – React",
        "domain": "react.dev",
        "image": f"{IMAGE}1639232954701594625/7ayIAMcm?format=png&name=orig",
    },
}


# (quoted post, parent post) of the captures that show either, as each answer names them.
QUOTES = {
    "syndication/kcd_quote.json": ("1420683483660185601", None),
    "syndication/kcd_quoteOfQuote.json": ("1420008083779096585", None),
    "syndication/tweetrsc_1.json": ("1641086480675225601", None),
    "syndication/kcd_reply.json": (None, "1418770182084784128"),
    "syndication/kcd_twoPhotos.json": (None, "1410686542058688512"),  # a reply to its own post
}


@needs_corpus
def test_snapshots_stored_before_m018_get_the_quoted_and_parent_posts_and_the_card(
    tmp_path: Path,
) -> None:
    """Read again from the stored answers (m018-m020): what each capture shows, for every
    capture."""
    from archiver.db.connection import open_archive
    from archiver.db.schema import migrations

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m018_snapshot_quoted_and_parent")
    db.execute("insert into posts (id, status, first_seen_at) values ('1', 'live', 'now')")
    for name in NAMES:
        capture = load(name)
        db.execute(
            "insert into snapshots (post_id, fetched_at, provider, http_status, status,"
            " payload) values ('1', 'now', ?, ?, 'live', ?)",
            [capture.provider, capture.http_status, capture.body.decode("utf-8")],
        )
    db.conn.commit()
    db.conn.close()
    conn = open_archive(path).conn
    found = conn.execute("select quoted_id, parent_id, card, links from snapshots order by id")
    assert [(q, p, card_summary(c)) for q, p, c, _ in found] == [
        (*QUOTES.get(name, (None, None)), CARDS.get(name)) for name in NAMES
    ]
    found = conn.execute("select links from snapshots order by id").fetchall()
    for name, (links,) in zip(NAMES, found, strict=True):
        assert links == parse(load(name)).snapshot_fields()["links"]  # what a check stores
        if name in LINKS:
            assert [tuple(link.values()) for link in json.loads(links)] == LINKS[name]


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "syndication/kcd_textOnly.json",
        "syndication/kcd_onePhoto.json",
        "syndication/kcd_threePhotos.json",
    ],
)
def test_a_change_of_provider_writes_no_new_snapshot(
    name: str, httpserver, run_cli, config_file, db_path
) -> None:
    """Issue 12: the answering provider changed, the content did not: one snapshot."""
    from fake_x import FakeX

    capture = load(name)
    value, post_id = json.loads(capture.body), str(capture.post_id)
    media = [m["url"] for m in value.get("mediaDetails", [])]
    user = value["user"]
    oembed = oembed_answer(
        post_id, str(EXPECTED[name].text), user["name"], user["screen_name"], media
    )
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    json_type = "application/json"
    fake.syndication[post_id] = [
        Response(capture.body, content_type=json_type),
        Response("", status=404),
    ]
    fake.oembed[post_id] = [Response(oembed, content_type=json_type)]
    assert "1 live" in run_cli("snapshot", post_id).output
    assert "1 live" in run_cli("snapshot", post_id).output
    archive = sqlite_utils.Database(db_path)
    [snapshot] = archive.query("select id, provider from snapshots")
    checks = list(archive.query("select provider, snapshot_id from checks order by id"))
    assert snapshot["provider"] == "syndication"
    assert checks == [
        {"provider": "syndication", "snapshot_id": snapshot["id"]},
        {"provider": "syndication", "snapshot_id": None},
        {"provider": "oembed", "snapshot_id": snapshot["id"]},
    ]


def as_written_before_m016(media: list[dict], bare: bool) -> list[dict]:
    """Media items as an archiver of before migration m016 wrote them: no ``content_type``;
    from an answer without ``mediaDetails`` (``bare``), no alt text or t.co link, a GIF as a
    video, an HLS-only video without a URL."""
    old = []
    for item in media:
        item = {key: value for key, value in item.items() if key != "content_type"}
        if bare:
            item.update(tco=None, display_url=None, alt=None)
            item["type"] = "video" if item["type"] == "animated_gif" else item["type"]
        old.append(item)
    return old


@needs_corpus
@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("syndication/kcd_threePhotos.json", True),
        ("syndication/kcd_quote.json", True),  # a GIF
        ("syndication/kcd_video.json", False),
        ("syndication/kcd_video.json", True),
    ],
)
def test_a_snapshot_stored_before_m016_gets_its_media_and_the_next_check_adds_none(
    name: str, bare: bool, httpserver, run_cli, config_file, db_path
) -> None:
    """The same answer checked again after the upgrade: the older snapshot's media items got
    what the stored answer tells (alt text, t.co link, content type), its content hash is
    the one a check computes now, and no second snapshot is written."""
    from fake_x import FakeX

    capture = load(name)
    body = without(capture.body, "mediaDetails") if bare else capture.body
    post_id = str(capture.post_id)
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    fake.syndication[post_id] = [Response(body, content_type="application/json")]
    assert "1 live" in run_cli("snapshot", post_id).output
    archive = sqlite_utils.Database(db_path)
    [stored] = archive.query("select id, media, content_sha256 from snapshots")
    answer = parse_syndication(200, "application/json", body)
    answer.media = as_written_before_m016(answer.media, bare)
    old_media = json.dumps(answer.media, ensure_ascii=False, sort_keys=True)
    archive.execute(
        "update snapshots set media = ?, content_sha256 = ? where id = ?",
        [old_media, content_sha256(answer), stored["id"]],
    )
    archive.execute("delete from _sqlite_migrations where name like 'm016_%'")
    archive.conn.commit()
    archive.conn.close()
    assert "1 live" in run_cli("snapshot", post_id).output  # migrates, then checks
    archive = sqlite_utils.Database(db_path)
    [snapshot] = archive.query("select id, media, content_sha256 from snapshots")
    assert snapshot["content_sha256"] == stored["content_sha256"]
    media, now = json.loads(snapshot["media"]), json.loads(stored["media"])
    for item in media:
        assert item["type"] in ("photo", "video", "animated_gif")
        item["type"] = None
    assert media == [{**item, "type": None} for item in now]  # a GIF stays "video"
    assert all("content_type" in item for item in media)


@needs_corpus
def test_an_answer_served_through_redirects_is_stored_as_served(
    httpserver, run_cli, config_file, db_path
) -> None:
    """The endpoint moved (301, then 302): the answer at the end is the post's, stored byte
    for byte with the URL asked; a redirect loop is a failed check, one line, nothing lost."""
    from fake_x import FakeX

    capture = load("syndication/kcd_textOnly.json")
    post_id = str(capture.post_id)
    fake = FakeX(httpserver)
    config_file.write_text(fake.config_text('media = "none"\n'), encoding="utf-8")
    moved = httpserver.url_for("/moved")
    fake.syndication[post_id] = [Response("", status=301, headers={"Location": moved})]
    httpserver.expect_request("/moved").respond_with_response(
        Response("", status=302, headers={"Location": httpserver.url_for("/final")})
    )
    httpserver.expect_request("/final").respond_with_response(
        Response(capture.body, content_type=capture.content_type)
    )
    assert "1 live" in run_cli("snapshot", post_id).output
    [snap] = sqlite_utils.Database(db_path).query("select * from snapshots")
    assert (snap["text"], snap["payload"]) == (EXPECTED[capture.name].text, capture.body.decode())
    assert snap["request_url"].startswith(httpserver.url_for("/tweet-result") + f"?id={post_id}")
    loop = httpserver.url_for("/loop")
    fake.syndication[post_id] = [Response("", status=302, headers={"Location": loop})]
    httpserver.expect_request("/loop").respond_with_response(
        Response("", status=302, headers={"Location": loop})
    )
    fake.oembed[post_id] = [Response("", status=404)]
    result = run_cli("snapshot", post_id)
    assert result.exit_code == 0 and "1 live" in result.output  # still live: proven before
    [check] = sqlite_utils.Database(db_path).query(
        "select error from checks where provider = 'syndication' order by id desc limit 1"
    )
    assert "redirect" in check["error"].lower() and "\n" not in check["error"]
    assert (
        sqlite_utils.Database(db_path).execute("select count(*) from snapshots").fetchone()[0] == 1
    )


@needs_corpus
def test_an_answer_without_entities_still_lists_the_links_its_text_shows() -> None:
    """``entities`` is optional since 2026: the links are those the text shows, in order,
    where they lead then unknown (as from oEmbed)."""
    capture = load("syndication/kcd_linkWithMetadata.json")
    bare = parse_syndication(200, capture.content_type, without(capture.body, "entities"))
    assert [tuple(link.values()) for link in bare.links] == [
        (url, None, None) for url, _, _ in LINKS[capture.name]
    ]
    assert bare.text == parse(capture).text
