"""Where a placeholder sits: a lone post in the article's flow, or a card beside it.

A placeholder (an ID or an address a script turns into a post) is weak evidence, so it only
counts where a reader sees one embedded post as part of the article: not in a region beside
the article (an aside, a sidebar, a widget, a "related" or "trending" box), not as one card
of a list of posts, and not as a feed card with retweet/reply/like buttons.
"""

from __future__ import annotations

import re

from .dom import Node, ancestors, descendants, elements, get
from .tree import subtree_ids

NOT_EMBED_CLASSES = re.compile(
    r"share|follow|timeline|hashtag|mention|intent|widget_twitter|widget-twitter|button", re.I
)
TWITTERISH = re.compile(r"tweet|twitter", re.I)
# Regions beside the article, by a class/id word at the start or end of a name
# ("sidebar-right", "related-posts", "c-sidebar", "hot-on-twitter", "trending", a
# "site-footer" or a theme's "footer-widgets"). Not "comment" (one comment's box is inside
# its section, named "comments"): opinion desks name their articles so. Not "widget": CMSs
# call their in-article embed blocks widgets too. "latest" and "recent" only in the names of
# post boxes (``REGION_NAMES``): a live blog marks its newest entry "is-latest".
FEED_WORDS = frozenset(
    {
        "sidebar",
        "aside",
        "rail",
        "related",
        "timeline",
        "feed",
        "feeds",
        "trending",
        "ticker",
        "popular",
        "recommended",
        "recommendations",
        "teaser",
        "teasers",
        "twitterfeed",
        "tweets",
        "hot",
        "footer",
        "widgets",
        # readers' comments and the author's bio: their posts are not the article's
        # (WordPress's ``comments-area``, Disqus's ``disqus_thread``, ``author-bio``)
        "comments",
        "disqus",
        "bio",
    }
)
REGION_NAMES = frozenset(
    {"widget-area", "hot-on-twitter", "most-read", "most-viewed"}
    | {f"{when}-{what}" for when in ("latest", "recent") for what in ("tweet", "tweets", "posts")}
)
# In a name holding the word "embed", "footer" names a part of the embed (Embed Privacy's
# ``embed-privacy-footer`` holds the link to the post); every other region word still names
# a region (``twitter-embed-feed``, ``embed-sidebar``: the site's own posts beside the article).
EMBED_PART = "embed"
EMBED_PART_WORDS = frozenset({"footer"})
OUTSIDE_TAGS = frozenset({"aside", "nav", "footer"})
OUTSIDE_ROLES = frozenset({"complementary", "navigation", "contentinfo"})
NAME_PREFIXES = frozenset({"js", "c", "o", "l", "m", "u", "is", "has"})
_NAME_WORDS = re.compile(r"[a-z]+")
# Action buttons of a server-rendered post card in a feed (retweet, reply, like).
INTENT_ACTION = re.compile(r"/intent/(?:retweet|like|favorite)|/intent/tweet\?in_reply_to=", re.I)


def names_a_region(node: Node) -> bool:
    """True when an element's class, id or role names a region beside the article. A
    footer named as an embed's (``embed-privacy-footer``, ``embed-footer``) is a part of
    that embed, not of the page; an aside set between the text's paragraphs is a part of
    the article (``pulled_out``)."""
    names = _name_words(node)
    if any(_region_name(words) for words in names):
        return not any(_body_name(words) for words in names)
    if node.tag in OUTSIDE_TAGS or (get(node, "role") or "").lower() in OUTSIDE_ROLES:
        return not pulled_out(node)
    return False


PULL_OUT_ROLES = frozenset({"", "complementary"})


def pulled_out(node: Node) -> bool:
    """True for an aside (``<aside>``, ``role="complementary"``) whose nearest element
    before or after it is a paragraph: a box the article sets in its text (spox.com's
    ``<aside class="artCmp">`` holding a post, a "Related" box), not a rail beside it.
    Only its tag says aside: a name such as ``sidebar`` or ``related`` still names a region."""
    role = (get(node, "role") or "").lower()
    if role not in PULL_OUT_ROLES or (node.tag != "aside" and role != "complementary"):
        return False
    return any(_next_element(node, way) == "p" for way in ("prev", "next"))


