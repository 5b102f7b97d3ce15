"""A rendered post's frame whose address is a local file: a page saved by a browser points
its frames at the copies it kept (``src="./Page_files/Tweet.html"``, ``src="Tweet.html"``;
in an MHTML, ``src="cid:…"``, a part kept without its address), and a frame that carried
no ``data-tweet-id`` names its post nowhere in its address.

The post is then read from what the page still says of it: the copy's name, when the saver
kept the frame's address in it (``platform.twitter.com/embed/Tweet.html%3Fid=ID.html``:
wget's converted links); an ID attribute of the frame's own (``data-id``,
``data-embed-id``); a status address in another attribute; a post ID as a word of its
``id``, ``name`` or ``title``. Else the frame is left for the frame file itself
(``frame_src``: a scan of a page saved "complete" reads the file it names, of an MHTML
the part, see ``frame_posts``); a frame nothing names is no embed (a post is known by its
ID, or by a fingerprint of its text: such a frame has neither).

Only a frame marked as a rendered post is read so: its class or its wrapper's
(``twitter-tweet-rendered``), its title as widgets.js sets it (``Twitter Tweet``, ``X
Post``), or a copy named as X's frame document (``Tweet.html``, ``Tweet(1).html``).
Timelines, buttons and other frames keep IDs of their own (``data-widget-id``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

from ..urls import canonical_id, find_status
from .dom import Node, attribute_items, get
from .found import Found, classes

# The post ID the local file a frame's ``src`` names shows (None: none, or no such file).
FrameNames = Callable[[str], str | None]

RENDERED_CLASSES = frozenset(
    {"twitter-tweet", "twitter-tweet-rendered", "twitter-video", "twitter-video-rendered"}
)
# The frame's title, as widgets.js set it over the years (its ``data-iframe-title``).
RENDERED_TITLES = frozenset({"twitter tweet", "x post", "embedded tweet", "embedded post"})
# A browser names a frame's copy after its address's file, numbered when two share a name
# (X's own capitals: Facebook's ``plugins/post.php`` is saved as ``post.html``).
FRAME_FILE = re.compile(r"(?:^|[/\\])(?:Tweet|Post)(?:[ _-]?\(?\d+\)?)?\.html?$")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# An ID attribute of the frame's own (``data-id``, ``data-embed-id``, ``data-post-id``).
OWN_ID_NAME = re.compile(r"data-(?:[a-z]+-)?id")
NAMING_ATTRIBUTES = ("id", "name", "title")
# A post ID as a word of those (``tweet-1181…``), of X's snowflake era: a counter's number
# (``twitter-widget-0``) is no post.
ID_WORD = re.compile(r"(?<![0-9])[0-9]{15,19}(?![0-9])")


def local_source(el: Node) -> str | None:
    """The frame's ``src`` when it is a local file's path (no scheme, not from another
    host) or a part of the saved file itself (``cid:``, RFC 2392: an MHTML part whose
    address was not kept), else None."""
    src = (get(el, "src") or "").strip()
    if src[:4].lower() == "cid:":
        return src
    if not src or src.startswith(("//", "#")) or SCHEME.match(src):
        return None
    return src


def is_rendered_post_frame(el: Node, src: str) -> bool:
    """The frame is marked as a rendered post (see above)."""
    parent = el.parent
    wrapper = classes(parent) if parent is not None and parent.is_element_node else set()
    marks = classes(el) | wrapper
    if marks & RENDERED_CLASSES:
        return True
    if " ".join((get(el, "title") or "").split()).casefold() in RENDERED_TITLES:
        return True
    return FRAME_FILE.search(unquote(src.split("#", 1)[0].split("?", 1)[0])) is not None


def read_local_frame(el: Node) -> Found | None:
    """A rendered post's frame with a local ``src`` naming no post: the post the page still
    names, else the frame left for its file (``frame_src``); None for any other frame."""
    src = local_source(el)
    if src is None or not is_rendered_post_frame(el, src):
        return None
    named = page_named(el, src)
    if named is not None:
        return Found(el, "iframe", *named)
    return Found(el, "iframe", None, frame_src=src)


def page_named(el: Node, src: str) -> tuple[str, str | None] | None:
    """The post the page names for a frame whose address does not: in its copy's name, an
    ID attribute of its own, a status address in an attribute, a post ID in its ``id``,
    ``name`` or ``title``."""
    status = find_status(unquote(src))
    if status is not None:
        return status
    for name, value in attribute_items(el):
        value = (value or "").strip()
        if name == "src" or not value:
            continue
        if OWN_ID_NAME.fullmatch(name) and (own := canonical_id(value)) and len(own) >= 15:
            return own, None
        if "/status" in value and " " not in value and (status := find_status(value)):
            return status
    for name in NAMING_ATTRIBUTES:
        words = ID_WORD.findall(get(el, name) or "")
        if len(set(words)) == 1 and (post_id := canonical_id(words[0])):
            return post_id, None
    return None


def named_frames(found: list[Found], frames: FrameNames | None) -> list[Found]:
    """``found`` with each frame left for its file (``frame_src``) named by the post that
    file shows (``frames``), else left out: it names no post and shows no text."""
    kept: list[Found] = []
    for item in found:
        if item.frame_src is not None and item.status_id is None and not item.text:
            item.status_id = frames(item.frame_src) if frames is not None else None
            if item.status_id is None:
                continue
        kept.append(item)
    return kept
