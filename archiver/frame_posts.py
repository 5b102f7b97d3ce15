"""The post a rendered embed showed, read from its frame's own document when the saved page
kept it. Once widgets.js has rendered a post, the article holds only an iframe naming the
post's ID; the text, author, handle and date the reader saw are in the frame's document,
which a browser saving the page keeps beside it: an MHTML part, a web archive's subframe,
a file in the page's ``_files`` folder ("Webpage, complete"). The frame's post fills in what
the page's embed of that ID lacks; the embed's ``raw`` and byte range stay the page's own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple
from urllib.parse import unquote

from .errors import TargetError
from .models import Embed
from .saved_pages import MAX_FRAMES, FrameDocument, saved_from
from .urls import EMBED_IFRAME_RE, canonical_id

# What a frame's post gives the page's embed of it (the fields the page's iframe lacks).
FRAME_FIELDS = ("handle", "author", "text", "date", "date_text", "media")


# What a frame saved as a file of its own gives besides: the post's markup, located in
# that file, which the embed's record then is.
FILE_FIELDS = ("raw", "raw_start", "raw_end", "raw_sha256")


class FramePost(NamedTuple):
    """A post a frame shows, and the frame."""

    post: Embed
    frame: FrameDocument


def with_frame_posts(
    embeds: Sequence[Embed], frames: Callable[[], Iterable[FrameDocument]]
) -> list[Embed]:
    """``embeds`` with each text-less one filled in from the frame that shows its post."""
    return [embed for embed, _ in framed(embeds, frames)]


def framed(
    embeds: Sequence[Embed], frames: Callable[[], Iterable[FrameDocument]]
) -> list[tuple[Embed, FrameDocument | None]]:
    """Each embed, a text-less one filled in from the frame that shows its post, with that
    frame (None: not filled). ``frames`` is called only when the page has such an embed
    (reading a folder's files costs a look at the disk)."""
    wanted = {e.status_id for e in embeds if e.status_id and not e.text and e.method != "link"}
    if not wanted:
        return [(embed, None) for embed in embeds]
    shown = _frame_posts(frames(), wanted)
    return [_merged(e, shown.get(e.status_id or "")) for e in embeds]


def _merged(embed: Embed, shown: FramePost | None) -> tuple[Embed, FrameDocument | None]:
    """The page's embed with what it lacks taken from the frame's post (a text-less embed,
    not a link in the prose); from a frame file of its own, the post's markup in that file
    too (the embed's record is that file's)."""
    if shown is None or embed.text or embed.method == "link":
        return embed, None
    post = shown.post
    values = {name: getattr(post, name) for name in FRAME_FIELDS if not getattr(embed, name)}
    if shown.frame.path is not None:
        values.update((name, getattr(post, name)) for name in FILE_FIELDS)
    return embed._replace(**values), shown.frame


def frame_posts(frames: Iterable[FrameDocument], wanted: set[str]) -> dict[str, Embed]:
    """The post each frame shows, by ID, for the IDs ``wanted``."""
    return {post_id: shown.post for post_id, shown in _frame_posts(frames, wanted).items()}


def _frame_posts(frames: Iterable[FrameDocument], wanted: set[str]) -> dict[str, FramePost]:
    """The post each frame shows, by ID, for the IDs ``wanted``: the first embed of the
    frame's document with text, author or handle whose ID is the one the frame's address
    names (a frame saved without its address: any ID wanted). A frame from elsewhere (an
    ad, a video player) is passed over; a document a detector fails on gives nothing."""
    from .detect import detect_or_fail

    posts: dict[str, FramePost] = {}
    for frame in frames:
        named = _frame_id(frame.address)
        if frame.address is not None and named is None:
            continue
        detection, _ = detect_or_fail(frame.html, "frame", content_type=frame.content_type)
        for post in detection.embeds:
            shown = post.text or post.author or post.handle
            if post.method == "link" or not shown or post.status_id not in wanted:
                continue
            if named is None or post.status_id == named:
                posts.setdefault(post.status_id, FramePost(post, frame))
                break
    return posts


def _frame_id(address: str | None) -> str | None:
    """The post ID a rendered embed's frame address names (``embed/Tweet.html?…id=``)."""
    match = EMBED_IFRAME_RE.search(address or "")
    return canonical_id(match.group("id")) if match else None


_FRAME_SOURCE = re.compile(
    rb"""<iframe\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)


def _page_folder(path: str) -> tuple[str, str]:
    """A saved page's real path, and its ``_files`` folder's."""
    page = os.path.realpath(path)
    stem = os.path.splitext(os.path.basename(page))[0]
    return page, os.path.join(os.path.dirname(page), f"{stem}_files")


def folder_frames(data: bytes, path: str) -> list[FrameDocument]:
    """The frames of a page saved as HTML with its files ("Webpage, complete": ``Page.html``
    beside ``Page_files/``) that its iframes name relatively, read from that folder: only a
    file inside the page's own ``_files`` folder, never a path that climbs out of it or an
    absolute one. A frame file that cannot be read as a page is passed over."""
    if b"_files/" not in data:
        return []
    page, folder = _page_folder(path)
    found: list[FrameDocument] = []
    seen: set[str] = set()
    for match in _FRAME_SOURCE.finditer(data):
        named = _in_folder(next(g for g in match.groups() if g is not None), page, folder)
        if named is None or named in seen:
            continue
        seen.add(named)
        html = _frame_file(named)
        if html is not None:
            found.append(FrameDocument(html, None, saved_from(html), named))
        if len(found) == MAX_FRAMES:
            break
    return found


def folder_frame_names(path: str) -> Callable[[str], str | None]:
    """The post ID each frame file of a page saved complete names, by the frame's ``src``
    (as the page's detection asks for a rendered post's frame that nothing in the page
    names: ``detect.local_frames``): the embed address the file was saved from (its mark of
    the web), else, saved without one, the first post its document shows; None for a file
    out of the page's folder (``folder_frames``' rule), from elsewhere, or showing none. At
    most ``MAX_FRAMES`` files are read."""
    names: dict[str, str | None] = {}

    def named(src: str) -> str | None:
        if src not in names:
            page, folder = _page_folder(path)  # only for a page with such a frame
            local = _in_folder(src.encode("utf-8", "surrogatepass"), page, folder)
            html = _frame_file(local) if local and len(names) < MAX_FRAMES else None
            names[src] = _shown_id(html) if html is not None else None
        return names[src]

    return named


def part_frame_names(frames: Iterable[FrameDocument]) -> Callable[[str], str | None]:
    """The post ID the MHTML part a frame's ``src="cid:…"`` names shows (RFC 2392: the part
    of that Content-ID), for a frame whose part kept no address that names it (a part with
    one had its ``src`` put back to it: ``saved_pages``); read as a frame file is
    (``_shown_id``). None for any other ``src``, or a part showing no post."""
    parts = {frame.content_id: frame for frame in frames if frame.content_id}

    def named(src: str) -> str | None:
        if src[:4].lower() != "cid:":
            return None
        frame = parts.get(unquote(src[4:]).strip())
        return _shown_id(frame.html, frame.content_type) if frame is not None else None

    return named


def _shown_id(html: bytes, content_type: str | None = None) -> str | None:
    """The post a frame file shows: the one its saved address names, else the first of its
    document's posts with text, author or handle."""
    from .detect import detect_or_fail

    address = saved_from(html)
    if address is not None:
        return _frame_id(address)
    detection, _ = detect_or_fail(html, "frame", content_type=content_type)
    shown = (p for p in detection.embeds if p.method != "link" and p.status_id)
    return next((p.status_id for p in shown if p.text or p.author or p.handle), None)


def _in_folder(source: bytes, page: str, folder: str) -> str | None:
    """The file a relative ``src`` names, when it lies inside ``folder`` (symbolic links
    followed) and is a regular file (a named pipe would wait for a writer), else None."""
    text = source.decode("utf-8", "replace").strip()
    if not text or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|[/\\]", text):
        return None  # an address with a scheme (https:, about:, data:) or from the root
    local = unquote(text.split("#", 1)[0].split("?", 1)[0])
    if "\x00" in local:
        return None  # no path holds it (``%00``)
    named = os.path.realpath(os.path.join(os.path.dirname(page), local))
    real_folder = os.path.realpath(folder)
    inside = os.path.commonpath([named, real_folder]) == real_folder and named != real_folder
    return named if inside and os.path.isfile(named) else None


def _frame_file(path: str) -> bytes | None:
    from .page_read import read_page_file

    try:
        return read_page_file(path)
    except TargetError:
        return None
