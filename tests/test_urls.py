"""Status URL forms (reference/x-embeds.md §2) → the post's ID and handle."""

from __future__ import annotations

import os

import pytest

from archiver.urls import (
    bare_status,
    canonical_id,
    canonical_url,
    clean_handle,
    find_status,
    iter_statuses,
    parse_post_ref,
    snowflake_time,
    valid_id,
)

ID = "1786049023310382281"


@pytest.mark.parametrize(
    ("url", "handle"),
    [
        (f"https://twitter.com/ada_l/status/{ID}", "ada_l"),
        (f"http://twitter.com/ada_l/status/{ID}", "ada_l"),
        (f"https://x.com/ada_l/status/{ID}", "ada_l"),
        (f"https://www.twitter.com/ada_l/status/{ID}", "ada_l"),
        (f"https://www.x.com/ada_l/status/{ID}", "ada_l"),
        (f"https://mobile.twitter.com/ada_l/status/{ID}", "ada_l"),
        (f"https://m.twitter.com/ada_l/status/{ID}", "ada_l"),
        (f"https://mobile.x.com/ada_l/status/{ID}", "ada_l"),
        (f"HTTPS://TWITTER.COM/Ada_L/STATUS/{ID}", "Ada_L"),
        (f"twitter.com/ada_l/status/{ID}", "ada_l"),
        (f"//twitter.com/ada_l/status/{ID}", "ada_l"),
        (f"https://twitter.com/ada_l/statuses/{ID}", "ada_l"),
        (f"https://twitter.com/@ada_l/status/{ID}", "ada_l"),
        (f"https://twitter.com/#!/ada_l/status/{ID}", "ada_l"),
        (f"https://twitter.com/ada_l/status/{ID}/photo/1", "ada_l"),
        (f"https://x.com/ada_l/status/{ID}/video/2", "ada_l"),
        (f"https://x.com/ada_l/status/{ID}/analytics", "ada_l"),
        (f"https://x.com/ada_l/status/{ID}/history", "ada_l"),
        (f"https://x.com/ada_l/status/{ID}?s=20&t=3d0g4ZQis7dCbSDg-mE7-w", "ada_l"),
        (f"https://twitter.com/ada_l/status/{ID}?ref_src=twsrc%5Etfw", "ada_l"),
        (f"https://twitter.com/ada_l/status/{ID}?lang=en#m", "ada_l"),
        (f"https://fxtwitter.com/ada_l/status/{ID}", "ada_l"),
        (f"https://d.fxtwitter.com/ada_l/status/{ID}.jpg", "ada_l"),
        (f"https://fixupx.com/ada_l/status/{ID}", "ada_l"),
        (f"https://twittpr.com/ada_l/status/{ID}", "ada_l"),
        (f"https://vxtwitter.com/ada_l/status/{ID}", "ada_l"),
        (f"https://fixvx.com/ada_l/status/{ID}", "ada_l"),
        (f"https://nitter.net/ada_l/status/{ID}#m", "ada_l"),
        (f"https://nitter.poast.org/ada_l/status/{ID}", "ada_l"),
        (f"https://xcancel.com/ada_l/status/{ID}", "ada_l"),
        (
            "http://twitter3e4tixl4xyajtrzo62zg5vztmjuricljdp2c5kshju4avyoid.onion"
            f"/ada_l/status/{ID}",
            "ada_l",
        ),
        (f"https://twitter.com/statuses/{ID}", None),
        (f"https://twitter.com/i/web/status/{ID}", None),
        (f"https://x.com/i/status/{ID}", None),
        (f"https://twitter.com/ESA\\_Ro/status/{ID}", "ESA_Ro"),
        (f"https://platform.twitter.com/embed/Tweet.html?dnt=true&id={ID}&lang=en", None),
        (f"https://platform.twitter.com/embed/index.html?embedId=twitter-widget-1&id={ID}", None),
        (f"https://twitter.com/i/videos/tweet/{ID}?embed_source=clientlib", None),
        (f"https://twitter.com/i/videos/{ID}?embed_source=facebook", None),
        (f"https://twitter.com/i/cards/tfw/v1/{ID}", None),
        # The embed frame and players on X's own host.
        (f"https://platform.x.com/embed/Tweet.html?dnt=true&id={ID}&lang=en", None),
        (f"//platform.x.com/embed/Tweet.html?id={ID}", None),
        (f"https://x.com/i/videos/tweet/{ID}", None),
        (
            "https://cdn.embedly.com/widgets/media.html?schema=twitter"
            f"&url=https%3A%2F%2Ftwitter.com%2Fada_l%2Fstatus%2F{ID}",
            "ada_l",
        ),
        (f"/media/oembed?url=https%3A//twitter.com/ada_l/status/{ID}&max_width=0", "ada_l"),
    ],
)
def test_status_url_forms(url, handle):
    assert find_status(url) == (ID, handle)
    assert parse_post_ref(url) == (ID, handle)


