"""Cards of posts in the markup of X's old embed tools, saved inline: Blackbird Pie (2010-2011)
and the frame widgets.js rendered in 2016-2019 (``EmbeddedTweet``)."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize("as_markdown", [None, False], ids=["sniffed", "markdown-file"])
def test_a_card_pasted_into_markdown_is_read_the_same(as_markdown: bool | None) -> None:
    """Sniffed as HTML, or read as a Markdown file's text (as ``archive scan`` reads ``.md``)."""
    text = f"# Ferries\n\nWitness:\n\n{card('Ferry back at 6.', 'x')}\n\nMore prose.\n"
    (embed,) = find_posts(text.encode(), html=as_markdown).embeds
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


def rendered(tweet_classes: str = "Tweet h-entry subject") -> str:
    """The 2016-2019 frame's document, as a saved page keeps it inline."""
    return (
        '<div class="EmbeddedTweet" id="twitter-widget-0" lang="en">'
        f'<div class="EmbeddedTweet-tweet"><blockquote class="{tweet_classes}" '
        'cite="https://twitter.com/harbourpilot/status/760011223344556677">'
        '<div class="Tweet-header"><a class="FollowButton follow-button" '
        'href="https://twitter.com/harbourpilot">Follow</a>'
        '<div class="TweetAuthor"><a class="TweetAuthor-link" href="https://twitter.com/harbourpilot">'
        '<span class="TweetAuthor-name" title="Harbour Pilot">Harbour Pilot</span>'
        '<span class="TweetAuthor-screenName" title="@harbourpilot">@harbourpilot</span>'
        '</a></div></div><div class="Tweet-body">'
        '<p class="Tweet-text" lang="en">Fog over the north channel, pilots boarding late.</p>'
        '<div class="Tweet-metadata"><a class="long-permalink" '
        'href="https://twitter.com/harbourpilot/status/760011223344556677">'
        '<time class="dt-updated" datetime="2016-08-01T07:15:00+0000">7:15 AM - 1 Aug 2016</time>'
        '</a></div><ul class="Tweet-actions"><li><a class="TweetAction" '
        'href="https://twitter.com/intent/like?tweet_id=760011223344556677">'
        '<span class="TweetAction-stat">12</span> 12 likes</a></li></ul>'
        "</div></blockquote></div></div>"
    )


@pytest.mark.parametrize("tweet_classes", ["Tweet h-entry subject", "Tweet js-tweetIdInfo"])
def test_a_rendered_frame_saved_inline_is_a_card_without_its_buttons(tweet_classes: str) -> None:
    (embed,) = find_posts(page(rendered(tweet_classes))).embeds
    assert (embed.method, embed.status_id, embed.author, embed.handle, embed.date) == (
        "card",
        "760011223344556677",
        "Harbour Pilot",
        "harbourpilot",
        "2016-08-01",
    )
    assert embed.text == "Fog over the north channel, pilots boarding late."


def test_a_click_to_tweet_box_is_not_a_post() -> None:
    """An article's own quote offered for sharing: a Tweet-classed box, but no post."""
    box = (
        '<div class="TweetThis"><p class="Tweet-text">Fog is the pilots\' oldest enemy.</p>'
        '<a href="https://twitter.com/intent/tweet?text=Fog">Tweet this</a></div>'
    )
    assert find_posts(page(box)).embeds == []
