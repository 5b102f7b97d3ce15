"""Recognise X/Twitter status URLs and turn them into post identities.

Every way a post's address is written (twitter.com, x.com, mobile., www., /i/web/status/,
/statuses/, /photo/1, query strings, the fxtwitter/vxtwitter/fixupx mirrors, nitter, embed
iframes) maps to the decimal status ID, which is the post's identity.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import (
    SplitResult,
    quote,
    unquote,
    unquote_plus,
    unquote_to_bytes,
    urljoin,
    urlsplit,
    urlunsplit,
)

HANDLE_RE = re.compile(r"[A-Za-z0-9_]{1,15}")


def file_url(path: str) -> str:
    """A local file's URL, the article's identity of a scanned file: from the name's bytes,
    as ``Path.as_uri()`` (a name may not be UTF-8)."""
    return "file://" + quote(os.fsencode(path))


def file_url_path(url: str) -> str | None:
    """The local path a ``file://`` URL names (its escaped bytes undone, as ``file_url``
    made them), or None for a URL on another host or of another scheme."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return os.fsdecode(unquote_to_bytes(parts.path))


RESERVED_SEGMENTS = frozenset(
    [
        "i",
        "intent",
        "search",
        "home",
        "hashtag",
        "settings",
        "share",
        "explore",
        "notifications",
        "messages",
    ]
)
_HOSTS = (
    r"(?:[a-z0-9-]+\.)*(?:twitter\.com|x\.com|fxtwitter\.com|fixupx\.com|twittpr\.com"
    r"|vxtwitter\.com|fixvx\.com|xfixup\.com|xcancel\.com)"
    r"|nitter\.[a-z0-9.-]+"
    r"|twitter3e4tixl4xyajtrzo62zg5vztmjuricljdp2c5kshju4avyoid\.onion"
)
# Where an ID ends: not before another digit or an ASCII letter (``/status/20abc`` and
# ``id=20abc`` name no post 20). Other characters end it: a path's ``/``, ``?``, ``#``, a
# Markdown ``_`` or ``*``, prose glued on in another script (``…/status/20です``).
_ID_END = r"(?![0-9A-Za-z])"
# A status URL anywhere in a string (href, attribute, plain text). Hosts and handles are
# case-insensitive; the id is 1-19 digits after any leading zeros and must not run on into
# more digits or letters (``_ID_END``; ``canonical_id`` then drops the zeros and checks the
# range). A match is read only when its host and path are ASCII (``ascii_address``): X's
# are, and ``re.I`` lets ``ſ`` (long s), ``K`` (Kelvin sign) and ``ı`` match ASCII letters
# (``x.com/ſam/status/1`` and ``twıtter.com/…`` name no post).
STATUS_URL_RE = re.compile(
    r"(?:(?:https?:)?//)?(?<![\w.-])(?P<host>" + _HOSTS + r")"
    r"/(?:#!/)?(?:(?:i/web|i|@?(?P<handle>[A-Za-z0-9_\\]{1,32}))/status(?:es)?|statuses)"
    r"/(?P<id>0*[0-9]{1,19})" + _ID_END,
    re.IGNORECASE,
)
# The rendered embed's frame, on X's own host too (``platform.x.com/embed/Tweet.html``, which
# widgets.js serves from since the rename, and ``Post.html``, seen there too), and its video
# and card players (the video's, ``i/videos/tweet/ID``, also as ``i/videos/ID``: the page a
# post's video was shared to Facebook as, which sites frame as it is).
EMBED_IFRAME_RE = re.compile(
    r"platform\.(?:twitter|x)\.com/embed/(?:Tweet|Post|index)\.html\?[^\"'\s>]*?"
    r"\bid=(?P<id>0*[0-9]{1,19})" + _ID_END,
    re.IGNORECASE,
)
VIDEO_IFRAME_RE = re.compile(
    r"(?:twitter|(?<![\w-])x)\.com/i/(?:videos(?:/tweet)?|cards/tfw/v1)/(?P<id>0*[0-9]{1,19})"
    + _ID_END,
    re.IGNORECASE,
)
# s9e MediaEmbed's frame (XenForo's and phpBB's media BBCode: ``[media=twitter]ID``), which
# names its one post in the fragment: ``s9e.github.io/iframe/2/twitter.min.html#ID#theme=…``.
S9E_IFRAME_RE = re.compile(
    r"s9e\.github\.io/iframe/(?:[0-9]+/)?twitter(?:\.min)?\.html#(?P<id>0*[0-9]{1,19})" + _ID_END,
    re.IGNORECASE,
)
S9E_FRAME_WORD = "s9e.github.io/iframe/"
ID_RE = re.compile(r"0*[0-9]{1,19}")
ESCAPED_SLASH_RE = re.compile(r"\\+/")

