"""Find embedded posts in an HTML page.

The page is parsed once by selectolax's Lexbor engine (``dom``), without BeautifulSoup's
per-node Python objects, which cost about 24× the parse time. One CSS selector, answered in C,
picks the candidate elements in document order (``candidates``); each is judged by the rules
below, from the strongest evidence to the weakest:

* publish markup: ``blockquote.twitter-tweet`` / ``.twitter-video`` / Guardian ``nojs-tweet``,
  lazy blockquotes carrying ``twitter-tweet`` in another attribute, class-less blockquotes
  that keep the signature line or only the status link (reader output, Ghost, Bustle);
* rendered embeds: ``platform.twitter.com/embed/Tweet.html?id=`` iframes (``src`` or lazy
  ``data-src``), ``data-tweet-id`` iframes, ``<twitterwidget>``, video/card iframes, Embedly,
  Drupal ``/media/oembed?url=`` and other iframes whose address holds a status URL;
* ``<amp-twitter data-tweetid>``, WordPress twitter embed figures (bare URL or blockquote);
* placeholders that a script fills in later: any element with ``data-tweet-id`` /
  ``data-tweetid`` (an ID or a status URL), a status URL as a ``data-*``/``cite``/``url``
  attribute's value (CKEditor ``<oembed url>``, ``data-oembed-url``; never inside JSON),
  component props naming one post (``{"tweetId": …}``), Substack ``data-attrs``, react-tweet
  cards, small twitter-classed containers (consent placeholders) holding a single post, a
  block whose whole content is one bare status URL (a failed auto-embed; also one, linked
  or not, alone on a line of its block, between ``<br>``), Embedly's
  ``<a class="embedly-card">`` (its label the post page's title), and a block whose own
  text holds one WordPress, Hugo or Jekyll tweet shortcode left as text.

Placeholders only count in the article's flow (``placement``); markup kept as text or in an
attribute (consent tools, lazy loaders) is parsed where it is (``hidden``); wherever a post
ID is expected, a status URL is accepted too (``id_or_url``).

An accepted element takes its whole subtree, so a wrapper, the blockquote inside it and the
iframe it became are one embed. Status links elsewhere, and status URLs written in the
prose, are ``link`` sightings.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass

from ..normalize import clean_text, comparable, is_truncated, split_media
from ..urls import (
    bare_status,
    canonical_id,
    clean_handle,
    find_status,
    iter_statuses,
    parse_post_ref,
    valid_id,
)
from .candidates import candidates, is_x_figure
from .dom import (
    AncestorCount,
    Node,
    ancestors,
    attribute_items,
    attribute_values,
    css_name,
    descendants,
    elements,
    get,
    kids,
    lead_text,
    parse_fragment,
    tail_text,
)
from .flatten import BLOCK_TAGS, INVISIBLE, flatten
from .hidden import attribute_markup, expand_hidden_markup
from .placement import NOT_EMBED_CLASSES, TWITTERISH, in_article_flow, in_feed
from .prefilter import ALL_SEARCHES, PageHints
from .signature import split_signature
from .spans import START, attributes, iter_tags
from .text import (
    SIGHTING_LINES_FACTOR,
    SIGHTING_LINES_MIN,
    find_shortcodes,
    find_text_embeds,
    may_hold_shortcode,
    parse_title,
)
from .tree import ID_ATTRS, status_links, subtree_ids, text_content

# twttr.widgets.createTweet("ID", element): a post rendered by script, no markup at all.
CREATE_TWEET_RE = re.compile(r"createTweet\(\s*['\"](0*[0-9]{1,19})['\"]")
STRONG_CLASSES = frozenset(
    {"twitter-tweet", "twitter-video", "nojs-tweet", "twitter-tweet-rendered"}
)
# On an element already marked as a post (publish class, amp-twitter), a plain ``data-id``.
MARKED_ID_ATTRS = (*ID_ATTRS, "data-id")
SKIP_ATTRS = frozenset({"href", "class", "id", "style"})
MAX_HIDDEN_DEPTH = 8
MAX_CANDIDATE_NESTING = 16  # real pages: at most 4
_HIDDEN_DEPTH: ContextVar[int] = ContextVar("hidden_markup_depth", default=0)
# A generic container bigger than this is a page region, not a post.
MAX_CONTAINER_TEXT = 3000
MAX_CONTAINER_ELEMENTS = 250


@dataclass
class Found:
    """An element judged to be an embed, before positions are assigned."""

    element: Node
    method: str
    status_id: str | None
    handle: str | None = None
    author: str | None = None
    text: str | None = None
    date: str | None = None
    media: tuple[str, ...] = ()
    date_text: str | None = None
    raw: str | None = None  # a sighting in the prose: its text (no markup of its own)
    # Elements of the same embed merged into this one (``merge_rendered_pairs``).
    companions: tuple[Node, ...] = ()


def _parent_id(el: Node) -> int | None:
    parent = el.parent
    return parent.mem_id if parent is not None else None


def classes(el: Node) -> set[str]:
    return set((get(el, "class") or "").split())


def id_or_url(value: str | None) -> tuple[str, str | None] | None:
    """An attribute where a post ID is expected: the ID, or any status URL form (AMP pages
    and some CMSs write the whole URL), read by the same parser as every other address."""
    value = (value or "").strip()
    if not value or value[0] in "{[<":  # JSON or markup: not an address
        return None
    return parse_post_ref(value) if valid_id(value) or bare_status(value) else None


def attribute_status(el: Node, names: tuple[str, ...] = ID_ATTRS) -> tuple[str, str | None] | None:
    """(id, handle) named by the first ID attribute that holds an ID or a status URL."""
    for name in names:
        status = id_or_url(get(el, name))
        if status:
            return status
    return None


def attribute_id(el: Node, names: tuple[str, ...] = ID_ATTRS) -> str | None:
    status = attribute_status(el, names)
    return status[0] if status else None


def text_of(el: Node) -> str:
    """Visible text of an element, ``<br>`` and block boundaries as newlines."""
    return flatten(el)


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
    direct = [link for link in links if _parent_id(link[0]) == bq.mem_id]
    chosen = (direct or links)[-1] if links else None
    named = (chosen[1], chosen[2]) if chosen else attribute_status(bq, MARKED_ID_ATTRS)
    status_id, handle = named or find_status(get(bq, "cite") or "") or (None, None)
    paragraphs = [p for p in elements(bq) if p.tag == "p"]
    whole = clean_text(text_of(bq))
    rest, signature = split_signature(whole, embed_language(bq))
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
    nothing but a status link (reader-tool output, Ghost and CMS stubs)."""
    links = status_links(bq)
    if not links and not find_status(get(bq, "cite") or ""):
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
        found.author = title[0]
        found.text, found.media = split_media(clean_text(title[1]))
    return found


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
    if not title[2] and not any(relay in addresses for relay in EMBED_RELAYS):
        return None
    text, media = split_media(clean_text(title[1]))
    if not text or not in_article_flow(el):
        return None
    return Found(el, "iframe", None, author=title[0], text=text, media=media)


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


