"""Empty embed slots typed as X's that keep the post's ID in an attribute named for the slot
(``data-embed-id``, ``data-id``), which the CMS's one embed script fills in. Markup invented
after the form; IDs made up."""

from __future__ import annotations

import pytest

from archiver.detect import find_posts

ARTICLE = """<html><head><title>Ten posts</title></head><body><article>
<p>The list opens with a post linked in the prose:
<a href="https://twitter.com/someone/status/1700000000000000009">this one</a>.</p>
<h3>2. A first pick</h3>{slot_a}
<p>The first pick drew a million replies in a day.</p>
<h3>1. A second pick</h3>{slot_b}
<p>The second pick is still the most shared.</p>
</article></body></html>"""

SLOT = (
    '<div class="component embed-twitter js-embed" data-embed-type="twitter"'
    ' data-embed-id="{id}"></div>'
)


def ids(page: str) -> list[str | None]:
    return [e.status_id for e in find_posts(page).embeds]


def test_typed_slots_are_the_posts_they_name_in_page_order() -> None:
    page = ARTICLE.format(
        slot_a=SLOT.format(id="1711111111111111111"), slot_b=SLOT.format(id="1722222222222222222")
    )
    assert ids(page) == ["1711111111111111111", "1722222222222222222"]
    # The status link in the prose is a link, not an embed.
    links = find_posts(page, include_links=True).embeds
    assert [e.method for e in links if e.status_id == "1700000000000000009"] == ["link"]


@pytest.mark.parametrize(
    "slot",
    [
        '<div data-provider="tweet" data-id="1733333333333333333"></div>',
        '<figure class="embed" data-type="twitter" data-post-id="1733333333333333333"></figure>',
        '<div class="tweet-slot" data-id=" 1733333333333333333 "></div>',
    ],
)
def test_a_slot_typed_by_a_class_word_or_a_one_word_data_value(slot: str) -> None:
    page = ARTICLE.format(slot_a=slot, slot_b="")
    assert ids(page) == ["1733333333333333333"]


@pytest.mark.parametrize(
    "slot",
    [
        # Typed as X's only by prose in an attribute: a video whose description names Twitter.
        '<div class="video" data-description="Clips from the pre-Twitter era"'
        ' data-id="1744444444444444444"></div>',
        # Not empty: whatever it shows is judged on its own, not by a slot's ID.
        '<div class="embed-twitter" data-embed-id="1744444444444444444"><p>Loading</p></div>',
        # A share control's ID is the story's, not a post's.
        '<div class="twitter-share" data-embed-type="twitter" data-id="1744444444444444444"></div>',
        # An ID attribute named for something else.
        '<div class="embed-twitter" data-embed-type="twitter"'
        ' data-video="1744444444444444444"></div>',
        # A CMS's own number on a tweet counter: shorter than any post ID since 2010.
        '<span class="tweet-count" data-id="997461471"></span>',
        # Not an ID.
        '<div class="embed-twitter" data-embed-type="twitter" data-embed-id="abc123"></div>',
    ],
)
def test_what_is_no_typed_slot(slot: str) -> None:
    assert ids(ARTICLE.format(slot_a=slot, slot_b="")) == []


def test_a_typed_slot_beside_the_article_is_not_its_embed() -> None:
    slot = SLOT.format(id="1755555555555555555")
    page = ARTICLE.format(slot_a="", slot_b="").replace(
        "</article>", f'</article><aside class="sidebar">{slot}</aside>'
    )
    assert ids(page) == []
    in_flow = ARTICLE.format(slot_a=slot, slot_b="")  # the same slot in the article is one
    assert ids(in_flow) == ["1755555555555555555"]
