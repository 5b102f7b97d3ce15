"""JSON text that is always valid UTF-8.

A path that is not UTF-8 holds lone surrogates once decoded (``os.fsdecode``), and
``json.dumps(..., ensure_ascii=False)`` writes them as they are: the text then cannot be
encoded. They are written as ``\\uXXXX`` escapes instead, which ``json.loads`` turns back
into the same characters (so ``os.fsencode`` gives the same bytes).
"""

from __future__ import annotations

import json
import re

LONE_SURROGATES = re.compile("[\ud800-\udfff]")


def json_text(value: object, escaped: re.Pattern[str] = LONE_SURROGATES) -> str:
    """``json.dumps(value, ensure_ascii=False)`` with each character ``escaped`` matches
    written as a ``\\uXXXX`` escape (which stands for the same character in JSON); the
    pattern must match lone surrogates too."""
    return escaped.sub(_escape, json.dumps(value, ensure_ascii=False))


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"
