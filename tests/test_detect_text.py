"""Embed detection in extracted article text: title forms, signature forms, prose, charsets.

Each fixture in tests/fixtures/text/ is a small hand-written text (invented names and IDs).
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import pytest

from archiver.detect import find_posts, has_markers

TEXT = Path(__file__).parent / "fixtures" / "text"

# fixture → embeds in order: (method, status_id, handle, author, date, text)
EMBEDS: dict[str, list[tuple]] = {
    "card_react_tweet.txt": [  # react-tweet's card flattened; the quoted post is not its text
        (
            "text",
            None,
            "shipyardhq",
            "Shipyard",
            "2025-10-07",
            "Version 4 is out today. Faster builds, smaller images.",
        )
    ],
    "card_substack.txt": [
        (
            "text",
            None,
            "harbourcouncil",
            "Harbour Council",
            "2024-03-03",
            "The ferry timetable changes on Monday. Check before you travel.",
        )
    ],
    # Cards of accounts named as prose reads (Follow …, a colon), told apart from the article's
    # byline above them by the card's marks (a separator, a follow button, Replying to).
    "card_names_like_prose.txt": [
        (
            "text",
            None,
            "ftm_harbour",
            "Follow the Money",
            "2024-03-05",
            "The port deal is signed: a 6% rise this year, 4% next, and no compulsory "
            "redundancies.",
        ),
        (
            "text",
            None,
            "portops",
            "Port Authority: Operations",
            "2024-03-05",
            "Terminal reopens at 14:00 today. Expect queues at gate 3 until the evening.",
        ),
    ],
    # A post copied from x.com's own page: its views on the timestamp's line.
    "card_x_page_copy.txt": [
        (
            "text",
            None,
            "harbourcouncil",
            "Harbour Council",
            "2024-03-08",
            "The east pier stays closed through the weekend while engineers inspect the sea "
            "wall. The west pier and the ferry terminal are open as normal.",
        )
    ],
    # The plain-text part of a newsletter (html-to-text: each link's address in brackets after
    # its text, a long one wrapped onto the next line).
    "newsletter_plain.txt": [
        (
            "text",
            "1764571093216755712",
            "harbourcouncil",
            "Harbour Council",
            "2024-03-04",
            "All sailings cancelled until Wednesday. Check the timetable page before you\ntravel.",
        ),
        (
            "text",
            "1764590184225681923",
            "tarrowwx",
            "Tarrow Weather Watch",
            "2024-03-04",
            "Gusts of 70 mph recorded at the pier head this morning.",
        ),
    ],
    # A page dumped by Lynx: each link's number before its text, the addresses under
    # "References" (the share and follow links there are none).
    "lynx_dump.txt": [
        (
            "text",
            "1764571093216755712",
            "harbourcouncil",
            "Harbour Council",
            "2024-03-04",
            "All sailings cancelled until Wednesday. Check the timetable page before\nyou "
            "travel: tarrow.example/ferries",
        ),
        (
            "text",
            "1764590184225681923",
            "tarrowwx",
            "Tarrow Weather Watch",
            "2024-03-04",
            "Gusts of 70 mph recorded at the pier head this morning.",
        ),
    ],
    # A card in a windows-1252 file with CRLF lines (its "·" is the byte 0xB7).
    "card_cp1252.txt": [
        (
            "text",
            None,
            "capitainerie_tw",
            "Capitainerie de Tarrow",
            "2025-12-02",
            "Les chalets du quai Est ouvriront samedi à 10 h. Accès piéton par la passerelle, "
            "le parking sera fermé.",
        )
    ],
    # A signature whose post's text was lost, under a paragraph longer than any post: that
    # paragraph is the article's; a post's text (short) above the next one is its own.
    "signature_after_prose.txt": [
        ("text", None, "tarrowferries", "Tarrow Ferries", "2024-03-05", None),
        (
            "text",
            None,
            "islandvoice",
            "Island Voice",
            "2024-03-05",
            "Third rise in two years. Who is this ferry actually for? #tarrow",
        ),
    ],
    "title_x.txt": [
        (
            "text",
            None,
            None,
            "Mina Okafor",
            None,
            "Council will vote on the harbour plan next Tuesday, not tonight. Details to follow.",
        )
    ],
    "title_formerly.txt": [
        (
            "text",
            None,
            None,
            "Quill & Moss",
            None,
            "Write the draft badly first. Fix it later. https://t.co/Rt56Yu78Io",
        )
    ],
    "title_twitter.txt": [
        (
            "text",
            None,
            None,
            "Ramon Estevez-Lund",
            None,
            "The Kettle Bridge is closed until Monday. Detours: https://t.co/Ab12Cd34Ef"
            " https://t.co/Gh56Ij78Kl",
        )
    ],
    "title_old_twitter.txt": [
        (
            "text",
            None,
            None,
            "Vera Novakova",
            None,
            "Ferry to Brnik delayed again, third time this week. Bring snacks & patience.",
        )
    ],
    "title_truncated.txt": [
        (
            "text",
            None,
            None,
            "Priya Raman",
            None,
            "Three weeks without hot water and nobody answers the phone. I have called the"
            " housing office eleven times and emailed twice.",
        )
    ],
    "title_multiline.txt": [
        (
            "text",
            None,
            None,
            "Tarrow Weather Watch",
            None,
            "Storm update:\nHail reported in Tarrow.\nPower out on the north side.\nStay indoors.",
        )
    ],
    "title_with_signature.txt": [
        (
            "text",
            None,
            "lumentheatre",
            "Lumen Theatre",
            "2023-03-08",
            "Opening night sold out in four minutes.",
        )
    ],
    "signature_same_line.txt": [
        (
            "text",
            None,
            "lumentheatre",
            "Lumen Theatre",
            "2023-03-08",
            "Opening night sold out in four minutes.",
        )
    ],
    "signature_paragraph.txt": [
        (
            "text",
            None,
            "priyaraman",
            "Priya Raman",
            "2022-08-30",
            "Three weeks without hot water and nobody answers the phone.",
        )
    ],
    "signature_only.txt": [
        ("text", None, "quaysidemkt", "Quayside Market", "2023-07-19", None),
    ],
    "prose.txt": [],
    "bare_url.txt": [("text", "1939701478326941847", "portauthority", None, None, None)],
    "charset_cp1252.txt": [
        (
            "text",
            None,
            "cafe_mirabelle",
            "Café Mirabelle",
            "2025-06-30",
            "“Fermé pour travaux” – réouverture prévue à Noël. Café à 2 € pour fêter ça !",
        )
    ],
}


def detect(name: str, **kwargs):
    return find_posts((TEXT / name).read_bytes(), **kwargs)


def summary(embed) -> tuple:
    return (embed.method, embed.status_id, embed.handle, embed.author, embed.date, embed.text)


def test_every_fixture_has_expectations():
    assert {p.name for p in TEXT.iterdir()} == set(EMBEDS) | {
        "markdown_reader.md",
        "markdown_code_samples.md",
        "trafilatura.xml",
        "markdown_wrapped.md",
        "markdown_reference_links.md",
        "markdown_flattened_links.md",
    }


@pytest.mark.parametrize("name", sorted(EMBEDS))
def test_embeds(name):
    embeds = detect(name).embeds
    assert [summary(e) for e in embeds] == EMBEDS[name]
    assert [e.position for e in embeds] == list(range(len(embeds)))


@pytest.mark.parametrize("name", sorted(EMBEDS))
def test_text_is_read_as_text(name):
    assert detect(name).page.title is None
    assert detect(name, html=False).embeds == detect(name).embeds


@pytest.mark.parametrize(
    "name", sorted(n for n in EMBEDS if EMBEDS[n] and all(e[1] is None for e in EMBEDS[n]))
)
def test_text_embeds_have_a_fingerprint_identity(name):
    for embed in detect(name).embeds:
        if embed.text:
            assert re.fullmatch(r"text:[0-9a-f]{16}", embed.post_id)
            assert embed.url is None


def test_raw_keeps_the_lines_unchanged():
    (embed,) = detect("title_truncated.txt").embeds
    lines = (TEXT / "title_truncated.txt").read_text(encoding="utf-8").splitlines()
    assert embed.raw == "\n".join(lines[:2])


def test_title_and_its_repeat_are_one_post():
    """The repeat under a title is the same embed, never a second post or prose."""
    (embed,) = detect("title_old_twitter.txt").embeds
    assert "Ferry to Brnik" in embed.raw.splitlines()[1]


def test_title_and_signature_forms_of_one_post_share_a_fingerprint():
    a = detect("title_with_signature.txt").embeds[0]
    b = detect("signature_same_line.txt").embeds[0]
    assert a.post_id == b.post_id


def test_bare_status_line_with_links():
    embeds = detect("bare_url.txt", include_links=True).embeds
    assert [(e.method, e.status_id) for e in embeds] == [
        ("text", "1939701478326941847"),
        ("link", "1786049023310382281"),
    ]
    assert embeds[0].url == "https://x.com/portauthority/status/1939701478326941847"


@pytest.mark.parametrize(
    "text",
    [
        'Kallas said on X that "the talks were constructive."',
        'He wrote on X: "We will return to this next month."',
        'The office said on Twitter: "No decision was taken."',
        'Asked about it, Jane Doe on X: "no comment" was all she posted.',
        "She posted about it on X (formerly Twitter) last week.",
        "Follow us on X: @examplenews",
    ],
)
def test_prose_is_not_an_embed(text):
    assert find_posts(f"Intro.\n\n{text}\n\nOutro.\n", html=False).embeds == []


@pytest.mark.parametrize(
    "line",
    [
        'Ada Loomfield on X: "Reading season is open." / X',
        'Ada Loomfield on X: "Reading season is open / X"',
        'Ada Loomfield on X (formerly Twitter): "Reading season is open / X"',
        'Ada Loomfield on Twitter: "Reading season is open." / Twitter',
        "Ada Loomfield on X: “Reading season is open.” / X",
    ],
)
def test_suffixed_titles_stand_alone(line):
    (embed,) = find_posts(f"Intro.\n\n{line}\n\nOutro.\n", html=False).embeds
    assert embed.author == "Ada Loomfield"
    assert embed.text.rstrip(".") == "Reading season is open"


@pytest.mark.parametrize(
    "line",
    [
        "Ada Loomfield auf X: „Reading season is open.“ / X",
        'Ada Loomfield sur X : "Reading season is open." / X',
        'Ada Loomfield sur X\u00a0: "Reading season is open." / X',
        'Ada Loomfield su X: "Reading season is open." / X',
        'Ada Loomfield no X: "Reading season is open." / X',
        'Ada Loomfield en X: "Reading season is open." / X',
        "XユーザーのAda Loomfieldさん: 「Reading season is open.」 / X",
        "TwitterユーザーのAda Loomfieldさん: 「Reading season is open.」 / Twitter",
        'X 上的 Ada Loomfield："Reading season is open." / X',
        "X 上的 Ada Loomfield ：“Reading season is open.” / X",
        "Twitter 上的 Ada Loomfield：“Reading season is open.” / Twitter",
        # A tab's unread count before the title, Edge's site after it (copied links).
        '(3) Ada Loomfield on X: "Reading season is open." / X (x.com)',
        "(1) XユーザーのAda Loomfieldさん: 「Reading season is open.」 / X",
        'Ada Loomfield no X: "Reading season is open." / X (twitter.com)',
    ],
)
def test_titles_in_other_languages(line):
    """X titles a post's page in its interface's language; each form, with its suffix,
    is the post's title line as the English one is."""
    (embed,) = find_posts(f"Intro.\n\n{line}\n\nOutro.\n", html=False).embeds
    assert (embed.method, embed.author) == ("text", "Ada Loomfield")
    assert embed.text == "Reading season is open."


