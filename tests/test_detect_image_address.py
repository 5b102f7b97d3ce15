"""A post's address written as an image's (``![](STATUS)``: Obsidian's embed syntax, and what
converters from Medium write for an embedded post), alone in its paragraph: a post meant to
be shown, not a picture."""

from __future__ import annotations

import pytest

from archiver.detect import find_posts

STATUS = "https://twitter.com/ferrydesk/status/1500000000000000002"


def shown(data: bytes) -> list[tuple]:
    return [(e.method, e.status_id, e.handle) for e in find_posts(data).embeds]


@pytest.mark.parametrize("alt", ["", "Tweet"])
def test_an_image_whose_address_is_a_post_is_that_post(alt: str) -> None:
    text = f"The desk asked its readers:\n\n![{alt}]({STATUS})\n\nMost said yes.\n"
    assert shown(text.encode()) == [("text", "1500000000000000002", "ferrydesk")]


def test_rendered_as_html_it_is_a_placeholder() -> None:
    page = (
        "<html><body><article><p>The desk asked its readers:</p>"
        f'<p><img src="{STATUS}" alt=""></p><p>Most said yes.</p></article></body></html>'
    )
    assert shown(page.encode()) == [("placeholder", "1500000000000000002", "ferrydesk")]


def test_inside_a_sentence_or_a_code_sample_it_is_not_an_embed() -> None:
    sentence = f"The desk asked ![]({STATUS}) and most said yes.\n"
    sample = f"To embed a post:\n\n```md\n![]({STATUS})\n```\n\nThat is all.\n"
    inline = f"- Posts: `![]({STATUS})`\n"
    page = f'<html><body><article><p>Asked <img src="{STATUS}"> here.</p></article></body></html>'
    for data in (sentence, sample, inline, page):
        assert find_posts(data.encode()).embeds == []


def test_a_picture_hosted_by_x_is_no_post() -> None:
    text = "The queue:\n\n![](https://pbs.twimg.com/media/queue.jpg)\n\nIt was long.\n"
    assert find_posts(text.encode()).embeds == []
