"""The publish-markup signature line: ``— Display Name (@handle) Month D, YYYY``."""

from __future__ import annotations

import re
from datetime import datetime

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = "(?:" + "|".join(MONTHS) + ")"
DASH = r"(?:—|–|&mdash;|--|-)"
# Parsed from the right: display names may hold parentheses, colons, emoji or "(@x)".
SIGNATURE_RE = re.compile(
    rf"(?:^|(?<=\s)|(?<=[.!?\"”…]))(?P<dash>{DASH})[^\S\n]*(?P<name>(?:(?!\s[-–—]\s|—|&mdash;)[^\n]){{0,100}}?)[^\S\n]*"
    rf"\(@(?P<handle>[A-Za-z0-9_]{{1,15}})\)[^\S\n]*(?P<date>{_MONTH}[^\S\n]+\d{{1,2}},[^\S\n]*(?:19|20)\d\d)"
    r"[^\S\n]*$",
    re.M,
)


def parse_date(value: str | None) -> str | None:
    """``March 27, 2024`` → ``2024-03-27`` (None when it is not such a date)."""
    if not value:
        return None
    try:
        return (
            datetime.strptime(" ".join(value.replace(",", ", ").split()), "%B %d, %Y")
            .date()
            .isoformat()
        )
    except ValueError:
        return None


def split_signature(text: str) -> tuple[str, dict[str, str | None] | None]:
    """Split ``TEXT — Name (@handle) Date`` into TEXT and the signature's parts."""
    match = SIGNATURE_RE.search(text)
    if not match:
        return text, None
    name = match.group("name").strip() or None
    return text[: match.start()].rstrip(), {
        "author": name,
        "handle": match.group("handle"),
        "date": parse_date(match.group("date")),
    }