@pytest.mark.parametrize(
    "text",
    [
        "Le 2 février 2025, Karpathy écrit sur X : « There's a new kind of coding. »",
        'Déclaration d\'Anthropic sur X : "Invisible safeguards can be targeted."',
        "Sam Altman am 02.05.2026 auf X: „you can sign in to openclaw now“.",
        "Anthropics Head of Growth bestätigte das auf X: „Als wir Max starteten.“",
        'Anthropic su X: "chi costruisce un business usa API key".',
        'Ricardo Jaime escribió en X: "Escuchando las críticas me hace pensar".',
        "田中さん: 「こんにちは」",
        "X 上的 Ada Loomfield：“读书季节开始了。”",
        "马斯克在 X 上的 帖子中写道：“火星见。”",
    ],
)
def test_localized_prose_is_not_a_title(text):
    """Articles quote posts in these words too: without X's `` / X`` a localized line is
    prose (English keeps its rule: a title without the suffix needs its text repeated)."""
    assert find_posts(f"Intro.\n\n{text}\n\nOutro.\n", html=False).embeds == []


@pytest.mark.parametrize(
    "title",
    [
        'Ada Loomfield sur Twitter : "Reading season is open." / Twitter',
        "Ada Loomfield auf Twitter: „Reading season is open.“ / Twitter",
    ],
)
def test_localized_titles_before_2023_are_read_beside_another_mark(title):
    """``Twitter``'s localized titles have no pre-filter marker of their own: the link to
    the post a reader's title line carries lets the text be read."""
    url = "https://twitter.com/adaloom/status/1901955510931214337"
    (embed,) = find_posts(f"Intro.\n\n[{title}]({url})\n\nOutro.\n", html=False).embeds
    assert (embed.status_id, embed.author) == ("1901955510931214337", "Ada Loomfield")


def test_localized_title_linked_or_addressed_below_gives_the_post():
    url = "https://x.com/adaloom/status/1901955510931214337"
    title = "Ada Loomfield auf X: „Reading season is open.“ / X"
    for line in (f"[{title}]({url})", f"{title}\n{url}"):
        (embed,) = find_posts(f"Intro.\n\n{line}\n\nOutro.\n", html=False).embeds
        assert (embed.status_id, embed.handle) == ("1901955510931214337", "adaloom")
    page = f'<p>Intro text of the article.</p><p><a href="{url}">{title}</a></p><p>Outro.</p>'
    (embed,) = find_posts(page, html=True).embeds
    assert (embed.method, embed.status_id, embed.author) == (
        "card",
        "1901955510931214337",
        "Ada Loomfield",
    )


@pytest.mark.parametrize("quotes", ['""', "“”"])
def test_title_of_a_display_name_quoting_a_nickname(quotes):
    name = f"Dwayne {quotes[0]}The Rock{quotes[1]} Johnson"
    text = f'Intro.\n\n{name} on X: "Back in the gym at 4am." / X\n\nOutro.\n'
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.author, embed.text) == (name, "Back in the gym at 4am.")


@pytest.mark.parametrize("quote", ["", "> "])
def test_title_line_linked_to_its_post(quote):
    """Reader tools' Markdown links the whole title line to the post: the post's ID."""
    url = "https://x.com/adaloom/status/1901955510931214337"
    line = f'{quote}[Ada Loomfield on X: "Reading season is open." / X]({url})'
    (embed,) = find_posts(f"Intro.\n\n{line}\n\nOutro.\n", html=False).embeds
    assert (embed.method, embed.status_id, embed.handle) == (
        "text",
        "1901955510931214337",
        "adaloom",
    )
    assert embed.text == "Reading season is open."


def test_a_link_inside_a_title_line_is_not_its_post():
    url = "https://x.com/other/status/1901955510931214337"
    line = f'Ada Loomfield on X: "Read [this]({url}) first." / X'
    (embed,) = find_posts(f"Intro.\n\n{line}\n\nOutro.\n", html=False).embeds
    assert embed.status_id is None


def test_old_title_without_repeat_is_prose():
    text = 'Intro.\n\nAda on Twitter: "Reading season is open."\n\nOutro.'
    assert find_posts(text, html=False).embeds == []


def test_truncated_title_without_full_text_keeps_the_ellipsis():
    text = 'Intro.\n\nAda Loomfield on X: "Reading season is open and the…" / X\n\nOutro.\n'
    (embed,) = find_posts(text, html=False).embeds
    assert embed.text == "Reading season is open and the…"


@pytest.mark.parametrize("ending", ["the…", "the country, starting in September."])
def test_title_then_its_text_in_paragraphs(ending):
    """The title runs the post's paragraphs together; the repeat below it keeps the blank
    line between them. It is still the same embed, and its full text wins over a truncated
    title."""
    full = "Big announcement today.\n\nWe are launching the programme in every school in"
    text = (
        f'Intro.\n\nAda Loomfield on X: "{full.replace(chr(10) * 2, " ")} {ending}" / X\n'
        f"{full} the country, starting in September.\n\nCritics responded at once.\n"
    )
    (embed,) = find_posts(text, html=False).embeds
    assert embed.text == f"{full} the country, starting in September."
    assert "Critics" not in embed.raw


def test_two_signature_posts_in_a_row():
    text = (
        "Intro:\n\nFirst post text.\n— Ada Loomfield (@loomfield) May 2, 2024\n\n"
        "Second post text.\n— Ramon Estevez-Lund (@ramonlund) March 14, 2019\n\nOutro.\n"
    )
    embeds = find_posts(text, html=False).embeds
    assert [(e.handle, e.text, e.date) for e in embeds] == [
        ("loomfield", "First post text.", "2024-05-02"),
        ("ramonlund", "Second post text.", "2019-03-14"),
    ]


@pytest.mark.parametrize("dash", ["—", "&mdash;", "&#8212;", "&#x2014;", "---", "--", "-", "–"])
def test_signature_dash_variants(dash):
    text = f"Post text here.\n{dash} Ada Loomfield (@loomfield) May 2, 2024\n"
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.handle, embed.author, embed.date) == ("loomfield", "Ada Loomfield", "2024-05-02")
    assert embed.text == "Post text here."


@pytest.mark.parametrize("inner", [" - ", " – "])
def test_signature_display_name_with_a_dash(inner):
    """A display name may hold a hyphen or en dash (``ABC 7 News - WJLA``): on a signature
    line of its own, the whole line up to the handle is the name, and the text above stays
    the post's text."""
    text = f"Intro.\n\nPost text here.\n— Harbour News{inner}Live (@harbournews) May 2, 2024\n"
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.author, embed.handle) == (f"Harbour News{inner}Live", "harbournews")
    assert embed.text == "Post text here."


@pytest.mark.parametrize(
    "date", ["November 12, 2014", "[November 12, 2014](https://twitter.com/ESA_Rosetta/status/1)"]
)
def test_signature_handle_with_markdown_escaped_underscore(date):
    """Markdown converters escape underscores: ``(@ESA\\_Rosetta)`` is the handle ESA_Rosetta."""
    text = f"Intro.\n\n> Touchdown!\n> — ESA Rosetta Mission (@ESA\\_Rosetta) {date}\n\nAfter.\n"
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.handle, embed.author, embed.text) == (
        "ESA_Rosetta",
        "ESA Rosetta Mission",
        "Touchdown!",
    )
    assert embed.date == "2014-11-12"


def test_signature_media_link_goes_to_media():
    text = "Look at the sky pic.twitter.com/Qw12Er34Ty\n— Ada (@loomfield) May 2, 2024\n"
    (embed,) = find_posts(text, html=False).embeds
    assert embed.text == "Look at the sky"
    assert embed.media == ("pic.twitter.com/Qw12Er34Ty",)


def test_markdown_with_raw_publish_markup():
    """A Markdown post (Jekyll, Hugo) pastes the publish markup as raw HTML between its
    paragraphs: it is a blockquote embed, in order with the text forms, and its links are
    part of it."""
    text = (
        'Notes.\n\nAda Loomfield on X: "Reading season is open / X"\nReading season is open\n\n'
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Bridge closed tonight.</p>'
        "&mdash; Harbour Desk (@harbourdesk) "
        '<a href="https://twitter.com/harbourdesk/status/1901955510931214337">March 18, 2025</a>'
        '</blockquote>\n<script async src="https://platform.twitter.com/widgets.js"></script>\n\n'
        "See https://x.com/a/status/1901955510931214338 too.\n"
    )
    embeds = find_posts(text.encode(), html=False, include_links=True).embeds
    assert [(e.position, e.method, e.status_id, e.text) for e in embeds] == [
        (0, "text", None, "Reading season is open"),
        (1, "blockquote", "1901955510931214337", "Bridge closed tonight."),
        (2, "link", "1901955510931214338", None),
    ]
    assert embeds[1].raw.startswith("<blockquote") and embeds[1].raw.endswith("</blockquote>")


def test_markdown_reader_output_keeps_the_linked_status_id():
    """``> quote`` markers are dropped and the signature's date links to the post."""
    data = (Path(__file__).parent / "fixtures" / "text" / "markdown_reader.md").read_bytes()
    embeds = find_posts(data, include_links=True).embeds
    assert [(e.method, e.status_id, e.handle, e.author, e.date, e.text) for e in embeds] == [
        (
            "text",
            "1901955510931214337",
            "harbourdesk",
            "Harbour Desk",
            "2025-03-18",
            "Bridge closed until further notice. Use the ring road.",
        ),
        ("link", "1901955510931214338", "a", None, None, None),
        ("text", "1901955510931214339", "b", None, None, None),
    ]


def test_thousands_of_sightings_on_one_line_keep_a_bounded_copy_of_it() -> None:
    """Each sighting keeps its whole line: 5,000 shortcodes on one 235 KB line made 5,000
    copies of it (1 GB). The first ones are kept, as many as 16 MiB of lines hold."""
    from archiver.detect.text import SIGHTING_LINES_MIN

    codes = [f"[tweet https://twitter.com/a/status/{1000 + i}]" for i in range(5000)]
    line = " ".join(codes)
    embeds = find_posts(line.encode(), html=False).embeds
    assert 1 <= len(embeds) <= SIGHTING_LINES_MIN // len(line) + 1
    assert [e.status_id for e in embeds] == [str(1000 + i) for i in range(len(embeds))]
    assert sum(len(e.raw) for e in embeds) <= SIGHTING_LINES_MIN + len(line)
    few = " ".join(codes[:40])  # a line of a few is read whole
    assert len(find_posts(few.encode(), html=False).embeds) == 40


def test_a_budget_spent_by_whole_line_hits_leaves_no_room_rather_than_failing(monkeypatch) -> None:
    """A bare status URL line is always kept, so it could take the room below zero; the next
    line's share was then a negative slice (all but the last) or an islice error."""
    import archiver.detect.text as text_module

    monkeypatch.setattr(text_module, "SIGHTING_LINES_MIN", 100)
    monkeypatch.setattr(text_module, "SIGHTING_LINES_FACTOR", 0)
    page = (
        "https://twitter.com/a/status/1111111111111111111" + " " * 80 + "\n"
        "[tweet 2222222222222222222] [tweet 3333333333333333333]\n"
        "see https://twitter.com/b/status/4444444444444444444 and more\n"
    )
    found = find_posts(page.encode(), html=False, include_links=True).embeds
    assert [(e.method, e.status_id) for e in found] == [("text", "1111111111111111111")]


ZOO = "1453110110599868418"
JEKYLL_POST = "https://twitter.com/jekyllrb/status/518821243320287232"


