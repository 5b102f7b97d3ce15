"""Normalise embed text so the same post compares equal across embed forms.

Pure functions, no I/O. ``clean_text`` is idempotent: cleaning clean text changes nothing.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Dropped by str.replace: str.translate looks each character of non-ASCII text up in a dict.
_ZERO_WIDTH_CHARS = tuple(map(chr, ZERO_WIDTH))
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n\s*\n\s*(?:\n\s*)+")
MEDIA_LINK = re.compile(
    r"(?:https?://)?(?:pic\.(?:twitter|x)\.com/[A-Za-z0-9]{6,16}|t\.co/[A-Za-z0-9]{6,16})"
)
_TRAILING_MEDIA = re.compile(r"(?:\s*(?:https?://)?pic\.(?:twitter|x)\.com/[A-Za-z0-9]{6,16})+\s*$")
_ANY_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.(?:twitter|x)\.com/\S+")
_ELLIPSIS = re.compile(r"(?:…|\.\.\.)\s*$")
_TITLE_WRAPPER = re.compile(r"^[\"“”]?(.*?)(?:\s*/\s*X)?[\"“”]?(?:\s*/\s*(?:X|Twitter))?\s*$", re.S)


def unescape(text: str) -> str:
    """Decode HTML entities until nothing changes (double-escaped text is common).

    Zero-width characters are dropped on every round, so ``&am\u200bp;`` cannot turn into an
    entity after decoding. Each round that changes the text shortens it, so this ends.
    """
    while True:
        decoded = html.unescape(text)
        for char in _ZERO_WIDTH_CHARS:
            decoded = decoded.replace(char, "")
        if decoded == text:
            return text
        text = decoded


def clean_text(text: str | None) -> str:
    """Entities decoded, NFC, zero-width characters dropped, spaces collapsed, lines trimmed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", unescape(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()


def split_media(text: str) -> tuple[str, tuple[str, ...]]:
    """Cut trailing ``pic.twitter.com/…`` media links off a post's text, returned separately."""
    match = _TRAILING_MEDIA.search(text)
    if not match:
        return text, ()
    media = tuple(m.group(0) for m in MEDIA_LINK.finditer(match.group(0)))
    return text[: match.start()].rstrip(), media


def strip_title_wrapper(text: str) -> str:
    """``"TEXT / X"`` or ``"TEXT" / X`` (a page or iframe title) → ``TEXT``."""
    match = _TITLE_WRAPPER.match(text.strip())
    return match.group(1).strip() if match else text.strip()


def is_truncated(text: str) -> bool:
    return bool(_ELLIPSIS.search(text))


def comparable(text: str | None) -> str:
    """Text reduced for comparison: no URLs, casefolded, single spaces, no trailing ellipsis."""
    text = _ANY_URL.sub(" ", clean_text(text))
    text = _ELLIPSIS.sub("", text.strip())
    return " ".join(text.casefold().split())


def same_text(full: str | None, maybe_prefix: str | None) -> bool:
    """True when two renderings show the same post text (a truncated one as a prefix)."""
    a, b = comparable(full), comparable(maybe_prefix)
    if not a or not b:
        return False
    if is_truncated(clean_text(maybe_prefix)):
        return a.startswith(b)
    return a == b


TEXT_ID_PREFIX = "text:"  # a post known only from text has the ID of its ``fingerprint``


def fingerprint(author: str | None, text: str | None) -> str | None:
    """``text:`` + 16 hex chars over (normalised author, normalised text); None without text."""
    body = comparable(text)
    if not body:
        return None
    who = " ".join(clean_text(author).casefold().split())
    return TEXT_ID_PREFIX + sha256_hex(f"{who}\n{body}")[:16]


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()
