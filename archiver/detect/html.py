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
prose, are ``link`` sightings (``sightings``).

Each form's reader is in a module of its own: publish markup and AMP in ``blockquotes``,
frames in ``frames``, what a placeholder's attributes name in ``placeholders``, link cards
in ``cards``, addresses left as text in ``bare_urls``, the reads they share in ``found``;
``merging`` makes one embed of the items that are one. What stays here calls itself: the
judge (``judge``) reads the markup a wrapper holds with the judge again (``from_container``)
and the markup an attribute keeps as a page of its own (``read_escaped_markup``, which runs
``find_embeds`` on it), so the placeholders' and links' judges, which accept through
``from_container``, are here too.
"""

from __future__ import annotations

from contextvars import ContextVar

from ..urls import bare_status, find_status
from .bare_urls import (
    alone_on_its_line,
    bare_url_line,
    block_shortcode,
    is_bare_url_block,
    linked_embed_shortcode,
    post_as_image,
    small_enough,
)
from .blockquotes import (
    MARKED_ID_ATTRS,
    PUBLISH_CLASS,
    STRONG_CLASSES,
    is_publish_blockquote,
    is_publish_markup,
    is_quoted_post,
    read_amp,
    read_blockquote,
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
from .dom import AncestorCount, Node, attribute_items, descendants, get, lead_text, parse_fragment
from .flatten import BLOCK_TAGS
from .found import Found, attribute_id, attribute_status, classes, handle_for, id_or_url
from .frames import IFRAME_TAGS, S9E_PROXY, read_iframe, read_s9e_proxy
from .hidden import attribute_markup, expand_hidden_markup
from .local_frames import FrameNames, named_frames, read_local_frame
from .merging import ParserCopies, merge_rendered_pairs
from .placeholders import (
    SHARE_CONTROL,
    SHARE_TAGS,
    UNADDRESSED_TAGS,
    address_status,
    read_create_tweet,
    read_data_attrs,
    read_props,
    unmarked,
)
from .placement import NOT_EMBED_CLASSES, TWITTERISH, beside_article, in_article_flow, in_feed
from .prefilter import ALL_SEARCHES, PageHints
from .sightings import Sightings, in_document_order
from .tree import subtree_ids
from .typed_ids import typed_placeholder_id

SKIP_ATTRS = frozenset({"href", "class", "id", "style"})
MAX_HIDDEN_DEPTH = 8
MAX_CANDIDATE_NESTING = 16  # real pages: at most 4
_HIDDEN_DEPTH: ContextVar[int] = ContextVar("hidden_markup_depth", default=0)


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


SUBTREE_TAGS = frozenset({"blockquote", "figure", "amp-twitter"})
SUBTREE_CLASSES = (*STRONG_CLASSES, "react-tweet")


def _reads_subtree(el: Node) -> bool:
    """Judging ``el`` reads its whole subtree: a blockquote's text and links, a figure's or a
    post container's markup."""
    cls = get(el, "class") or ""
    return el.tag in SUBTREE_TAGS or any(name in cls for name in SUBTREE_CLASSES)