@pytest.mark.parametrize(
    "segment",
    ["i", "intent", "search", "home", "hashtag", "settings", "share", "explore", "notifications"],
)
def test_reserved_segments_are_not_handles(segment):
    assert find_status(f"https://twitter.com/{segment}/status/{ID}") == (ID, None)
    assert clean_handle(segment) is None
    assert clean_handle(segment.upper()) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.fox.com/news/status/1",
        f"https://www.fox.com/news/status/{ID}",
        f"https://netflix.com/a/status/{ID}",
        f"https://example.org/ada/status/{ID}",
        f"https://twitter.com.evil.example/ada/status/{ID}",
        "https://x.com/ada/status/0",
        "https://x.com/ada/status/0000",
        "https://x.com/ada/status/12345678901234567890",
        "https://x.com/ada/status/9223372036854775808",
        "https://x.com/ada",
        "https://twitter.com/intent/tweet?in_reply_to=1786049023310382281",
        "https://x.com/intent/like?tweet_id=1786049023310382281",
        "https://twitter.com/hashtag/status?src=hash",
        "https://twitter.com/search?q=status%2F1",
        "https://platform.twitter.com/widgets/tweet_button.html#url=x&id=twitter-widget-1",
        # handles are ASCII: a non-ASCII one, or a letter ``re.I`` folds to ASCII, is none
        f"https://x.com/ユーザー/status/{ID}",
        f"https://x.com/jäck/status/{ID}",
        f"https://x.com/\u017fam/status/{ID}",  # long s
        f"https://x.com/\u212aate/status/{ID}",  # Kelvin sign
        f"https://x.com/ada/\u017ftatus/{ID}",
        f"https://x.com/%E3%83%A6/status/{ID}",
        # an ID running on into letters is no ID, as one running on into digits is not
        "https://x.com/jack/status/20abc",
        f"https://x.com/jack/status/{ID}x",
        "https://platform.twitter.com/embed/Tweet.html?id=20abc",
        "https://twitter.com/i/videos/tweet/20abc",
        "https://s9e.github.io/iframe/2/twitter.min.html#20abc",
        "",
    ],
)
def test_not_statuses(url):
    assert bare_status(url) is None
    assert find_status(url) is None


def test_largest_id_is_accepted():
    assert find_status("https://x.com/ada/status/9223372036854775807") == (
        "9223372036854775807",
        "ada",
    )


def test_iter_statuses_in_order():
    text = f"see https://x.com/a/status/{ID} and twitter.com/b/status/20 then x.com/c/status/0"
    assert list(iter_statuses(text)) == [(ID, "a"), ("20", "b")]
    mixed = f"platform.twitter.com/embed/Tweet.html?id=20 then https://x.com/a/status/{ID}"
    assert list(iter_statuses(mixed)) == [("20", None), (ID, "a")]


@pytest.mark.parametrize("after", ["/", "?s=20", "#m", ".", "_", "*", ")", "です", " and"])
def test_an_id_ends_at_anything_but_a_digit_or_letter(after):
    assert find_status(f"https://x.com/jack/status/20{after}") == ("20", "jack")


def test_json_escaped_slashes():
    assert find_status(f'{{"url":"https:\\/\\/twitter.com\\/ada\\/status\\/{ID}"}}') == (ID, "ada")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("1", True),
        ("20", True),
        (ID, True),
        ("9223372036854775807", True),
        ("9223372036854775808", False),
        ("0", False),
        ("00", False),
        ("12345678901234567890", False),
        ("-5", False),
        ("12a", False),
        ("", False),
        (None, False),
        ("１２３", False),
    ],
)
def test_valid_id(value, ok):
    assert valid_id(value) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://x.com/ada/status/{ID}", (ID, "ada")),
        (f"  https://x.com/ada/status/{ID}?s=20  ", (ID, "ada")),
        (f"<https://x.com/ada/status/{ID}>", (ID, "ada")),
        (f"https://x.com/ada/status/{ID}/photo/1", (ID, "ada")),
        (f"https://x.com/ada/status/{ID}/video/1/", (ID, "ada")),
        (f"https://x.com/ada/status/{ID}/", (ID, "ada")),
        (f"https://x.com/i/status/{ID}/analytics", None),  # pages about the post
        (f"https://x.com/ada/status/{ID}/likes", None),
        (f"https://x.com/ada/status/{ID}/quotes?s=20", None),
        (f"https://x.com/ada/status/{ID}/photo/1/likes", None),
        (f"https://x.com/ada/status/{ID} is the post", None),
        (f"see https://x.com/ada/status/{ID}", None),
        (f"https://x.com/ada/status/{ID}?s=20 more", None),
        ("https://x.com/ada/status/0", None),
        ("https://x.com/jack/status/20abc", None),
    ],
)
def test_bare_status(text, expected):
    assert bare_status(text) == expected


