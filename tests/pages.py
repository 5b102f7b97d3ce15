"""Small page builders shared by the tests."""

from __future__ import annotations

EMBED_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><article><p>Intro paragraph.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; Test Person
(@testperson) <a href="https://twitter.com/testperson/status/{id}?ref_src=twsrc%5Etfw"
>March 1, 2024</a>
</blockquote>
{extra}
<p>Closing paragraph with a <a href="https://x.com/other/status/1760000000000000001">link</a>.</p>
</article></body></html>"""


def embed_page(
    post_id: str = "1763000000000000001",
    text: str = "Hello from the test post",
    title: str = "Test article",
    extra: str = "",
) -> str:
    return EMBED_PAGE.format(id=post_id, text=text, title=title, extra=extra)


def sole_embed(page: str, *fields: str) -> tuple:
    """The ``fields`` of the one embed ``find_posts`` finds in ``page``."""
    from archiver.detect import find_posts

    (embed,) = find_posts(page).embeds
    return tuple(getattr(embed, field) for field in fields)
