"""A local stand-in for X's two no-auth post endpoints, served by pytest-httpserver.

It speaks the real protocols: ``GET /tweet-result?id=&token=`` (the token is checked
against the react-tweet formula, a wrong one gets ``{}`` like the real CDN) and
``GET /oembed?url=&omit_script=&dnt=``. Each post has a script of answers per endpoint;
the last answer repeats. Every request is recorded in ``hits``.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from urllib.parse import parse_qs

from werkzeug import Request, Response

from archiver.snapshot.token import syndication_token
from archiver.urls import find_status


def tweet_json(
    post_id: str, text: str, name: str = "Test Person", handle: str = "testperson", **extra
) -> dict:
    body = {
        "__typename": "Tweet",
        "id_str": post_id,
        "lang": "en",
        "text": text,
        # X counts the range in UTF-16 code units (an emoji outside the BMP is two).
        "display_text_range": [0, len(html.unescape(text).encode("utf-16-le")) // 2],
        "created_at": "2024-03-01T12:00:00.000Z",
        "favorite_count": 3,
        "entities": {"hashtags": [], "urls": [], "user_mentions": [], "symbols": []},
        "user": {
            "id_str": "42",
            "name": name,
            "screen_name": handle,
            "profile_image_url_https": "https://pbs.twimg.com/profile_images/1/a.jpg",
        },
        "isEdited": False,
        "isStaleEdit": False,
    }
    body.update(extra)
    return body


def oembed_json(
    post_id: str, text: str, name: str = "Test Person", handle: str = "testperson"
) -> dict:
    html = (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; {name}'
        f' (@{handle}) <a href="https://twitter.com/{handle}/status/{post_id}?ref_src=twsrc'
        '%5Etfw">March 1, 2024</a></blockquote>\n'
    )
    return {
        "url": f"https://twitter.com/{handle}/status/{post_id}",
        "author_name": name,
        "author_url": f"https://twitter.com/{handle}",
        "html": html,
        "width": 550,
        "height": None,
        "type": "rich",
        "cache_age": "3153600000",
        "provider_name": "Twitter",
        "provider_url": "https://twitter.com",
        "version": "1.0",
    }


def json_response(data, status: int = 200, **headers) -> Response:
    return Response(
        json.dumps(data), status=status, content_type="application/json", headers=headers
    )


TOMBSTONE_DELETED = {
    "__typename": "TweetTombstone",
    "tombstone": {
        "text": {"text": "This Post was deleted by the Post author. Learn more", "rtl": False}
    },
}


class FakeX:
    def __init__(self, httpserver) -> None:
        self.server = httpserver
        self.syndication: dict[str, list] = {}
        self.oembed: dict[str, list] = {}
        self.hits: dict[str, list[str]] = defaultdict(list)
        httpserver.expect_request("/tweet-result").respond_with_handler(self._syndication)
        httpserver.expect_request("/oembed").respond_with_handler(self._oembed)

    def config_text(self, extra: str = "", wayback: str = "never") -> str:
        """A config pointed at this server; ``wayback`` is ``[snapshot] wayback`` (no
        lookups unless a test asks: the default would reach the real Wayback Machine)."""
        return (
            f'[fetch]\ntimeout = "2s"\nper_host_delay = "0s"\nretries = 2\n'
            f'[snapshot]\nsyndication_url = "{self.server.url_for("/tweet-result")}"\n'
            f'oembed_url = "{self.server.url_for("/oembed")}"\nwayback = "{wayback}"\n{extra}'
        )

    def live(self, post_id: str, text: str, **kwargs) -> None:
        self.syndication[post_id] = [json_response(tweet_json(post_id, text, **kwargs))]
        self.oembed[post_id] = [json_response(oembed_json(post_id, text))]

    @staticmethod
    def _next(script: list, default: Response) -> Response:
        if not script:
            return default
        return script.pop(0) if len(script) > 1 else script[0]

    def _syndication(self, request: Request) -> Response:
        post_id = request.args.get("id", "")
        self.hits["syndication"].append(post_id)
        if request.args.get("token") != syndication_token(post_id):
            return json_response({})
        return self._next(self.syndication.get(post_id, []), Response("", status=404))

    def _oembed(self, request: Request) -> Response:
        status = find_status(parse_qs(request.query_string.decode()).get("url", [""])[0])
        post_id = status[0] if status else ""
        self.hits["oembed"].append(post_id)
        return self._next(self.oembed.get(post_id, []), Response("", status=404))
