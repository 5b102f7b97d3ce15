"""Link cards of a post: a card of blocks or a link preview whose label is the post page's
title (``Name on X: "TEXT" / X``), Embedly's card link and blockquote, and the wrapper a
consent tool or card maker puts around a post's link.
"""

from __future__ import annotations

import re
from collections import Counter

from ..normalize import clean_text, split_media
from ..urls import HANDLE_RE, bare_status, find_status
from .dom import (
    Node,
    ancestors,
    attribute_items,
    descendants,
    get,
)
from .flatten import BLOCK_TAGS, flatten
from .found import Found, text_of
from .placement import NOT_EMBED_CLASSES, TWITTERISH, in_article_flow, in_feed
from .post_titles import TITLE_WORDS, parse_title, vouched_title
from .signature import parse_date, split_signature
from .text import find_text_embeds
from .tree import status_links, subtree_ids, text_content


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
        anchor, (status_id, handle) = None, most_linked(links)
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


# The parts of a static card of a post: its text, and its author's name and handle, each in
# an element of its own class. As the site generators' plugins that render one from X's data
# write them (astro-embed's ``blockquote.tweet-card``, eleventy-plugin-embed-tweet's
# ``blockquote.static-tweet``, and the Hugo and Astro cards made after them), and as
# widgets.js rendered a post in 2012-2016 (microformats: ``blockquote.tweet.h-entry`` with
# ``e-entry-title``, ``p-name``, ``p-nickname``; inline in saved copies of its frame, and in
# forum software that copied it, such as Kunena's ``[tweet]`` BBCode), and as it rendered one
# in 2016-2019 (``div.EmbeddedTweet`` > ``blockquote.Tweet``: ``Tweet-text``,
# ``TweetAuthor-name``, ``TweetAuthor-screenName``; its follow button and action counts are
# no part of the text), and as CMSs name a card's parts BEM's way, the block a ``…tweet``
# (BuzzFeed's ``subbuzz-tweet__text``, ``__display-name``, ``__username``; Forem's, on DEV,
# ``ltag__twitter-tweet__body``, ``__full-name``, ``__username``), and as react-static-tweets
# draws one (Next.js and Notion-made sites: ``div.static-tweet``, ``p.static-tweet-p``,
# ``.static-tweet-header-name``, ``.static-tweet-header-username``).
STATIC_PARTS = (
    (".tweet-body", ".tweet-author-name", ".tweet-author-handle"),
    (".e-entry-title", ".p-name", ".p-nickname"),
    (".Tweet-text", ".TweetAuthor-name", ".TweetAuthor-screenName"),
    (
        '[class*="tweet__text"], [class*="tweet__body"]',
        '[class*="tweet__display-name"], [class*="tweet__full-name"]',
        '[class*="tweet__username"]',
    ),
    (".static-tweet-p", ".static-tweet-header-name", ".static-tweet-header-username"),
)
CARD_DATE = re.compile(r"\b[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\b")


def read_static_card(el: Node) -> Found | None:
    """A static card of a post (``STATIC_PARTS``: the text, and the author's name or
    handle): the post is the one its ``cite`` or ``data-url`` names (Forem's card links no
    status), else its status link written most (the author's profile links are no status;
    a like button's ``intent`` link is none either); the date as ``_card_date`` reads it."""
    for body_part, name_part, handle_part in STATIC_PARTS:
        body = el.css_first(body_part)
        name, handle_el = el.css_first(name_part), el.css_first(handle_part)
        if body is not None and (name is not None or handle_el is not None):
            break
    else:
        return None
    links = status_links(el)
    named = get(el, "cite") or get(el, "data-url") or ""
    status = find_status(named) or (most_linked(links) if links else None)
    if status is None:
        return None
    written = clean_text(text_of(handle_el)).lstrip("@") if handle_el is not None else ""
    handle = written if HANDLE_RE.fullmatch(written) else status[1]
    text, media = split_media(clean_text(text_of(body)))
    return Found(
        el,
        "card",
        status[0],
        handle=handle,
        author=clean_text(text_of(name)) or None if name is not None else None,
        text=text or None,
        date=_card_date(el, status[0]),
        media=media,
    )


# Blackbird Pie, X's embed tool of 2010-2011: a card of inline markup, ``p.bbpTweet`` holding
# the text, then ``span.timestamp`` (its link to the post, titled with the post's creation
# time as the v1 API wrote it, ``Tue May 04 21:29:25 +0000 2010``; the label is relative,
# ``less than a minute ago``, and may be followed by like/retweet/reply intent links), then
# ``span.metadata`` (the author's name in ``<strong>``, the handle after a ``<br>``).
BLACKBIRD_CLASS = "bbpTweet"
BLACKBIRD_TIME = re.compile(r"^\w{3} (\w{3} \d{1,2}) [\d:]{8} [+-]\d{4} (\d{4})$")


