"""Embeds in text that HTML-to-text converters wrote (markdownify, trafilatura, inscriptis):
the layouts each gives a quoted post, read as posts, and the article's own quotes and links
beside them left alone. Every text here is made up (names, handles and IDs)."""

from __future__ import annotations

import pytest

from archiver.detect import find_posts

SIGNED = "— {name} (@{handle}) [March {day}, 2024](https://x.com/{handle}/status/17640000000000000{day:02d})"


def signed(name: str, handle: str, day: int) -> str:
    return SIGNED.format(name=name, handle=handle, day=day)


def texts(text: str) -> list[tuple[str | None, str | None]]:
    """The (status ID, text) of each embed the text detector reports."""
    return [(e.status_id, e.text) for e in find_posts(text.encode(), html=False).embeds]


def test_each_quote_of_a_list_of_quotes_is_its_own_post() -> None:
    """markdownify writes a list of blockquotes as items ``  + > text``, the next item's quote
    right under the last one's signature, with no blank line: each item's quote is a post
    of its own, all its paragraphs."""
    text = (
        "Reactions came fast:\n\n"
        "  + > The ferry is late again.\n"
        "    >\n"
        "    > Third time this week.\n"
        "    >\n"
        f"    > {signed('Jane Roe', 'janeroe', 3)}\n"
        "  + > Opening line of the second post.\n"
        "    >\n"
        "    > Its closing line.\n"
        "    >\n"
        f"    > {signed('Sam Poe', 'sampoe', 4)}\n"
    )
    assert texts(text) == [
        ("1764000000000000003", "The ferry is late again.\n\nThird time this week."),
        ("1764000000000000004", "Opening line of the second post.\n\nIts closing line."),
    ]


def test_a_quoted_remark_in_the_item_above_is_not_the_post_s_text() -> None:
    """An item quoting someone (no signature) just above an item holding a post: the post's
    text starts at its own item."""
    text = (
        "What was said:\n\n"
        "  + > “The bridge reopens at noon,” the mayor said.\n"
        "  + > Bridge open, traffic moving.\n"
        "    >\n"
        f"    > {signed('Jane Roe', 'janeroe', 3)}\n"
    )
    assert texts(text) == [("1764000000000000003", "Bridge open, traffic moving.")]


def test_an_empty_code_block_above_a_post_is_not_its_text() -> None:
    """trafilatura's Markdown may write an empty code block (``` then ```) just above a
    post's paragraph, where the page had an empty ``<pre>``: the post starts after it."""
    text = (
        "The outage lasted two hours.\n\n"
        "```\n```\n"
        "Power is back in the main terminal.\n\n"
        f"{signed('Port News', 'portnews', 5)}\n\n"
        "Flights resumed in the evening.\n"
    )
    assert texts(text) == [("1764000000000000005", "Power is back in the main terminal.")]


def test_code_above_a_status_link_is_no_post() -> None:
    """A code block whose last line is a status URL and the article's sentence about it
    stay what they are: no embed takes the code as its text."""
    text = (
        "Fetch it so:\n\n"
        "```\nGET https://x.com/janeroe/status/1764000000000000003 HTTP/1.1\n```\n"
        "The reply is JSON.\n"
    )
    assert texts(text) == []


# An article's paragraph longer than any post (X's 280 characters): nothing a post can hold.
LONG = (
    "The harbour board met on Tuesday to discuss the ferry timetable, which has been late on"
    " most mornings since the new boats arrived in spring, and heard from residents, drivers"
    " and the operator's staff, who each described the delays in their own way and asked the"
    " board to act before the summer season brings its crowds back to the quay."
)
SIGNATURE = "— Jane Roe (@janeroe) March 3, 2024"


def test_a_post_of_paragraphs_below_a_paragraph_no_post_can_hold() -> None:
    """A post of several paragraphs, its quote marks dropped (trafilatura's Markdown,
    inscriptis) and its signature a paragraph of its own: all the paragraphs between the
    article's (longer than any post) and the signature are the post's."""
    text = (
        f"{LONG}\n\nFerry late again.\n\nThird time this week.\n\n{SIGNATURE}\n\nThe board said…\n"
    )
    assert texts(text) == [(None, "Ferry late again.\n\nThird time this week.")]


def test_a_post_of_paragraphs_below_its_introduction() -> None:
    """… or between a paragraph that introduces the embed (it ends with a colon) and it;
    the same in inscriptis's indented layout."""
    text = f"One resident put it so:\n\nFerry late again.\n\nThird time.\n\n{SIGNATURE}\n"
    assert texts(text) == [(None, "Ferry late again.\n\nThird time.")]
    indented = "\n".join(f"          {line}" if line else "" for line in text.split("\n"))
    assert texts(indented) == [(None, "Ferry late again.\n\nThird time.")]


def test_a_paragraph_naming_the_author_is_the_article_s() -> None:
    """The article discussing the post names its author (no post names its own): the
    paragraph doing so is the article's, not the post's first."""
    text = (
        f"{LONG}\n\nRoe, who chairs the residents' group, had more to say.\n\n"
        f"The ferry is late again and nobody tells us why.\n\n{SIGNATURE}\n"
    )
    assert texts(text) == [(None, "The ferry is late again and nobody tells us why.")]


