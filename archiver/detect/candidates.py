"""The candidate elements of a page: the only elements the HTML detector judges.

Every embed element carries its post in an attribute value (a status URL, an embed URL, a
twitter class) or an ID attribute; only a class-less blockquote may carry neither. So the
core test is: a ``<blockquote>``, or an element with an attribute value holding ``status``,
``weet`` or ``witter``. The other tests run only when the page's bytes show they can find
something (``prefilter.PageHints``):

* ``id_attributes``: a ``data-tweet-id`` / ``data-tweetid`` / ``data-tweet`` attribute;
* ``text_urls``: a text child holding ``/status`` or ``[tweet`` (a URL or shortcode as text);
* ``scripts``: a ``<script>`` calling ``createTweet``;
* ``encoded``: an attribute value holding base64 of embed markup (Borlabs Cookie).

One walk over the tree in Python, with substring tests on attribute values, does this at
half the cost of the equivalent XPath union (libxml2 copies every attribute value once per
``contains()``), and yields the elements in document order.
"""

from __future__ import annotations

from lxml import etree

from .prefilter import ALL_SEARCHES, BASE64_MARKERS, PageHints
from .tree import ID_ATTRS, text_content

TEXT_URL_WORDS = ("/status", "[tweet")
ENCODED_WORDS = tuple(marker.decode("ascii") for marker in BASE64_MARKERS)


def _holds(value: str | None, words: tuple[str, ...]) -> bool:
    return value is not None and any(word in value for word in words)


def _core(el: etree._Element) -> bool:
    if el.tag == "blockquote":
        return True
    for value in el.values():  # noqa: SIM110 (a loop: any() over a generator costs 30% more)
        if "status" in value or "weet" in value or "witter" in value:
            return True
    return False


def _text_url(el: etree._Element) -> bool:
    """A text child (the element's text, or the tail of any child) holds a URL form."""
    return _holds(el.text, TEXT_URL_WORDS) or any(
        _holds(child.tail, TEXT_URL_WORDS) for child in el
    )


def _extra(el: etree._Element, hints: PageHints) -> bool:
    return (
        (hints.id_attributes and any(el.get(name) is not None for name in ID_ATTRS))
        or (hints.text_urls and _text_url(el))
        or (hints.scripts and el.tag == "script" and "createTweet" in text_content(el))
        or (hints.encoded and any(_holds(value, ENCODED_WORDS) for value in el.values()))
    )


def candidates(root: etree._Element, hints: PageHints = ALL_SEARCHES) -> list[etree._Element]:
    """The elements of ``root``'s tree (itself included) that the detector judges, in
    document order. A list, taken before any is judged."""
    extra = hints.id_attributes or hints.text_urls or hints.scripts or hints.encoded
    return [el for el in root.iter(etree.Element) if _core(el) or (extra and _extra(el, hints))]