TWEPOCH_MS = 1288834974657
LAST_PRE_SNOWFLAKE_ID = 29700859247
MAX_ID = 2**63 - 1


def canonical_id(value: str | None) -> str | None:
    """A status ID in its one written form, ``str(int(value))``, or None for a non-ID.

    ASCII digits only (leading zeros allowed: ``/status/00020`` is post 20), not zero, and
    within a signed 64-bit integer (X's IDs are int64): anything above 2**63-1 is not an ID.
    """
    if not value or not ID_RE.fullmatch(value):
        return None
    number = int(value)
    return str(number) if 0 < number <= MAX_ID else None


def valid_id(value: str | None) -> bool:
    """True when ``value`` is a status ID (``canonical_id`` gives its canonical form)."""
    return canonical_id(value) is not None


def clean_handle(handle: str | None) -> str | None:
    """A handle as it can appear on X, or None for reserved path segments and junk.

    Some pages escape underscores (``ESA\\_Rosetta``): the backslashes are dropped.
    """
    if not handle:
        return None
    handle = handle.replace("\\", "").lstrip("@")
    if not HANDLE_RE.fullmatch(handle) or handle.lower() in RESERVED_SEGMENTS:
        return None
    return handle


def find_status(text: str) -> tuple[str, str | None] | None:
    """The first status (id, handle) in a string, or None.

    Looks for status URLs, embed iframe URLs and percent-encoded URLs in query strings
    (Embedly, Drupal ``/media/oembed?url=``).
    """
    for found in iter_statuses(text):
        return found
    return None