def test_an_article_s_quote_above_a_post_is_not_its_text() -> None:
    """A paragraph reporting what someone said (``“…,” one resident said.``) is the
    article's: what is between it and the signature is not known to be the post's, which
    keeps its last paragraph. So in a text writing a paragraph on each line (trafilatura)."""
    text = (
        f"{LONG}\n\n“We wait every morning,” one resident said.\n\n"
        f"Another asked why the board waited.\n\nThe ferry is late again.\n\n{SIGNATURE}\n"
    )
    assert texts(text) == [(None, "The ferry is late again.")]
    assert texts(text.replace("\n\n", "\n")) == [(None, "The ferry is late again.")]


def test_short_paragraphs_at_the_text_s_start_stay_the_article_s() -> None:
    """Nothing above short paragraphs tells the article's from a post's: the signature's
    paragraph alone is the post's text, and a paragraph linking a post is not an embed."""
    text = (
        "The ferry ran late.\n\n"
        "As [she wrote](https://x.com/janeroe/status/1764000000000000003) on Monday:"
        " it runs late.\n\n"
        f"Third time this week.\n\n{SIGNATURE}\n"
    )
    assert texts(text) == [(None, "Third time this week.")]


NOTICE = "This content is also shown on the site it [comes](https://x.com/janeroe/status/{}) from."


def test_a_consent_placeholder_under_its_heading_is_its_post() -> None:
    """A consent box flattened to Markdown: a heading naming only the network's content,
    then a short notice linking the post (its sentence wrapped at the link, as markdownify
    writes it, or not): the post, its text not shown."""
    one = NOTICE.format("1764000000000000003")
    wrapped = NOTICE.format("1764000000000000004").replace(") from.", ")\nfrom.")
    text = (
        f"The ferry ran late.\n\n#### Twitter content\n\n{one}\n\n"
        f"X post\n\n{wrapped}\n\nThe board met on Tuesday.\n"
    )
    assert texts(text) == [("1764000000000000003", None), ("1764000000000000004", None)]


def test_a_section_heading_above_a_status_link_is_no_placeholder() -> None:
    """A section's heading (more than the network's name) above a paragraph linking a post,
    or a placeholder heading above a paragraph linking two posts, is the article's."""
    text = (
        "## Reactions on Twitter\n\n" + NOTICE.format("1764000000000000003") + "\n\n"
        "#### Twitter content\n\n"
        "Both [Roe](https://x.com/janeroe/status/1764000000000000004) and"
        " [Poe](https://x.com/sampoe/status/1764000000000000005) wrote about it.\n"
    )
    assert texts(text) == []


def test_a_signature_without_its_date_between_posts_is_a_post() -> None:
    """A post signed ``— Name (@handle)`` (the page left its date link empty and the
    converter dropped it) right after another embed: a post, without ID or date, and its
    signature is no part of the next post's text. In a text writing a paragraph on each
    line (trafilatura) and in one setting paragraphs apart."""
    lines = [
        "Readers wrote in.",
        "The ferry is late again.",
        "— Jane Roe (@janeroe) March 3, 2024",
        "Thanks to the crew for the coffee!",
        "— Sam Poe (@sampoe)",
        "Third time this week.",
        "— Ann Loe (@annloe) March 4, 2024",
        "The board met on Tuesday.",
    ]
    found = [
        ("janeroe", "The ferry is late again."),
        ("sampoe", "Thanks to the crew for the coffee!"),
        ("annloe", "Third time this week."),
    ]
    for text in ("\n".join(lines), "\n\n".join(lines)):
        embeds = find_posts(text.encode(), html=False).embeds
        assert [(e.handle, e.text) for e in embeds] == found
        assert (embeds[1].status_id, embeds[1].date) == (None, None)


def test_a_byline_without_a_date_is_no_post() -> None:
    """``— Name (@handle)`` under the article's paragraph is its byline: not after an
    embed, or with the article's paragraph between the embed and it."""
    byline = "The board met on Tuesday.\n\n— Sam Poe (@sampoe)\n"
    assert texts(byline) == []
    after_embed = f"The ferry is late again.\n\n{SIGNATURE}\n\nThe board met on Tuesday.\n\n"
    assert texts(after_embed + "It meets again in May.\n\n— Sam Poe (@sampoe)\n") == [
        (None, "The ferry is late again.")
    ]


@pytest.mark.parametrize("between", ["\n\n", "\n"])
def test_paragraphs_above_a_signature_are_each_read_once(monkeypatch, between: str) -> None:
    """Paragraphs that count nothing toward a post's length (bare addresses) do not bound
    the run above a signature: each is measured once as the run grows, not the whole run
    again (quadratic: 20,000 of them took over two minutes; 10,000 lines, one paragraph
    on each as trafilatura writes them, 23 s)."""
    import archiver.detect.text_paragraphs as paragraphs_module

    measured = 0
    real = paragraphs_module.comparable

    def counting(text: str | None) -> str:
        nonlocal measured
        measured += len(text or "")
        return real(text)

    monkeypatch.setattr(paragraphs_module, "comparable", counting)
    paragraphs = between.join(f"https://example.com/{n}" for n in range(2000))
    text = between.join([paragraphs, "The ferry is late.", SIGNATURE, ""])
    assert texts(text) == [(None, "The ferry is late.")]
    assert measured < 4 * len(text)