@pytest.mark.parametrize(
    ("shortcode", "expected"),
    [
        (f'{{{{< tweet user="SanDiegoZoo" id="{ZOO}" >}}}}', (ZOO, "SanDiegoZoo")),
        (f"{{{{< tweet {ZOO} >}}}}", (ZOO, None)),  # older Hugo: the ID alone
        (f'{{{{< twitter user="SanDiegoZoo" id="{ZOO}" >}}}}', (ZOO, "SanDiegoZoo")),
        (f'{{{{<x id="{ZOO}" user="SanDiegoZoo" />}}}}', (ZOO, "SanDiegoZoo")),
        (f"{{{{% x user=SanDiegoZoo id={ZOO} %}}}}", (ZOO, "SanDiegoZoo")),
        (f'{{{{< twitter_simple user="SanDiegoZoo" id="{ZOO}" >}}}}', (ZOO, "SanDiegoZoo")),
        # Older Hugo shortcodes took the user and the ID as positional values.
        (f'{{{{< twitter_simple "SanDiegoZoo" "{ZOO}" >}}}}', (ZOO, "SanDiegoZoo")),
        (f"{{{{< tweet SanDiegoZoo {ZOO} >}}}}", (ZOO, "SanDiegoZoo")),
        (f"{{% twitter {JEKYLL_POST} %}}", ("518821243320287232", "jekyllrb")),
        (f"{{% twitter oembed {JEKYLL_POST} %}}", ("518821243320287232", "jekyllrb")),
        (f"{{%- tweet {JEKYLL_POST} maxwidth=500 -%}}", ("518821243320287232", "jekyllrb")),
        ("{% tweet 464180168303456256 %}", ("464180168303456256", None)),
        (f"[embed]{JEKYLL_POST}[/embed]", ("518821243320287232", "jekyllrb")),  # WordPress
        (f"[embed width=500]{JEKYLL_POST}?s=20[/embed]", ("518821243320287232", "jekyllrb")),
        # Forum BBCode: XenForo's media code, and ``[tweet]`` (Kunena and others).
        (f"[MEDIA=twitter]{ZOO}[/MEDIA]", (ZOO, None)),
        (f"[media=twitter]{ZOO}[/media]", (ZOO, None)),
        (f"[tweet]{ZOO}[/tweet]", (ZOO, None)),
        (f"[tweet]{JEKYLL_POST}[/tweet]", ("518821243320287232", "jekyllrb")),
        # MDX components: react-tweet and astro-embed, mdx-embed, react-twitter-embed.
        (f'<Tweet id="{ZOO}" />', (ZOO, None)),
        (f'<Tweet id="{JEKYLL_POST}" />', ("518821243320287232", "jekyllrb")),
        (f'<Tweet tweetLink="SanDiegoZoo/status/{ZOO}" />', (ZOO, "SanDiegoZoo")),
        (f"<TwitterTweetEmbed tweetId={{'{ZOO}'}} />", (ZOO, None)),
        (f'<Tweet id={{"{ZOO}"}}/>', (ZOO, None)),
        # Blogging platforms' embed notations: Zenn's and Hashnode's.
        (f"@[tweet]({JEKYLL_POST})", ("518821243320287232", "jekyllrb")),
        (f"@[tweet](https://x.com/SanDiegoZoo/status/{ZOO})", (ZOO, "SanDiegoZoo")),
        (f"%[{JEKYLL_POST}]", ("518821243320287232", "jekyllrb")),
    ],
)
def test_hugo_and_jekyll_tweet_shortcodes_in_markdown(shortcode, expected):
    """A static site's Markdown source names its embedded posts by shortcode (or, in MDX,
    by component)."""
    text = f"# Notes\n\nThe zoo posted this:\n\n{shortcode}\n\nMore prose.\n"
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.method, embed.status_id, embed.handle, embed.raw) == (
        "wordpress",
        *expected,
        shortcode,
    )


@pytest.mark.parametrize(
    "shortcode",
    [
        '{{< tweet user="SanDiegoZoo" >}}',  # no ID
        '{{< tweet user="SanDiegoZoo" id="owl" >}}',  # not an ID
        '{{< tweet user="SanDiegoZoo" id="14531101105998684180" >}}',  # 20 digits
        '{{< x user="SanDiegoZoo" id="0" >}}',
        '{{< tweet "SanDiegoZoo" "owl" >}}',  # two values, the second no ID
        "<Tweet />",  # an MDX component naming no post
        f'<Tweetable id="{ZOO}" />',
        '<Tweet tweetLink="SanDiegoZoo/status/owl" />',
        f'{{{{</* tweet user="SanDiegoZoo" id="{ZOO}" */>}}}}',  # Hugo's docs show a shortcode
        f"{{{{< youtube {ZOO} >}}}}",
        f"{{{{< tweetable {ZOO} >}}}}",
        "{% twitter https://twitter.com/jekyllrb maxwidth=500 limit=5 %}",  # a timeline
        "{% twitter %}",
        "{% tweet 14531101105998684180 %}",
        '[tweet id="14531101105998684180"]',  # its first 19 digits were taken for the ID
        '[tweet id="owl"]',
        '[tweet id="552230355781320704abc"]',  # its leading digits were taken for the ID
        "[embed]https://twitter.com/jekyllrb[/embed]",  # a profile
        "[embed]https://example.com/status/123[/embed]",
        "[MEDIA=twitter]owl[/MEDIA]",
        "[MEDIA=youtube]1453110110599868418[/MEDIA]",
        "[tweet]https://twitter.com/jekyllrb[/tweet]",  # a profile
        f"[tweet]{ZOO} and more[/tweet]",  # not one post alone
        "@[tweet](https://twitter.com/jekyllrb)",  # a profile
        "%[https://twitter.com/jekyllrb]",
        "@[card](https://example.com/status/123)",
    ],
)
def test_shortcodes_that_name_no_post(shortcode):
    text = f"Intro.\n\n{shortcode}\n\nAfter.\n"
    assert find_posts(text.encode(), html=False, include_links=True).embeds == []


# signature line (with the post's text) → (display name, post text)
DASHED_NAMES = {
    "Engage.\n— Jean—Luc Picard (@jlp) May 1, 2024": ("Jean—Luc Picard", "Engage."),
    "Engage. — Jean—Luc Picard (@jlp) May 1, 2024": ("Jean—Luc Picard", "Engage."),
    # on the post's line, the publish em dash starts a name holding a hyphen or en dash
    "Engage now — Star Fleet - HQ (@jlp) May 1, 2024": ("Star Fleet - HQ", "Engage now"),
    "Engage now! — Star Fleet – HQ (@jlp) May 1, 2024": ("Star Fleet – HQ", "Engage now!"),
    # ... and so does the em dash glued to the post's last word (``</p>&mdash;`` as one text)
    "Engage now— Star Fleet - HQ (@jlp) May 1, 2024": ("Star Fleet - HQ", "Engage now"),
    "Engage now&mdash; Star Fleet – HQ (@jlp) May 1, 2024": ("Star Fleet – HQ", "Engage now"),
    # a dash of the post's text is not the signature's
    "Go — now — make it so. — Jean Luc (@jlp) May 1, 2024": ("Jean Luc", "Go — now — make it so."),
    "Engage - now - Jean Luc (@jlp) May 1, 2024": ("Jean Luc", "Engage - now"),
}


@pytest.mark.parametrize("line", sorted(DASHED_NAMES))
def test_signature_display_name_with_dashes(line):
    (embed,) = find_posts(f"Intro.\n\n{line}\n\nAfter.\n".encode(), html=False).embeds
    assert (embed.author, embed.text) == DASHED_NAMES[line]
    assert (embed.handle, embed.date) == ("jlp", "2024-05-01")


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("Post text here— Ada Loomfield (@loomfield) May 2, 2024", "Post text here"),
        ("Post text here&mdash; Ada Loomfield (@loomfield) May 2, 2024", "Post text here"),
        ("Look up pic.twitter.com/Qw12Er34Ty— Ada Loomfield (@loomfield) May 2, 2024", "Look up"),
        ("Bravo 🎉— Ada Loomfield (@loomfield) 2. Mai 2024", "Bravo 🎉"),
        (
            "> Post text here— Ada Loomfield (@loomfield) [May 2, 2024](https://x.com/loomfield/status/20)",
            "Post text here",
        ),
    ],
)
def test_signature_glued_to_the_post_text(line, text):
    """The publish markup's ``</p>&mdash; Name`` read as one run of text (``textContent``,
    BeautifulSoup's ``get_text()``, a Markdown paragraph) glues the em dash to the post's
    last word: the signature still starts there."""
    (embed,) = find_posts(f"Intro.\n\n{line}\n\nAfter.\n".encode(), html=False).embeds
    assert (embed.author, embed.handle, embed.text) == ("Ada Loomfield", "loomfield", text)
    assert embed.date == "2024-05-02"


def test_an_em_dash_glued_to_a_word_does_not_start_a_signature():
    text = "Intro.\n\nWhat a win—Jane Doe (@jd) said so, May 1, 2024.\n"
    assert find_posts(text.encode(), html=False).embeds == []


@pytest.mark.parametrize(
    "line",
    [
        "{{< tweet " + " " * 1500 + "x",  # 1,000 spaces took 4 CPU-s, their cube
        "{% tweet " + "a" * 50_000,  # 20,000 took 1.2 s, their square
        "[tweet " * 50_000,
        "{{< tweet " * 50_000,
    ],
    ids=["hugo-spaces", "jekyll-run", "wordpress-openers", "hugo-openers"],
)
def test_unclosed_shortcodes_cost_linear_time(line):
    started = time.process_time()
    assert find_posts(f"Intro.\n\n{line}\n".encode(), html=False).embeds == []
    assert time.process_time() - started < 2


def test_shortcode_names_are_case_sensitive_as_the_pre_filter_assumes():
    """WordPress shows ``[TWEET …]`` as it is written; whether other markers are on the page
    (which let it past the pre-filter) makes no difference."""
    upper = '[TWEET id="552230355781320704"]'
    alone = f"Intro.\n\n{upper}\n\nAfter.\n".encode()
    beside = f'Intro.\n\n[tweet id="20"] {upper}\n\nAfter.\n'.encode()
    assert find_posts(alone, html=False).embeds == []
    assert [e.status_id for e in find_posts(beside, html=False).embeds] == ["20"]


def test_a_byline_under_a_markdown_heading_is_not_a_signature():
    """Reader tools write a page's headline as a Markdown heading: a signature line right
    under it is the byline (a heading is never a post's text)."""
    byline = "— Jane Doe (@jd) March 1, 2024"
    assert (
        find_posts(f"# Storm hits coast\n\n{byline}\n\nText.\n".encode(), html=False).embeds == []
    )
    assert find_posts(f"## Storm hits coast\n{byline}\n".encode(), html=False).embeds == []
    setext = f"Storm hits coast\n================\n\n{byline}\n"
    assert find_posts(f"Title: Storm\n\n{setext}".encode(), html=False).embeds == []
    (embed,) = find_posts(f"#StormHits the coast\n{byline}\n".encode(), html=False).embeds
    assert embed.text == "#StormHits the coast"  # a hashtag, not a heading
    linked = byline.replace("March 1, 2024", "[March 1, 2024](https://x.com/jd/status/20)")
    (embed,) = find_posts(f"# Storm hits coast\n\n{linked}\n".encode(), html=False).embeds
    assert (embed.status_id, embed.handle, embed.text) == ("20", "jd", None)


BYLINE_TEXT = "— Jane Doe (@jd) March 1, 2024"


