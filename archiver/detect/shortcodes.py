"""Shortcodes and MDX components left as text where a CMS or site generator would have written
an embed: the post each one names (read in a page's paragraphs and in Markdown or text files).
"""

from __future__ import annotations

import re

from ..urls import WEB_URL_RE, bare_status, canonical_id, clean_handle, parse_post_ref, valid_id

# Shortcodes left in raw content, where a site generator or CMS would have written the
# embed: WordPress ``[tweet URL]`` (Jetpack), ``[tweet id="ID"]``; Hugo ``{{< tweet
# user="NAME" id="ID" >}}`` (also ``twitter``, ``x`` and their ``_simple`` forms, the old
# ``{{< tweet ID >}}``, and ``{{% … %}}``); Jekyll ``{% twitter URL %}`` (jekyll-twitter-plugin,
# ``{% twitter oembed URL %}`` in its 1.x) and ``{% tweet URL %}``. Hugo's escaped
# ``{{</* tweet … */>}}`` shows the shortcode in documentation: it is not matched. WordPress's
# own ``[embed]URL[/embed]`` (``[embed width=…]``) counts when URL is a status URL alone. Shortcode
# names are case-sensitive in all three (``[TWEET …]`` is shown as it is written, as the
# pre-filter's markers assume); the spacing is what the pre-filter's markers cover. The
# arguments are one run that cannot hold the closing bracket (read in linear time: runs
# that could overlap took minutes on a long line), then parsed in Python.
# The post components of MDX (Markdown with JSX) blog sources, left as text in the Markdown:
# ``<Tweet id="ID" />`` (react-tweet, astro-embed), ``<Tweet tweetLink="user/status/ID" />``
# (mdx-embed, sveltekit-embed), react-twitter-embed's ``<TwitterTweetEmbed tweetId="ID" />``.
MDX_COMPONENTS = ("Tweet", "TwitterTweetEmbed", "StaticTweet", "EmbeddedTweet")
# Forum BBCode left as text, naming one post by its ID or address alone: XenForo's media
# code ``[MEDIA=twitter]ID[/MEDIA]`` (phpBB's s9e MediaEmbed reads it too) and ``[tweet]ID
# [/tweet]`` (Kunena and others). The embed notations of blogging platforms' Markdown, a
# status URL alone in them: Zenn's ``@[tweet](URL)``, Hashnode's ``%[URL]``.
SHORTCODE_RE = re.compile(
    r"\[tweet(?P<wordpress>\s[^\[\]]*)\]"
    r"|\[(?:tweet|(?:media|MEDIA)=twitter)\](?P<bbcode>[^\[\]<>\s]{1,300})\[/(?:tweet|media|MEDIA)\]"
    r"|\[embed(?:\s[^\[\]]*)?\](?P<embed>[^\[\]<>]{1,2000})\[/embed\]"
    r"|\{\{[<%] *(?:tweet|twitter|x)(?:_simple)?(?P<hugo>\s[^\n{}<>%]*)[>%]\}\}"
    r"|\{%-? ?(?:twitter|tweet)(?P<jekyll>\s[^\n%]*)%\}"
    r"|<(?:" + "|".join(MDX_COMPONENTS) + r")(?P<mdx>\s[^<>]*)>"
    r"|@\[tweet\]\((?P<zenn>[^()\s]{1,2000})\)"
    r"|%\[(?P<hashnode>[^\[\]\s]{1,2000})\]"
)
# What opens a platform's embed notation (``may_hold_shortcode``).
NOTATION_WORDS = ("@[tweet](", "%[")
# An argument: ``name=value`` or a value alone; values quoted or not (a CMS that kept the
# shortcode as text may have curled its quotes).
_ARGUMENT = re.compile(r"(?:(?P<name>\w+)\s*=\s*)?(?P<value>\S+)")
_QUOTES = "\"'`“”″‘’"
BBCODE_WORD = "=twitter]"  # XenForo's media code (``[tweet]`` holds ``[tweet``)


