"""Find embedded posts in an HTML page.

The page is parsed once by selectolax's Lexbor engine (``dom``), without BeautifulSoup's
per-node Python objects, which cost about 24× the parse time. One CSS selector, answered in C,
picks the candidate elements in document order (``candidates``); each is judged by the rules
below, from the strongest evidence to the weakest:

* publish markup: ``blockquote.twitter-tweet`` / ``.twitter-video`` / Guardian ``nojs-tweet``,
  lazy blockquotes carrying ``twitter-tweet`` in another attribute, class-less blockquotes
  that keep the signature line or only the status link (reader output, Ghost, Bustle);
* rendered embeds: ``platform.twitter.com/embed/Tweet.html?id=`` iframes (also on
  ``platform.x.com``; ``src`` or lazy
  ``data-src``), ``data-tweet-id`` iframes, ``<twitterwidget>``, video/card iframes, Embedly,
  Drupal ``/media/oembed?url=`` and other iframes whose address holds a status URL;
* ``<amp-twitter data-tweetid>``, WordPress twitter embed figures (bare URL or blockquote);
* placeholders that a script fills in later: any element with ``data-tweet-id`` /
  ``data-tweetid`` (an ID or a status URL), a status URL as a ``data-*``/``cite``/``url``
  attribute's value (CKEditor ``<oembed url>``, ``data-oembed-url``; never inside JSON),
  component props naming one post (``{"tweetId": …}``), Substack ``data-attrs``, react-tweet
  cards and the static cards of site generators (``read_static_card``), heise's Embetty
  ``<embetty-tweet status>``, small twitter-classed containers (consent placeholders)
  holding a single post, a block whose whole content is one bare status URL (a failed
  auto-embed; also one, linked or not, alone on a line of its block, between ``<br>``),
  Embedly's
  ``<a class="embedly-card">`` (its label the post page's title), and a block whose own
  text holds one WordPress, Hugo or Jekyll tweet shortcode left as text.

Placeholders only count in the article's flow (``placement``); markup kept as text or in an
attribute (consent tools, lazy loaders) is parsed where it is (``hidden``); wherever a post
ID is expected, a status URL is accepted too (``id_or_url``).

An accepted element takes its whole subtree, so a wrapper, the blockquote inside it and the
iframe it became are one embed. Status links elsewhere, and status URLs written in the
prose, are ``link`` sightings.

The judges of link cards are in ``cards``, those of addresses left as text in ``bare_urls``,
the reads they share in ``found``; ``merging`` makes one embed of the items that are one.
"""

from __future__ import annotations

import itertools
import json
import re
from contextvars import ContextVar

from ..normalize import clean_text, split_media
from ..urls import (
    bare_status,
    canonical_id,
    clean_handle,
    find_status,
    iter_statuses,
)
from .bare_urls import (
    alone_on_its_line,
    bare_url_line,
    block_shortcode,
    is_bare_url_block,
    linked_embed_shortcode,
    post_as_image,
    small_enough,
)
from .candidates import EMBETTY_TAG, candidates, is_x_figure
from .cards import (
    BLACKBIRD_CLASS,
    EMBED_LINK,
    GHOST_CARD_CLASS,
    ONEBOX_CLASS,
    embed_container,
    read_blackbird,
    read_card,
    read_embed_link,
    read_embedly_blockquote,
    read_ghost_card,
    read_onebox,
    read_preview_card,
    read_static_card,
)
from .dom import (
    AncestorCount,
    Node,
    ancestors,
    attribute_items,
    attribute_values,
    descendants,
    elements,
    get,
    kids,
    lead_text,
    parse_fragment,
    tail_text,
)
from .flatten import BLOCK_TAGS, INVISIBLE
from .found import (
    Found,
    attribute_id,
    attribute_status,
    classes,
    handle_for,
    id_or_url,
    parent_id,
    text_of,
)
from .hidden import attribute_markup, expand_hidden_markup
from .local_frames import FrameNames, named_frames, read_local_frame
from .merging import ParserCopies, merge_rendered_pairs
from .placement import NOT_EMBED_CLASSES, TWITTERISH, beside_article, in_article_flow, in_feed
from .post_titles import parse_title
from .prefilter import ALL_SEARCHES, PageHints
from .signature import Signature, split_signature, split_undated_signature
from .text import SIGHTING_LINES_FACTOR, SIGHTING_LINES_MIN
from .tree import ID_ATTRS, status_links, subtree_ids
from .typed_ids import typed_placeholder_id