@pytest.mark.parametrize(
    ("text", "post"),
    [
        (f"Storm hits coast\n\n{BYLINE_TEXT}\n\nFerries stopped at noon.\n", None),
        (f"\nStorm hits coast, ferries stop\n{BYLINE_TEXT}\nFerries stopped at noon.\n", None),
        (f"Will the ferries run?\n\n{BYLINE_TEXT}\n\nFerries stopped at noon.\n", None),
        # The post alone: nothing follows its signature.
        (f"Storm hits coast\n\n{BYLINE_TEXT}\n", "Storm hits coast"),
        # What a post holds and a headline does not: a sentence's end, a link, a mention.
        (f"Ferries stop at noon.\n\n{BYLINE_TEXT}\n\nMore.\n", "Ferries stop at noon."),
        (
            f"Ferries stop https://t.co/AbCdEf1234\n\n{BYLINE_TEXT}\n\nMore.\n",
            "Ferries stop https://t.co/AbCdEf1234",
        ),
        (f"Ferries stop, says @port\n\n{BYLINE_TEXT}\n\nMore.\n", "Ferries stop, says @port"),
        (f"Ferries stop pic.twitter.com/AbCdEf1234\n\n{BYLINE_TEXT}\n\nMore.\n", "Ferries stop"),
        # Not the first line of the text: the article's own paragraph is above.
        (f"Intro.\n\nStorm hits coast\n\n{BYLINE_TEXT}\n\nMore.\n", "Storm hits coast"),
        # The signature on the line of the text it signs (the form extractors write).
        (f"Storm hits coast {BYLINE_TEXT}\n\nMore.\n", "Storm hits coast"),
        # The headline under the text's lead: a site's name, a section, a date line.
        (f"The Daily Planet\nWEATHER\nStorm hits coast\n{BYLINE_TEXT}\nFerries stop.\n", None),
        (f"\nNews\n\nMarch 1, 2024\n\nStorm hits coast\n\n{BYLINE_TEXT}\n\nMore.\n", None),
        # More lead lines than a text starts with: a post under them.
        (f"A\n\nB\n\nC\n\nD\n\nStorm hits coast\n\n{BYLINE_TEXT}\n\nMore.\n", "Storm hits coast"),
        # A post first in the text: the article after it names its author ...
        (
            f"Ferries resume at noon\n{BYLINE_TEXT}\nDoe, the port's director, wrote it.\n",
            "Ferries resume at noon",
        ),
        (f"Ferries resume\n\n{BYLINE_TEXT}\n\nSo wrote @jd today.\n", "Ferries resume"),
        (f"Ferries resume\n\n{BYLINE_TEXT}\n\nSo wrote Jane Doe today.\n", "Ferries resume"),
        # The author's note at the article's end names the byline's author: still a byline.
        (
            f"Storm hits coast\n\n{BYLINE_TEXT}\n\nOne.\n\nTwo.\n\nThree.\n\n"
            "Jane Doe covers the coast. Follow her on X @jd.\n",
            None,
        ),
        # A capitalised word starting a sentence names no one (a byline by "Jane Long").
        (
            f"Storm hits coast\n\n{BYLINE_TEXT.replace('Doe', 'Long')}\n\nLong queues formed.\n",
            None,
        ),
        # ... or its words speak as a post does.
        (f"We are back at sea\n\n{BYLINE_TEXT}\n\nMore.\n", "We are back at sea"),
        (f"Back at sea 🚢\n\n{BYLINE_TEXT}\n\nMore.\n", "Back at sea 🚢"),
        (f"Back at sea!\n\n{BYLINE_TEXT}\n\nMore.\n", "Back at sea!"),
        (f"back at sea\n\n{BYLINE_TEXT}\n\nMore.\n", "back at sea"),
    ],
)
def test_a_byline_under_the_headline_of_a_plain_text(text, post):
    """Plain text marks no heading, but an article's text starts with its headline (after
    at most a few short lead lines: a site's name, a section, a date): a signature line
    alone right under it, when it reads as a headline (no link, mention or hashtag, not
    ending as a sentence, not speaking as a post does) and the article goes on after it
    without naming the signature's author, is the byline. A post quoted elsewhere, shaped
    as a post, or written about in the article, stays one."""
    embeds = find_posts(text.encode(), html=False).embeds
    assert [(e.handle, e.text) for e in embeds] == ([("jd", post)] if post else [])


def test_a_page_starting_with_a_post_is_not_read_for_a_headline():
    """In HTML the headline is a heading element (``drop_bylines``): a post's text that
    happens to come first on a page stays a post."""
    page = f"<html><body><p>Storm hits coast</p><p>{BYLINE_TEXT}</p><p>More.</p></body></html>"
    (embed,) = find_posts(page.encode()).embeds
    assert (embed.handle, embed.text) == ("jd", "Storm hits coast")


@pytest.mark.parametrize(
    ("line", "author", "handle"),
    [
        ('Jane Doe (@janedoe) on X: "We did it" / X', "Jane Doe", "janedoe"),
        ('Jane Doe on X: "We did it" / X', "Jane Doe", None),
        (
            'Dwayne "The Rock" Johnson (@TheRock) on X: "We did it" / X',
            'Dwayne "The Rock" Johnson',
            "TheRock",
        ),
    ],
)
def test_a_title_naming_the_handle_as_og_title_does(line, author, handle):
    """X's og:title writes ``Name (@handle) on X``: the name is the author's, the handle
    the post's (in a title line of a text, and in a frame's title)."""
    (embed,) = find_posts(f"Story\n{line}\nWe did it\nMore text.\n", html=False).embeds
    assert (embed.author, embed.handle, embed.text) == (author, handle, "We did it")
    frame = line.replace('"', "&quot;").replace("&quot; / X", " / X&quot;", 1)
    page = f'<p>a</p><iframe src="https://medium.com/media/ab12" title="{frame}"></iframe><p>b</p>'
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.author, embed.handle) == ("iframe", author, handle)


def test_shortcodes_and_markup_in_markdown_code_are_samples_not_embeds():
    """A code span, a fenced block (backticks or tildes, a longer fence holding a shorter
    one) shows shortcodes and publish markup as text; the ones outside code are embeds."""
    embeds = find_posts((TEXT / "markdown_code_samples.md").read_bytes(), html=False).embeds
    assert [(e.method, e.status_id, e.handle) for e in embeds] == [
        ("wordpress", "1764000000000000001", "harbourcouncil"),
        ("blockquote", "1764000000000000002", "harbourcouncil"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Intro.\n\n```\n{{< tweet 20 >}}\n",  # a fence never closed runs to the end
        "Intro.\n\n   ~~~\n[tweet id=20]\n   ~~~\n",
        'Intro.\n\n```\nAda on X: "Hello" / X\n```\n',
        "Intro.\n\n```\nHello\n— Ada (@ada) May 2, 2024\n```\n",
        "Write `[tweet id=20]` in the post.\n",
        "Write `@[tweet](https://x.com/ada/status/20)` in the post.\n",
        "Intro.\n\n```\n%[https://x.com/ada/status/20]\n```\n",
    ],
)
def test_what_markdown_code_holds_is_no_embed(text):
    assert find_posts(text.encode(), html=False).embeds == []


def test_a_fence_that_is_not_one_leaves_the_text_searched():
    """Four spaces make an indented line, not a fence; a closing fence shorter than its
    opening does not close it."""
    text = "Intro.\n\n    ```\n[tweet id=20]\n"
    assert [e.status_id for e in find_posts(text.encode(), html=False).embeds] == ["20"]
    text = "Intro.\n\n````\ncode\n```\n````\n[tweet id=20]\n"
    assert [e.status_id for e in find_posts(text.encode(), html=False).embeds] == ["20"]


def test_trafilatura_xml_is_read_as_its_extracted_text():
    """trafilatura's XML (``<doc><main>``, its blockquotes as ``<quote>``, its links as
    ``<ref target>``): each embed with its text, signature and linked post; a profile link
    and the readers' comments are none. The page is what ``<doc>`` says."""
    found = detect("trafilatura.xml")
    assert [summary(e) for e in found.embeds] == [
        (
            "text",
            "1764571093216755712",
            "harbourcouncil",
            "Harbour Council",
            "2024-03-04",
            "All sailings cancelled until Wednesday. Check the timetable page before you "
            "travel: tarrow.example/ferries",
        ),
        (
            "text",
            "1764590184225681923",
            "tarrowwx",
            "Tarrow Weather Watch",
            "2024-03-04",
            "Gusts of 70 mph recorded at the pier head this morning. Easing from late tonight.",
        ),
    ]
    assert found.embeds[0].media == ("pic.twitter.com/q9ZkT4bN1c",)
    assert found.page.title == "Storm closes the harbour for a second day"
    assert found.page.canonical_url == "https://tarrow-gazette.example/news/2024/03/storm-harbour"
    assert detect("trafilatura.xml", html=True) == found  # whatever the file was taken for


def test_trafilatura_xml_without_links_keeps_the_signature():
    """trafilatura's default leaves links out: the post has no ID, its text and date stay."""
    xml = (
        '<doc title="Storm" url="https://news.example/storm"><main><p>The port shut.</p>'
        "<quote><p>All sailings cancelled.</p>— Harbour Council (@harbourcouncil) March 4, 2024"
        "</quote><p>More tomorrow.</p></main><comments/></doc>"
    )
    (embed,) = find_posts(xml.encode()).embeds
    assert summary(embed) == (
        "text",
        None,
        "harbourcouncil",
        "Harbour Council",
        "2024-03-04",
        "All sailings cancelled.",
    )


def test_pandoc_markdown_escapes_the_handle_s_at_sign():
    """Pandoc writes every ``@`` as ``\\@`` (not a citation) and an em dash as ``---``."""
    text = (
        "# Storm closes the harbour\n\nThe harbour stayed shut on Monday.\n\n"
        "> All sailings cancelled until Wednesday.\n>\n"
        "> --- Harbour Council (\\@harbour\\_council) [March 4, 2024]"
        "(https://twitter.com/harbour_council/status/1764571093216755712?ref_src=twsrc%5Etfw)\n\n"
        "The council will review the closure on Tuesday.\n"
    )
    assert has_markers(text.encode().replace(b"status", b"s"))  # the signature alone
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert summary(embed) == (
        "text",
        "1764571093216755712",
        "harbour_council",
        "Harbour Council",
        "2024-03-04",
        "All sailings cancelled until Wednesday.",
    )


def test_signatures_wrapped_by_a_markdown_converter_are_read_whole():
    """html2text wraps at 78 columns, Pandoc at 72: a signature broken inside its date's
    link, or before its ``(@handle)``, is one signature; the post's wrapped lines above it
    are its text."""
    data = (TEXT / "markdown_wrapped.md").read_bytes()
    found = find_posts(data, html=False).embeds
    assert [(e.status_id, e.handle, e.author, e.date) for e in found] == [
        ("1764571093216755712", "harbourcouncil", "Harbour Council", "2024-03-04"),
        (
            "1764590184225681923",
            "tarrowwx",
            "Tarrow Weather Watch, the volunteer weather station of the Tarrow pier",
            "2024-03-04",
        ),
    ]
    assert [" ".join((e.text or "").split()) for e in found] == [
        "All sailings cancelled until Wednesday. Check the timetable page before you travel: "
        "tarrow.example/ferries",
        "Gusts of 70 mph recorded at the pier head this morning. Easing from late tonight.",
    ]
    assert found[0].media == ("pic.twitter.com/q9ZkT4bN1c",)
    assert data[found[0].raw_start : found[0].raw_end].decode().endswith("%5Etfw)")


@pytest.mark.parametrize(
    ("signature", "date"),
    [
        # Pandoc: the date's link broken over two lines below the signature's
        (
            "> --- Harbour Council \\| Tarrow Ferries and Buses (@harbourcouncil)\n"
            "> [March 4,\n"
            "> 2024](https://twitter.com/harbourcouncil/status/1764571093216755712?ref_src=twsrc"
            '%5Etfw){rel="nofollow noopener noreferrer"}\n',
            "2024-03-04",
        ),
        # the line a signature alone, but its date the start of a link closed below it
        (
            "> --- Harbour Council (@harbourcouncil) [4 марта 2024\n"
            "> г.](https://twitter.com/harbourcouncil/status/1764571093216755712?ref_src=twsrc"
            "%5Etfw)\n",
            "2024-03-04",
        ),
    ],
)
def test_a_signature_pandoc_wrapped_inside_its_date_s_link_is_read_with_its_id(signature, date):
    """Pandoc wraps a signature's line anywhere, its date's link across the next two lines
    or opened on the signature's own: the post has its link's ID."""
    text = f"The council wrote:\n\n> All sailings cancelled until Wednesday.\n>\n{signature}"
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.status_id, embed.handle, embed.date, embed.text) == (
        "1764571093216755712",
        "harbourcouncil",
        date,
        "All sailings cancelled until Wednesday.",
    )


@pytest.mark.parametrize(
    "text",
    [
        "All sailings cancelled until Wednesday, the council said in a post before\n"
        "noon. — Harbour Council (@harbourcouncil) March\n4, 2024\n",
        "> All sailings cancelled until Wednesday.\n>\n> — Harbour Council (@harbourcouncil)\n"
        "> March 4, 2024\n",
    ],
)
def test_a_wrapped_signature_without_links_passes_the_prefilter_and_is_read(text):
    data = f"Storm\n\nThe port shut.\n\n{text}\nMore tomorrow.\n".encode()
    assert has_markers(data)
    (embed,) = find_posts(data, html=False).embeds
    assert (embed.handle, embed.date) == ("harbourcouncil", "2024-03-04")
    assert (embed.text or "").startswith("All sailings cancelled until Wednesday")


