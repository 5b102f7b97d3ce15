"""Blackbird Pie (X's embed tool of 2010-2011): a card of inline markup, read as a card."""

from __future__ import annotations

from archiver.detect import find_posts

STYLE = "<style type='text/css'>p.bbpTweet{background:#fff;padding:10px}</style>"


def card(text: str, stamp: str, after_stamp: str = "") -> str:
    return (
        f"<!-- http://twitter.com/rivertownnews/status/22334455667 --> {STYLE}"
        "<div class='bbpBox22334455667'><p class='bbpTweet'>"
        f"{text}<span class='timestamp'><a title='{stamp}' "
        "href='http://twitter.com/rivertownnews/status/22334455667'>about 1 hour ago</a>"
        f" via web{after_stamp}</span><span class='metadata'><span class='author'>"
        "<a href='http://twitter.com/rivertownnews'><img src='http://a1.example/p.png' /></a>"
        "<strong><a href='http://twitter.com/rivertownnews'>Rivertown News</a></strong>"
        "<br/>rivertownnews</span></span></p></div> <!-- end of tweet -->"
    )


def page(body: str) -> bytes:
    return (
        "<html><body><article><p>The ferry schedule changed again this week.</p>"
        f"{body}<p>Riders were not told in advance.</p></article></body></html>"
    ).encode()


def test_a_card_gives_its_post_text_author_and_date() -> None:
    text = "Evening ferry cancelled <a href='http://t.co/abc'>http://t.co/abc</a> #ferry"
    (embed,) = find_posts(page(card(text, "Wed Jun 02 18:04:11 +0000 2010"))).embeds
    assert (embed.method, embed.status_id, embed.handle, embed.author) == (
        "card",
        "22334455667",
        "rivertownnews",
        "Rivertown News",
    )
    assert embed.text == "Evening ferry cancelled http://t.co/abc #ferry"
    assert embed.date == "2010-06-02"


def test_intent_buttons_after_the_timestamp_are_no_part_of_the_text() -> None:
    """The 2011 cards add favorite, retweet and reply intent links: still one post."""
    intents = "".join(
        f" <a href='http://twitter.com/intent/{verb}?tweet_id=22334455667'>{label}</a>"
        for verb, label in (("favorite", "Favorite"), ("retweet", "Retweet"))
    )
    html = card("Ferry back at 6.", "Wed Jun 02 18:04:11 +0000 2010", intents)
    (embed,) = find_posts(page(html)).embeds
    assert (embed.status_id, embed.text) == ("22334455667", "Ferry back at 6.")


def test_a_title_without_its_year_leaves_the_date_empty() -> None:
    (embed,) = find_posts(page(card("Ferry back at 6.", "Wed Jun 02 18:04:11 "))).embeds
    assert (embed.status_id, embed.date, embed.text) == ("22334455667", None, "Ferry back at 6.")


def test_a_card_pasted_into_markdown_is_read_the_same() -> None:
    text = f"# Ferries\n\nWitness:\n\n{card('Ferry back at 6.', 'x')}\n\nMore prose.\n"
    (embed,) = find_posts(text.encode()).embeds
    assert (embed.method, embed.author, embed.text) == (
        "card",
        "Rivertown News",
        "Ferry back at 6.",
    )


def test_a_bbp_paragraph_whose_timestamp_links_no_post_is_not_an_embed() -> None:
    """The class alone proves nothing: without the link to a post there is no post."""
    html = (
        "<p class='bbpTweet'>Follow us for ferry news<span class='timestamp'>"
        "<a href='http://twitter.com/rivertownnews'>@rivertownnews</a></span></p>"
        "<p>See <a href='https://twitter.com/rivertownnews/status/22334455667'>this</a>.</p>"
    )
    assert find_posts(page(html)).embeds == []