# twttr.widgets.createTweet("ID", element): a post rendered by script, no markup at all.
CREATE_TWEET_RE = re.compile(r"createTweet\(\s*['\"](0*[0-9]{1,19})['\"]")
STRONG_CLASSES = frozenset(
    {"twitter-tweet", "twitter-video", "nojs-tweet", "twitter-tweet-rendered"}
)
# Publish markup's class, as a class name's start (``twitter-tweet-rendered`` too), which no
# static card holds: Forem's card block, ``ltag__twitter-tweet``, is no publish class.
PUBLISH_CLASS = re.compile(r"(?<![\w-])twitter-tweet")
# On an element already marked as a post (publish class, amp-twitter), a plain ``data-id``.
MARKED_ID_ATTRS = (*ID_ATTRS, "data-id")
SKIP_ATTRS = frozenset({"href", "class", "id", "style"})
MAX_HIDDEN_DEPTH = 8
MAX_CANDIDATE_NESTING = 16  # real pages: at most 4
_HIDDEN_DEPTH: ContextVar[int] = ContextVar("hidden_markup_depth", default=0)


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


def judge(el: Node) -> Found | None:
    """Is this element an embedded post? Returns what it shows, or None.

    Publish markup, rendered iframes, AMP and WordPress figures are strong evidence. A
    placeholder (weaker: an ID or address a script turns into a post) must also be shown
    as one post in the article's flow (``in_article_flow``); a card (a post drawn by the
    site, whoever drew it) must not stand beside the article (``beside_article``).
    """
    tag = el.tag
    if tag == "script":
        return read_create_tweet(el) or read_escaped_markup(el)
    if not isinstance(tag, str) or tag in ("template", "noscript", "-comment"):
        return None
    found = judge_markup(el, tag, get(el, "class") or "")
    if found is None:
        return None
    if found.method == "placeholder" and not in_article_flow(found.element):
        return None
    if found.method == "card" and beside_article(found.element):
        return None  # a feed of the site's posts drawn as cards
    return found


def judge_markup(el: Node, tag: str, cls: str) -> Found | None:
    if tag == "a":
        return judge_link(el, cls)
    if "weet" in cls and not PUBLISH_CLASS.search(cls) and (card := read_static_card(el)):
        return card
    if BLACKBIRD_CLASS in cls.split():
        return read_blackbird(el)
    if ONEBOX_CLASS in cls.split() and (card := read_onebox(el)) is not None:
        return card
    if GHOST_CARD_CLASS in cls.split():
        return read_ghost_card(el)
    if tag == "blockquote":
        if EMBED_LINK.search(cls) and (card := read_embedly_blockquote(el)) is not None:
            return card
        if is_publish_blockquote(el) or is_quoted_post(el):
            found = read_blockquote(el)
            return found if found.status_id or found.text else None
        return None
    if tag in IFRAME_TAGS:
        # the markup as ``srcdoc`` (which a browser shows, whatever ``src`` names), then a
        # rendered post's frame whose ``src`` is a local copy
        return read_iframe(el) or read_escaped_markup(el) or read_local_frame(el)
    if get(el, S9E_PROXY) is not None:
        return read_s9e_proxy(el)
    if tag == "amp-twitter":
        return read_amp(el)
    if tag == EMBETTY_TAG:  # heise's Embetty: a script shows the post of ``status``
        status = id_or_url(get(el, "status"))
        return Found(el, "placeholder", *status) if status else None
    if tag == "img" and (shown := post_as_image(el)) is not None:
        block, (post_id, handle) = shown
        return from_container(block, "placeholder", [post_id], handle)
    if tag in UNADDRESSED_TAGS and not cls and unmarked(el):
        return read_escaped_markup(el)  # all that the tests below could find in it
    if get(el, "data-attrs") and "witter" in (get(el, "data-component-name") or "") + cls:
        return read_data_attrs(el)
    if "react-tweet" in cls:
        return read_card(el)
    if tag == "figure" and (
        "wp-block-embed-twitter" in cls or "is-provider-twitter" in cls or is_x_figure(el)
    ):
        return read_wordpress_figure(el)
    classes_here = set(cls.split())
    if classes_here & STRONG_CLASSES and classes_here.isdisjoint({"twitter-timeline"}):
        if is_publish_markup(el):
            return read_blockquote(el)
        ids = subtree_ids(el, 1) or [i for i in [attribute_id(el, MARKED_ID_ATTRS)] if i]
        return from_container(el, "iframe", ids)
    hidden = read_escaped_markup(el)
    if hidden is not None:
        return hidden
    return judge_placeholder(el, tag, cls)