def _next_element(node: Node, way: str) -> str | None:
    """The tag of the nearest element sibling of ``node`` (``way``: prev or next)."""
    sibling = getattr(node, way)
    while sibling is not None and not sibling.is_element_node:
        sibling = getattr(sibling, way)
    return sibling.tag if sibling is not None else None


# A layout's wrapper of the article's body, named so beside a region word on the same
# element (``l-sidebar-fixed l-article-body-segment``, ``two-column-rail article-content``):
# the article's column of a layout with a sidebar, not the sidebar. A name holding a region
# word itself (``related-content``) names no body.
BODY_WORDS = frozenset({"article", "story", "body", "entry"})
BODY_ENDS = frozenset({"body", "content", "text", "segment"})


def _body_name(words: list[str]) -> bool:
    """True for a class name such as ``article-body`` or ``story-content``: the article's own."""
    return (
        not _region_name(words)
        and words[0] in BODY_WORDS
        and (len(words) == 1 or words[-1] in BODY_ENDS or words[-1] in BODY_WORDS)
    )


def _region_name(words: list[str]) -> bool:
    if "and" in words:  # a wrapper of both parts: a region when each is (not ``article-and-aside``)
        at = words.index("and")
        parts = (words[:at], words[at + 1 :])
        return all(part and _region_name(part) for part in parts)
    region_words = FEED_WORDS - EMBED_PART_WORDS if EMBED_PART in words else FEED_WORDS
    return words[0] in region_words or words[-1] in region_words or "-".join(words) in REGION_NAMES


# A feed of posts by its name: ``twitter-feed``, ``tweet-feed``, ``twitter-embed-feed``.
FEED_ENDS = frozenset({"feed", "feeds"})
POST_WORDS = frozenset({"twitter", "tweet", "tweets", "x"})


def names_a_post_box(node: Node) -> bool:
    """True when an element's class or id is the name of a box of the site's own posts
    (``REGION_NAMES``: ``latest-tweet``, ``hot-on-twitter``…; or a feed of posts such as
    ``twitter-feed``)."""
    return any(
        "-".join(words) in REGION_NAMES
        or (words[-1] in FEED_ENDS and not POST_WORDS.isdisjoint(words))
        for words in _name_words(node)
    )


def _name_words(node: Node) -> list[list[str]]:
    """The words of each class name and of the id, without prefixes such as ``js`` or ``c``
    (names with no word left out)."""
    names = f"{get(node, 'class') or ''} {get(node, 'id') or ''}".lower().split()
    named = (
        [w for w in _NAME_WORDS.findall(_main_column(name)) if w not in NAME_PREFIXES]
        for name in names
    )
    return [words for words in named if words]


# A layout block's main column, by BEM's ``block__element`` (``sidebar__main``: the main
# column of a layout with a sidebar, real pages' wrapper of the article's text).
MAIN_ELEMENTS = frozenset({"main", "article"})


def _main_column(name: str) -> str:
    """A BEM element name of a main column, as its element alone (``sidebar__main`` is
    ``main``); any other name as it is."""
    element = name.rpartition("__")[2].partition("--")[0]
    return element if "__" in name and element in MAIN_ELEMENTS else name


def in_article_flow(el: Node, lists: bool = True) -> bool:
    """Where a reader sees a lone post as part of the article: not in a region beside it
    (aside, nav, footer, a sidebar, widget, related or trending box), not one card of a
    list of posts, and not a card with retweet/reply/like buttons. The box itself may be
    named as a box of the site's posts (``<div class="latest-tweet" data-tweet-id=…>``:
    ``REGION_NAMES``; other region words on an embed's own class, such as ``tweets``, are
    not enough). ``lists=False``: an item of a list of posts may stand in it too (what the
    item shows is read as the text forms would read it, in the flow or not)."""
    if has_intent_buttons(el):
        return False
    if lists and one_of_several_cards(el):
        return False
    return not beside_article(el)