def in_part(el: Node, card: Node, words: tuple[str, ...]) -> bool:
    """True when ``el`` sits in a part of ``card`` whose class names one of ``words``."""
    for node in [el, *ancestors(el)]:
        if node.mem_id == card.mem_id:
            return False
        cls = (get(node, "class") or "").lower()
        if any(word in cls for word in words):
            return True
    return False


CARD_ASIDES = ("quoted", "in-reply-to", "inreplyto", "reply-to", "parent")


def read_card(el: Node) -> Found | None:
    """react-tweet: the post's own status link is the created-at link around its ``<time>``;
    without one, the link repeated most. In-reply-to links and the quoted post (parts of the
    card whose class says so) never name the card's post."""
    links = [link for link in status_links(el) if not in_part(link[0], el, CARD_ASIDES)]
    if not links:
        return None
    timed = [link for link in links if link[0].css_first("time") is not None]
    if timed:
        anchor, status_id, handle = timed[0]
    else:
        counts = Counter(post_id for _, post_id, _ in links)
        status_id = max(counts, key=lambda k: (counts[k], -[i for _, i, _ in links].index(k)))
        anchor, handle = None, next((h for _, i, h in links if i == status_id and h), None)
    body = [p for p in descendants(el, "p[lang], div[lang]") if not in_part(p, el, CARD_ASIDES)]
    text, media = split_media(clean_text(text_of(body[0]))) if body else ("", ())
    names = [
        (get(s, "title") or "")
        for s in descendants(el, "span[title]")
        if not in_part(s, el, CARD_ASIDES) and not (get(s, "title") or "").startswith("@")
    ]
    stamp = anchor.css_first("time") if anchor is not None else None
    date = (get(stamp, "datetime") or "")[:10] if stamp is not None else ""
    return Found(
        el,
        "card",
        status_id,
        handle=handle,
        author=clean_text(names[0]) or None if names else None,
        text=text or None,
        date=date if re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None,
        media=media,
    )