def read_wordpress_figure(figure: Node) -> Found | None:
    """A WordPress embed figure: the post its markup names, or the one a consent plugin
    keeps encoded in an attribute inside it (Borlabs Cookie)."""
    found = from_container(figure, "wordpress", subtree_ids(figure, 1))
    if found is None:
        inside = (n for n in figure.traverse() if n.is_element_node and n.mem_id != figure.mem_id)
        hidden = (read_escaped_markup(node) for node in inside)
        found = next((hit for hit in hidden if hit is not None), None)
        if found is not None:
            found.element, found.method = figure, "wordpress"
    return found


def read_escaped_markup(el: Node) -> Found | None:
    """A placeholder whose attribute holds the whole embed markup, escaped or base64: the
    one post that markup shows, with the placeholder as its element. Markup kept this way
    inside markup kept this way is read ``MAX_HIDDEN_DEPTH`` levels deep (consent tools
    nest one or two): each level is a call of ``find_embeds``, and a page nesting hundreds
    overflowed Python's stack."""
    depth = _HIDDEN_DEPTH.get()
    if depth >= MAX_HIDDEN_DEPTH:
        return None
    entered = _HIDDEN_DEPTH.set(depth + 1)
    try:
        return _read_attribute_markup(el)
    finally:
        _HIDDEN_DEPTH.reset(entered)


def _read_attribute_markup(el: Node) -> Found | None:
    """The one post shown by the markup an attribute holds, or by the base64 of markup that
    is the text of a script or of Borlabs Cookie 2's ``borlabs-hide`` box (where it keeps a
    blocked embed: in a ``<script type="text/template">``, or as the box's text). Text that
    is markup itself is expanded before (``hidden``) or shown as text (a code sample)."""
    values = [value for name, value in attribute_items(el) if name not in SKIP_ATTRS]
    text = (
        (lead_text(el) or "").strip() if el.tag == "script" or "borlabs-hide" in classes(el) else ""
    )
    if text and not text.startswith("<"):
        values.append(text)
    for value in values:
        markup = attribute_markup(value)
        fragment = parse_fragment(markup) if markup else None
        if fragment is None or markup is None:
            continue
        source = markup.encode("utf-8", "surrogatepass")
        inner = [hit for hit in find_embeds(fragment, source) if hit.method != "link"]
        if len(inner) == 1:
            inner[0].element = el
            return inner[0]
    return None


def judge_link(el: Node, cls: str) -> Found | None:
    if "Twitter2ToDOM" in (get(el, "data-component-name") or "") or "twitter-embed" in cls:
        status = find_status(get(el, "href") or "")
        return Found(el, "card", *status) if status else None
    if EMBED_LINK.search(cls):
        return read_embed_link(el)
    if (card := read_preview_card(el)) is not None:
        return card
    parent = el.parent  # a linked URL alone in its block: a failed auto-embed
    if parent is not None and parent.is_element_node and (bare := is_bare_url_block(parent)):
        return from_container(parent, "placeholder", [bare])
    if (shortcode := linked_embed_shortcode(el)) is not None:
        return shortcode
    if alone := alone_on_its_line(el):
        return from_container(el, "placeholder", [alone])
    status = bare_status(get(el, "href") or "")
    container = embed_container(el) if status else None
    if status is None or container is None:
        return None
    return from_container(container, "placeholder", [status[0]])


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


