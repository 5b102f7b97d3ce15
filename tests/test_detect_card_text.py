"""A post card flattened to text (react-tweet, Substack): header, text, X's timestamp line."""

from __future__ import annotations

import pytest

import archiver.detect as detect
from archiver.detect import find_posts, has_markers

STAMP = "3:04 PM · Mar 3, 2024"
CARD = "Jane Roe\n@janeroe\n·\nFollow\nThe bridge reopens at noon.\n3:04 PM · Mar 3, 2024\n"


def embeds(text: str) -> list:
    return find_posts(text.encode("utf-8"), html=False).embeds


def test_a_card_is_one_post_with_its_lines_as_raw() -> None:
    text = f"Bridge news\n\nThe mayor said so.\n\n{CARD}\nMore prose after it.\n"
    (embed,) = embeds(text)
    assert (embed.author, embed.handle, embed.text, embed.date) == (
        "Jane Roe",
        "janeroe",
        "The bridge reopens at noon.",
        "2024-03-03",
    )
    data = text.encode()
    assert data[embed.raw_start : embed.raw_end].decode() == CARD.rstrip("\n")


def test_a_title_line_just_above_its_card_is_the_same_post() -> None:
    """A reader tool writes the frame's title, then the card: one post, not two."""
    title = 'Jane Roe on X: "The bridge reopens at noon." / X\n'
    (embed,) = embeds(f"Bridge news\n\n{title}{CARD}")
    assert (embed.author, embed.handle, embed.date) == ("Jane Roe", "janeroe", "2024-03-03")
    assert embed.raw.startswith("Jane Roe on X:") and embed.raw.endswith("2024")
    (alone,) = embeds(f"Bridge news\n\n{CARD}")
    assert embed.fingerprint == alone.fingerprint


def test_a_title_of_another_post_stays_its_own() -> None:
    title = 'Sam Poe on X: "Traffic is heavy." / X\n\n'
    found = embeds(f"Bridge news\n\n{title}{CARD}")
    assert [e.author for e in found] == ["Sam Poe", "Jane Roe"]


def test_a_timestamp_linked_to_its_post_gives_the_post() -> None:
    text = (
        "Jane Roe\n@janeroe\nThe bridge reopens at noon.\n"
        "[3:04 PM · Mar 3, 2024](https://x.com/janeroe/status/1764000000000000001)\n"
    )
    (embed,) = embeds(text)
    assert (embed.status_id, embed.handle) == ("1764000000000000001", "janeroe")


@pytest.mark.parametrize(
    "text",
    [
        "Our newsletter went out at 3:04 PM · Mar 3, 2024 as planned.\n",  # not a line of its own
        "Minutes\n\nThe meeting closed.\n3:04 PM · Mar 3, 2024\n",  # no header above
        "Jane Roe\n@janeroe\n" + "line\n" * 20 + "3:04 PM · Mar 3, 2024\n",  # header too far
        "Jane Roe\n@janeroe\nText\n3:04 PM · March 33, 2024\n",  # not a date
        # an article's byline and time: a name, a handle and a time show no post
        "Storm hits\nJane Roe\n@janeroe\n3:04 PM · Mar 3, 2024\nThe storm hit.\n",
        "Storm hits\nBy Jane Roe @janeroe\nThe storm hit the coast.\n3:04 PM · Mar 3, 2024\n",
        "Talks\nSpeaker: Jane Roe @janeroe\nThe future of news\n3:00 PM · Mar 3, 2024\n",
        "Storm\nFollow our reporter on X @janeroe\nMore soon.\n3:04 PM · Mar 3, 2024\n",
        # an author box: a name, a handle, a role and the article's time, in a card's shape
        "# S\n\nJane Roe\n@janeroe\nSenior reporter\n8:15 AM · Mar 4, 2024\n\nText here.\n",
        "# S\n\nJane Roe\n@janeroe\nSenior reporter\n6:30 PM - 4 Mar 2024\n\nText here.\n",
        "Storm\n\nJane Roe @janeroe\nStaff Writer | Politics\n3:04 PM · Mar 3, 2024\nText.\n",
        "Storm\n\nJane Roe\n@janeroe\nUpdated\n3:04 PM · Mar 3, 2024\n\nThe storm hit.\n",
        "Storm\n\nJane Roe\n@janeroe\nEmail\n3:04 PM · Mar 3, 2024\n\nThe storm hit.\n",
        "Storm\n\nJane Roe\n@janeroe\njane@paper.example\n3:04 PM · Mar 3, 2024\n",
        "Storm\n\nBy Jane Roe\n@janeroe\nThe storm hit the coast.\n3:04 PM · Mar 3, 2024\n",
        # an event's listing: the name runs on into the handle
        "# S\n\nMeetup with @janeroe\nText here\n8:15 AM · Mar 4, 2024\n\nText here.\n",
        "Events\n\nA talk by @janeroe\nOn local news\n6:30 PM - 4 Mar 2024\n",
    ],
)
def test_what_is_not_a_card(text: str) -> None:
    assert embeds(text) == []


