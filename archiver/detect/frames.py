"""Frames and players: a rendered embed's ``<iframe>`` (its address, or the one a lazy loader
or consent tool parked in an attribute of its own), s9e MediaEmbed's lazy frame, and a frame
whose title is the post page's (Medium, Embedly). Its own module: a frame names its post by
its address or its title, not by markup of its own (the document a saved page keeps for a
frame is read by ``local_frames``).
"""

from __future__ import annotations

import json

from ..normalize import clean_text, split_media
from ..urls import find_status
from .dom import Node, attribute_items, get
from .found import Found, attribute_id
from .placement import in_article_flow
from .post_titles import parse_title

# Frames and players whose address or attributes hold the post; AMP writes every iframe as
# ``<amp-iframe>`` (a Drupal oEmbed iframe, a rendered embed on an AMP page).
IFRAME_TAGS = frozenset({"iframe", "amp-iframe", "twitterwidget", "frame", "embed"})


def read_iframe(el: Node) -> Found | None:
    """Rendered embeds and third-party players whose address or attributes hold the post.
    Lazy loaders and consent tools park the address in an attribute of their own, named for
    ``src`` (``data-cookieblock-src``, ``consent-original-src-_``, ``data-src-cmplz``) or as
    an address (Iframely's lazy ``data-iframely-url``)."""
    status_id = attribute_id(el)
    handle = None
    parked = [name for name, _ in attribute_items(el) if _parks_address(name)]
    for name in dict.fromkeys(["src", "data-src", "data-lazy-src", "data-url", *parked]):
        address = get(el, name) or ""
        if not address or "tweet_button" in address or "follow_button" in address:
            continue
        status = find_status(address)
        if status:
            status_id, handle = status_id or status[0], status[1]
            break
    if not status_id:
        return read_titled_frame(el)
    found = Found(el, "iframe", status_id, handle=handle)
    title = parse_title(get(el, "title") or "")
    if title:  # Embedly/Medium: the title is 'Name on X (formerly Twitter): "TEXT / X"'
        found.author, found.handle = title.name, found.handle or title.handle
        found.text, found.media = split_media(clean_text(title.text))
    return found


# s9e MediaEmbed's lazy frame (XenForo's add-on): a ``<span>`` whose attribute lists the
# frame's attributes, names and values, as a JSON array, for its script to create.
S9E_PROXY = "data-s9e-mediaembed-iframe"


def read_s9e_proxy(el: Node) -> Found | None:
    """The frame s9e's script makes of ``<span data-s9e-mediaembed-iframe='["data-s9e-
    mediaembed","twitter",…,"src","https:\\/\\/s9e.github.io\\/iframe\\/2\\/twitter.min.html
    #ID"]'>``: its ``src`` names the post (a frame, as the one it becomes)."""
    try:
        values = json.loads(get(el, S9E_PROXY) or "")
    except ValueError:
        return None
    if not isinstance(values, list):
        return None
    src = next((v for k, v in zip(values[::2], values[1::2], strict=False) if k == "src"), None)
    status = find_status(src) if isinstance(src, str) else None
    return Found(el, "iframe", *status) if status else None


def _parks_address(name: str) -> bool:
    """An attribute a lazy loader or consent tool keeps a frame's address in."""
    return ("src" in name and name != "srcdoc") or (
        name.startswith("data-") and name.endswith("url")
    )


# Frames that relay an embed under their own address (Medium's ``/media/<hash>``, Embedly):
# their title is the post page's, with or without the `` / X`` suffix.
EMBED_RELAYS = ("medium.com/media/", "cdn.embedly.com/")


def read_titled_frame(el: Node) -> Found | None:
    """A frame whose address names no post but whose title is the post page's title
    (Medium: ``<iframe src="https://medium.com/media/<hash>" title="Name on X: &quot;TEXT
    &quot; / X">``): a text-only embed, the author and text the title gives. The title must
    carry the `` / X`` suffix, or the frame come from an embed relay; like a placeholder,
    it must stand in the article's flow."""
    title = parse_title(get(el, "title") or "")
    if title is None:
        return None
    addresses = " ".join(get(el, name) or "" for name in ("src", "data-src"))
    if not title.suffixed and not any(relay in addresses for relay in EMBED_RELAYS):
        return None
    text, media = split_media(clean_text(title.text))
    if not text or not in_article_flow(el):
        return None
    return Found(el, "iframe", None, title.handle, author=title.name, text=text, media=media)