UNADDRESSED_TAGS = frozenset({"img", "link", "meta", "source", "video", "audio"})
# Frames and players whose address or attributes hold the post; AMP writes every iframe as
# ``<amp-iframe>`` (a Drupal oEmbed iframe, a rendered embed on an AMP page).
IFRAME_TAGS = frozenset({"iframe", "amp-iframe", "twitterwidget", "frame", "embed"})


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


def judge_placeholder(el: Node, tag: str, cls: str) -> Found | None:
    """Elements a script fills with a post: an ID attribute, a status address in an
    attribute, component props naming a post, a bare URL, a shortcode, a twitter box; not a
    share or follow control."""
    if tag in SHARE_TAGS or SHARE_CONTROL.search(cls):
        return None
    named = attribute_status(el) or read_props(el)
    if named:
        return from_container(el, "placeholder", [named[0]], named[1])
    if tag not in UNADDRESSED_TAGS:
        for name, value in attribute_items(el):
            if name not in SKIP_ATTRS and "status" in value and (status := address_status(value)):
                return from_container(el, "placeholder", [status[0]], status[1])
    bare = is_bare_url_block(el)
    if bare:
        return from_container(el, "placeholder", [bare])
    if tag in BLOCK_TAGS and (line := bare_url_line(el)):
        return from_container(el, "placeholder", [line])
    if tag in BLOCK_TAGS and (shortcode := block_shortcode(el)):
        return Found(el, "wordpress", *shortcode)
    marks = " ".join(
        [cls, get(el, "id") or "", *(v for k, v in attribute_items(el) if k.startswith("data-"))]
    )
    if TWITTERISH.search(marks) and not NOT_EMBED_CLASSES.search(cls) and small_enough(el):
        ids = subtree_ids(el, 2) or [i for i in [typed_placeholder_id(el)] if i]
        if len(ids) == 1 and not in_feed(el):
            return from_container(el, "placeholder", ids)
    return None


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


def from_container(
    el: Node, method: str, ids: list[str], handle: str | None = None
) -> Found | None:
    """A wrapper judged to be one post: the richest markup inside it supplies the details."""
    if not ids:
        return None
    status_id = ids[0]
    for inner in el.css("blockquote, iframe, amp-twitter"):
        found = judge(inner) if inner.mem_id != el.mem_id else None
        if found and found.status_id == status_id:
            found.element = el
            if method in ("wordpress", "iframe") or found.method == "blockquote":
                found.method = method if method != "placeholder" else found.method
            return found
    return Found(el, method, status_id, handle=handle or handle_for(el, status_id))


def find_embeds(
    root: Node,
    markup: bytes,
    include_links: bool = False,
    hints: PageHints = ALL_SEARCHES,
    expanded: bool = False,
    frames: FrameNames | None = None,
) -> list[Found]:
    """Judge every candidate element in document order; an accepted one takes its subtree.

    ``markup``: the bytes the tree was parsed from (and of the hidden markup expanded);
    ``expanded``: the caller has expanded the hidden markup already, and ``markup`` holds
    it (a second pass finds nothing, but reads every holder again). A rendered post's
    frame with a local ``src`` that the page does not name is named by ``frames``, else
    left out (``named_frames``), before a blockquote and the frame it became are paired."""
    fragments = [] if expanded else expand_hidden_markup(root)
    if fragments:
        markup = b"\n".join([markup, *(fragment.source for fragment in fragments)])
    found: list[Found] = []
    at: list[Node] = []  # the node each found item stands at: its candidate, or a text run
    # Candidates come in document order, so a descendant follows its accepted ancestor: the
    # elements below the last accepted one are skipped (a set, not a walk up from each
    # candidate: thousands of nested candidates made that quadratic).
    taken: set[int] = set()
    found_candidates = candidates(root, markup, hints)
    # Judging a blockquote, figure or post container reads its subtree: thousands of them
    # nested in each other (15,000 unclosed ``<blockquote class="twitter-tweet">``, 0.5 MB:
    # 383 CPU-s) cost the square of their number, so a candidate held by more than
    # MAX_CANDIDATE_NESTING of them is not judged. Other candidates (a wrapper whose class
    # says ``status``) are judged in bounded time and do not count.
    heavy = {el.mem_id for el in found_candidates if _reads_subtree(el)}
    nesting = AncestorCount(lambda node: node.mem_id in heavy)
    sightings = Sightings(len(markup))
    for el in found_candidates:
        if el.mem_id in taken or nesting.of(el) > MAX_CANDIDATE_NESTING:
            continue
        hit = judge(el)
        hits = [(el, hit)] if hit is not None else sightings.of(el) if include_links else []
        for node, item in hits:
            found.append(item)
            at.append(node)
        if hit is not None and hit.method != "link":
            taken = {node.mem_id for node in descendants(hit.element, "*")}
    found = named_frames(in_document_order(root, found, at), frames)
    return merge_rendered_pairs(found, ParserCopies(root, markup))