def test_reference_links_give_the_signature_its_post():
    """``[DATE][3]`` with ``[3]: STATUS URL`` at the end (html2text's reference links) links
    the signature's post as an inline link does; with links asked for, a definition an
    embed used is not a link of its own, a prose link's is."""
    data = (TEXT / "markdown_reference_links.md").read_bytes()
    found = find_posts(data, html=False, include_links=True).embeds
    assert [(e.method, e.status_id, e.handle, e.date) for e in found] == [
        ("text", "1764571093216755712", "harbourcouncil", "2024-03-04"),
        ("text", "1764590184225681923", "tarrowwx", "2024-03-04"),
        ("link", "1764200000000000001", "harbourcouncil", None),
    ]
    assert found[1].text == "Gusts of 70 mph recorded at the pier head this morning."


@pytest.mark.parametrize("dash", ["&mdash;", "&#8212;"])
def test_a_glued_entity_dash_keeps_a_hyphenated_name_whole(dash):
    text = f"Post text here.{dash} ABC 7 News - WJLA (@ABC7News) May 2, 2024\n"
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.author, embed.text) == ("ABC 7 News - WJLA", "Post text here.")


def test_a_paragraph_that_is_only_a_link_to_a_post_is_its_embed():
    """html2text and markdownify flatten a blockquote holding only a link to its post (a
    placeholder label, or none) to a quoted Markdown link, wrapped or not; a post flattened
    twice in a row (a URL line above its blockquote, a blockquote and its frame) is one
    embed; a widget's or a share button's link standing alone, and a link in a sentence,
    are links."""
    data = (TEXT / "markdown_flattened_links.md").read_bytes()
    found = find_posts(data, html=False, include_links=True).embeds
    assert [(e.method, e.status_id, e.author) for e in found] == [
        ("text", "1764571093216755712", None),
        ("text", "1764590184225681923", None),
        ("text", "1764600912345678848", None),
        ("link", "1764611111111111111", None),
        ("text", "1765012345678901248", None),
        ("text", "1765123456789012480", "Tarrow Weather Watch"),
        ("text", "1764571093216755712", None),
        ("link", "1765130000000000000", None),
        ("link", "1765140000000000000", None),
    ]
    wrapped = data[found[1].raw_start : found[1].raw_end].decode()
    assert wrapped == (
        "> [Tweet may have been deleted\n"
        "> (opens in a new tab)](https://twitter.com/tarrowwx/status/1764590184225681923)"
    )
    assert found[5].text == "Wind easing now, 35 mph at the pier head. The road is clear."


@pytest.mark.parametrize(
    "text",
    [
        "[Retweet this article!](https://twitter.com/v8js/status/1197547645729988608)\n",
        "Posts\n\n[ \\- November 20, 2019 ](https://twitter.com/a/status/1197105888621989891)\n",
        "> Read [the thread](https://twitter.com/a/status/1197105888621989891) here.\n",
    ],
)
def test_a_labelled_link_standing_alone_outside_a_quote_is_no_embed(text):
    assert find_posts(text.encode(), html=False).embeds == []


def test_a_quoted_post_of_several_paragraphs_keeps_them_all():
    """html2text writes a post's paragraphs as one Markdown quote: all of it above the
    signature is the post's text; an article's quote around it (one level out) is not."""
    text = (
        "The council gave its reasons in a post.\n\n"
        "> Provided the sea wall holds, the road reopens on Friday.\n>\n"
        "> Until then, buses use the inland route.\n>\n"
        "> -- Harbour Council (@harbourcouncil) [March 4, 2024]"
        "(https://twitter.com/harbourcouncil/status/1764571093216755712?ref_src=twsrc%5Etfw)\n\n"
        "The Courier quoted the report:\n\n"
        "> The inspection may take a week, the engineers said.\n>\n"
        ">> Wind easing now, 35 mph at the pier head.\n>>\n>> The road is clear.\n>>\n"
        ">> -- Tarrow Weather Watch (@tarrowwx) [March 5, 2024]"
        "(https://twitter.com/tarrowwx/status/1765123456789012480)\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.status_id, e.text) for e in found] == [
        (
            "1764571093216755712",
            "Provided the sea wall holds, the road reopens on Friday.\n\n"
            "Until then, buses use the inland route.",
        ),
        ("1765123456789012480", "Wind easing now, 35 mph at the pier head.\n\nThe road is clear."),
    ]


@pytest.mark.parametrize(
    "below",
    [
        "https://x.com/tarrowwx/status/1786049023310382281",
        "[https://x.com/tarrowwx/status/1786049023310382281?s=20]",
        "<https://twitter.com/i/web/status/1786049023310382281>",
    ],
)
@pytest.mark.parametrize(
    "form",
    [
        'Tarrow Weather on X: "Fog lifting by noon." / X',
        "Fog lifting by noon.\n— Tarrow Weather (@tarrowwx) May 2, 2024",
        "Tarrow Weather\n@tarrowwx\nFog lifting by noon.\n8:15 AM · May 2, 2024",
    ],
)
def test_the_post_s_address_on_the_line_below_is_the_same_embed(form, below):
    text = f"Storm\n\nThe port shut.\n\n{form}\n{below}\n\nMore tomorrow.\n"
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.status_id, embed.text) == ("1786049023310382281", "Fog lifting by noon.")
    assert embed.raw.endswith(below)


def test_another_author_s_address_below_is_an_embed_of_its_own():
    text = (
        "Storm\n\nFog lifting by noon.\n— Tarrow Weather (@tarrowwx) May 2, 2024\n"
        "https://x.com/harbourcouncil/status/1786049023310382299\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.status_id, e.handle) for e in found] == [
        (None, "tarrowwx"),
        ("1786049023310382299", "harbourcouncil"),
    ]


def test_an_indented_block_is_no_quote():
    """inscriptis indents a blockquote deeper than the article, but also a live blog's
    entries and a list's numbers (real pages 039 and 040): the indent marks no quote, and
    a post keeps the paragraph above its signature, not the article's paragraphs above it
    at the same indent."""
    text = (
        "        Readers answered the council.\n\n"
        "          2.\n\n"
        "          Until then, buses use the inland route.\n\n"
        "          — Harbour Council (@harbourcouncil) March 4, 2024\n\n"
        "        Residents were not surprised.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.text == "Until then, buses use the inland route."


def test_a_link_labelled_as_a_post_that_leads_elsewhere_is_no_embed():
    text = (
        "The singer answered the thread himself.\n\n"
        "[https://twitter.com/rickastley/status/8006589258918656]"
        "(https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n\n"
        "[https://twitter.com/rickastley/status/8006589258918656]"
        "(https://twitter.com/rickastley/status/8006589258918656)\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.status_id, e.raw) for e in found] == [
        ("8006589258918656", text.split("\n\n")[2].strip())
    ]


def test_a_dump_s_references_are_no_links_of_their_own_when_an_embed_used_them():
    found = find_posts((TEXT / "lynx_dump.txt").read_bytes(), include_links=True).embeds
    assert [e.method for e in found] == ["text", "text"]


def test_html_to_text_s_link_addresses_leave_a_post_s_text_as_its_markup_shows_it():
    """html-to-text writes each link's address in brackets after its text: a post's ``t.co``
    ones are dropped, so the text and media are those of the publish markup."""
    markup = (
        '<html><body><p>The port shut.</p><blockquote class="twitter-tweet"><p lang="en">Fog '
        'lifting by noon. Details: <a href="https://t.co/Xa81kQe2Lm">tarrow.example/fog</a> '
        '<a href="https://t.co/q9ZkT4bN1c">pic.twitter.com/q9ZkT4bN1c</a></p>&mdash; Tarrow '
        'Weather (@tarrowwx) <a href="https://twitter.com/tarrowwx/status/1786049023310382281">'
        "May 2, 2024</a></blockquote></body></html>"
    )
    plain = (
        "Storm\n\nThe port shut.\n\n> Fog lifting by noon. Details: tarrow.example/fog "
        "[https://t.co/Xa81kQe2Lm]\n> pic.twitter.com/q9ZkT4bN1c [https://t.co/q9ZkT4bN1c]\n>\n"
        "> — Tarrow Weather (@tarrowwx) May 2, 2024\n"
        "> [https://twitter.com/tarrowwx/status/1786049023310382281]\n\nMore.\n"
    )
    (from_markup,) = find_posts(markup.encode()).embeds
    (from_text,) = find_posts(plain.encode(), html=False).embeds
    assert (from_text.text, from_text.media, from_text.status_id) == (
        from_markup.text,
        from_markup.media,
        from_markup.status_id,
    )


def test_a_quoted_post_ending_with_a_colon_before_its_link_keeps_its_text():
    """The post's own colon (its link after it, which the text's reading sets aside) does
    not make the quote an introduction to the embed."""
    text = (
        "People pointed it out at once.\n\n"
        "> Yes this is real and the state paid for it: <https://t.co/Nc0nKoXGBP>\n>\n"
        "> — Harbour Council (@harbourcouncil) [March 4, 2024]"
        "(https://twitter.com/harbourcouncil/status/1764571093216755712)\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.text and embed.text.startswith("Yes this is real and the state paid for it:")


def test_a_post_run_into_the_article_s_paragraph_keeps_its_own_line():
    """trafilatura's text writes each paragraph of a page on a line, with blank lines only
    here and there: the article's paragraph and the post's run together above the
    signature. Too long for a post together, the last line alone is the post's."""
    prose = (
        "The council said the harbour road would stay closed until the sea wall has been"
        " inspected, and that the inspection could take a week or more depending on the"
        " weather, which the forecasters expect to stay rough until the weekend at least."
    )
    text = (
        f"Storm closes the harbour\n\n{prose}\n"
        "The harbour road stays closed today. Buses use the inland route.\n"
        "— Harbour Council (@harbourcouncil) March 4, 2024\n"
        "Residents were not surprised.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.text == "The harbour road stays closed today. Buses use the inland route."
    one_line = text.replace(f"{prose}\nThe harbour", f"{prose} The harbour")
    (embed,) = find_posts(one_line.encode(), html=False).embeds
    assert embed.text is None


POST_LINES = "The harbour road stays closed today.\nBuses use the inland route until Friday.\n"
LONG_LINE = "The council said the harbour road would stay closed for a week or more. " * 5
SIGNED = "— Harbour Council (@harbourcouncil) March 4, 2024\nResidents were not surprised.\n"


@pytest.mark.parametrize("blank", ["", "\n"])
def test_a_post_of_several_lines_under_a_paragraph_longer_than_any_post_keeps_them(
    blank: str,
) -> None:
    """Lines that fit in a post together, with a line above them longer than any post (the
    article's), are the post's paragraphs: trafilatura writes each of a page's paragraphs
    on a line, a post's too (its ``<br>``s), with nothing between the article's and the
    post's."""
    text = f"Storm closes the harbour\n{blank}{LONG_LINE.strip()}\n{POST_LINES}{SIGNED}"
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.text == POST_LINES.strip()


@pytest.mark.parametrize(
    "above",
    [
        "",  # the text's start
        "Earlier post.\n— Alpha Person (@alpha) March 1, 2024\n",  # a line already read
    ],
)
def test_lines_of_a_post_with_nothing_that_bounds_them_leave_it_its_last(above: str) -> None:
    text = f"{above}{POST_LINES}{SIGNED}"
    embed = find_posts(text.encode(), html=False).embeds[-1]
    assert embed.text == "Buses use the inland route until Friday."


@pytest.mark.parametrize("mark", ["    ", "> "])
def test_a_quote_holding_the_post_before_is_not_one_post_s_quote(mark: str) -> None:
    """A text indented or quoted alike throughout (a quoted mail, a block of two posts):
    the second signature's quote holds the first post too, so its text is its own
    paragraph, not the article's paragraphs between the two."""
    paragraphs = [
        "Post one text here.",
        "— Alpha Person (@alpha) March 1, 2024",
        "The council replied the next day, and the mayor said more.",
        "Post two text here.",
        "— Beta Person (@beta) March 2, 2024",
        "More of the article.",
    ]
    blank = "\n" if mark == "    " else ">\n"
    text = blank.join(f"{mark}{paragraph}\n" for paragraph in paragraphs)
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.author, e.text) for e in found] == [
        ("Alpha Person", "Post one text here."),
        ("Beta Person", "Post two text here."),
    ]


@pytest.mark.parametrize("quote", ["", "> "])
def test_a_signature_whose_date_link_is_empty_names_its_post(quote):
    """``— Name (@handle) <a href=STATUS></a>``: the page emptied the date's link, which
    html2text writes as ``[](STATUS)``; the link to the handle's post stands for the date."""
    url = "https://twitter.com/port_noy/status/811931086355832833?ref_src=twsrc%5Etfw"
    text = f"Intro.\n\n{quote}Simple as pie.\n{quote}\n{quote}-- Sebastian R (@port_noy) [](url)\n"
    (embed,) = find_posts(text.replace("(url)", f"({url})") + "\nAfter.\n", html=False).embeds
    assert (embed.status_id, embed.handle, embed.author, embed.text) == (
        "811931086355832833",
        "port_noy",
        "Sebastian R",
        "Simple as pie.",
    )
    assert (embed.date, embed.date_text) == (None, None)


@pytest.mark.parametrize(
    "line",
    [
        "-- Sebastian R (@port_noy)",  # no date and no link: a name and a handle
        "-- Sebastian R (@port_noy) [](https://twitter.com/other/status/811931086355832833)",
        "-- Sebastian R (@port_noy) [](https://example.com/port_noy/status/811931086355832833)",
        "Ask -- Sebastian R (@port_noy) [here](https://twitter.com/port_noy/status/8119310863)",
    ],
)
def test_an_undated_signature_needs_an_empty_link_to_its_handles_post(line):
    text = f"Intro.\n\nSimple as pie.\n\n{line}\n\nAfter.\n"
    assert find_posts(text, html=False).embeds == []


@pytest.mark.parametrize(
    ("label", "text"),
    [
        # A post's own brackets in the label (one level of pairs).
        ('Ada Loomfield on X: "[Thread] Reading season is open." / X', "[Thread] Reading"),
        # html2text's escapes: the tab's count, the post's brackets and dots.
        (
            r'\(2\) Ada Loomfield on X: "\[Thread\] Reading season is open\." / X',
            "[Thread] Reading",
        ),
        (r"XユーザーのAda Loomfieldさん: 「main\(\) is open」 / X", "main() is open"),
    ],
)
def test_a_title_links_label_keeps_brackets_and_markdown_escapes(label, text):
    url = "https://x.com/adaloom/status/1901955510931214337"
    (embed,) = find_posts(f"Intro.\n\n[{label}]({url})\n\nOutro.\n", html=False).embeds
    assert (embed.status_id, embed.author) == ("1901955510931214337", "Ada Loomfield")
    assert embed.text.startswith(text)


@pytest.mark.parametrize(
    "line",
    [
        "<https://twitter.com/harbourcouncil/status/1764571093216755712>",
        # html2text's minimal publish markup: a blockquote holding only a link named by its URL
        "> <https://twitter.com/harbourcouncil/status/1764571093216755712>",
    ],
)
def test_a_markdown_autolink_to_a_post_alone_on_its_line_is_its_embed(line: str) -> None:
    """Markdown writes a link whose text is its address as ``<URL>``: alone on its line it
    is the bare status URL of a failed auto-embed, as the address written plain is."""
    text = f"The council answered at once.\n\n{line}\n\nResidents were not surprised.\n"
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.method, e.status_id, e.handle) for e in found] == [
        ("text", "1764571093216755712", "harbourcouncil")
    ]


