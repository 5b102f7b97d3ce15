"""Turn what X says into a post status, and combine a check's answers into one status."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .result import (
    DELETED,
    PROTECTED,
    REMOVED,
    STATUSES,
    SUSPENDED,
    UNAVAILABLE,
    ProviderResult,
)

_LEARN_MORE = re.compile(r"[\s.]*learn more[\s.]*$", re.IGNORECASE)

# (pattern, status, reason, conclusive), first match wins. Suspended and account-gone come
# before "deleted" and "unavailable" so "This Post is from a suspended account" is not misread.
# "This Post violated the X Rules" / "This Tweet violated the Twitter Rules": X removed it.
_TOMBSTONE_RULES: tuple[tuple[re.Pattern[str], str, str, bool], ...] = (
    (re.compile(r"suspended", re.I), SUSPENDED, "account_suspended", True),
    (
        re.compile(r"\bviolated\b.*\b(?:X|Twitter)(?:'s)? rules\b", re.I),
        REMOVED,
        "rules_violation",
        True,
    ),
    (re.compile(r"no longer exists", re.I), DELETED, "account_gone", True),
    (re.compile(r"\bdeleted\b", re.I), DELETED, "post_deleted", True),
    (
        re.compile(r"limits who can view|protected|not authori[sz]ed|private", re.I),
        PROTECTED,
        "account_protected",
        True,
    ),
    (
        re.compile(r"age.restricted|adult content|sensitive|under 18|nsfw", re.I),
        UNAVAILABLE,
        "age_restricted",
        False,
    ),
    (re.compile(r"withheld|unavailable", re.I), UNAVAILABLE, "withheld", False),
)

# GraphQL-style ``TweetUnavailable.reason`` values (yt-dlp twitter.py), in case the
# syndication endpoint ever answers with them.
_UNAVAILABLE_REASONS = {
    "protected": (PROTECTED, "account_protected", True),
    "suspended": (SUSPENDED, "account_suspended", True),
    "nsfwloggedout": (UNAVAILABLE, "age_restricted", False),
    "nsfwviewerhasnostatedage": (UNAVAILABLE, "age_restricted", False),
    "nsfwviewerisunderage": (UNAVAILABLE, "age_restricted", False),
}


def tombstone_text(text: str | None) -> str:
    """A tombstone's message without the trailing ``Learn more`` link text."""
    message = _LEARN_MORE.sub(".", (text or "").strip()).strip()
    return message if message.strip(". ") else ""


def classify_tombstone(text: str | None) -> tuple[str, str, bool]:
    """(status, reason, conclusive) for a syndication tombstone's text.

    deleted / account gone / removed for breaking X's rules / suspended / protected are
    conclusive; age-restricted, withheld,
    "unavailable", empty (T3) and unrecognised texts are ``unavailable`` and inconclusive:
    the post may still exist, and another provider may still show it.
    """
    message = tombstone_text(text)
    if not message:
        return UNAVAILABLE, "unknown", False
    for pattern, status, reason, conclusive in _TOMBSTONE_RULES:
        if pattern.search(message):
            return status, reason, conclusive
    return UNAVAILABLE, "unknown", False


def classify_unavailable_reason(reason: str | None) -> tuple[str, str, bool]:
    """(status, reason, conclusive) for a ``TweetUnavailable`` ``reason`` code."""
    return _UNAVAILABLE_REASONS.get((reason or "").lower(), (UNAVAILABLE, "unknown", False))


def classify_oembed_forbidden(message: str | None) -> tuple[str, str, bool]:
    """(status, reason, conclusive) for an oEmbed 403 by its error text.

    ``Sorry, you are not authorized to see this status.`` → protected; a text mentioning
    suspension → suspended; anything else (an HTML block page, the http:// endpoint) proves
    nothing.
    """
    message = message or ""
    if re.search(r"suspended", message, re.I):
        return SUSPENDED, "account_suspended", True
    if re.search(r"not authori[sz]ed|protected|limits who can view", message, re.I):
        return PROTECTED, "account_protected", True
    return UNAVAILABLE, "unknown", False


def is_absent_check(results: Sequence[ProviderResult]) -> bool:
    """True when a check is one "404 from both providers": no answer was conclusive, every
    answer was ``absent`` (404, syndication ``{}`` or post without ``user``), and at least two
    different providers answered. A check with a 5xx, a timeout or HTML in it is not one.
    """
    if not results or any(r.conclusive or not r.absent for r in results):
        return False
    return len({r.provider for r in results}) >= 2


def decide_status(
    previous_status: str | None,
    results: Sequence[ProviderResult],
    previous_404_checks: int = 0,
) -> tuple[str, bool]:
    """The post's status after one check, and whether this check was conclusive.

    ``results`` are this check's answers in the configured provider order (the caller stops
    asking once one is conclusive). ``previous_404_checks`` counts the earlier checks, since
    the post's last conclusive status, for which ``is_absent_check`` was true. The rule:

    1. The first conclusive result decides: ``(result.status, True)``. Only a tombstone that
       says so (deleted, account gone) gives ``deleted`` this way; one saying the post
       violated X's rules gives ``removed``.
    2. Otherwise, if this check is an absent check and ``previous_404_checks >= 1`` (404s from
       both providers on two separate checks): ``("deleted", True)``.
    3. Otherwise nothing was proven: ``(previous_status, False)`` when the post already had a
       status (live, deleted, removed, protected, suspended, unavailable; ``text_only`` too),
       so a transient failure or a single 404 never changes it, and ``("unavailable", False)``
       when it had none (``None`` or ``pending``).
    """
    for result in results:
        if result.conclusive:
            return result.status, True
    if previous_404_checks >= 1 and is_absent_check(results):
        return DELETED, True
    if previous_status in (*STATUSES, "text_only"):
        return previous_status, False
    return UNAVAILABLE, False