def iter_statuses(text: str) -> Iterator[tuple[str, str | None]]:
    """Every status (id, handle) written in a string, in order.

    Percent-encoded URLs (query parameters) and JSON-escaped slashes (``https:\\/\\/x.com``,
    PHP's ``json_encode`` in data attributes, escaped once more when that JSON is put in a
    JavaScript string: ``https:\\\\/\\\\/x.com``) are read too.
    """
    if "%" in text and ("%2F" in text or "%2f" in text):
        text = unquote(text)
    if "\\/" in text:
        text = ESCAPED_SLASH_RE.sub("/", text)
    matches = sorted(
        (m for r in _searches(text) for m in r.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        post_id = canonical_id(match.group("id")) if ascii_address(match) else None
        if post_id:
            yield post_id, clean_handle(match.groupdict().get("handle"))


def ascii_address(match: re.Match[str]) -> bool:
    """The host and path a pattern matched are ASCII, as X's are (a frame's query, before
    its ``id=``, may hold anything)."""
    return match.group().split("?", 1)[0].isascii()


def _searches(text: str) -> tuple[re.Pattern[str], ...]:
    """The patterns that can match ``text``: each needs its literal word (any case), which
    an ASCII text without it cannot hold (``re.I`` also lets ``ſ``, ``K``, ``ı``, ``İ`` stand
    for ASCII letters, so other text tries them all). Trying the status pattern at every
    position of a text without "status" is most of the cost of reading a link."""
    if not text.isascii():
        return (STATUS_URL_RE, EMBED_IFRAME_RE, VIDEO_IFRAME_RE, S9E_IFRAME_RE)
    lower = text.lower()
    patterns: tuple[re.Pattern[str], ...] = (STATUS_URL_RE,) if "status" in lower else ()
    if "twitter.com/" in lower or "x.com/" in lower:
        patterns = (*patterns, EMBED_IFRAME_RE, VIDEO_IFRAME_RE)
    return (*patterns, S9E_IFRAME_RE) if S9E_FRAME_WORD in lower else patterns


# What may follow the ID in the address of the post itself: its photo or video, shown with
# it (X's other pages of a post, its analytics, likes, reposts or quotes, are not the post).
POST_PAGE_REST = re.compile(r"/(?:(?:photo|video)/[0-9]+/?)?(?:[?#.]|\Z)")


def bare_status(text: str) -> tuple[str, str | None] | None:
    """(id, handle) when the whole string is one status URL, else None.

    The URL may keep what follows the ID in the post's address (``/photo/1``, ``?s=20``,
    ``#m``) and may be wrapped in ``<…>``; any other text around it makes it a link in prose,
    and another path after the ID (``/analytics``) a page about the post.
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    match = STATUS_URL_RE.match(text)
    post_id = canonical_id(match.group("id")) if match and ascii_address(match) else None
    if not match or not post_id:
        return None
    rest = text[match.end() :]
    if rest and (rest[0] not in "/?#." or any(c.isspace() for c in rest)):
        return None
    if rest.startswith("/") and not POST_PAGE_REST.match(rest):
        return None  # a page about the post (``/analytics``, ``/likes``, ``/quotes``)
    return post_id, clean_handle(match.group("handle"))


def parse_post_ref(value: str) -> tuple[str, str | None] | None:
    """Parse what a user typed as a post: a bare ID or any status URL form."""
    value = value.strip()
    post_id = canonical_id(value)
    if post_id:
        return post_id, None
    return find_status(value)


def canonical_url(post_id: str, handle: str | None = None) -> str:
    """``https://x.com/{handle}/status/{id}``, or ``/i/status/{id}`` when the handle is unknown."""
    handle = clean_handle(handle)
    return f"https://x.com/{handle or 'i'}/status/{post_id}"


def snowflake_time(post_id: str) -> str | None:
    """The creation time encoded in a snowflake ID (UTC ISO-8601), None for older IDs."""
    number = int(post_id) if valid_id(post_id) else 0
    if number <= LAST_PRE_SNOWFLAKE_ID:
        return None
    ms = (number >> 22) + TWEPOCH_MS
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- article identity ---------------------------------------------------------------------
# Query parameters that only say how a reader arrived (campaign tags, ad click IDs, mail
# and analytics tokens). Removed, with the fragment, to form an article's identity.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "srsltid",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "_ga",
        "_gl",
        "_openstat",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "ref_src",
        "ref_url",
        "wt_mc",
        "wt_zmc",
        "cmpid",
        "ncid",
        "ocid",
        "wprss",  # The Washington Post's feeds: ?wprss=rss_wellness
        "xtor",  # AT Internet's campaign marker (?xtor=RSS-3), as its at_* successors
        "rss",  # ?rss=1 on HighWire journals' feed links (Science)
    }
)
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_", "matomo_", "hsa_", "wt.", "at_")
# Generic names select content on some sites (?source=home, ?ref=1) and are kept, except
# with a value naming the feed a reader came from: ?ref=rss, ?from=feed, Medium's
# ?source=rss----d12c403d4976--food, the WSJ's ?mod=rss_Technology. (Not ?feed=: WordPress
# serves its feeds at ?feed=rss2.)
FEED_TAG_NAMES = frozenset({"ref", "source", "src", "from", "mod", "cmp", "via"})
FEED_TAG_VALUE_RE = re.compile(r"(?:rss|feed|atom)(?![a-z])", re.IGNORECASE)
DEFAULT_PORTS = {"http": "80", "https": "443"}
WEB_URL_RE = re.compile(r"https?://", re.IGNORECASE)
# What a browser strips from both ends of an address it is given (C0 controls and space).
URL_EDGES = "".join(map(chr, range(0x21)))
_HOST_PORT_RE = re.compile(r"(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>[0-9]*))?")


def is_tracking_param(name: str, value: str = "") -> bool:
    """True for a query parameter that tags a visit rather than naming content."""
    name = unquote_plus(name).strip().lower()
    if name in FEED_TAG_NAMES:
        return FEED_TAG_VALUE_RE.match(unquote_plus(value).strip()) is not None
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


# The password of an address's userinfo (``scheme://user:password@host``): it runs to the
# authority's last ``@`` (one typed in it unescaped is the password's, as URL parsers read it).
_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/?#@:\[\]]*):[^\s/?#]*@")