def test_a_signature_whose_text_was_lost_keeps_its_author_over_its_address_below() -> None:
    """A post flattened twice in a row is one embed: the signature (its text lost, an
    article paragraph longer than any post above it) keeps its author and date; the bare
    address below, the post's second rendering, adds nothing."""
    article = "The council met again on Monday. " * 10
    address = "https://twitter.com/harbourcouncil/status/1764571093216755712"
    text = (
        f"{article}\n\n— Harbour Council (@harbourcouncil) [March 4, 2024]({address})\n\n"
        f"{address}\n\nResidents were not surprised.\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.status_id, e.author, e.date, e.text) for e in found] == [
        ("1764571093216755712", "Harbour Council", "2024-03-04", None)
    ]


def test_a_post_quoted_in_a_list_item_is_read_without_the_item_s_marker():
    """html2text writes a blockquote that opens a list item as ``* > text``: the quote's
    lines are the post's, without the item's ``*``."""
    text = (
        "Reactions:\n\n"
        "  * > The harbour road stays closed today.\n"
        "    > \n"
        "    > — Harbour Council (@harbourcouncil) [March 4, 2024]"
        "(https://twitter.com/harbourcouncil/status/1764571093216755712)\n\n"
        "  * A list item that is no quote.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.status_id, embed.text) == (
        "1764571093216755712",
        "The harbour road stays closed today.",
    )


def test_a_placeholder_link_quoted_in_a_list_item_is_its_embed():
    """The quote rule for a paragraph that is only a link holds for a quote opening a list
    item (``* > [label](URL)``) as for one standing alone."""
    text = (
        "Reactions:\n\n"
        "  * > [Tweet may have been deleted](https://twitter.com/harbourcouncil/status/"
        "1764571093216755712)\n\n"
        "  * A list item that is no quote.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.method, embed.status_id) == ("text", "1764571093216755712")


ARTICLE = "# Bridge story\n\nThe council met on Monday.\n\n{}\nThe works end in May.\n"
MOST_READ = (
    "## Most read\n\n"
    '1. [Jane Roe on X: "Bridge closed" / X](https://x.com/janeroe/status/1764000000000000002)\n'
    '2. [Sam Poe on X: "Bridge open" / X](https://x.com/sampoe/status/1764000000000000003)\n'
)


@pytest.mark.parametrize(
    "part",
    [
        MOST_READ,  # a box of links to posts, each labelled with its page's title
        MOST_READ.replace("1. ", "* ").replace("2. ", "* "),
        "“The bridge reopens at noon.” — Jane Roe (@janeroe), March 3, 2024\n",
        "She wrote — Jane Roe (@janeroe) March 3, 2024, before deleting it.\n",
        "Follow us on X @harbournews\n",
        "https://x.com/i/status/1764000000000000001/analytics\n",
        "> [Who liked it](https://x.com/janeroe/status/1764000000000000001/likes)\n",
        "[Like](https://twitter.com/intent/like?tweet_id=1764000000000000001)\n",
    ],
)
def test_near_misses_in_text_are_no_embeds(part: str) -> None:
    assert find_posts(ARTICLE.format(part).encode(), html=False).embeds == []


def test_a_title_alone_in_a_list_item_is_its_post_without_the_item_s_marker() -> None:
    """One linked title in a list (no other item links a post) is read as the title it is:
    its name without the item's number, and its post by the link."""
    (embed,) = find_posts(ARTICLE.format(MOST_READ.split("\n2. ")[0] + "\n").encode()).embeds
    assert (embed.author, embed.status_id, embed.text) == (
        "Jane Roe",
        "1764000000000000002",
        "Bridge closed",
    )


def test_a_number_starting_a_title_s_name_is_the_name_s() -> None:
    """A club named ``1. FC Köln``: unlinked, the title's number is no list's marker."""
    title = '1. FC Harbour on X: "Match day! Gates open at noon." / X\n'
    (embed,) = find_posts(ARTICLE.format(title).encode(), html=False).embeds
    assert (embed.author, embed.text) == ("1. FC Harbour", "Match day! Gates open at noon.")


@pytest.mark.parametrize(
    ("line", "author", "handle"),
    [
        ('Her post read: Jane Roe on X: "The bridge reopens." / X', "Jane Roe", None),
        ('She wrote: Jane Doe (@janedoe) on X: "The bridge reopens." / X', "Jane Doe", "janedoe"),
        ('In a statement, she wrote: Jane Roe on X: "The bridge reopens." / X', "Jane Roe", None),
        # a sentence in the name's place: the title's form stays, its author is not known
        ('She wrote on X: "The bridge reopens." / X', None, None),
        ('As she put it on Twitter: "The bridge reopens." / Twitter', None, None),
        ('Jane Says on X: "The bridge reopens." / X', "Jane Says", None),
        # a display name's own colon: its words before it are capitalized or a name's particles
        ('NASA: Artemis on X: "The bridge reopens." / X', "NASA: Artemis", None),
        (
            'Friends of the Earth: Scotland on X: "The bridge reopens." / X',
            "Friends of the Earth: Scotland",
            None,
        ),
        (
            'Her post read: Port Authority: Operations on X: "The bridge reopens." / X',
            "Port Authority: Operations",
            None,
        ),
    ],
)
def test_a_title_quoted_in_prose_names_its_author_without_the_prose(line, author, handle):
    """The sentence introducing a title on its line was read as the start of the name."""
    (embed,) = find_posts(f"Story\n\n{line}\n\nMore text.\n", html=False).embeds
    assert (embed.author, embed.handle, embed.text) == (author, handle, "The bridge reopens.")


@pytest.mark.parametrize(
    "lead",
    [
        "Contact the author",
        "Written by",
        "By",
        "Follow the reporter:",
        "> Email the author",
        # the same in the languages of the detector's other tables, as their sites write it
        "Contacter l'auteur",
        "Par",
        "Écrit par",
        "Auteur :",
        "Von",
        "Kontakt",
        "Kontakt zur Autorin",
        "Dem Autor folgen",
        "Por",
        "Escrito por",
        "Contactar al autor",
        "Di",
        "A cura di",
        "Contatta l’autore",
        "Fale com o autor",
        "Texto:",
        "Door",
        "Geschreven door",
        "Volg de auteur",
    ],
)
def test_a_byline_lead_in_on_the_signature_line_is_not_a_post(lead):
    """``Contact the author — Jane Roe (@janeroe) March 3, 2024`` names the article's
    writer: no embed with the lead-in as its text, in a text or a page; its date linking a
    post, that post without text (as a byline under a heading)."""
    line = f"{lead} — Jane Roe (@janeroe) March 3, 2024"
    article = "The council voted seven to two on Tuesday to keep the night ferry running."
    assert find_posts(f"Intro.\n\n{article}\n\n{line}\n".encode(), html=False).embeds == []
    page = f"<article><p>{article}</p><p>{line.lstrip('> ')}</p></article>"
    assert find_posts(page.encode(), html=True).embeds == []
    linked = line.replace("March 3, 2024", "[March 3, 2024](https://x.com/janeroe/status/20)")
    (embed,) = find_posts(f"{article}\n\n{linked}\n".encode(), html=False).embeds
    assert (embed.status_id, embed.handle, embed.text) == ("20", "janeroe", None)


@pytest.mark.parametrize(
    "text",
    [
        "Contact the author today!",
        "I am the author",
        "Bye",
        # a lead-in's words starting a post's own text
        "Par ici la sortie !",
        "Von Herzen danke",
        "Por fin",
        "Di nuovo in campo",
        "Door de regen",
        "Über",
        "Mais",
        "Da",
        "Volg ons",
    ],
)
def test_a_post_ending_on_its_signature_line_keeps_its_text(text):
    (embed,) = find_posts(
        f"Intro.\n\n{text} — Jane Roe (@janeroe) March 3, 2024\n", html=False
    ).embeds
    assert embed.text == text


@pytest.mark.parametrize(
    "text",
    [
        # Resiliparse: a list's items with a bullet, the post's signature under its item.
        "  • Ferries stop for the storm, Tarrow Gazette, 4 March 2024\n\n"
        "    • All sailings cancelled until Wednesday. #tarrow pic.twitter.com/q9ZkT4bN1c\n\n"
        "      — Harbour Council (@harbourcouncil) March 4, 2024\n\n"
        "  • Buses take the inland route, Tarrow Gazette, 5 March 2024\n",
        # Pandoc's plain text: the post an item nested in the article's, no blank line
        # between the article's item and it, its lines wrapped under the item's text.
        "-   Ferries stop for the storm, Tarrow Gazette,\n"
        "    4 March 2024\n"
        "    -   All sailings cancelled until Wednesday.\n"
        "          #tarrow pic.twitter.com/q9ZkT4bN1c\n\n"
        "          — Harbour Council (@harbourcouncil) March 4, 2024\n"
        "-   Buses take the inland route, Tarrow Gazette\n",
    ],
)
def test_a_post_listed_as_an_item_is_read_without_the_item_s_marker(text):
    """An extractor writes a list of posts (a blog's roundup) with its own markers: the
    post's text starts at its item's first line, without the marker."""
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.handle, " ".join((embed.text or "").split()), embed.media) == (
        "harbourcouncil",
        "All sailings cancelled until Wednesday. #tarrow",
        ("pic.twitter.com/q9ZkT4bN1c",),
    )


