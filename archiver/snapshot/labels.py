"""What X shows beside a post, as flags in its answer: the warning over sensitive media, media
disabled (a DMCA notice), a community note. No I/O; a flag of a shape not known is left out.

The post's own flags go to ``snapshots.labels`` (JSON): ``sensitive`` (``possibly_sensitive``:
X puts a warning over the post's media) and ``community_note`` (``birdwatch_pivot``: the
note's ``title``, its ``summary``, ``note_id`` and the ``url`` X links it to). A media item's
go into its own media JSON: ``warning`` (``sensitive_media_warning``'s kinds, such as
``adult_content``, ``graphic_violence``, ``other``) and ``availability`` (``ext_media_availability``
when it is not ``Available``: its ``status`` and ``reason``, such as ``Dmcaed``). The shapes
are X's GraphQL types as the twitter-openapi project records them.
"""

from __future__ import annotations

from .answers import as_dict, as_str
from .result import media_key

MAX_LABEL = 2_000  # a note's title or summary, in characters: X's notes hold at most 280


def labels_of(value: dict) -> dict | None:
    """The post's flags (``sensitive``, ``community_note``), None when it shows none."""
    found: dict[str, object] = {}
    if value.get("possibly_sensitive") is True:
        found["sensitive"] = True
    note = _note(as_dict(value.get("birdwatch_pivot")))
    if note:
        found["community_note"] = note
    return found or None


def _note(pivot: dict) -> dict:
    """A community note as X shows it under the post: its title (``shorttitle`` when
    that is all), the summary X gives (``subtitle.text``), its ID and where it leads."""
    found = {
        "title": _text(pivot.get("title")) or _text(pivot.get("shorttitle")),
        "summary": _text(as_dict(pivot.get("subtitle")).get("text")),
        "note_id": _text(as_dict(pivot.get("note")).get("rest_id")),
        "url": _text(pivot.get("destinationUrl")),
    }
    return {key: item for key, item in found.items() if item}


def media_flags(md: dict) -> dict:
    """A ``mediaDetails`` item's flags: ``warning`` (the kinds X names), ``availability``
    (when X says it is not available); {} when it has none."""
    flags: dict[str, object] = {}
    warning = as_dict(md.get("sensitive_media_warning"))
    kinds = sorted(key for key, on in warning.items() if on is True and len(key) <= 40)
    if kinds:
        flags["warning"] = kinds
    availability = as_dict(md.get("ext_media_availability"))
    status = _text(availability.get("status"))
    if status and status.lower() != "available":
        reason = _text(availability.get("reason"))
        flags["availability"] = {"status": status, **({"reason": reason} if reason else {})}
    return flags


def _text(value: object) -> str | None:
    text = as_str(value)
    return text.strip()[:MAX_LABEL] or None if text else None


def shown_flags(labels: dict | None, media: list[dict]) -> dict:
    """What X showed beside a post, as one value to compare: the post's flags (``labels``),
    and under ``media`` each media item's flags by its key (``media_key``) when any has
    some; {} when it showed none."""
    state: dict[str, object] = dict(labels or {})
    items = {media_key(item): _item_flags(item) for item in media if _item_flags(item)}
    if items:
        state["media"] = items
    return state


def _item_flags(item: dict) -> dict:
    return {key: item[key] for key in ("warning", "availability") if item.get(key)}
