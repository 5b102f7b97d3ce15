"""The post ID an empty, X-typed placeholder keeps in an ID attribute of its own.

A CMS that renders every embed with one script writes a typed slot for it and leaves it
empty: ``<div class="embed-twitter" data-embed-type="twitter" data-embed-id="ID">``
(Time's), ``<div data-provider="tweet" data-id="ID">``. The ID attribute is named for the
slot (``data-id``, ``data-embed-id``, ``data-post-id``), not for X, so it is read only on an
element that is empty (its script fills it) and marked as X's by a class word, its id, or
a one-word ``data-*`` value (``twitter``, ``tweet``): never by prose in an attribute (a
video's description that mentions Twitter). And only an ID of X's snowflake era (15 digits
or more, every post since November 2010): a CMS's own numbers in such an attribute (a
story's ``data-id="997461471"`` on a tweet counter) are shorter.
"""

from __future__ import annotations

import re

from ..urls import canonical_id
from .dom import Node, attribute_items, get, kids, lead_text
from .placement import TWITTERISH

# ``data-id``, ``data-embed-id``, ``data-post-id``, ``data-status-id``: one or two words.
OWN_ID_NAME = re.compile(r"data-(?:[a-z]+-)?id")
MIN_DIGITS = 15


def typed_placeholder_id(el: Node) -> str | None:
    """The status ID of an empty slot typed as X's, from its own ID attribute."""
    if kids(el, at_most=1) or (lead_text(el) or "").strip() or not _typed_as_x(el):
        return None
    for name, value in attribute_items(el):
        status_id = canonical_id(value.strip()) if OWN_ID_NAME.fullmatch(name) else None
        if status_id and len(status_id) >= MIN_DIGITS:
            return status_id
    return None


def _typed_as_x(el: Node) -> bool:
    words = [get(el, "class") or "", get(el, "id") or ""]
    words += [v for k, v in attribute_items(el) if k.startswith("data-") and " " not in v.strip()]
    return any(TWITTERISH.search(word) for word in words)
