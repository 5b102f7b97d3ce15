"""Whether a redirect or a meta refresh leads from the public web to an address inside it.

An archive fed by third-party feeds and sitemaps fetches whatever their pages send it on
to: a public page answering ``302 Location: http://169.254.169.254/latest/meta-data`` (a
cloud's metadata service), ``http://127.0.0.1:8001/`` or ``http://10.0.0.5/admin`` would
have the worker request it, and keep the answer as the article. Such a step is refused
(``[fetch] allow_private_redirects`` lets it through). A way that starts at a private
address (your own server on 127.0.0.1, ``localhost``) is yours: it goes on as it leads.

An address is private when it is not globally reachable (``ipaddress``'s ``is_global``:
loopback, RFC 1918, link-local, shared, unspecified, reserved), written as an IP literal
in any form a resolver accepts (``127.1``, ``2130706433``, ``[::ffff:127.0.0.1]``), named
``localhost`` (RFC 6761), or a name that resolves to such an address. Names are resolved
only for a request that goes out directly (through a proxy the proxy resolves them, and
a name that does not resolve leads nowhere): only when a redirect or refresh happens.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

#: Whether the request for a URL goes out directly (not through a proxy): names are then
#: resolved here as the connection would resolve them.
Direct = Callable[[str], bool]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
#: A host's addresses, as ``resolved`` looks them up (``host_lookups`` keeps a run's).
Resolve = Callable[[str], list[Address]]


def leads_inward(start: str, target: str, direct: Direct, resolve: Resolve | None = None) -> bool:
    """True when ``target`` is private and ``start``, where the way began, is not. (A step
    within one host, the most common, is neither: nothing is looked up.)"""
    if host_of(start) == host_of(target):
        return False
    # The start first: a way from your own server is never looked up (nor are its names).
    return not is_private(start, direct, resolve) and is_private(target, direct, resolve)


def host_of(url: str) -> str:
    """``url``'s host as compared here: lower case, without a trailing dot."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def is_private(url: str, direct: Direct, resolve: Resolve | None = None) -> bool:
    """Whether ``url``'s host is a private address (see the module docstring); a name is
    looked up by ``resolve``, ``resolved`` when None."""
    host = host_of(url)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    literal = _literal(host)
    if literal is not None:
        return not _global(literal)
    if not host or not direct(url):
        return False
    return any(not _global(address) for address in (resolve or resolved)(host))


def _literal(host: str) -> Address | None:
    """The address ``host`` writes, as a resolver reads it without asking DNS: IPv6, or
    IPv4 in any of inet_aton's forms (``127.1``, ``0x7f.0.0.1``, ``2130706433``)."""
    try:
        return ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):  # not an address; ValueError: a NUL in it
        return None


def _global(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global


def resolved(host: str) -> list[Address]:
    """``host``'s addresses; none when the lookup fails."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError):  # UnicodeError (a bad label) is a ValueError
        return []  # it leads nowhere: the request fails as it would have
    return [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in found]
