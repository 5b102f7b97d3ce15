"""A post's page title without X's `` / X`` suffix, as the label of a link to that post (or
as the ``alt`` of a screenshot linked to it): the link's address vouches for the title when
both name the same handle."""

from __future__ import annotations

import pytest

from archiver.detect import find_posts

STATUS = "https://twitter.com/tidewatcher/status/1400000000000000001"
TITLE = 'Ana Tide (@tidewatcher) on Twitter: "Spring tide at 6.2 m tonight, the highest this year."'
TEXT = "Spring tide at 6.2 m tonight, the highest this year."


def markdown(line: str) -> bytes:
    return f"## Post of the week\n\n{line}\n\nSee you next week.\n".encode()


def html(block: str) -> bytes:
    body = f"<h2>Post of the week</h2>{block}<p>Bye.</p>"
    return f"<html><body><article>{body}</article></body></html>".encode()


def shown(data: bytes) -> list[tuple]:
    return [(e.method, e.status_id, e.author, e.text) for e in find_posts(data).embeds]


@pytest.mark.parametrize(
    "line",
    [f"[{TITLE}]({STATUS})", f"[![{TITLE}](/img/week-12.png)]({STATUS})"],
    ids=["linked-title", "linked-screenshot"],
)
def test_a_linked_title_or_screenshot_naming_the_linked_handle_is_the_post(line: str) -> None:
    assert shown(markdown(line)) == [("text", "1400000000000000001", "Ana Tide", TEXT)]


@pytest.mark.parametrize(
    "inner",
    [
        TITLE.replace('"', "&quot;"),
        f'<img src="/img/week-12.png" alt="{TITLE.replace(chr(34), "&quot;")}">',
    ],
    ids=["linked-title", "linked-screenshot"],
)
def test_the_same_in_html_is_a_card(inner: str) -> None:
    page = html(f'<p><a href="{STATUS}">{inner}</a></p>')
    assert shown(page) == [("card", "1400000000000000001", "Ana Tide", TEXT)]


def test_a_title_naming_another_handle_than_the_link_is_only_a_link() -> None:
    line = f"[![{TITLE.replace('@tidewatcher', '@harbourlog')}](/img/week-12.png)]({STATUS})"
    assert shown(markdown(line)) == []
    page = html(f'<p><a href="{STATUS}">{TITLE.replace("@tidewatcher", "@harbourlog")}</a></p>')
    assert shown(page) == []


def test_an_unlinked_title_without_the_suffix_is_still_prose() -> None:
    assert shown(markdown(TITLE)) == []


def test_a_linked_screenshot_inside_a_sentence_is_only_a_link() -> None:
    alt = TITLE.replace('"', "&quot;")
    page = html(f'<p>Our pick: <a href="{STATUS}"><img src="/i.png" alt="{alt}"></a> as usual.</p>')
    assert shown(page) == []
