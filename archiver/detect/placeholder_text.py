"""A consent placeholder flattened to text: a heading that only names the network's content,
then one short notice linking the post it stands for.

A page that waits for the reader's consent before loading an embed shows a box in its place:
a title (``Twitter content``) and a sentence with a link to the post (``This content can also
be viewed on the site it [originates](https://twitter.com/…/status/…) from.``). HTML
detection reads the box by its markup; a converter keeps the title as a heading and the
sentence as a paragraph. Only a heading that is the network's name, alone or with a word for
what it holds, marks one: a section's heading (``## Reactions on Twitter``) above a paragraph
linking a post is the article's.
"""

from __future__ import annotations

import re

from ..normalize import comparable
from ..urls import iter_statuses

# The heading: Markdown's ``#`` or a line of its own (inscriptis and plain texts), the
# network's name and at most a word for the content it stands for.
PLACEHOLDER_HEADING = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+)?(?:Twitter|X)(?:\s+(?:content|post|embed|tweet))?\s*#*\s*$", re.I
)
MAX_NOTICE_LINES = 3  # a converter wraps the notice's sentence (markdownify at its link)
MAX_NOTICE_CHARS = 300  # its words, links left out: a notice, not the article's prose


def placeholder_notice(lines: list[str], index: int) -> tuple[int, int, str, str | None] | None:
    """When line ``index`` is in a placeholder's notice (the paragraph under a placeholder
    heading), the notice's first and last lines and the post it links (id, handle); else
    None. The notice links one post, and is short."""
    first, last = index, index
    while first > 0 and lines[first - 1].strip():
        first -= 1
    while last + 1 < len(lines) and lines[last + 1].strip():
        last += 1
    if last - first >= MAX_NOTICE_LINES:
        return None
    heading = first - 1
    while heading >= 0 and not lines[heading].strip():
        heading -= 1
    if heading < 0 or not PLACEHOLDER_HEADING.match(lines[heading]):
        return None
    notice = " ".join(line.strip() for line in lines[first : last + 1])
    statuses = set(iter_statuses(notice))
    if len(comparable(notice)) > MAX_NOTICE_CHARS or len(statuses) != 1:
        return None
    ((post_id, handle),) = statuses
    return first, last, post_id, handle