def test_a_post_s_own_list_keeps_its_markers_and_its_first_line():
    """A post that lists (``- ``) is indented as its signature is: its list is its text."""
    text = (
        "The council listed the changes.\n\n"
        "  Changes from Monday:\n"
        "  - sailings cancelled until Wednesday\n"
        "  - buses take the inland route\n\n"
        "  — Harbour Council (@harbourcouncil) March 4, 2024\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.text == (
        "Changes from Monday:\n- sailings cancelled until Wednesday\n- buses take the inland route"
    )


def test_a_listed_post_of_several_paragraphs_after_another_s_signature_is_read_whole():
    """Resiliparse sets each of a listed post's paragraphs where its item's text starts,
    the marker before the first: the item bounds the post above, though another post's
    signature is just above it."""
    text = (
        "    • All sailings cancelled until Wednesday.\n\n"
        "      — Harbour Council (@harbourcouncil) March 4, 2024\n\n"
        "    • Gusts of 70 mph at the pier head this morning.\n\n"
        "      Easing from late tonight, stay off the sea wall.\n\n"
        "      — Tarrow Weather Watch (@tarrowwx) March 4, 2024\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.handle, " ".join((e.text or "").split())) for e in found] == [
        ("harbourcouncil", "All sailings cancelled until Wednesday."),
        (
            "tarrowwx",
            "Gusts of 70 mph at the pier head this morning. Easing from late tonight, stay off"
            " the sea wall.",
        ),
    ]


