"""A fast local server speaking the syndication protocol (``GET /tweet-result?id=&token=``).

Raw asyncio HTTP/1.1 with keep-alive, no framework, so the server is not what limits a
benchmark. Every ID gets a realistic Tweet JSON body (about 2.5 KB, the shape of
cdn.syndication.twimg.com answers: user, entities, a photo, counts, edit control), the same
body on every request, so a re-check finds the content unchanged. A request without a token
gets ``{}`` like the real CDN. Run it in its own process: ``serve(port_queue)``.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlsplit


def tweet_body(post_id: str) -> bytes:
    n = int(post_id)
    handle = f"reporter{n % 9973}"
    text = (
        f"Flood barriers on the river road are going up now, expect closures until Friday "
        f"(update {n % 100000}). Details: https://t.co/AbCdEf{n % 1000:03d} "
        f"https://t.co/PhOtO{n % 1000:03d}"
    )
    media_url = f"https://pbs.twimg.com/media/F{n % 10**8:08d}.jpg"
    body = {
        "__typename": "Tweet",
        "lang": "en",
        "favorite_count": n % 5000,
        "possibly_sensitive": False,
        "created_at": "2024-03-01T12:00:00.000Z",
        "display_text_range": [0, len(text) - 24],
        "entities": {
            "hashtags": [],
            "urls": [
                {
                    "display_url": "example.org/floods",
                    "expanded_url": "https://example.org/floods",
                    "indices": [len(text) - 47, len(text) - 24],
                    "url": f"https://t.co/AbCdEf{n % 1000:03d}",
                }
            ],
            "user_mentions": [],
            "symbols": [],
            "media": [
                {
                    "display_url": "pic.x.com/PhOtO",
                    "expanded_url": f"https://x.com/{handle}/status/{post_id}/photo/1",
                    "indices": [len(text) - 23, len(text)],
                    "url": f"https://t.co/PhOtO{n % 1000:03d}",
                }
            ],
        },
        "id_str": post_id,
        "text": text,
        "user": {
            "id_str": str(n % 10**9),
            "name": f"Reporter {n % 9973}",
            "profile_image_url_https": "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
            "screen_name": handle,
            "verified": False,
            "is_blue_verified": bool(n % 2),
            "profile_image_shape": "Circle",
        },
        "edit_control": {
            "edit_tweet_ids": [post_id],
            "editable_until_msecs": "1709297400000",
            "is_edit_eligible": True,
            "edits_remaining": "5",
        },
        "mediaDetails": [
            {
                "display_url": "pic.x.com/PhOtO",
                "expanded_url": f"https://x.com/{handle}/status/{post_id}/photo/1",
                "ext_media_availability": {"status": "Available"},
                "indices": [len(text) - 23, len(text)],
                "media_url_https": media_url,
                "original_info": {"height": 1536, "width": 2048},
                "sizes": {
                    "large": {"h": 1536, "resize": "fit", "w": 2048},
                    "medium": {"h": 900, "resize": "fit", "w": 1200},
                    "small": {"h": 510, "resize": "fit", "w": 680},
                    "thumb": {"h": 150, "resize": "crop", "w": 150},
                },
                "type": "photo",
                "url": f"https://t.co/PhOtO{n % 1000:03d}",
            }
        ],
        "photos": [{"backgroundColor": {"blue": 204, "green": 64, "red": 0}, "url": media_url}],
        "conversation_count": n % 300,
        "news_action_type": "conversation",
        "isEdited": False,
        "isStaleEdit": False,
    }
    return json.dumps(body, separators=(",", ":")).encode()


HEADERS = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=utf-8\r\n"
    b"cache-control: public, max-age=86400\r\ncontent-length: %d\r\n\r\n"
)


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1].decode()
            query = parse_qs(urlsplit(target).query)
            post_id = (query.get("id") or [""])[0]
            body = tweet_body(post_id) if post_id.isdigit() and query.get("token") else b"{}"
            writer.write(HEADERS % len(body) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _main(port_queue) -> None:
    server = await asyncio.start_server(_handle, "127.0.0.1", 0, backlog=512)
    port_queue.put(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


def serve(port_queue) -> None:
    asyncio.run(_main(port_queue))