def without_password(text: str) -> str:
    """``text`` (an address, or a message quoting addresses) with the password of each
    address left out: ``http://user:pw@host/`` is ``http://user@host/``, ``http://:pw@host/``
    is ``http://host/``. RFC 3986 (3.2.1) deprecates a password in an address and asks that
    none be shown; browsers leave it out of the addresses they show. A request sends it
    still (as an ``Authorization`` header); the archive keeps and shows it nowhere else."""
    if "@" not in text:
        return text
    return _PASSWORD.sub(lambda m: m[1] + (f"{m[2]}@" if m[2] else ""), text)


def article_url(url: str) -> str:
    """The identity of an article: ``url`` with tracking parameters and the fragment removed.

    The scheme and host are lower-cased and a default port dropped, and a password in it
    left out (``without_password``: a user name is kept); the path and the other
    query parameters stay exactly as written (in order and encoding), because servers route
    on them. A ``#!`` fragment (an old AJAX route) is part of the address and kept. A URL
    that does not parse (``http://[::1/x`` in a crawl's record) is its own identity, less
    its password. Spaces
    and control characters around it are dropped, as a browser drops them (a no-break space
    is part of the address: it is sent, escaped).
    """
    url = url.strip(URL_EDGES)
    parts = _split(url)
    return _identity(parts) if parts else without_password(url)


def _identity(parts: SplitResult) -> str:
    scheme = parts.scheme.lower()
    netloc = _clean_netloc(scheme, parts.netloc)
    query = parts.query and "&".join(
        item
        for item in parts.query.split("&")
        if item and not is_tracking_param(*item.split("=", 1))
    )
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    path = without_dot_segments(uri_part(parts.path or ("/" if netloc else "")))
    return urlunsplit((scheme, netloc, path, uri_part(query), uri_part(fragment)))


def without_dot_segments(path: str) -> str:
    """``path`` with its ``.`` and ``..`` segments resolved (RFC 3986, section 5.2.4), as a
    browser resolves them before sending it: ``/a/../b`` is ``/b``, ``/a/./b/.`` is
    ``/a/b/``. (A relative path stays as written.)"""
    if not path.startswith("/") or ("/." not in path):
        return path
    kept: list[str] = []
    segments = path[1:].split("/")
    for segment in segments[:-1]:
        if segment == "..":
            kept = kept[:-1]
        elif segment != ".":
            kept.append(segment)
    last = segments[-1]
    if last == "..":
        kept, last = kept[:-1], ""
    elif last == ".":
        last = ""
    return "/" + "/".join([*kept, last])


# RFC 3986's unreserved characters: an escape of one is the character itself (section 6.2.2.2).
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_HEX_DIGITS = frozenset("0123456789ABCDEFabcdef")
# What a URI does not hold as written (any character outside ASCII, a space, ``"``, ``<``,
# ``|``, a control): written as its UTF-8 escapes, as a browser sends it.
_NOT_IN_URI = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_AS_WRITTEN = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*")


def uri_part(part: str) -> str:
    """A path, query or fragment in one written form, whichever way a page wrote it: the
    URI a browser sends (RFC 3986; what a crawl's records hold). A character a URI does not
    hold is its UTF-8 escapes in upper case (``über`` → ``%C3%BCber``), an escape of an
    unreserved character that character (``%7E`` → ``~``), any other escape in upper case
    (``%c3%bc`` → ``%C3%BC``; ``%2f`` → ``%2F``: a reserved character and its escape are two
    addresses). A ``%`` starting no escape stays as it is, as a browser leaves it, and so
    does an escape that would make it start one."""
    if _AS_WRITTEN.fullmatch(part):
        return part  # nearly every address: nothing to rewrite
    part = _NOT_IN_URI.sub(lambda c: quote(c[0], safe=""), part)
    return _ESCAPE.sub(_normal_escape, part) if "%" in part else part


def _normal_escape(escape: re.Match[str]) -> str:
    character = chr(int(escape[0][1:], 16))
    if character not in _UNRESERVED or _would_make_an_escape(escape, character):
        return escape[0].upper()
    return character


def _would_make_an_escape(escape: re.Match[str], character: str) -> bool:
    """Whether ``character`` written for ``escape`` would finish an escape with a stray
    ``%`` before it (``%%34%31`` would read ``%41``, another address): kept escaped, so an
    identity is its own identity."""
    if character not in _HEX_DIGITS:
        return False
    before = escape.string[max(escape.start() - 2, 0) : escape.start()]
    return before.endswith("%") or (before[:1] == "%" and before[1:] in _HEX_DIGITS)


