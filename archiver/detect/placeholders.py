"""What one element's attributes say about the post a script will show in it: Substack's
``data-attrs``, a ``createTweet`` call, component props naming one post, a status address
as an attribute's value; and the elements that can show none (a share or follow control, an
unmarked ``<img>`` or ``<meta>``). Its own module: these read the element alone; whether a
placeholder stands in the article and what it wraps is judged in ``html``
(``judge_placeholder``, ``from_container``).
"""

from __future__ import annotations

import json
import re

from ..normalize import clean_text, split_media
from ..urls import canonical_id, clean_handle, find_status
from .dom import Node, attribute_items, attribute_values, get, kids, lead_text
from .found import Found, id_or_url
from .placement import TWITTERISH

# twttr.widgets.createTweet("ID", element): a post rendered by script, no markup at all.
CREATE_TWEET_RE = re.compile(r"createTweet\(\s*['\"](0*[0-9]{1,19})['\"]")
UNADDRESSED_TAGS = frozenset({"img", "link", "meta", "source", "video", "audio"})


def read_data_attrs(el: Node) -> Found | None:
    """Substack: HTML-escaped JSON in ``data-attrs`` with url, full_text, name, username, date."""
    try:
        attrs = json.loads(get(el, "data-attrs") or "")
    except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
        return None
    if not isinstance(attrs, dict):
        return None
    status = find_status(str(attrs.get("url") or attrs.get("expanded_url") or ""))
    if not status:
        return None
    text, media = split_media(clean_text(str(attrs.get("full_text") or attrs.get("text") or "")))
    date = str(attrs.get("date") or "")[:10] or None
    return Found(
        el,
        "card",
        status[0],
        handle=clean_handle(str(attrs.get("username") or "")) or status[1],
        author=str(attrs.get("name") or "") or None,
        text=text or None,
        date=date if date and re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None,
        media=media,
    )


def read_create_tweet(script: Node) -> Found | None:
    """``twttr.widgets.createTweet("ID", …)`` in an inline script: one embed per call."""
    match = CREATE_TWEET_RE.search(lead_text(script) or "")
    status_id = canonical_id(match.group(1)) if match else None
    if not status_id or get(script, "src"):
        return None
    return Found(script, "placeholder", status_id)


def unmarked(el: Node) -> bool:
    """No ``id`` and no ``data-*`` attribute: for an element of ``UNADDRESSED_TAGS`` without
    a class (a ``<meta>`` or ``<img>`` naming X, the commonest candidates), no placeholder
    test can accept it, so only markup kept in one of its attributes remains to be read."""
    return not any(
        (name == "id" and value) or name.startswith("data-") for name, value in attribute_items(el)
    )


# Share and follow controls: what they name is shared or followed, not shown
# (``<amp-social-share type="twitter" data-param-url=STATUS>``, a ``share-tweet`` button).
SHARE_TAGS = frozenset({"amp-social-share"})
# As a word of a class (``share-tweet``, ``shareBtn``, ``twitter-follow-button``), not a
# part of one (``shareable``, ``followers``).
SHARE_CONTROL = re.compile(r"(?<![A-Za-z])(?:[Ss]hare|[Ff]ollow|[Ii]ntent)(?![a-z])")


def address_status(value: str) -> tuple[str, str | None] | None:
    """The post an attribute's address names (a status URL, or an embed URL carrying one):
    one address, not JSON, markup or prose that happens to hold a status link."""
    value = value.strip()
    if not value or value[0] in "{[<" or any(c.isspace() for c in value):
        return None
    return find_status(value)


PROPS_ID_KEYS = frozenset({"tweetid", "statusid", "tweet", "tweeturl", "statusurl"})


def read_props(el: Node) -> tuple[str, str | None] | None:
    """A component mount point whose JSON props name one post (``<div data-react-class=
    "Tweet" data-react-props='{"tweetId": "…"}'>``): an empty element, marked as a tweet,
    with a props key that means "the post's ID". Status links elsewhere in JSON (related
    articles, hydration data) are not read."""
    if kids(el, at_most=1) or (lead_text(el) or "").strip():
        return None
    for name, value in attribute_items(el):
        if not name.startswith("data-") or not value.startswith("{") or "weet" not in value:
            continue
        try:
            props = json.loads(value)
        except (ValueError, RecursionError):
            continue
        if not isinstance(props, dict):
            continue
        for key, item in props.items():
            if key.lower().replace("_", "").replace("-", "") in PROPS_ID_KEYS:
                status = id_or_url(str(item))
                if status and TWITTERISH.search(" ".join(attribute_values(el)).replace(value, "")):
                    return status
    return None