def small_enough(el: Node) -> bool:
    for count, _ in enumerate(el.traverse(), 1):
        if count > MAX_CONTAINER_ELEMENTS:
            return False
    return len(text_content(el)) <= MAX_CONTAINER_TEXT


def is_bare_url_block(el: Node) -> str | None:
    """A block whose whole content is one status URL (plain or linked), or one empty link to
    a status (a stub a script fills in): a failed or pending auto-embed."""
    if el.tag not in BLOCK_TAGS:
        return None
    children = kids(el, at_most=2)
    if len(children) > 1:
        return None
    only = children[0] if children else None
    if only is not None and (only.tag != "a" or (tail_text(only) or "").strip()):
        return None
    text = text_content(el)
    if only is not None and not text.strip() and only.first_child is None:
        status = find_status(get(only, "href") or "")
        return status[0] if status else None
    status = bare_status(text)
    if status and only is not None and get(only, "href"):
        # The link must lead where its text says (a status URL as the text of a link to a
        # video is a joke in a comment, not a failed embed).
        target = find_status(get(only, "href") or "")
        return status[0] if target and target[0] == status[0] else None
    return status[0] if status else None


def alone_on_its_line(link: Node) -> str | None:
    """The post a link names when it is a failed auto-embed on a line of its own inside a
    block: its label is its own status URL, and ``<br>`` or the block's edge (one of them a
    ``<br>``) on each side, with only spaces between. WordPress embeds a URL typed on its own
    line; when that fails it leaves the URL as a link, and ``wpautop`` turns the single line
    breaks around it into ``<br />`` (blank lines make a block: ``is_bare_url_block``)."""
    parent = link.parent
    if parent is None or parent.tag not in BLOCK_TAGS:
        return None
    edges = [_line_edge(link.prev, "prev"), _line_edge(link.next, "next")]
    if None in edges or "br" not in edges:
        return None
    status = bare_status(text_content(link))
    target = find_status(get(link, "href") or "")
    return status[0] if status and target and target[0] == status[0] else None


def _line_edge(node: Node | None, step: str) -> str | None:
    """What ends a link's line on one side: ``"br"``, ``"block"`` (the block's edge), or
    None when anything but spaces and comments comes first."""
    while node is not None:
        if node.is_element_node:
            return "br" if node.tag == "br" else None
        if node.is_text_node and (node.text_content or "").strip():
            return None
        node = getattr(node, step)
    return "block"


MAX_BLOCK_NODES = 200  # child nodes of a block read for its lines: a paragraph has a few