def _clean_netloc(scheme: str, netloc: str) -> str:
    """``netloc`` as a browser sends it: the host lower-cased (an IPv6 address in its
    shortest form), the port a number without leading zeros, the scheme's default dropped;
    the userinfo without its password (``without_password``)."""
    userinfo, at, hostport = netloc.rpartition("@")
    userinfo = userinfo.partition(":")[0]
    at = at if userinfo else ""
    match = _HOST_PORT_RE.fullmatch(hostport)
    if not match:
        return f"{userinfo}{at}{hostport}"
    host, port = _ascii_host(match.group("host").lower()), match.group("port") or ""
    port = port.lstrip("0") or ("0" if port else "")
    if port == DEFAULT_PORTS.get(scheme) or port == "":
        return f"{userinfo}{at}{host}"
    return f"{userinfo}{at}{host}:{port}"


def _ascii_host(host: str) -> str:
    """An internationalized host name in one form, the ASCII one a browser sends
    (``bücher.example`` → ``xn--bcher-kva.example``: IDNA 2008 with the UTS 46 mapping, as
    httpx sends it; ``straße`` is ``xn--strae-oqa``); a name that is no valid IDN stays as
    written."""
    if host.startswith("["):
        return _ipv6_host(host)
    if host.isascii() and "xn--" not in host:
        return host
    import idna  # only for an internationalized host

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
        return host


def _ipv6_host(host: str) -> str:
    """``[0:0::1]`` as ``[::1]``: an IPv6 address in its shortest form (RFC 5952); a zone
    (``%25eth0``) or anything that is no address stays as written."""
    try:
        return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
    except ValueError:
        return host


def absolute_url(link: str | None, base: str | None = None) -> str | None:
    """``link`` made absolute against ``base`` when it is (or becomes) an http(s) URL.

    Relative (``/news/1``, ``2.html``) and protocol-relative (``//host/x``) links take what
    they lack from ``base``; the scheme may be written in any case (``HTTP://``).
    """
    absolute = _joined(link, base)
    parts = _split(absolute) if absolute else None
    return absolute if parts and parts.hostname else None


def resolve_link(link: str | None, base: str | None = None) -> str | None:
    """An http(s) link listed by a source, resolved against ``base``, as an article identity
    (``article_url``); None for other schemes and unresolvable links."""
    absolute = _joined(link, base)
    parts = _split(absolute) if absolute and url_problem(absolute) is None else None
    return _identity(parts) if parts else None


def _joined(link: str | None, base: str | None) -> str | None:
    link = (link or "").strip()
    if link and base and not WEB_URL_RE.match(link):  # most links are absolute already
        try:
            link = urljoin(base, link)
        except ValueError:  # an unclosed "[" of an IPv6 host in either
            return None
    return link if WEB_URL_RE.match(link) else None


X_HOSTS = re.compile(r"(?:^|\.)(?:twitter|x)\.com$", re.I)


def served_by_x(*urls: str | None) -> bool:
    """True when a page's address (where it was fetched, or its canonical URL) is on X's own
    hosts: an X status or profile page shows posts, it does not embed them."""
    return any(
        url
        and ("twitter.com" in url or "x.com" in url)
        and "//" in url
        and X_HOSTS.search(_hostname(url))
        for url in urls
    )


def _hostname(url: str) -> str:
    """``url``'s host, or nothing when it does not parse (``https://[x.com/``: a page's
    canonical link may be any text)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched (a bad IPv6 host, a port out of range, no host, a
    space in the host, a control character anywhere), or None. A space in the path is
    fine: it is sent percent-encoded."""
    if _CONTROL.search(url):
        return "not a valid URL (it holds a control character)"
    try:
        parts = urlsplit(url)
        _ = parts.port  # parses the host and port, raising what cannot be fetched
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if not parts.hostname:
        return "no host in the URL"
    if " " in parts.netloc:
        return "not a valid URL (a space in its host)"
    return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _split(url: str) -> SplitResult | None:
    """``url`` split, or None when it cannot be (an unclosed ``[`` of an IPv6 host)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None