def read_blackbird(el: Node) -> Found | None:
    """A Blackbird Pie card (``p.bbpTweet``): the post its timestamp links, its text without
    the timestamp and author parts, the author's name, and the date of the link's title."""
    stamp = el.css_first("span.timestamp")
    link = stamp.css_first("a[href]") if stamp is not None else None
    status = find_status(get(link, "href") or "") if link is not None else None
    if stamp is None or link is None or status is None:
        return None
    author_part = el.css_first("span.metadata")
    hidden = [(part, "") for part in (stamp, author_part) if part is not None]
    text, media = split_media(clean_text(flatten(el, hidden)))
    name = author_part.css_first("strong") if author_part is not None else None
    when = BLACKBIRD_TIME.match((get(link, "title") or "").strip())
    return Found(
        el,
        "card",
        status[0],
        handle=status[1],
        author=clean_text(text_of(name)) or None if name is not None else None,
        text=text or None,
        date=parse_date(f"{when.group(1)}, {when.group(2)}") if when else None,
        media=media,
    )


# Discourse's onebox of a post (``aside.onebox.twitterstatus``, in a forum post or a comment
# thread): the post its ``data-onebox-src`` names (else its status link written most), the
# author's name in its ``h4`` (or the post page's title there, ``Name on X: …``), the handle
# in ``.twitter-screen-name`` (newer), the text in ``div.tweet`` (``.tweet-description``
# when there is one; a quoted post's ``.quoted`` part is no part of it), the date the label
# of its ``.date`` link (``9:14 AM - 3 Feb 2024``).
ONEBOX_CLASS = "twitterstatus"


def read_onebox(el: Node) -> Found | None:
    """A Discourse onebox of a post (``ONEBOX_CLASS``), or None without its text part."""
    body = el.css_first(".tweet-description") or el.css_first("div.tweet")
    links = status_links(el)
    status = find_status(get(el, "data-onebox-src") or "") or (
        most_linked(links) if links else None
    )
    if body is None or status is None:
        return None
    quoted = [(part, "") for part in descendants(body, '[class*="quoted"]')]
    text, media = split_media(clean_text(flatten(body, quoted)))
    heading = el.css_first("h4")
    name = clean_text(text_of(heading)) if heading is not None else ""
    title = parse_title(name)
    screen = el.css_first(".twitter-screen-name")
    written = clean_text(text_of(screen)).lstrip("@") if screen is not None else ""
    stamp = el.css_first(".date a")
    return Found(
        el,
        "card",
        status[0],
        handle=written if HANDLE_RE.fullmatch(written) else status[1],
        author=(title.name if title else name) or None,
        text=text or None,
        date=parse_date(clean_text(text_of(stamp))) if stamp is not None else None,
        media=media,
    )


# Ghost's card of a post in its newsletters (``table.kg-twitter-card``, its email and the
# web copies of it): every part a link to ``twitter.com/twitter/status/ID``, whose handle is
# Ghost's placeholder, not the author's. In order: the avatar, the name with ``@handle``
# under it (a ``<br>``), the text, the time (``9:14 AM • Feb 3, 2024``), the counts.
GHOST_CARD_CLASS = "kg-twitter-card"
_HANDLE_LINE = re.compile(r"^@([A-Za-z0-9_]{1,15})$")


def read_ghost_card(el: Node) -> Found | None:
    """A Ghost newsletter's card of a post (``GHOST_CARD_CLASS``)."""
    links = status_links(el)
    if not links:
        return None
    labels = [(clean_text(text_of(a)), a) for a, _, _ in links]
    labels = [(label, a) for label, a in labels if label]
    author = handle = None
    if labels and _in_header(labels[0][1]):
        lines = labels[0][0].split("\n")
        if _HANDLE_LINE.match(lines[-1]):
            author, handle = " ".join(lines[:-1]).strip() or None, lines[-1][1:]
        labels = labels[1:]
    text, media = split_media(labels[0][0]) if labels else ("", ())
    dated = next((CARD_DATE.search(label) for label, _ in labels[1:2]), None)
    return Found(
        el,
        "card",
        most_linked(links)[0],
        handle=handle,
        author=author,
        text=text or None,
        date=parse_date(dated.group(0).replace(".", "")) if dated else None,
        media=media,
    )