def block_lines(el: Node) -> tuple[list[tuple[str, bool]], int]:
    """A block's own lines, split at its ``<br>`` children: (text of the line's text
    nodes, True when nothing but text and comments stands on it), and how many ``<br>``
    split them. Text inside child elements is not read."""
    lines: list[tuple[str, bool]] = []
    parts: list[str] = []
    pure, breaks = True, 0
    node, seen = el.first_child, 0
    while node is not None and seen < MAX_BLOCK_NODES:
        if node.is_text_node:
            parts.append(node.text_content or "")
        elif node.is_element_node and node.tag == "br":
            lines.append(("".join(parts), pure))
            parts, pure, breaks = [], True, breaks + 1
        elif node.is_element_node:
            pure = False
        node, seen = node.next, seen + 1
    lines.append(("".join(parts), pure))
    return lines, breaks


def bare_url_line(el: Node) -> str | None:
    """The post of a status URL typed as plain text on a line of its own inside a block,
    between ``<br>`` (or a ``<br>`` and the block's edge): WordPress's failed auto-embed after
    ``wpautop``, like its linked form (``alone_on_its_line``). One such line in the block;
    several are a list of sources."""
    lines, breaks = block_lines(el)
    if not breaks:
        return None
    found = [
        status[0]
        for text, pure in lines
        if pure and "/status" in text and (status := bare_status(text))
    ]
    return found[0] if len(found) == 1 else None


def block_shortcode(el: Node) -> tuple[str, str | None] | None:
    """(status id, handle) of the one tweet shortcode written in a block's own text (on any
    of its lines: a shortcode the site no longer renders, left in its paragraph)."""
    texts = [text for text, _ in block_lines(el)[0] if may_hold_shortcode(text)]
    shortcodes = [code for text in texts for code in find_shortcodes(text)]
    return shortcodes[0] if len(shortcodes) == 1 else None


def read_create_tweet(script: Node) -> Found | None:
    """``twttr.widgets.createTweet("ID", …)`` in an inline script: one embed per call."""
    match = CREATE_TWEET_RE.search(lead_text(script) or "")
    status_id = canonical_id(match.group(1)) if match else None
    if not status_id or get(script, "src"):
        return None
    return Found(script, "placeholder", status_id)


def judge(el: Node) -> Found | None:
    """Is this element an embedded post? Returns what it shows, or None.

    Publish markup, rendered iframes, AMP, WordPress figures and cards are strong evidence.
    A placeholder (weaker: an ID or address a script turns into a post) must also be shown
    as one post in the article's flow (``in_article_flow``).
    """
    tag = el.tag
    if tag == "script":
        return read_create_tweet(el) or read_escaped_markup(el)
    if not isinstance(tag, str) or tag in ("template", "noscript", "-comment"):
        return None
    found = judge_markup(el, tag, get(el, "class") or "")
    if found is not None and found.method == "placeholder" and not in_article_flow(found.element):
        return None
    return found


def judge_markup(el: Node, tag: str, cls: str) -> Found | None:
    if tag == "a":
        return judge_link(el, cls)
    if tag == "blockquote":
        if EMBED_LINK.search(cls) and (card := read_embedly_blockquote(el)) is not None:
            return card
        if is_publish_blockquote(el) or is_quoted_post(el):
            found = read_blockquote(el)
            return found if found.status_id or found.text else None
        return None
    if tag in IFRAME_TAGS:
        return read_iframe(el) or read_escaped_markup(el)  # the markup as ``srcdoc``
    if tag == "amp-twitter":
        return read_amp(el)
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


# WordPress's ``[embed]URL[/embed]`` (``[embed width=…]``) around a link: the shortcode's URL
# made a link by a filter that links URLs in the text (``make_clickable``, a CMS's importer).
EMBED_OPENING = re.compile(r"\[embed(?:\s[^\[\]]*)?\]\s*\Z")
EMBED_CLOSING = re.compile(r"\s*\[/embed\]")


def linked_embed_shortcode(link: Node) -> Found | None:
    """``[embed]<a href=STATUS>STATUS</a>[/embed]``: the link's label is its own status URL,
    the shortcode's brackets the text around it. The embed is the link's block when the
    shortcode is all the block holds, else the link."""
    closing = EMBED_CLOSING.match(tail_text(link) or "")
    opening = EMBED_OPENING.search(text_before(link))
    if closing is None or opening is None:
        return None
    label = text_content(link)
    status = bare_status(label)
    target = find_status(get(link, "href") or "")
    if status is None or target is None or target[0] != status[0]:
        return None
    parent = link.parent
    shortcode = "".join([opening.group(), label, closing.group()]).split()
    alone = parent is not None and parent.tag in BLOCK_TAGS
    if alone and parent is not None and text_content(parent).split() == shortcode:
        return Found(parent, "wordpress", *status)
    return Found(link, "wordpress", *status)


