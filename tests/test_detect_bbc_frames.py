"""BBC's screen-reader lines around an embedded post, as extracted text keeps them.

BBC's pages frame each embed with ``Skip Twitter post by @handle`` before it and ``End of
Twitter post by @handle`` after it, the signature followed by the post's ``Report`` link.
An extractor that writes a page in one run (paragraphs glued) leaves the whole frame on one
line with the article's prose. Texts invented after the form; names and handles made up.
"""

from __future__ import annotations

from archiver.detect import find_posts

PROSE = (
    "The harbour closed at dawn.Officials said the storm would peak at noon.The mayor "
    "posted a warning: 'Stay inside.'"
)
POST = "Stay away from the seafront until the tide turns. Crews are out on every pier."
SIGNATURE = "— Harbour Mayor (@harbourmayor) January 11, 2020"


def framed(post: str = POST, who: str = "@harbourmayor", signature: str = SIGNATURE) -> str:
    return f"Skip Twitter post by {who} {post}    {signature} Report End of Twitter post by {who} "


def test_a_framed_post_in_a_run_of_prose_is_its_post_with_signature_and_date() -> None:
    text = PROSE + framed() + "Ferries were cancelled.\n"
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.handle, embed.author, embed.date, embed.text) == (
        "harbourmayor",
        "Harbour Mayor",
        "2020-01-11",
        POST,
    )


def test_the_frame_may_name_no_one_before_the_post() -> None:
    text = PROSE + framed(who="").replace("by  ", "by ") + "Ferries were cancelled.\n"
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.handle, embed.text) == ("harbourmayor", POST)


def test_two_framed_posts_on_one_line_are_two_posts() -> None:
    second = framed(
        "Buses replace the ferries today.",
        "@harbourlines",
        "— Harbour Lines (@harbourlines) January 12, 2020",
    )
    text = PROSE + framed() + "Later, the operator added:" + second + "Rain eased.\n"
    embeds = find_posts(text, html=False).embeds
    assert [(e.handle, e.text, e.date) for e in embeds] == [
        ("harbourmayor", POST, "2020-01-11"),
        ("harbourlines", "Buses replace the ferries today.", "2020-01-12"),
    ]


def test_a_signature_date_followed_by_the_report_link_is_read() -> None:
    text = f"The mayor posted:\n\n{POST}\n{SIGNATURE} Report\n\nFerries were cancelled.\n"
    (embed,) = find_posts(text, html=False).embeds
    assert (embed.date, embed.date_text) == ("2020-01-11", "January 11, 2020 Report")


def test_a_frame_whose_post_the_extractor_dropped_is_no_embed() -> None:
    text = (
        "The mayor posted twice.\nSkip Twitter post by @harbourmayor\n\n"
        "End of Twitter post by @harbourmayor\nFerries were cancelled.\n"
    )
    assert find_posts(text, html=False).embeds == []


def test_a_framed_post_whose_signature_ends_the_line_starts_after_the_frame() -> None:
    """An extractor that puts the frame's end on a line of its own leaves the signature
    (and its Report link) ending the line: the frame's start still bounds the post, alone
    on its line with the prose or the last of several."""
    ends = f"{SIGNATURE} Report\nEnd of Twitter post by @harbourmayor\nFerries were cancelled.\n"
    alone = f"{PROSE}Skip Twitter post by @harbourmayor {POST}    {ends}"
    second = framed(
        "Buses replace the ferries today.",
        "@harbourlines",
        "— Harbour Lines (@harbourlines) January 12, 2020",
    )
    last = f"{PROSE}{second}Later, the mayor added:Skip Twitter post by @harbourmayor {POST} {ends}"
    for text, posts in ((alone, 1), (last, 2)):
        data = text.encode()
        embed = find_posts(data, html=False).embeds[posts - 1]
        assert (embed.handle, embed.text, embed.date) == ("harbourmayor", POST, "2020-01-11")
        assert embed.raw.startswith(POST)
        assert data[embed.raw_start : embed.raw_end].decode() == embed.raw


def test_a_frame_whose_post_text_the_extractor_dropped_takes_no_text_from_above() -> None:
    """The frame's start right before the signature: the post has no text here (an image
    the extractor left out), and the article's paragraph above is not its text."""
    above = "The mayor spoke about the storm at length today in the harbour.\n\n"
    ends = f"{SIGNATURE} Report\nEnd of Twitter post by @harbourmayor\nFerries were cancelled.\n"
    alone = f"{above}Skip Twitter post by @harbourmayor {ends}"
    glued = f"{above}More prose.{framed(post='')}Ferries were cancelled.\n"
    for text in (alone, glued):
        data = text.encode()
        (embed,) = find_posts(data, html=False).embeds
        assert (embed.handle, embed.date, embed.text) == ("harbourmayor", "2020-01-11", None)
        assert "mayor spoke" not in (embed.raw or "")