def _in_header(link: Node) -> bool:
    """The link sits in the card's header row, beside the avatar (the text's cell spans
    the row: ``colspan="3"``; a text may end with a mention on a line of its own too)."""
    cell = next((node for node in ancestors(link) if node.tag == "td"), None)
    return cell is not None and get(cell, "colspan") is None


def most_linked(links: list[tuple[Node, str, str | None]]) -> tuple[str, str | None]:
    """The status linked most often among ``links`` (the first of those tied), with a
    handle written for it."""
    counts = Counter(post_id for _, post_id, _ in links)
    top = max(counts.values())
    status_id = next(i for _, i, _ in links if counts[i] == top)
    return status_id, next((h for _, i, h in links if i == status_id and h), None)


# A card's part that is its date and nothing else (Forem's ``ltag__twitter-tweet__date``:
# ``09:14 AM - 03 Feb 2024``): longer, it is a sentence that holds a date.
MAX_DATE_PART = 40


def _own_stamp(el: Node, status_id: str) -> Node | None:
    """The card's first ``<time datetime>`` not in a link to another post: a quoted post's
    card inside it (react-static-tweets nests one) may come first."""
    for stamp in el.css("time[datetime]"):
        link = next((node for node in ancestors(stamp) if node.tag == "a"), None)
        linked = find_status(get(link, "href") or "") if link is not None else None
        if linked is None or linked[0] == status_id:
            return stamp
    return None


def _card_date(el: Node, status_id: str) -> str | None:
    """A card's date (YYYY-MM-DD): its ``<time datetime>``, a dated link's label, a short
    part classed as its date, or the label of a ``<time>`` without ``datetime``
    (``09:33 PM - 07 Jun 2019``)."""
    stamp = _own_stamp(el, status_id)
    if stamp is not None and re.match(r"\d{4}-\d\d-\d\d", get(stamp, "datetime") or ""):
        return (get(stamp, "datetime") or "")[:10]
    for link in el.css('a[class*="date"]'):
        found = CARD_DATE.search(text_of(link))
        if found:
            return parse_date(found.group(0).replace(".", ""))
    for part in el.css('[class*="tweet__date"]'):
        label = clean_text(text_of(part))
        if len(label) <= MAX_DATE_PART and (date := parse_date(label)):
            return date
    stamp = el.css_first("time")
    return parse_date(clean_text(text_of(stamp))) if stamp is not None else None


def read_preview_card(link: Node) -> Found | None:
    """A link preview of a post (Ghost's bookmark card, a CMS's link card): a link to the
    post holding its page title, ``Name on X: "TEXT" / X`` (what any preview of an X page
    shows), with its description after it. The title gives the author and the text, the
    link the ID. Like a placeholder, it must stand in the article's flow; one item of a list
    of them may (the text forms read each item's title line as an embed: the link adds its
    ID). A link around a screenshot of the post shows the title as the image's ``alt``; a
    title without X's suffix counts when it gives the handle the link's address names."""
    status = bare_status(get(link, "href") or "")
    shown = text_content(link)
    label = shown if shown.strip() else _sole_image_alt(link)
    if status is None or not TITLE_WORDS.search(label):
        return None
    if not _card_shaped(link, shown):
        return None  # a link in a sentence names the post; it does not show it
    if not in_article_flow(link, lists=False):
        return None
    title = parse_title(clean_text(label)) if "\n" not in label.strip() else None
    if title is not None and not title.suffixed and vouched_title(title, status):
        text, media = split_media(clean_text(title.text))
        return Found(link, "card", status[0], status[1], title.name, text or None, media=media)
    text_forms = find_text_embeds(flatten(link) if shown.strip() else label)
    hits = [hit for hit in text_forms if hit.method == "text"]
    if len(hits) != 1 or hits[0].status_id not in (None, status[0]):
        return None
    hit = hits[0]
    return Found(link, "card", status[0], status[1], hit.author, hit.text, media=hit.media)


def _sole_image_alt(link: Node) -> str:
    """The ``alt`` of the one image a link holds and shows nothing else (a screenshot of the
    post, linked to it); empty for any other link."""
    images = descendants(link, "img")
    return (get(images[0], "alt") or "") if len(images) == 1 else ""


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
        found.author, found.handle = title.name, found.handle or title.handle
        found.text, found.media = split_media(clean_text(title.text))
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
    author = title.name if title else named.group("name").strip() if named else None
    described = [
        clean_text(text_of(p))
        for p in descendants(bq, "p")
        if anchor.mem_id not in {a.mem_id for a in descendants(p, "a")}
    ]
    text = "\n\n".join(t for t in described if t) or (clean_text(title.text) if title else "")
    body, media = split_media(text)
    return Found(bq, "blockquote", status_id, handle, author, body or None, media=media)


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