def text_before(node: Node) -> str:
    """The text just before a node, back to the previous element or comment."""
    parts = []
    previous = node.prev
    while previous is not None and previous.is_text_node:
        parts.append(previous.text_content or "")
        previous = previous.prev
    return "".join(reversed(parts))


PREVIEW_TITLE_WORDS = (" on X", " on Twitter")


def read_preview_card(link: Node) -> Found | None:
    """A link preview of a post (Ghost's bookmark card, a CMS's link card): a link to the
    post holding its page title, ``Name on X: "TEXT" / X`` (what any preview of an X page
    shows), with its description after it. The title gives the author and the text, the
    link the ID. Like a placeholder, it must stand in the article's flow; one item of a list
    of them may (the text forms read each item's title line as an embed: the link adds its
    ID)."""
    status = bare_status(get(link, "href") or "")
    label = text_content(link)
    if status is None or not any(word in label for word in PREVIEW_TITLE_WORDS):
        return None
    if not _card_shaped(link, label):
        return None  # a link in a sentence names the post; it does not show it
    hits = [hit for hit in find_text_embeds(flatten(link)) if hit.method == "text"]
    flows = in_article_flow(link, lists=False)
    if len(hits) != 1 or hits[0].status_id not in (None, status[0]) or not flows:
        return None
    hit = hits[0]
    return Found(link, "card", status[0], status[1], hit.author, hit.text, media=hit.media)


def _card_shaped(link: Node, label: str) -> bool:
    """A card holds blocks (title, description, site); a bare title link stands alone in its
    block, inline markup around it or not (as a reader tool's Markdown ``[Name on X: "…" /
    X](…)`` line): the text forms read such a title line as an embed anyway, and the link
    adds its ID."""
    if any(node.tag in BLOCK_TAGS for node in descendants(link, "*")):
        return True
    block = next((node for node in ancestors(link) if node.tag in BLOCK_TAGS), None)
    return block is not None and text_content(block).strip() == label.strip()


def read_embed_link(el: Node) -> Found | None:
    """Embedly's ``<a class="embedly-card" href=STATUS>``, which its script turns into the
    post's card; the link's label is the post page's title (``Name on X: "TEXT" / X``)."""
    status = bare_status(get(el, "href") or "")
    if status is None:
        return None
    found = Found(el, "placeholder", *status)
    title = parse_title(clean_text(text_of(el)))
    if title:
        found.author = title[0]
        found.text, found.media = split_media(clean_text(title[1]))
    return found


# A page title without the post's text: ``Name on X``, ``Name on Twitter`` (older cards).
NAME_ONLY_TITLE = re.compile(r"^(?P<name>[^\n\"“”]{1,80}?) on (?:Twitter|X)$")


def read_embedly_blockquote(bq: Node) -> Found | None:
    """Embedly's card markup, ``<blockquote class="embedly-card"><h4><a href=STATUS>TITLE
    </a></h4><p>DESCRIPTION</p></blockquote>``: the title is the post page's (``Name on X:
    "TEXT" / X``, or only ``Name on Twitter`` on older cards), the description the post's
    text. Publish markup pasted inside the class (a signature line) is read as publish
    markup (None here)."""
    links = status_links(bq)
    if not links or split_signature(clean_text(text_of(bq)))[1]:
        return None
    anchor, status_id, handle = links[0]
    label = clean_text(text_of(anchor))
    title = parse_title(label)
    named = NAME_ONLY_TITLE.match(label)
    author = title[0] if title else named.group("name").strip() if named else None
    described = [
        clean_text(text_of(p))
        for p in descendants(bq, "p")
        if anchor.mem_id not in {a.mem_id for a in descendants(p, "a")}
    ]
    text = "\n\n".join(t for t in described if t) or (clean_text(title[1]) if title else "")
    body, media = split_media(text)
    return Found(bq, "blockquote", status_id, handle, author, body or None, media=media)


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
        ids = subtree_ids(el, 2)
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


