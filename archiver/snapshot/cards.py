"""The card under a post's text, as a reader sees it, from syndication's ``card``
(``{name, url, binding_values: {key: {type, string_value | boolean_value | image_value}}}``,
or GraphQL's ``{legacy: {name, url, binding_values: [{key, value}]}}``):
a link's preview (title, description, domain, image), a player, a poll's choices with their
counts, a Space, a live video. No I/O; a card of a shape not known keeps what every card has.
"""

from __future__ import annotations

from .answers import as_dict, as_str, load_json

MAX_CHOICES = 4  # a poll has two to four
# The preview image, at its original size: the first of these a card holds (link cards
# give ``photo_image_full_size`` for large previews, ``thumbnail_image`` for small ones).
_IMAGES = (
    "photo_image_full_size",
    "summary_photo_image",
    "thumbnail_image",
    "player_image",
    "broadcast_thumbnail",  # a live video's still
)


def card_of(value: object) -> dict | None:
    """The card in a reader's terms, without the empty fields; None when there is none."""
    card = as_dict(value)
    card = as_dict(card.get("legacy")) or card  # GraphQL's form: the card in ``legacy``
    values = _bindings(card.get("binding_values"))
    if not values and not card.get("name"):
        return None
    text = lambda key: _string(values, key)  # noqa: E731
    image, alt = _image(values)
    found = {
        "name": as_str(card.get("name")),
        "url": as_str(card.get("url")) or text("card_url"),
        "title": text("title"),
        "description": text("description"),
        "domain": text("vanity_url") or text("domain"),
        "image": image,
        "image_alt": alt,
        "player_url": text("player_url"),
        "space_id": text("id") if "audiospace" in str(card.get("name")) else None,
        "choices": _choices(values),
        "ends_at": text("end_datetime_utc"),
        "counts_final": _boolean(values, "counts_are_final"),
    }
    name = as_str(card.get("name")) or ""
    more = _unified(_string(values, "unified_card")) if name == "unified_card" else {}
    more = _broadcast(values) if name.endswith(":broadcast") else more
    for key, item in more.items():
        found[key] = found.get(key) or item
    return {key: item for key, item in found.items() if item is not None and item != []}


UNIFIED_CHARS = 100_000  # X's are a few KB; past this the preview is not read


def _unified(text: str | None) -> dict:
    """What a ``unified_card`` shows (website, app and media cards): its description in a
    JSON string of its own, ``{component_objects, destination_objects, media_entities}``:
    the details' title and subtitle (the site's domain), the media's image, the
    destination's domain."""
    if not text or len(text) > UNIFIED_CHARS:
        return {}
    card = as_dict(load_json(text.encode("utf-8"))[0])
    parts = [as_dict(as_dict(part).get("data")) for part in _values(card, "component_objects")]
    details = next((part for part in parts if "title" in part), {})
    media = next((part for part in parts if "id" in part), {})
    entity = as_dict(as_dict(card.get("media_entities")).get(as_str(media.get("id")) or ""))
    destinations = as_dict(card.get("destination_objects"))
    named = destinations.get(as_str(details.get("destination")) or "")
    destination = as_dict(named or next(iter(destinations.values()), None))
    address = as_dict(as_dict(destination.get("data")).get("url_data"))
    return {
        "title": as_str(as_dict(details.get("title")).get("content")),
        "domain": as_str(as_dict(details.get("subtitle")).get("content"))
        or as_str(address.get("vanity")),
        "image": as_str(entity.get("media_url_https")),
    }


def _broadcast(values: dict) -> dict:
    """What a live video's card (``745291183405076480:broadcast``) shows: its title, its
    state (``RUNNING``, ``ENDED``…), who broadcasts it and where it plays (the binding
    keys X's clients read, as snscrape and third-party X clients document them)."""
    return {
        "title": _string(values, "broadcast_title"),
        "state": _string(values, "broadcast_state"),
        "broadcaster": _string(values, "broadcaster_username"),
        "broadcaster_name": _string(values, "broadcaster_display_name"),
        "broadcast_id": _string(values, "broadcast_id"),
        "broadcast_url": _string(values, "broadcast_url"),
    }


def _values(value: dict, key: str) -> list:
    return list(as_dict(value.get(key)).values())


def _bindings(value: object) -> dict:
    """``binding_values`` by key: syndication writes an object, X's GraphQL API (whose
    shapes the endpoint also serves, ``TweetWithVisibilityResults``) a list of
    ``{"key": …, "value": …}``."""
    if isinstance(value, list):
        pairs = (as_dict(item) for item in value)
        return {p["key"]: p.get("value") for p in pairs if isinstance(p.get("key"), str)}
    return as_dict(value)


def _string(values: dict, key: str) -> str | None:
    return as_str(as_dict(values.get(key)).get("string_value")) or None


def _boolean(values: dict, key: str) -> bool | None:
    found = as_dict(values.get(key)).get("boolean_value")
    return found if isinstance(found, bool) else None


def _image(values: dict) -> tuple[str | None, str | None]:
    """(URL, alt text) of the card's preview image, the largest X offers."""
    for base in _IMAGES:
        for key in (f"{base}_original", f"{base}_large", base):
            url = as_str(as_dict(as_dict(values.get(key)).get("image_value")).get("url"))
            if url:
                return url, _string(values, f"{base}_alt_text")
    return None, None


def _choices(values: dict) -> list[dict]:
    """A poll's choices in order: each label and its vote count (a number once X gives it)."""
    choices = []
    for n in range(1, MAX_CHOICES + 1):
        label = _string(values, f"choice{n}_label")
        if label is None:
            break
        choices.append({"label": label, "count": _count(_string(values, f"choice{n}_count"))})
    return choices


def _count(text: str | None) -> int | None:
    """A vote count X writes as a string of digits; None for anything else."""
    if text is None or len(text) > 18 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
