"""A post in X's GraphQL form (``{rest_id, core: {user_results}, legacy: {full_text, …}}``,
as X's own clients get it, ``TweetWithVisibilityResults`` wrapping it) read as syndication's
flat form: the same fields, where syndication keeps them. No I/O.

syndication's answer is that form flattened (its ``text`` is GraphQL's ``legacy.full_text``,
its ``mediaDetails`` ``legacy.extended_entities.media``); an answer in the GraphQL form was
not read at all ("JSON object is not a post").
"""

from __future__ import annotations

from .answers import as_dict, as_list

# What a GraphQL post keeps beside ``legacy`` under the name syndication gives it.
_BESIDE = (
    "__typename",
    "note_tweet",
    "card",
    "edit_control",
    "isEdited",
    "isStaleEdit",
    "birdwatch_pivot",  # a community note
)


def flattened(value: dict) -> dict:
    """``value`` in syndication's form: itself when it already is (it has ``text``), else
    its ``legacy`` fields with the post's author, media, quoted post and X Article put
    where syndication puts them."""
    legacy = value.get("legacy")
    if "text" in value or not isinstance(legacy, dict):
        return value
    flat = {**legacy, **{key: value[key] for key in _BESIDE if key in value}}
    flat["text"] = legacy.get("full_text")
    flat["id_str"] = legacy.get("id_str") or value.get("rest_id")
    flat["user"] = _user(value)
    flat["mediaDetails"] = as_list(as_dict(legacy.get("extended_entities")).get("media"))
    quoted = _result(value.get("quoted_status_result"))
    if quoted:
        flat["quoted_tweet"] = {"id_str": quoted.get("rest_id")}
    article = _result(value.get("article"), "article_results")
    if article:
        flat["article"] = article
    return flat


def _user(value: dict) -> dict:
    """The author's fields: ``legacy`` (``name``, ``screen_name``), and ``core``, where X
    moved them in 2025; {} when there is no author."""
    user = _result(as_dict(value.get("core")).get("user_results"))
    return {**as_dict(user.get("legacy")), **as_dict(user.get("core"))}


def _result(value: object, key: str | None = None) -> dict:
    """``value[key].result`` (``value.result`` without a key), through a visibility
    wrapper's ``tweet``; {} when it is not there."""
    holder = as_dict(as_dict(value).get(key)) if key else as_dict(value)
    result = as_dict(holder.get("result"))
    inner = result.get("tweet")
    if result.get("__typename") == "TweetWithVisibilityResults" and isinstance(inner, dict):
        return inner
    return result