def in_document_order(root: Node, found: list[Found], at: list[Node]) -> list[Found]:
    """``found`` sorted by where each item stands (``at``): candidates are elements, judged
    in document order, but a sighting in the text after a child element comes after what
    was found inside that child."""
    if all(node.is_element_node for node in at):
        return found
    rank = {node.mem_id: n for n, node in enumerate(root.traverse(include_text=True))}
    keys: list[int] = []
    for node in at:  # a node outside the tree (none is expected) keeps its place
        keys.append(rank.get(node.mem_id, keys[-1] if keys else -1))
    return [found[i] for i in sorted(range(len(found)), key=keys.__getitem__)]


class Sightings:
    """The posts an element that is no embed names (``link`` sightings, for
    ``include_links``), each with the node it stands at: a link's address (it must point at
    the post: a share link whose ``?url=`` names a post is not a sighting of it), and each
    status URL written as plain text in the element's own text (prose naming a post, as a
    line of a text file does), wherever links count (``<noscript>`` and ``<template>``
    content too), but not in a script, a style, or a link's label (its address says where
    it goes).

    A sighting in the prose keeps its run of text as its raw, so a run of thousands made as
    many copies: as in a text page (``find_text_embeds``), those raws may total
    ``SIGHTING_LINES_FACTOR`` times the page (at least ``SIGHTING_LINES_MIN`` characters);
    the sightings past that are not reported."""

    def __init__(self, size: int) -> None:
        self.room = max(SIGHTING_LINES_MIN, SIGHTING_LINES_FACTOR * size)
        self.links_above = AncestorCount(lambda node: node.tag == "a")  # linear when nested

    def of(self, el: Node) -> list[tuple[Node, Found]]:
        if el.tag == "a":
            status = bare_status(get(el, "href") or "")
            text = clean_text(text_of(el)) or None
            return [(el, Found(el, "link", *status, text=text))] if status else []
        runs = [(el.first_child, lead_text(el)), *((kid.next, tail_text(kid)) for kid in el.iter())]
        named = [(run, text) for run, text in runs if run and text and "status" in text]
        if not named or el.tag in INVISIBLE or self.links_above.of(el):
            return []
        found: list[tuple[Node, Found]] = []
        for run, text in named:
            share = list(itertools.islice(iter_statuses(text), self.room // len(text)))
            found += [(run, Found(el, "link", *status, raw=text)) for status in share]
            self.room -= len(text) * len(share)
        return found


SUBTREE_TAGS = frozenset({"blockquote", "figure", "amp-twitter"})
SUBTREE_CLASSES = (*STRONG_CLASSES, "react-tweet")


def _reads_subtree(el: Node) -> bool:
    """Judging ``el`` reads its whole subtree: a blockquote's text and links, a figure's or a
    post container's markup."""
    cls = get(el, "class") or ""
    return el.tag in SUBTREE_TAGS or any(name in cls for name in SUBTREE_CLASSES)