EMBEDISH = re.compile(r"embed|social", re.I)
# A link's own class naming a card maker's script, which turns the link into the post.
EMBED_LINK = re.compile(r"(?<![\w-])embedly-card(?![\w-])")
MAX_WRAPPER_TEXT = 800  # a consent notice and a "view on X" link, not an article's prose
WRAPPER_DEPTH = 4


def embed_container(link: Node) -> Node | None:
    """The small embed wrapper around a status link, when there is one: a near ancestor
    classed as an embed or as twitter content (a consent placeholder, a "View on X" box)
    holding that post and nothing else."""
    for node in list(ancestors(link))[:WRAPPER_DEPTH]:
        if node.tag in ("body", "html", "article", "main"):
            return None
        cls = get(node, "class") or ""
        marks = " ".join(
            [
                cls,
                get(node, "id") or "",
                *(v for k, v in attribute_items(node) if k.startswith("data-")),
            ]
        )
        if EMBEDISH.search(marks) or TWITTERISH.search(marks):
            if NOT_EMBED_CLASSES.search(cls) or len(text_content(node)) > MAX_WRAPPER_TEXT:
                return None
            return node if len(subtree_ids(node, 2)) == 1 and not in_feed(node) else None
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


def handle_for(el: Node, status_id: str) -> str | None:
    """The handle written next to a post's ID in a wrapper's links, else in its text."""
    for _, post_id, handle in status_links(el):
        if post_id == status_id and handle:
            return handle
    if "/status" in (text := text_content(el)[:MAX_CONTAINER_TEXT]):
        for post_id, handle in iter_statuses(text):
            if post_id == status_id and handle:
                return handle
    return None


def find_embeds(
    root: Node,
    markup: bytes,
    include_links: bool = False,
    hints: PageHints = ALL_SEARCHES,
    expanded: bool = False,
) -> list[Found]:
    """Judge every candidate element in document order; an accepted one takes its subtree.

    ``markup``: the bytes the tree was parsed from (and of the hidden markup expanded);
    ``expanded``: the caller has expanded the hidden markup already, and ``markup`` holds
    it (a second pass finds nothing, but reads every holder again)."""
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
    return merge_rendered_pairs(in_document_order(root, found, at), ParserCopies(root, markup))


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


def merge_rendered_pairs(found: list[Found], copies: ParserCopies | None = None) -> list[Found]:
    """A blockquote and the iframe or placeholder it became, side by side, are one embed;
    so are an element and the copies of it the parser made (``copies``).

    Two blockquotes of the same post are two embeds (the article embedded it twice), and so
    are two embeds of it with something a reader sees between them (``side_by_side``).
    """
    merged: list[Found] = []
    last: Node | None = None  # the element last merged into ``merged[-1]``
    for hit in found:
        if (
            copies is not None
            and merged
            and merged[-1].status_id == hit.status_id
            and copies.is_copy(last, hit.element)
        ):
            last = hit.element
            continue
        last = hit.element
        if hit.method == "link":
            merged.append(hit)
            continue
        previous = next((m for m in reversed(merged) if m.method != "link"), None)
        if (
            previous is not None
            and previous.status_id
            and previous.status_id == hit.status_id
            and not (previous.method == hit.method == "blockquote")
            and merged[-1] is previous
            and side_by_side(previous.element, hit.element)
        ):
            merged[-1] = merge_pair(previous, hit)
            continue
        merged.append(hit)
    return merged


