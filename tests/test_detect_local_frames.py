"""A rendered post's frame whose ``src`` is a local file (a page saved by a browser) and
which carries no ``data-tweet-id``: the post the page still names elsewhere."""

from __future__ import annotations

import pytest

from archiver.detect import find_posts

POST_ID = "1181818181818181818"


def page(frame: str, wrapper: str = "twitter-tweet twitter-tweet-rendered") -> bytes:
    return (
        "<html><body><article><p>The council spoke this morning.</p>"
        f'<div class="{wrapper}">{frame}</div><p>Traffic was light.</p></article></body></html>'
    ).encode()


def frame(attributes: str, src: str = "./bridges_files/Tweet.html") -> str:
    return (
        f'<iframe id="twitter-widget-0" scrolling="no" frameborder="0" title="X Post" '
        f'src="{src}"{attributes}></iframe>'
    )


@pytest.mark.parametrize(
    ("attributes", "src"),
    [
        (f' data-id="{POST_ID}"', "./bridges_files/Tweet.html"),  # an ID attribute of its own
        (f' data-embed-id="{POST_ID}"', "Tweet.html"),
        (f' data-permalink="https://twitter.com/rivercouncil/status/{POST_ID}"', "Tweet.html"),
        (f' name="tweet-{POST_ID}"', "./bridges_files/saved_resource.html"),  # a word of name
        # wget's converted link: the copy's name keeps the frame's address
        ("", f"../platform.twitter.com/embed/Tweet.html%3Fid={POST_ID}&lang=en.html"),
    ],
)
def test_a_local_frame_is_the_post_the_page_names(attributes: str, src: str) -> None:
    (embed,) = find_posts(page(frame(attributes, src))).embeds
    assert (embed.method, embed.status_id) == ("iframe", POST_ID)
    assert "<iframe" in embed.raw and embed.raw_start is not None


def test_a_local_frame_titled_as_a_post_page_needs_no_wrapper() -> None:
    iframe = f'<iframe title="Twitter Tweet" src="Tweet(1).html" data-id="{POST_ID}"></iframe>'
    (embed,) = find_posts(page(iframe, wrapper="twitter-tweet")).embeds
    assert embed.status_id == POST_ID


@pytest.mark.parametrize(
    "html",
    [
        page(frame("")),  # nothing names it
        page(frame(' name="twitter-widget-0"')),  # a counter, no post ID
        # a timeline's frame keeps its widget's ID: no rendered post
        page(
            f'<iframe id="twitter-widget-1" class="twitter-timeline twitter-timeline-rendered"'
            f' src="./bridges_files/timeline.html" data-widget-id="{POST_ID}"></iframe>',
            wrapper="sidebar-box",
        ),
        # a frame of another kind with an ID attribute: not marked as a rendered post
        page(f'<iframe src="./bridges_files/video.html" data-id="{POST_ID}"></iframe>'),
    ],
)
def test_a_local_frame_nothing_names_is_no_embed(html: bytes) -> None:
    assert find_posts(html).embeds == []


def test_a_local_frame_is_named_by_the_file_it_shows_when_asked() -> None:
    """``frames`` (a scan of a page saved with its files) names the post by the frame's
    ``src``; a frame it does not name is still no embed."""
    html = page(frame("") + frame("", "./bridges_files/Tweet(1).html"))
    named = {"./bridges_files/Tweet.html": POST_ID}
    (embed,) = find_posts(html, frames=named.get).embeds
    assert (embed.method, embed.status_id) == ("iframe", POST_ID)
    assert "Tweet.html" in embed.raw


@pytest.mark.parametrize(
    ("src", "rendered"),
    [
        ("./bridges_files/Tweet.html", True),
        ("Tweet(1).html", True),
        ("./bridges_files/Post.html", True),  # X's frame since the rename
        ("./bridges_files/post.html", False),  # Facebook's embedded post (plugins/post.php)
        ("./bridges_files/saved_resource.html", False),
    ],
)
def test_a_frame_copy_s_name_marks_it_as_x_s_in_x_s_capitals(src: str, rendered: bool) -> None:
    from archiver.detect.dom import parse
    from archiver.detect.local_frames import is_rendered_post_frame

    frame = parse(f'<div><iframe src="{src}"></iframe></div>').css_first("iframe")
    assert frame is not None and is_rendered_post_frame(frame, src) is rendered


def test_a_local_frame_s_srcdoc_is_read_before_its_src() -> None:
    """``srcdoc`` is the frame's document whatever ``src`` says (a browser shows it, not the
    file): the post it holds is read with its text, as from a frame with no ``src``."""
    import html

    post = (
        '<blockquote class="twitter-tweet"><p lang="en">Both bridges reopen at dawn.</p>&mdash;'
        f' River Council (@rivercouncil) <a href="https://twitter.com/rivercouncil/status/{POST_ID}">'
        "March 2, 2024</a></blockquote>"
    )
    for src in ("./bridges_files/Tweet.html", "Tweet.html"):
        (embed,) = find_posts(page(frame(f' srcdoc="{html.escape(post)}"', src))).embeds
        assert (embed.status_id, embed.text) == (POST_ID, "Both bridges reopen at dawn.")


def test_a_frame_its_file_names_is_one_embed_with_the_blockquote_it_became() -> None:
    """The publish markup beside the frame it became is one embed, as when the frame
    carries ``data-tweet-id``: the file names the frame's post before the pair is made."""
    post = (
        '<blockquote class="twitter-tweet"><p lang="en">Both bridges reopen at dawn.</p>&mdash;'
        f' River Council (@rivercouncil) <a href="https://twitter.com/rivercouncil/status/{POST_ID}">'
        "March 2, 2024</a></blockquote>"
    )
    named = {"./bridges_files/Tweet.html": POST_ID}
    for markup in (post + frame(""), frame("") + post):
        html = page(markup, wrapper="story-media")
        found = find_posts(html, frames=named.get).embeds
        assert [(e.status_id, e.text) for e in found] == [(POST_ID, "Both bridges reopen at dawn.")]
