"""Publish markup: the blockquote X's publish tool writes (``<p>`` text, then ``&mdash; Name
(@handle) <a href=STATUS>Date</a>``), the same markup in an element of an embed class that
is no blockquote, a class-less blockquote that is still a post, and ``<amp-twitter>``, read
by the blockquote it holds. Its own module: the strongest evidence, and the reader that
snapshots share (an oEmbed answer's ``html`` is this markup: ``snapshot/oembed.py``).
"""

from __future__ import annotations

import re

from ..normalize import clean_text, split_media
from ..urls import clean_handle, find_status
from .dom import Node, ancestors, attribute_values, descendants, elements, get
from .found import Found, attribute_id, attribute_status, classes, parent_id, text_of
from .signature import Signature, split_signature, split_undated_signature
from .tree import ID_ATTRS, status_links

STRONG_CLASSES = frozenset(
    {"twitter-tweet", "twitter-video", "nojs-tweet", "twitter-tweet-rendered"}
)
# Publish markup's class, as a class name's start (``twitter-tweet-rendered`` too), which no
# static card holds: Forem's card block, ``ltag__twitter-tweet``, is no publish class.
PUBLISH_CLASS = re.compile(r"(?<![\w-])twitter-tweet")
# On an element already marked as a post (publish class, amp-twitter), a plain ``data-id``.
MARKED_ID_ATTRS = (*ID_ATTRS, "data-id")


def embed_language(bq: Node) -> str | None:
    """The language the signature's date is written in: the embed's ``data-lang`` (the
    publish tool's setting), else the nearest ``lang`` around it (the page's)."""
    nearest = (get(node, "lang") for node in [bq, *ancestors(bq)])
    return (
        get(bq, "data-lang") or next((lang for lang in nearest if lang is not None), None) or None
    )


def read_blockquote(bq: Node) -> Found:
    """Publish markup: ``<p>`` text, then ``— Name (@handle) <a href=status>Date</a>``.

    The post is the last status link that is a direct child (links inside ``<p>`` are quotes
    or links in the text), then the last status link anywhere, then ID attributes.
    """
    links = status_links(bq)
    direct = [link for link in links if parent_id(link[0]) == bq.mem_id]
    chosen = (direct or links)[-1] if links else None
    named = (chosen[1], chosen[2]) if chosen else attribute_status(bq, MARKED_ID_ATTRS)
    status_id, handle = named or find_status(get(bq, "cite") or "") or (None, None)
    paragraphs = [p for p in elements(bq) if p.tag == "p"]
    whole = clean_text(text_of(bq))
    rest, signature = split_signature(whole, embed_language(bq))
    if signature is None and chosen is not None:
        rest, signature = undated_signature(whole, chosen)
    body = (paragraphs_text(paragraphs, rest) if signature else None) or rest
    if chosen is not None and not signature:
        # Minimal embeds: the anchor's own text ("View this post on X", the URL) is not post text.
        body = clean_text(body.replace(clean_text(text_of(chosen[0])), "", 1))
    body, media = split_media(body)
    return Found(
        bq,
        "blockquote",
        status_id,
        handle=clean_handle(signature["handle"]) if signature else handle,
        author=signature["author"] if signature else None,
        text=body or None,
        date=signature["date"] if signature else None,
        media=media,
        date_text=signature["date_text"] if signature else None,
    )


def undated_signature(
    whole: str, link: tuple[Node, str, str | None]
) -> tuple[str, Signature | None]:
    """The signature of publish markup whose date link the page left empty, ``&mdash; Name
    (@handle) <a href=STATUS></a>`` (a CMS that stripped it): it ends the blockquote's text,
    and its handle is the link's."""
    if clean_text(text_of(link[0])):
        return whole, None
    rest, signature = split_undated_signature(whole)
    if signature is None or (link[2] and signature["handle"].lower() != link[2].lower()):
        return whole, None
    return rest, signature


def is_publish_markup(el: Node) -> bool:
    """An element of an embed class that is no blockquote but holds the publish markup
    itself (``<div class="twitter-tweet"><p lang>TEXT</p>&mdash; Name (@handle) <a>DATE</a>``:
    rich-text editors whose schema has no blockquote, slide decks): no frame, card or
    blockquote inside it, and its text ends with the signature line."""
    if el.css_first("blockquote, iframe, twitterwidget, amp-twitter") is not None:
        return False
    return split_signature(clean_text(text_of(el)), embed_language(el))[1] is not None


def paragraphs_text(paragraphs: list[Node], before: str) -> str | None:
    """The post's text from the blockquote's ``<p>`` children before the signature (WordPress
    wraps the signature in a ``<p>`` of its own, and splits a post's paragraphs into one
    ``<p>`` each); ``before``: the blockquote's text before the signature. None when the
    first one holds the signature."""
    texts = []
    for paragraph in paragraphs:
        text = clean_text(text_of(paragraph))
        if split_signature(text)[1] or text not in before:
            break
        texts.append(text)
    return "\n\n".join(text for text in texts if text) or None


def is_publish_blockquote(bq: Node) -> bool:
    if classes(bq) & STRONG_CLASSES or attribute_id(bq):
        return True
    return any(value in ("twitter-tweet", "twitter-video") for value in attribute_values(bq))


def is_quoted_post(bq: Node) -> bool:
    """A class-less blockquote that is still a post: it keeps the signature line, or holds
    nothing but a status link (reader-tool output, Ghost and CMS stubs). Not one that
    holds another blockquote linking a post: an article's quote with an embed inside it
    (the inner blockquote is the post, judged on its own)."""
    links = status_links(bq)
    if not links and not find_status(get(bq, "cite") or ""):
        return False
    if any(status_links(inner) for inner in descendants(bq, "blockquote")):
        return False
    text = clean_text(text_of(bq))
    if split_signature(text)[1]:
        return True
    leftover = text
    for a, _, _ in links:
        leftover = leftover.replace(clean_text(text_of(a)), "")
    return not leftover.strip() or bool(find_status(get(bq, "cite") or ""))


def read_amp(el: Node) -> Found | None:
    """``<amp-twitter data-tweetid>`` (an ID or a status URL); its placeholder blockquote
    supplies the text."""
    named = attribute_status(el, ("data-tweetid", *MARKED_ID_ATTRS))
    if not named:
        return None
    inner = el.css_first("blockquote")
    found = read_blockquote(inner) if inner is not None else Found(el, "amp", named[0])
    found.element, found.method, found.status_id = el, "amp", named[0]
    found.handle = found.handle or named[1]
    return found