def merge_pair(first: Found, second: Found) -> Found:
    """One embed of two that show the same post. A blockquote's markup is the embed (its
    method, date and bytes: the publish markup of the post, beside the card or frame it was
    rendered into); else the one that shows text. The text is the kept one's, or the
    other's when that is fuller (the kept one has none, or a truncated prefix of it)."""
    shown = first if first.text or not second.text else second
    keep = next((f for f in (first, second) if f.method == "blockquote"), shown)
    other = second if keep is first else first
    if other.text and fuller(other.text, keep.text):
        keep.text, keep.media = other.text, other.media or keep.media
    for name in ("handle", "author", "date", "date_text"):
        if not getattr(keep, name):
            setattr(keep, name, getattr(other, name))
    keep.companions = (*keep.companions, other.element, *other.companions)
    return keep


def fuller(text: str, than: str | None) -> bool:
    """``text`` shows more of a post than ``than``: there is none, or it is cut short
    (``…``) and ``text`` goes on from it."""
    if not than:
        return True
    return is_truncated(than) and comparable(text).startswith(comparable(than))


# The formatting elements the HTML parser re-opens after a block closed them.
FORMATTING_TAGS = frozenset(
    ["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
     "tt", "u"]
)  # fmt: skip


class ParserCopies:
    """The copies of an element that the HTML parser made. A formatting element left open
    (``<p><a class="twitter-embed" href=…>label</p><p>Text</p>``, the ``<a>`` never closed)
    is closed with its block and re-opened, with the same attributes, around each run of
    content after it until its end tag or the next ``<a>``: each copy follows the one before
    with nothing a reader sees between them. A real element may follow so too (a second
    link to the post, right after the copies): so as many are taken for copies, in document
    order, as the tree holds more elements with those attributes than the page's bytes spell
    start tags of (counted only for a page that has such a pair)."""

    def __init__(self, root: Node, markup: bytes) -> None:
        self.root = root
        self.markup = markup
        self.left: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}

    def is_copy(self, first: Node | None, second: Node) -> bool:
        """``second`` is a copy of ``first`` (the element before it of the same post)."""
        if first is None or first.tag != second.tag or first.tag not in FORMATTING_TAGS:
            return False
        attributes = attribute_items(first)
        if attributes != attribute_items(second) or not side_by_side(first, second):
            return False
        key = (first.tag, tuple(sorted(attributes)))
        if key not in self.left:
            self.left[key] = self._copies(first.tag, dict(attributes))
        self.left[key] -= 1
        return self.left[key] >= 0

    def _copies(self, tag: str, wanted: dict[str, str]) -> int:
        """How many more elements with these attributes the tree holds than the bytes spell."""
        in_tree = sum(dict(attribute_items(el)) == wanted for el in self.root.css(css_name(tag)))
        tags = iter_tags(self.markup, names=frozenset([tag]))
        spelled = sum(t.kind == START and attributes(self.markup, t) == wanted for t in tags)
        return in_tree - spelled


INVISIBLE_TAGS = frozenset({"script", "style", "link", "meta", "br", "-comment"})
MAX_BETWEEN = 64  # nodes walked from one embed to the next


def _after(node: Node) -> Node | None:
    """The node after ``node`` and its subtree, in document order."""
    current: Node | None = node
    while current is not None and current.next is None:
        current = current.parent
        if current is not None and not current.is_element_node:
            return None
    return current.next if current is not None else None


def side_by_side(first: Node, second: Node) -> bool:
    """Nothing a reader sees lies between two elements (whitespace, scripts, empty wrappers):
    a blockquote next to the iframe widgets.js rendered it into. Prose or anything else
    visible between them makes them two embeds of one post."""
    holders = {second.mem_id, *(node.mem_id for node in ancestors(second))}
    node = _after(first)
    for _ in range(MAX_BETWEEN):
        if node is None:
            return False
        if node.mem_id == second.mem_id:
            return True
        if node.mem_id in holders:  # ``second`` is inside: what comes before it there
            node = node.first_child
            continue
        if node.is_text_node:
            if (node.text_content or "").strip():
                return False
        elif node.tag not in INVISIBLE_TAGS and text_content(node).strip():
            return False
        node = _after(node)
    return False