def test_parse_post_ref_bare_id():
    assert parse_post_ref(f"  {ID}\n") == (ID, None)
    assert parse_post_ref("20") == ("20", None)
    assert parse_post_ref("0") is None
    assert parse_post_ref("not a post") is None


@pytest.mark.parametrize(
    ("post_id", "handle", "url"),
    [
        (ID, "ada_l", f"https://x.com/ada_l/status/{ID}"),
        (ID, None, f"https://x.com/i/status/{ID}"),
        (ID, "@ada_l", f"https://x.com/ada_l/status/{ID}"),
        (ID, "intent", f"https://x.com/i/status/{ID}"),
        (ID, "not a handle", f"https://x.com/i/status/{ID}"),
        (ID, "waytoolonghandle16", f"https://x.com/i/status/{ID}"),
    ],
)
def test_canonical_url(post_id, handle, url):
    assert canonical_url(post_id, handle) == url


@pytest.mark.parametrize(
    ("post_id", "when"),
    [
        ("1874097816571961839", "2024-12-31T14:18:33.181Z"),
        ("1629307668568633344", "2023-02-25T02:29:53.916Z"),
        ("2000000000000000000", "2025-12-14T00:28:52.860Z"),
        ("20", None),
        ("29700859247", None),
        ("0", None),
        ("12345678901234567890", None),
    ],
)
def test_snowflake_time(post_id, when):
    assert snowflake_time(post_id) == when


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("20", "20"),
        ("00020", "20"),
        ("0" * 30 + "20", "20"),
        ("9223372036854775807", "9223372036854775807"),
        ("09223372036854775807", "9223372036854775807"),
        ("9223372036854775808", None),  # above 2**63-1: not an ID
        ("18446744073709551615", None),
        ("0", None),
        ("000", None),
        ("", None),
        (None, None),
        (" 20", None),
        ("+20", None),
        ("２０", None),
    ],
)
def test_canonical_id(value, canonical):
    assert canonical_id(value) == canonical
    assert valid_id(value) is (canonical is not None)


def test_leading_zeros_name_the_same_post_in_every_form():
    forms = [
        "https://x.com/jack/status/00020",
        "https://twitter.com/jack/status/20?s=20",
        "twitter.com/i/web/status/0000020",
        "https://platform.twitter.com/embed/Tweet.html?id=020",
    ]
    assert {find_status(form)[0] for form in forms} == {"20"}
    assert bare_status("https://x.com/jack/status/00020") == ("20", "jack")
    assert parse_post_ref("00020") == ("20", None)
    assert parse_post_ref("https://x.com/a/status/0009223372036854775807") == (
        "9223372036854775807",
        "a",
    )
    assert parse_post_ref("9223372036854775808") is None
    assert find_status("https://x.com/a/status/9223372036854775808") is None
    assert snowflake_time("0001874097816571961839") == snowflake_time("1874097816571961839")


def test_a_player_path_on_another_host_ending_in_x_is_no_post():
    """``x.com`` must be the host, not the end of one (``fox.com``, ``box.com``)."""
    assert find_status(f"https://fox.com/i/videos/tweet/{ID}") is None
    assert find_status(f"https://fox.com/i/videos/{ID}") is None
    assert find_status(f"https://platform.box.com/embed/Tweet.html?id={ID}") is None


def test_a_file_url_and_its_path_go_both_ways_whatever_the_name_bytes():
    from archiver.urls import file_url, file_url_path

    path = os.fsdecode(b"/tmp/saved pages/caf\xe9 #1.html")
    assert file_url(path) == "file:///tmp/saved%20pages/caf%E9%20%231.html"
    assert file_url_path(file_url(path)) == path
    assert file_url_path("file://localhost/tmp/a.html") == "/tmp/a.html"
    assert file_url_path("file://fileserver/share/a.html") is None
    assert file_url_path("https://news.example/a.html") is None