def may_hold_shortcode(text: str) -> bool:
    """True when ``text`` holds the opening of a shortcode (a cheap test before the pattern)."""
    return (
        "[tweet" in text
        or BBCODE_WORD in text
        or "{{" in text
        or "{%" in text
        or "[embed" in text
        or ("Tweet" in text and "<" in text)
        or any(word in text for word in NOTATION_WORDS)
    )


def _post_ref(value: str | None) -> tuple[str, str | None] | None:
    """The post a shortcode's argument names: an ID or a status URL."""
    return parse_post_ref(value) if value else None


def _wordpress_post(args: str) -> tuple[str, str | None] | None:
    """``[tweet …]``: its first argument, ``id=``/``tweet=`` (an ID, or a status URL), else
    a status URL."""
    first = _ARGUMENT.search(args)
    if first is None:
        return None
    name, value = (first.group("name") or "").lower(), first.group("value").strip(_QUOTES)
    address = name in ("", "url") and WEB_URL_RE.match(value)
    return _post_ref(value) if name in ("id", "tweet") or address else None


def _generator_post(args: str) -> tuple[str, str | None] | None:
    """Hugo's ``id`` (or first value) and ``user``, or its two positional values, the user
    then the ID (``{{< twitter_simple "user" "ID" >}}``, as Hugo's older shortcodes took
    them); Jekyll's first value (after its 1.x ``oembed``), an ID or a status URL."""
    named: dict[str, str] = {}
    values: list[str] = []
    for match in _ARGUMENT.finditer(args):
        value = match.group("value").strip(_QUOTES)
        if match.group("name"):
            named.setdefault(match.group("name").lower(), value)
        else:
            values.append(value)
    values = values[1:] if values[:1] == ["oembed"] else values
    if not named and len(values) == 2 and valid_id(values[1]) and clean_handle(values[0]):
        named = {"user": values[0], "id": values[1]}
    status = _post_ref(named.get("id") or (values[0] if values else None))
    if status is None:
        return None
    return status[0], clean_handle(named.get("user")) or status[1]


# A component's prop naming its post: ``id``, ``tweetId``, ``tweetLink``, ``url``, ``tweetUrl``,
# its value quoted, or in JSX braces (``{"…"}``, ``{1234}``).
_COMPONENT_PROP = re.compile(
    r"\b(?:id|tweetId|tweetLink|url|tweetUrl)\s*=\s*(?:\{\s*)?[\"'`]?(?P<value>[^\"'`{}\s]+)"
)
_USER_STATUS = re.compile(r"@?(?P<user>[A-Za-z0-9_]{1,15})/status/(?P<id>[0-9]{1,19})")


def _component_post(props: str) -> tuple[str, str | None] | None:
    """The post an MDX component's props name: an ID, a status URL, or mdx-embed's
    ``user/status/ID``."""
    prop = _COMPONENT_PROP.search(props)
    if prop is None:
        return None
    value = prop.group("value")
    short = _USER_STATUS.fullmatch(value)
    post_id = canonical_id(short.group("id")) if short else None
    if short and post_id:
        return post_id, clean_handle(short.group("user"))
    return _id_or_status(value)


def _id_or_status(value: str) -> tuple[str, str | None] | None:
    """The post ``value`` is, alone: an ID or a status URL."""
    return _post_ref(value) if valid_id(value) or bare_status(value) else None


def find_shortcodes(text: str) -> list[tuple[str, str | None]]:
    """(status id, handle) of every tweet shortcode (WordPress, Hugo, Jekyll) in a string."""
    found: list[tuple[str, str | None]] = []
    for match in SHORTCODE_RE.finditer(text):
        wordpress = match.group("wordpress")
        notation = match.group("embed") or match.group("zenn") or match.group("hashnode")
        if notation is not None:
            status = bare_status(notation)
        elif match.group("bbcode") is not None:
            status = _id_or_status(match.group("bbcode"))
        elif wordpress is not None:
            status = _wordpress_post(wordpress)
        elif match.group("mdx") is not None:
            status = _component_post(match.group("mdx"))
        else:
            status = _generator_post(match.group("hugo") or match.group("jekyll"))
        if status:
            found.append(status)
    return found