def beside_article(el: Node) -> bool:
    """True when the box is named as a box of the site's posts, or stands in a region beside
    the article (an aside, a sidebar, a footer): the site's own feed, whatever draws it."""
    if names_a_post_box(el):
        return True
    for node in ancestors(el):
        if node.tag in FLOW_ENDS:
            return False
        if names_a_region(node):
            return True
    return False


FLOW_ENDS = frozenset({"article", "main", "body", "html"})
CARD_DEPTH = 3


def has_intent_buttons(el: Node) -> bool:
    """True when the box, or the card around it, has retweet/reply/like buttons."""
    for node in [el, *ancestors(el)][: CARD_DEPTH + 1]:
        if node.tag in FLOW_ENDS:
            return False
        links = descendants(node, 'a[href*="/intent/"]')
        if any(INTENT_ACTION.search(get(a, "href") or "") for a in links):
            return True
    return False


def one_of_several_cards(el: Node, depth: int = CARD_DEPTH) -> bool:
    """True when the box is an item of a list (``<li>``) whose other items hold posts too.
    (Two boxes side by side are not a feed: articles embed posts back to back.)"""
    for node in [el, *ancestors(el)][:depth]:
        if node.tag in FLOW_ENDS:
            break
        parent = node.parent
        if node.tag == "li" and parent is not None and parent.is_element_node:
            items = [item for item in elements(parent) if item.tag == "li"]
            return sum(1 for item in items if subtree_ids(item, 1)) > 1
    return False


def in_feed(el: Node, depth: int = 4) -> bool:
    """True when a twitter-classed item is one entry of a list of posts (a sidebar widget, a
    timeline): a near ancestor is classed as one, or is twitter-classed and holds other posts."""
    for node in list(ancestors(el))[:depth]:
        if node.tag in FLOW_ENDS:
            return False
        cls = get(node, "class") or ""
        marks = f"{cls} {get(node, 'id') or ''}"
        if NOT_EMBED_CLASSES.search(cls) or (
            TWITTERISH.search(marks) and len(subtree_ids(node, 2)) > 1
        ):
            return True
    return False


# What a region beside the article does not hold (a wrapper of the whole page whose class
# says "has-sidebar" names no region), and the quotes whose footer is their attribution.
ARTICLE_PARTS = "article, main, h1"
QUOTE_TAGS = frozenset({"blockquote", "figure"})
REGION_CANDIDATES = ", ".join([*sorted(OUTSIDE_TAGS | QUOTE_TAGS), "[role]", "[class]", "[id]"])


def regions_beside_article(root: Node) -> list[Node]:
    """The outermost elements of a page that name a region beside the article
    (``names_a_region``, as for placeholders), other than the page itself, a wrapper holding
    the article, and a quote's ``<footer>`` or ``<aside>``. Linear in the page's size: a
    page nesting thousands of such elements cost their square."""
    holders = _holders(root, ARTICLE_PARTS)
    found: list[Node] = []
    skipped: set[int] = set()  # below a region found, or in a quote
    for el in root.css(REGION_CANDIDATES):
        if el.mem_id in skipped:
            continue
        quote = el.tag in QUOTE_TAGS
        if quote or (el.tag not in FLOW_ENDS and el.mem_id not in holders and names_a_region(el)):
            skipped.update(node.mem_id for node in descendants(el, "*"))
            found += [] if quote else [el]
    return found


def _holders(root: Node, selector: str) -> set[int]:
    """``mem_id`` of each element matching ``selector`` and of each of their ancestors."""
    held: set[int] = set()
    for el in root.css(selector):
        node: Node | None = el
        while node is not None and node.is_element_node and node.mem_id not in held:
            held.add(node.mem_id)
            node = node.parent
    return held
