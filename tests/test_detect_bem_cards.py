"""Static cards of posts whose parts a CMS names BEM's way, the block a ``…tweet``
(``…tweet__text``, ``…tweet__display-name``, ``…tweet__username``), with the post's ID in the
timestamp's link. Markup invented after the form; names and IDs made up."""

from __future__ import annotations

from archiver.detect import find_posts


def card(block: str = "story-tweet", status: str = "1744444444444444441", stamp: str = "") -> str:
    link = f"https://twitter.com/harbourwatch/status/{status}"
    profile = "https://twitter.com/harbourwatch"
    return (
        f'<div class="{block}" data-module="tweet"><blockquote class="{block}__box">'
        f'<a class="{block}__display-name" href="{profile}">Harbour Watch</a>'
        f'<a class="{block}__username" href="{profile}">@harbourwatch</a>'
        f'<p class="{block}__text">The north pier is closed until the storm passes.</p>'
        f'<time class="{block}__timestamp"><a href="{link}">{stamp or "06:10 AM - 03 Feb 2019"}</a>'
        f'</time><a class="{block}__reply" href="https://twitter.com/intent/tweet?in_reply_to='
        f'{status}">Reply</a></blockquote></div>'
    )


def page(body: str) -> str:
    return (
        "<html><body><article><p>The harbour authority posted an update.</p>"
        f"{body}<p>Ferries resume tomorrow.</p></article></body></html>"
    )


def test_a_bem_named_card_is_its_post_with_author_handle_text_and_date() -> None:
    (embed,) = find_posts(page(card())).embeds
    assert (embed.method, embed.status_id, embed.handle, embed.author, embed.date) == (
        "card",
        "1744444444444444441",
        "harbourwatch",
        "Harbour Watch",
        "2019-02-03",
    )
    assert embed.text == "The north pier is closed until the storm passes."


def test_a_timestamp_that_reads_as_no_date_leaves_the_date_empty() -> None:
    (embed,) = find_posts(page(card(stamp="a while ago"))).embeds
    assert (embed.status_id, embed.date) == ("1744444444444444441", None)


def test_a_bem_card_linking_no_post_is_not_an_embed() -> None:
    without_status = card().replace("/status/1744444444444444441", "")
    assert find_posts(page(without_status)).embeds == []


def test_two_cards_are_two_posts_in_order() -> None:
    two = card(status="1744444444444444441") + card("feed-tweet", "1755555555555555552")
    ids = [e.status_id for e in find_posts(page(two)).embeds]
    assert ids == ["1744444444444444441", "1755555555555555552"]