def test_an_article_s_item_above_a_post_set_deeper_is_not_the_post_s():
    """inscriptis writes the article's list item with its marker and the post under it
    deeper: the item is the article's, the post keeps its own paragraph."""
    text = (
        "        * Ferries stop for the storm, Tarrow Gazette, 4 March 2024\n\n"
        "              All sailings cancelled until Wednesday.\n\n"
        "              — Harbour Council (@harbourcouncil) March 4, 2024\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.text == "All sailings cancelled until Wednesday."


def test_a_post_under_w3m_s_marker_alone_on_its_line_is_read_whole():
    """w3m marks a list within a list with ``□``, alone on its line when the item holds a
    post's blockquote, its paragraphs set deeper: the post is read from below the marker,
    all its paragraphs, and the article's item above stays the article's."""
    text = (
        "  • Ferries stop for the storm, Tarrow Gazette,\n"
        "    4 March 2024\n"
        "      □ \n"
        "            Gusts of 70 mph at the pier head this morning.\n\n"
        "            Easing from late tonight, stay off the sea wall.\n\n"
        "            — Tarrow Weather Watch (@tarrowwx) March 4, 2024\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.text == (
        "Gusts of 70 mph at the pier head this morning.\n\n"
        "Easing from late tonight, stay off the sea wall."
    )


@pytest.mark.parametrize(
    ("cut", "media"),
    [
        ("pic.twitter.com/\n    q9ZkT4bN1c", ("pic.twitter.com/q9ZkT4bN1c",)),
        ("https:/\n    /t.co/q9ZkT4bN1c", ()),
        ("https://t.co/\n    q9ZkT4bN1c", ()),
    ],
)
def test_a_post_s_address_wrapped_over_two_lines_is_made_whole(cut, media):
    """w3m wraps a line after a slash, cutting the post's own link in two: the link is
    made whole (a media link is the post's media), and the post's text is not cut to the
    link's second half, nor its length counted with it."""
    words = " ".join(["All sailings cancelled until Wednesday, gusts at the pier head."] * 4)
    text = (
        "The council said:\n\n"
        + "\n".join(f"    {words[n : n + 70].strip()}" for n in range(0, len(words), 70))
        + f" {cut}\n\n"
        "    — Harbour Council (@harbourcouncil) March 4, 2024\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert " ".join((embed.text or "").split()).startswith("All sailings cancelled")
    assert embed.media == media
    assert "\n" not in (embed.text or "").rpartition(" ")[2]


@pytest.mark.parametrize(
    "paragraph",
    [
        # trafilatura's Markdown: the embed's quote dropped, its fallback link kept.
        "[Tweet may have been deleted\n(opens in a new tab)]"
        "(https://twitter.com/harbourcouncil/status/1764571093216755712)",
        "[This Post is unavailable.](https://x.com/harbourcouncil/status/1764571093216755712)",
        # Pandoc's Markdown: a fenced div around it, the link's attributes wrapped below it.
        '::: {.js-tweet}\n[](https://twitter.com/harbourcouncil/status/1764571093216755712){.alt\ntarget="_blank"}\n:::',
        "> [Tweet may have been deleted [(opens in a new\n> tab)]{.sr-only}]"
        "(https://twitter.com/harbourcouncil/status/1764571093216755712){.text-gray-600\n"
        '> target="_blank" rel="noopener"}',
    ],
)
def test_a_post_s_fallback_link_alone_in_its_paragraph_is_the_embed(paragraph):
    """A page's embed whose post did not load leaves a link to it, empty or labelled as
    gone; a converter keeps it alone in its paragraph, with Pandoc's markup around it."""
    text = f"The harbour stayed shut on Monday.\n\n{paragraph}\n\nThe council met on Tuesday.\n"
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.method, embed.status_id, embed.handle) == (
        "text",
        "1764571093216755712",
        "harbourcouncil",
    )


@pytest.mark.parametrize(
    "label", ["Share on Twitter", "The council's post", "Tweet this", "Posts may be deleted"]
)
def test_a_link_to_a_post_labelled_otherwise_alone_in_its_paragraph_stays_a_link(label):
    text = (
        "The harbour stayed shut on Monday.\n\n"
        f"[{label}](https://twitter.com/harbourcouncil/status/1764571093216755712)\n\n"
        "The council met on Tuesday.\n"
    )
    assert find_posts(text.encode(), html=False).embeds == []


def test_pandoc_s_escapes_and_link_attributes_are_no_part_of_a_post():
    """Pandoc's Markdown escapes quote marks and a sentence's dots (``it\\'s``, ``cut\\...``)
    and writes a link's attributes after it: the post reads as its author wrote it, and its
    date's link still names it."""
    text = (
        "The airport lost power on Monday.\n\n"
        "> Can\\'t get off the plane, it\\'s a power cut\\...\n"
        '> [#tarrow](https://twitter.com/hashtag/tarrow?src=hash){target="_blank"}\n'
        ">\n"
        "> --- Harbour Council (\\@harbourcouncil) [March 4,\n"
        "> 2024](https://twitter.com/harbourcouncil/status/1764571093216755712)"
        '{target="_blank"}\n\n'
        "Buses took the passengers back.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.status_id, embed.date, " ".join((embed.text or "").split())) == (
        "1764571093216755712",
        "2024-03-04",
        "Can't get off the plane, it's a power cut... #tarrow",
    )


def test_a_dump_s_link_labelled_as_a_gone_post_alone_in_its_paragraph_is_the_embed():
    """lynx writes a link as its reference's number before its label: the embed's fallback
    link (``[69]Tweet may have been deleted``) is the post its reference names; a share
    link so written stays a link."""
    text = (
        "   The harbour stayed shut on Monday.\n\n"
        "     [1]Tweet may have been deleted (opens in a new tab)\n\n"
        "   The council met on Tuesday. [2]Share on Twitter\n\n"
        "     [2]Share on Twitter\n\n"
        "References\n\n"
        "   1. https://twitter.com/harbourcouncil/status/1764571093216755712\n"
        "   2. https://twitter.com/harbourcouncil/status/1764571093216755799\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.status_id, e.handle) for e in found] == [("1764571093216755712", "harbourcouncil")]


@pytest.mark.parametrize(
    ("cited", "found"),
    [
        ("", [("1764571093216755712", "harbourcouncil")]),
        # its number in the text: a link of the article's, no embed
        (" [2]The council's post, [5]twice.", []),
    ],
)
def test_a_post_a_dump_lists_only_in_its_references_is_an_embed(cited, found):
    """Lynx writes no number in the text for an empty link (an embed's fallback
    ``<a href=STATUS></a>``) but lists it in its references, twice when the page links the
    post twice so: one embed; a number wrapped over two lines is cited all the same."""
    text = (
        f"   The harbour stayed shut on Monday, said the [1]council.{cited}\n\n"
        "   The buses took the inland route, the company told [3]Tarrow\n"
        "   Gazette readers on its page[4\n"
        "   ].\n\n"
        "References\n\n"
        "   1. https://harbour.example/council\n"
        "   2. https://twitter.com/harbourcouncil/status/1764571093216755712\n"
        "   3. https://gazette.example/\n"
        "   4. https://twitter.com/tarrowgazette/status/1764571093216755799\n"
        "   5. https://twitter.com/harbourcouncil/status/1764571093216755712\n"
    )
    embeds = find_posts(text.encode(), html=False).embeds
    assert [(e.status_id, e.handle) for e in embeds if e.method != "link"] == found


def test_a_rendered_embed_s_frame_a_dump_lists_is_an_embed():
    """Lynx writes a frame as ``IFRAME: [2]`` and its address (wrapped in the text) under
    its references: a rendered embed's frame names its post (``embed/Tweet.html?…&id=``)."""
    frame = (
        "https://platform.twitter.com/embed/Tweet.html?creatorScreenName=harbourcouncil"
        "&dnt=false&embedId=twitter-widget-0&frame=false&hideCard=false&hideThread=true"
        "&id=1764571093216755712&lang=en&theme=light&width=550px"
    )
    text = (
        "   The harbour stayed shut on Monday, said the [1]council.\n\n"
        f"   IFRAME:\n   [2]{frame[:70]}\n   {frame[70:]}\n\n"
        "   The buses took the inland route.\n\n"
        "References\n\n"
        "   1. https://harbour.example/council\n"
        f"   2. {frame}\n"
    )
    embeds = find_posts(text.encode(), html=False).embeds
    assert [e.status_id for e in embeds if e.method != "link"] == ["1764571093216755712"]


def test_a_numbered_list_of_posts_under_an_article_s_references_is_no_dump():
    """An article's own "References", a numbered list of addresses that its text never
    cites, is no dump's: its posts are links, not embeds."""
    text = (
        "The council's posts are listed below.\n\n"
        "References\n\n"
        "   1. https://twitter.com/harbourcouncil/status/1764571093216755712\n"
        "   2. https://twitter.com/harbourcouncil/status/1764571093216755799\n"
    )
    embeds = find_posts(text.encode(), html=False).embeds
    assert [e for e in embeds if e.method != "link"] == []


def test_a_post_in_text_content_s_run_together_paragraphs_is_read():
    """A DOM's ``textContent`` (Mozilla Readability's article) runs paragraphs together:
    the post starts after the article's sentence glued to it, and its signature's date runs
    into the article's next paragraph. A post of two paragraphs keeps both when the one
    above them names its author (the article introducing it)."""
    text = (
        "Storm closes the harbour\n"
        "The harbour stayed shut on Monday after a night of gales along the coast, and the "
        "ferry company kept its boats in port while the wind blew.All sailings cancelled "
        "until Wednesday. #tarrow pic.twitter.com/q9ZkT4bN1c— Harbour Council "
        "(@harbourcouncil) March 4, 2024“We will review it,” a spokesman said.\n"
        "The weather station wrote on X, as Tarrow Weather Watch does every morning.Gusts of "
        "70 mph at the pier head.Easing from late tonight.— Tarrow Weather Watch (@tarrowwx) "
        "March 4, 2024Buses took the passengers back.\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.handle, e.date, e.text, e.media) for e in found] == [
        (
            "harbourcouncil",
            "2024-03-04",
            "All sailings cancelled until Wednesday. #tarrow",
            ("pic.twitter.com/q9ZkT4bN1c",),
        ),
        (
            "tarrowwx",
            "2024-03-04",
            "Gusts of 70 mph at the pier head.\nEasing from late tonight.",
            (),
        ),
    ]


def test_an_article_s_sentence_above_a_run_together_post_after_reported_speech_is_not_its():
    """Above a post run together with the article's paragraphs, a quotation the article
    reports (``“…,” one user said.``, glued after a sentence's end) leaves what is between
    unknown, the article's lead-in or the post's first paragraph: the post is its last
    paragraph alone (the article's words are never the post's)."""
    text = (
        "The campaign cost the state roughly $449,000, according to the Sioux Falls Argus "
        "Leader, and its video featured a series of residents declaring their slogan, which "
        "prompted some users to argue that the promotional material made it look as if those "
        "featured in the campaign were on the drug themselves."
        "“If we were any higher, we’d be North Dakota,” one user quipped.Another wondered why "
        "the state bothered to trademark the tagline.I love that they trademarked it. No one "
        "is going to take your slogan. https://t.co/XPxUJuyIAC— Robert Roe (@robertroe) "
        "November 18, 2019The latest initiative comes as the state struggles.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.handle, embed.text) == (
        "robertroe",
        "I love that they trademarked it. No one is going to take your slogan. "
        "https://t.co/XPxUJuyIAC",
    )


@pytest.mark.parametrize(
    "after", ["The buses took the inland route instead.", ""], ids=["article", "line-end"]
)
def test_posts_in_a_row_on_one_text_content_line_are_each_read(after):
    """Two embeds in a row run together on one ``textContent`` line, the first one's date
    glued to the second one's text: each is read, the last one's signature ending the line
    or running into the article's next paragraph."""
    text = (
        "The ferry service stopped on Monday as the storm came in.All sailings cancelled "
        "until Wednesday. pic.twitter.com/q9ZkT4bN1c— Harbour Council (@harbourcouncil) "
        "March 4, 2024Gusts of 70 mph at the pier head this morning.— Tarrow Weather Watch "
        f"(@tarrowwx) March 5, 2024{after}\n"
    )
    found = find_posts(text.encode(), html=False).embeds
    assert [(e.handle, e.date, e.text, e.media) for e in found] == [
        (
            "harbourcouncil",
            "2024-03-04",
            "All sailings cancelled until Wednesday.",
            ("pic.twitter.com/q9ZkT4bN1c",),
        ),
        ("tarrowwx", "2024-03-05", "Gusts of 70 mph at the pier head this morning.", ()),
    ]


RUN_TOGETHER = (
    "Le service de ferry s'est arrêté lundi.All sailings cancelled until Wednesday. "
    "pic.twitter.com/q9ZkT4bN1c— Harbour Council (@harbourcouncil) March 4, 2024Gusts of 70 "
    "mph at the pier head — école — this morning.— Tarrow Weather Watch (@tarrowwx) March 5, "
    "2024Les bus ont pris la route intérieure."
)
RUN_TOGETHER_POSTS = [
    "All sailings cancelled until Wednesday. pic.twitter.com/q9ZkT4bN1c— Harbour Council "
    "(@harbourcouncil) March 4, 2024",
    "Gusts of 70 mph at the pier head — école — this morning.— Tarrow Weather Watch "
    "(@tarrowwx) March 5, 2024",
]


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [("utf-8", None), ("cp1252", "text/plain; charset=windows-1252"), ("utf-16", None)],
)
def test_posts_run_together_on_one_line_each_have_their_own_range(encoding, content_type):
    """Several posts on one ``textContent`` line: each post's range is its own part of the
    line (its text and signature), not the whole line, in the page's own bytes whatever
    their encoding."""
    data = f"Intro.\n\n{RUN_TOGETHER}\nMore.\n".encode(encoding)
    found = find_posts(data, html=False, content_type=content_type).embeds
    assert [e.raw for e in found] == RUN_TOGETHER_POSTS
    for embed in found:
        assert data[embed.raw_start : embed.raw_end].decode(encoding) == embed.raw
        assert hashlib.sha256(data[embed.raw_start : embed.raw_end]).hexdigest() == (
            embed.raw_sha256
        )
    assert found[0].raw_end <= found[1].raw_start


def test_a_run_together_post_alone_on_its_line_has_its_part_as_its_range():
    """One post run together with the article's paragraphs: its range leaves them out; an
    address alone on the line below it, which names the post, is part of it."""
    text = f"Intro.\n\n{RUN_TOGETHER.split('2024Gusts')[0]}2024The buses took the road.\n"
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert embed.raw == RUN_TOGETHER_POSTS[0]
    assert text.encode()[embed.raw_start : embed.raw_end].decode() == embed.raw
    linked = text.replace(
        "took the road.", "took the road.\nhttps://x.com/harbourcouncil/status/1764571093216755712"
    )
    (embed,) = find_posts(linked.encode(), html=False).embeds
    assert embed.status_id == "1764571093216755712"
    assert embed.raw.startswith("All sailings") and embed.raw.endswith("1764571093216755712")
    assert linked.encode()[embed.raw_start : embed.raw_end].decode() == embed.raw


def test_run_together_posts_not_found_as_written_have_no_range():
    """A line whose Markdown marks split a post's part (an escape) does not hold it as
    read: its posts are read, without a range (the whole line is none of theirs)."""
    marked = RUN_TOGETHER.replace("Wednesday.", "Wednesday\\.")
    text = f"Intro.\n\n{marked}\n"
    found = find_posts(text.encode(), html=False).embeds
    assert [e.handle for e in found] == ["harbourcouncil", "tarrowwx"]
    assert found[0].raw == RUN_TOGETHER_POSTS[0]
    assert (found[0].raw_start, found[0].raw_end, found[0].raw_sha256) == (None, None, None)
    assert text.encode()[found[1].raw_start : found[1].raw_end].decode() == found[1].raw


def test_posts_run_together_in_a_page_s_text_keep_their_own_text_as_raw():
    page = f"<article><p>{RUN_TOGETHER}</p></article>".encode()
    assert [e.raw for e in find_posts(page, html=True).embeds] == RUN_TOGETHER_POSTS


@pytest.mark.parametrize(
    ("line", "found"),
    [
        # the page's indent around it on both sides: a paragraph of its own
        (
            "The council met on Tuesday.  https://twitter.com/harbourcouncil/status/"
            "1764571093216755712     The buses took the inland route.",
            [("1764571093216755712", "harbourcouncil")],
        ),
        (
            "The council met on Tuesday.  https://x.com/harbourcouncil/status/1764571093216755712",
            [("1764571093216755712", "harbourcouncil")],
        ),
        # a link in the article's sentence: no embed
        (
            "The council wrote https://twitter.com/harbourcouncil/status/1764571093216755712 "
            "on Monday.  The buses took the inland route.",
            [],
        ),
    ],
)
def test_a_status_url_set_apart_in_text_content_is_an_embed(line, found):
    """``textContent`` keeps an auto-embed's URL that never ran between the article's
    paragraphs with the page's indent around it, not on a line of its own."""
    embeds = find_posts(f"{line}\n".encode(), html=False).embeds
    assert [(e.status_id, e.handle) for e in embeds if e.method != "link"] == found


@pytest.mark.parametrize(
    ("handle", "status_id"),
    [("harbourcouncil", "1764571093216755712"), ("tarrowwx", None)],
)
def test_a_run_together_post_takes_the_url_set_apart_above_it(handle, status_id):
    """An auto-embed's URL above the blockquote it became, both run together in
    ``textContent``: the post has that URL's ID when the URL is its author's."""
    text = (
        "The harbour stayed shut on Monday.  https://twitter.com/harbourcouncil/status/"
        "1764571093216755712     All sailings cancelled until Wednesday. — Harbour Council "
        f"(@{handle}) March 4, 2024     The council met on Tuesday.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.handle, embed.text, embed.status_id) == (
        handle,
        "All sailings cancelled until Wednesday.",
        status_id,
    )


def test_a_post_in_text_content_set_apart_by_the_page_s_indent_is_read():
    """A page's indent between its tags stays in ``textContent`` as a run of blanks, the
    one thing between the article's paragraphs and the post's."""
    text = (
        "The harbour stayed shut on Monday after a night of gales along the coast, and the "
        "ferry company kept its boats in port while the wind blew through the town?      "
        "All sailings cancelled until Wednesday. — Harbour Council (@harbourcouncil) "
        "March 4, 2024     The council met on Tuesday.\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.handle, embed.date, embed.text) == (
        "harbourcouncil",
        "2024-03-04",
        "All sailings cancelled until Wednesday.",
    )


@pytest.mark.parametrize(
    ("div", "found"),
    [
        (
            '::: {.tweet mod="tweet" url="https://twitter.com/harbourcouncil/status/'
            '1764571093216755712"}\n:::\n',
            [("1764571093216755712", "harbourcouncil")],
        ),
        (
            "::: {.widget .widget--type-tweet}\n::: widget__wrapper\n"
            '::: {.widget__tweet tweet-id="1764571093216755712"}\n:::\n:::\n:::\n',
            [("1764571093216755712", None)],
        ),
        (
            '::: {.embed embedded-url="https://x.com/harbourcouncil/status/1764571093216755712"}\n'
            '::: {style="padding-bottom:75%;"}\n:::\n:::\n',
            [("1764571093216755712", "harbourcouncil")],
        ),
        # a div holding the article's text: a link in its attribute is no embed
        (
            '::: {.share url="https://twitter.com/harbourcouncil/status/1764571093216755712"}\n'
            "The buses took the inland route.\n:::\n",
            [],
        ),
        # a story's own number, too short for a post's ID
        ('::: {.widget__tweet tweet-id="997461471"}\n:::\n', []),
    ],
)
def test_a_post_pandoc_keeps_in_an_empty_div_s_attributes_is_an_embed(div, found):
    """Pandoc's Markdown keeps the page's attributes on a div it has no Markdown for: an
    empty one (the slot a script fills) holding a status URL or a tweet ID is the embed."""
    text = f"The harbour stayed shut on Monday.\n\n{div}\nThe council met on Tuesday.\n"
    embeds = find_posts(text.encode(), html=False).embeds
    assert [(e.status_id, e.handle) for e in embeds] == found


def test_pandoc_s_listed_quote_and_line_breaks_are_no_part_of_a_post():
    """Pandoc's Markdown writes a post listed as an item with the item's marker before its
    first line and the rest quoted under it, and a line break as a backslash ending the
    line: the post reads without either."""
    text = (
        "-   Ferries stop for the storm, Tarrow Gazette, 4 March 2024\n"
        "    -   All sailings cancelled until Wednesday.\\\n"
        "        > Check the timetable before you travel.\\\n"
        "        > \\\n"
        "        > Buses take the inland route.\n"
        "        >\n"
        "        > --- Harbour Council (\\@harbourcouncil) [March 4,\n"
        "        > 2024](https://twitter.com/harbourcouncil/status/1764571093216755712)\n"
    )
    (embed,) = find_posts(text.encode(), html=False).embeds
    assert (embed.status_id, embed.text) == (
        "1764571093216755712",
        "All sailings cancelled until Wednesday.\nCheck the timetable before you travel.\n\n"
        "Buses take the inland route.",
    )


@pytest.mark.parametrize(
    "line",
    [
        "A reply to (@janeroe) about [the ferry",  # opens a link it does not close
        "A reply to (@janeroe) about the ferry",
    ],
)
def test_a_line_with_a_handle_is_read_wrapped_once(monkeypatch, line):
    """A line that holds ``(@`` and no signature is read with the lines after it once
    (``_wrapped_signature_hit``), whether it opens a link or not."""
    from archiver.detect import text_signatures
    from archiver.detect.text import find_text_embeds

    calls: list[int] = []
    wrapped = text_signatures._wrapped_signature_hit

    def counted(doc, index, taken):
        calls.append(index)
        return wrapped(doc, index, taken)

    monkeypatch.setattr(text_signatures, "_wrapped_signature_hit", counted)
    assert find_text_embeds(f"Intro.\n\n{line}\nMore text.\n") == []
    assert calls == [2]