def test_the_prefilter_takes_a_card_and_passes_prose_over() -> None:
    assert has_markers(CARD.encode())
    assert has_markers("Name @handle\nText\n9:15 AM ∙ Mar 3, 2024\n".encode())
    for space in ("\u202f", "\u00a0"):  # Intl.DateTimeFormat's space before AM/PM
        card = f"Name\n@handle\nText\n9:15{space}AM · Mar 3, 2024\n"
        assert has_markers(card.encode()) and len(embeds(card)) == 1
    assert not has_markers("Doors open 7 PM · Free entry\n".encode())
    assert not has_markers("At 3:04 PM · see the schedule\n".encode())


@pytest.mark.parametrize(
    ("stamp", "is_card"),
    [
        ("3:04 PM · Mar 3, 2024", True),
        ("3:04 PM ∙ Mar 3, 2024", True),
        ("3:04\u00a0PM\u00a0·\u00a0Mar 3, 2024", True),  # &nbsp; each side
        ("3:04 PM\u00a0∙ Mar 3, 2024", True),
        ("3:04\u202fPM · Mar 3, 2024", True),
        ("3:04PM · Mar 3, 2024", True),
        ("3:04 PM·Mar 3, 2024", False),  # no space: not read (see card_text.DOT_SPACES)
        ("3:04 pm · Mar 3, 2024", False),  # X and Substack write PM
        ("3:04 PM • Mar 3, 2024", False),
        ("3:04 PM - Mar 3, 2024", True),  # Twitter's before 2019
        ("3:04 PM - 3 Mar 2024", True),
        ("3:04 PM · 3 Mar 2024", True),  # X in British English
        ("3:04 PM · 3 mars 2024", True),  # X's date in another locale
        ("3:04 PM -\u00a0Mar 3, 2024", False),
        ("3:04 PM -- Mar 3, 2024", False),
        ("3:04 PM - Mar 3", False),
        ("11:42 vorm. · 1. Januar 2024", True),  # X in German
        ("3:04 nachm. · 3. März 2024", True),
        ("11:42 a.\u00a0m. · 1 ene. 2024", True),  # X in Spanish
        ("3:04 p.m. · Mar 3, 2024", False),  # a news site's own time (AP style)
        ("3:04 nachm. - 3. März 2024", False),
        ("3:04 PM · Mar 3, 2024 · 12.3K Views", True),  # x.com's page: the views on the line
        ("3:04 PM · Mar 3, 2024 · 1 View", True),
        # the pre-filter reads no further than the date: these pass it, and are no card
        ("3:04 PM · Mar 3, 2024 · Views", None),
        ("3:04 PM · Mar 3, 2024 and more", None),
    ],
)
def test_the_prefilter_and_the_detector_read_one_timestamp_form(
    stamp: str, is_card: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the pre-filter passes as a card's timestamp is what the detector reads as one
    (``None``: passed, then not read)."""
    card = f"Harbour notes\n\nJane Roe\n@janeroe\nThe bridge reopens at noon.\n{stamp}\n"
    filtered = embeds(card)
    monkeypatch.setattr(detect, "survey", lambda data: detect.ALL_SEARCHES)
    assert has_markers(card.encode()) is (is_card is not False)
    assert len(embeds(card)) == len(filtered) == int(bool(is_card))


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("8:27 AM - 21 Jun 2016", "2016-06-21"),  # twitter.com's post page until 2019
        ("8:27 AM - Jun 21, 2016", "2016-06-21"),
        ("8:27 AM · 21 Jun 2016", "2016-06-21"),
        ("8:27 AM · 21 June 2016", "2016-06-21"),
        ("8:27 AM · 21 juin 2016", "2016-06-21"),
        ("8:27 AM · 21. Juni 2016", "2016-06-21"),
        ("11:42 vorm. · 1. Januar 2024", "2024-01-01"),
        ("11:42 a. m. · 1 ene. 2024", "2024-01-01"),
        ("8:27 AM · 21 Jui 2016", None),  # no month: the card stays, without its date
        ("8:27 AM - 31 Jun 2016", None),
    ],
)
def test_a_card_s_older_or_localized_timestamp_gives_its_date(stamp: str, expected: str) -> None:
    text = f"Harbour notes\n\nJane Roe\n@janeroe\nThe bridge reopens at noon.\n{stamp}\n"
    (embed,) = embeds(text)
    assert (embed.handle, embed.text, embed.date) == (
        "janeroe",
        "The bridge reopens at noon.",
        expected,
    )
    assert embed.date_text == stamp.split(" - ")[-1].split(" · ")[-1]


@pytest.mark.parametrize(
    "text",
    [
        "Doors open 7 PM - 9 PM\n",
        "Schedule\n\n@harbourradio\nLive at 3:04 PM - 3 Mar 2024\n",  # not a line of its own
        "Storm hits\nJane Roe\n@janeroe\n3:04 PM - 3 Mar 2024\nThe storm hit.\n",  # a byline
    ],
)
def test_an_older_timestamp_form_is_no_card_where_the_newer_is_none(text: str) -> None:
    assert embeds(text) == []


def test_a_card_in_a_single_byte_text_file_is_read() -> None:
    """windows-1252 and Latin-1 write the middle dot as one byte, not UTF-8's two."""
    text = f"Bridge news\r\n\r\nThe mayor’s office said so.\r\n\r\n{CARD}".replace("\n", "\r\n")
    for codec in ("cp1252", "latin-1"):
        data = text.replace("’", "'").encode(codec) if codec == "latin-1" else text.encode(codec)
        (embed,) = find_posts(data, html=False).embeds
        assert (embed.handle, embed.date) == ("janeroe", "2024-03-03")
        assert data[embed.raw_start : embed.raw_end].decode(codec).startswith("Jane Roe")


@pytest.mark.parametrize(
    "header",
    [
        "Follow the Money @ftm\n·\nFollow",
        "Follow the Money @ftm\n·Follow",
        "NASA: Artemis @NASAArtemis · Follow",
        "By the Sea Radio @bytheseafm\nReplying to @harbourcouncil",
        "Harbour Radio on X @harbourradio ·",
    ],
)
def test_a_name_that_reads_as_prose_is_a_card_s_with_a_card_s_marks(header: str) -> None:
    (embed,) = embeds(f"Harbour news\n\n{header}\nThe port deal is signed.\n{STAMP}\n")
    assert embed.text == "The port deal is signed."
    assert f"@{embed.handle}" in header.split("\n")[0]  # not the one replied to


def test_a_name_that_reads_as_prose_is_a_card_s_when_its_time_links_the_post() -> None:
    text = (
        "Harbour news\n\nBy the Sea Radio @bytheseafm\nTide tables updated.\n"
        f"[{STAMP}](https://x.com/bytheseafm/status/1764000000000000001)\n"
    )
    (embed,) = embeds(text)
    assert (embed.author, embed.status_id) == ("By the Sea Radio", "1764000000000000001")


@pytest.mark.parametrize(
    ("shape", "marks"),
    [
        ("Jane Roe\n@janeroe\n·\nFollow\n{text}\n{stamp}\n", "follow button"),
        ("Jane Roe\n@janeroe\n{text}\n{stamp}\n214\nReply\nCopy link\n", "actions"),
        ("Jane Roe @janeroe\n{text}\n{stamp}\nLikeReply\n", "actions run together"),
        ("Jane Roe @janeroe\n{text}\n{stamp}\n1,204Likes312Retweets\n", "counts"),
        ("Jane Roe\n@janeroe\n{text}\n[{stamp}](https://x.com/janeroe/status/20)\n", "link"),
        ("Meetup with @janeroe\n·Follow\n{text}\n{stamp}\n", "a prose name, marked"),
        ("By the Sea\n@janeroe\n·\nFollow\n{text}\n{stamp}\n", "a prose name above, marked"),
    ],
)
@pytest.mark.parametrize("text", ["Senior reporter", "Updated", "Email"])
def test_a_post_reading_as_an_author_box_is_a_card_with_a_card_s_marks(
    shape: str, marks: str, text: str
) -> None:
    """Only a card without its marks is read as an author box (its text a role, a label of
    the time or a contact; or its name above ``@handle`` reading as prose)."""
    (embed,) = embeds("Harbour news\n\n" + shape.format(text=text, stamp=STAMP))
    assert (embed.handle, embed.text) == ("janeroe", text), marks
