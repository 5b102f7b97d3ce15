"""Posts named by an embed component's props in a page's hydration state (a Nuxt-style
``window.__STATE__`` object literal): an ``id`` beside X's ``hideThread`` option, the
markup holding only the empty slots the component fills. Markup and IDs invented."""

from __future__ import annotations

from archiver.detect import find_posts, has_markers

FIRST = "Prices at the pump rose again on Wednesday across three states of the Midwest region."
SECOND = "An hour later the analyst said prices were rising in a fourth state as well, he wrote."
LATER = "Motorists heading out for the long weekend will pay the highest prices in seven years."


def props(post_id: str) -> str:
    return f'{{is: t, props: {{align: c, id: "{post_id}", hideThread: true, hideMedia: f}}}}'


def page(
    state: str, body: str = f"<p>{FIRST}</p><div class='tweet-slot'></div><p>{SECOND}</p>"
) -> str:
    return (
        "<html><head><title>Prices</title></head><body><article>"
        f"{body}<p>{LATER}</p></article>"
        f"<script>window.__STATE__ = (function(t, c, f) {{ return {{components: [{state}]}} }}"
        '("tweet", "center", false));</script></body></html>'
    )


def paragraph(text: str) -> str:
    return f'{{is: "paragraph", props: {{html: "{text}"}}}}'


def ids(html: str) -> list[str | None]:
    return [e.status_id for e in find_posts(html).embeds]


def test_props_between_the_articles_paragraphs_are_its_posts_in_order() -> None:
    parts = [paragraph(FIRST), props("1766666666666666661"), paragraph(SECOND)]
    state = ", ".join([*parts, props("1766666666666666662"), paragraph(LATER)])
    html = page(state)
    assert has_markers(html.encode())  # no status link, no embed class: the option is the mark
    detection = find_posts(html)
    assert [e.status_id for e in detection.embeds] == ["1766666666666666661", "1766666666666666662"]
    assert detection.from_scripts == 2
    assert all(e.method == "placeholder" and "hideThread" in e.raw for e in detection.embeds)


def test_props_among_strings_the_page_does_not_show_are_not_its_posts() -> None:
    elsewhere = "A story from another section of the site, listed in a feed the page never renders."
    state = ", ".join([paragraph(elsewhere), props("1777777777777777771"), paragraph(elsewhere)])
    assert ids(page(state)) == []
    assert ids(page(state.replace(elsewhere, FIRST))) == ["1777777777777777771"]


def test_an_id_without_the_embed_option_is_not_read() -> None:
    other = props("1788888888888888881").replace("hideThread", "autoplay")
    state = ", ".join([paragraph(FIRST), other, paragraph(SECOND)])
    assert ids(page(state)) == []


def test_a_post_the_markup_shows_is_not_counted_again() -> None:
    body = (
        f'<p>{FIRST}</p><blockquote class="twitter-tweet"><p>Shown.</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1799999999999999991">May 1, 2021</a></blockquote>'
        f"<p>{SECOND}</p>"
    )
    state = ", ".join([paragraph(FIRST), props("1799999999999999991"), paragraph(SECOND)])
    detection = find_posts(page(state, body))
    assert [e.status_id for e in detection.embeds] == ["1799999999999999991"]
    assert detection.from_scripts == 0


def block(url: str) -> str:
    return (
        f'{{"blockType": "twitterEmbed", "url": "{url}", "hideMedia": false, "hideThread": false}}'
    )


def test_a_block_naming_its_post_by_one_status_url_is_that_post() -> None:
    url = "https:\\u002F\\u002Fx.com\\u002Fsomeone\\u002Fstatus\\u002F1711111111111111112"
    state = ", ".join([paragraph(FIRST), block(url), paragraph(SECOND)])
    (embed,) = find_posts(page(state)).embeds
    assert (embed.status_id, embed.handle) == ("1711111111111111112", "someone")
    # Two posts in one block: which one it shows cannot be told.
    two = block(url).replace(
        '"url"', '"other": "https://x.com/b/status/1722222222222222223", "url"'
    )
    assert ids(page(", ".join([paragraph(FIRST), two, paragraph(SECOND)]))) == []


def test_a_bare_id_shorter_than_a_snowflake_is_the_components_own() -> None:
    """A bare ``id`` is any component's key (a block's number): read as a post only at 15
    digits or more (every post since November 2010), as a slot's ``data-id`` is; a key
    naming a post (``tweetId``) at any length; a short ``id`` leaves the status URL to tell."""
    state = ", ".join([paragraph(FIRST), props("7"), paragraph(SECOND)])
    assert ids(page(state)) == []
    assert ids(page(state.replace('id: "7"', 'tweetId: "20"'))) == ["20"]
    url = 'url: "https://x.com/jack/status/1799999999999999991"'
    assert ids(page(state.replace("align: c", url))) == ["1799999999999999991"]
