"""Embeds in text that HTML-to-text converters wrote (markdownify, trafilatura, inscriptis):
the layouts each gives a quoted post, read as posts, and the article's own quotes and links
beside them left alone. Every text here is made up (names, handles and IDs)."""

from __future__ import annotations

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
