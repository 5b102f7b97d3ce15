"""A post's front matter (Jekyll, Hugo, Hexo) is metadata the site never shows: embed markup
kept in one of its fields (a WordPress export's cached oEmbed answer) is no embed."""

from __future__ import annotations

import pytest

from archiver.detect import find_posts

CACHED = (
    '<div class="embed-twitter"><blockquote class="twitter-tweet"><p lang="en">Ferry at 6.</p>'
    "&mdash; Harbour Desk (@harbourdesk) "
    '<a href="https://twitter.com/harbourdesk/status/1300000000000000003">May 1, 2020</a>'
    "</blockquote></div>"
)
BODY = "The timetable changed on Monday.\n\nRiders were not told.\n"
LINE = "https://twitter.com/harbourdesk/status/1300000000000000003"


def yaml(fields: str, body: str = BODY) -> str:
    return f"---\ntitle: 'Timetables – été'\n{fields}\nlayout: post\n---\n{body}"


@pytest.mark.parametrize(
    "page",
    [
        yaml(f"_oembed_0a1b2c: {CACHED}"),
        "+++\ntitle = 'Timetables'\n" + f"cache = '{CACHED}'\n+++\n" + BODY,
        "\ufeff" + yaml(f"_oembed_0a1b2c: {CACHED}").replace("\n", "\r\n"),
        yaml('description: "Harbour Desk on X: \\"Ferry at 6.\\" / X"'),
    ],
    ids=["yaml", "toml", "bom-crlf", "title-in-a-field"],
)
@pytest.mark.parametrize("html", [None, False], ids=["sniffed", "markdown-file"])
def test_an_embed_kept_in_the_front_matter_is_none(page: str, html: bool | None) -> None:
    assert find_posts(page.encode(), html=html).embeds == []


@pytest.mark.parametrize("as_text", [False, True])
def test_the_body_s_embed_keeps_its_place_in_the_bytes(as_text: bool) -> None:
    page = yaml(f"_oembed_0a1b2c: {CACHED}", f"Riders asked:\n\n{LINE}\n\nNo answer.\n")
    data = page.encode()
    (embed,) = find_posts(page if as_text else data).embeds
    assert embed.status_id == "1300000000000000003"
    assert data[embed.raw_start : embed.raw_end].decode() == LINE


def test_a_document_opening_with_a_thematic_break_has_no_front_matter() -> None:
    """``---`` then prose, not a field: a rule, and what follows it is the article."""
    page = f"---\n\nRiders asked the desk:\n\n{CACHED}\n\n---\n\nNo answer.\n"
    (embed,) = find_posts(page.encode()).embeds
    assert (embed.status_id, embed.text) == ("1300000000000000003", "Ferry at 6.")
