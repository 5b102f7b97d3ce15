"""A deterministic corpus of realistic news article pages for the scan benchmark.

Every page is 20–200 KB of ordinary news-site markup: a ``<head>`` full of ``og:*`` and
``twitter:*`` meta tags, inline CSS and JSON-LD, a navigation bar, an article body, related
links, share/follow buttons, ``widgets.js`` and a footer. About 10% of the pages embed 1–5
posts in the forms news sites actually publish (publish blockquote, rendered iframe, the pair
of both, AMP, WordPress figure, ``data-tweet-id`` placeholder, ``<noscript>``). The rest carry
only traps: share/intent/follow links, ``twitter:*`` meta, ``widgets.js``, timelines, and on
some pages CSS or scripts mentioning ``.twitter-tweet``, a status link in running prose, or a
``(@handle)`` in the text — things that look like embeds to a careless detector.

``ensure_corpus(n, seed)`` writes the pages once into a cache directory under the system temp
dir and returns it with the manifest (``manifest.json``: pages, bytes, embeds).
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from pathlib import Path

VERSION = 4  # bump when the pages change, so cached corpora are rebuilt
EMBED_SHARE = 0.10
FORMS = ("blockquote", "rendered", "pair", "amp", "wordpress", "placeholder", "noscript")
MONTHS = "January February March April May June July August September October November December"


def _vocab(rng: random.Random) -> list[str]:
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    weights = [13, 9, 8, 8, 7, 7, 6, 6, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    words = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "said", "was"]
    while len(words) < 3000:
        words.append("".join(rng.choices(letters, weights, k=rng.randint(2, 11))))
    return words


class PageWriter:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = _vocab(self.rng)
        self.sites = [
            ("The Daily Ledger", "dailyledger", "www.dailyledger.example"),
            ("Northern Courier", "northcourier", "northerncourier.example"),
            ("Metro Times", "metrotimes", "www.metrotimes.example"),
            ("Harbour Post", "harbourpost", "harbourpost.example"),
        ]
        self.next_id = 1_200_000_000_000_000_000

    def text(self, n: int) -> str:
        words = self.rng.choices(self.words, k=n)
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def sentence_block(self, n_sentences: int) -> str:
        return " ".join(self.text(self.rng.randint(8, 24)) for _ in range(n_sentences))

    def slug(self) -> str:
        return "-".join(self.rng.choices(self.words, k=self.rng.randint(3, 7)))

    def post_id(self) -> str:
        self.next_id += self.rng.randint(10**12, 10**14)
        return str(self.next_id)

    def handle(self) -> str:
        return "".join(self.rng.choices(self.words, k=2))[:12] + str(self.rng.randint(1, 99))

    # --- the embeds -----------------------------------------------------------------------

    def embed(self, form: str) -> str:
        rng = self.rng
        pid, handle = self.post_id(), self.handle()
        name = " ".join(w.capitalize() for w in self.rng.choices(self.words, k=2))
        body = self.text(self.rng.randint(6, 40))
        month, day, year = rng.choice(MONTHS.split()), rng.randint(1, 28), rng.randint(2012, 2025)
        date = f"{month} {day}, {year}"
        link = f"https://twitter.com/{handle}/status/{pid}?ref_src=twsrc%5Etfw"
        bq = (
            f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{body}</p>&mdash; {name} '
            f'(@{handle}) <a href="{link}">{date}</a></blockquote>'
        )
        iframe = (
            '<iframe id="twitter-widget-0" scrolling="no" frameborder="0" allowtransparency="true"'
            ' allowfullscreen="true" class="" style="position: static; visibility: visible;'
            ' width: 550px; height: 500px; display: block; flex-grow: 1;" title="X Post"'
            ' src="https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;embedId='
            f"twitter-widget-0&amp;frame=false&amp;hideCard=false&amp;hideThread=false&amp;id={pid}"
            "&amp;lang=en&amp;theme=light&amp;widgetsVersion=2615f7e52b7e0%3A1702314776716&amp;"
            f'width=550px" data-tweet-id="{pid}"></iframe>'
        )
        if form == "blockquote":
            return bq + ' <script async src="https://platform.twitter.com/widgets.js"></script>'
        if form == "rendered":
            return (
                '<div class="twitter-tweet twitter-tweet-rendered" style="display: flex;'
                f' max-width: 550px; width: 100%; margin: 10px 0;">{iframe}</div>'
            )
        if form == "pair":
            return (
                bq.replace('class="twitter-tweet"', 'class="twitter-tweet" style="display:none"')
                + f'<div class="twitter-tweet twitter-tweet-rendered">{iframe}</div>'
            )
        if form == "amp":
            return (
                f'<amp-twitter width="375" height="472" layout="responsive" data-tweetid="{pid}">'
                + bq.replace("<blockquote ", "<blockquote placeholder ")
                + "</amp-twitter>"
            )
        if form == "wordpress":
            return (
                '<figure class="wp-block-embed is-type-rich is-provider-twitter'
                ' wp-block-embed-twitter"><div class="wp-block-embed__wrapper">\n'
                f"https://twitter.com/{handle}/status/{pid}\n</div></figure>"
            )
        if form == "placeholder":
            return f'<div class="social-embed" data-tweet-id="{pid}"></div>'
        return (
            '<div class="embed-consent" data-provider="x"><button>Load content from X</button>'
            f"<noscript>{bq}</noscript></div>"
        )

    # --- a page ---------------------------------------------------------------------------

    def page(self, index: int) -> tuple[str, int]:
        rng = self.rng
        site, account, host = rng.choice(self.sites)
        target = rng.randint(20_000, 200_000)
        slug = self.slug()
        url = f"https://{host}/news/2024/{rng.randint(1, 12):02d}/{slug}-{index}"
        title = self.text(rng.randint(6, 14)).rstrip(".")
        parts = [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f"<title>{title} | {site}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<link rel="canonical" href="{url}">',
            f'<meta property="og:title" content="{title}">',
            f'<meta property="og:url" content="{url}">',
            f'<meta property="og:site_name" content="{site}">',
            '<meta property="og:type" content="article">',
            f'<meta property="article:published_time" content="2024-05-{rng.randint(1, 28):02d}'
            f'T{rng.randint(0, 23):02d}:00:00Z">',
            '<meta name="twitter:card" content="summary_large_image">',
            f'<meta name="twitter:site" content="@{account}">',
            f'<meta name="twitter:creator" content="@{self.handle()}">',
            f'<meta name="twitter:title" content="{title}">',
            f'<meta name="twitter:image" content="https://{host}/img/{slug}.jpg">',
            f'<link rel="stylesheet" href="https://{host}/static/css/main.{rng.getrandbits(32):08x}.css">',
        ]
        css = [
            f".c{i}{{margin:{rng.randint(0, 40)}px;padding:{rng.randint(0, 9)}px "
            f"{rng.randint(0, 9)}px;color:#{rng.getrandbits(24):06x}}}"
            for i in range(rng.randint(50, 400))
        ]
        if rng.random() < 0.2:  # site stylesheet styles embeds: a classic false positive
            css.append(
                ".twitter-tweet{margin:1em auto!important}.twitter-tweet-rendered iframe"
                "{max-width:100%}"
            )
        parts.append("<style>" + "".join(css) + "</style>")
        parts.append(
            '<script type="application/ld+json">'
            + json.dumps(
                {
                    "@context": "https://schema.org",
                    "@type": "NewsArticle",
                    "headline": title,
                    "url": url,
                    "publisher": {"@type": "Organization", "name": site},
                    "sameAs": [f"https://twitter.com/{account}", f"https://x.com/{account}"],
                }
            )
            + "</script>"
        )
        parts.append(
            "<script>window.__CONFIG__="
            + json.dumps({f"k{i}": self.slug() for i in range(rng.randint(20, 200))})
            + ";</script></head>"
        )
        parts.append('<body class="article-page"><header class="site-header"><nav><ul>')
        parts += [
            f'<li><a href="/section/{w}">{w.capitalize()}</a></li>'
            for w in rng.choices(self.words, k=rng.randint(20, 80))
        ]
        parts.append(
            f'</ul></nav><a class="follow" href="https://twitter.com/{account}">Follow us on X</a>'
            "</header>"
        )
        share = (
            '<div class="share-buttons"><a class="share-twitter" href="https://twitter.com/intent'
            f'/tweet?text={title.replace(" ", "%20")[:80]}&amp;url={url}&amp;via={account}">Share'
            f' on X</a><a href="https://twitter.com/share?url={url}">Post</a>'
            f'<a href="https://www.facebook.com/sharer/sharer.php?u={url}">Share</a></div>'
        )
        parts.append(f'<main><article><h1>{title}</h1><p class="byline">By {self.handle()}</p>')
        parts.append(share)
        n_embeds = rng.randint(1, 5) if rng.random() < EMBED_SHARE else 0
        body_budget = max(target - sum(map(len, parts)) - 6000, 2000)
        paragraphs = []
        size = 0
        while size < body_budget:
            para = f"<p>{self.sentence_block(rng.randint(2, 7))}</p>"
            paragraphs.append(para)
            size += len(para)
            if rng.random() < 0.08:
                related = "".join(
                    f'<li><a href="https://{host}/news/{self.slug()}">{self.text(6)}</a></li>'
                    for _ in range(rng.randint(3, 10))
                )
                paragraphs.append(f'<aside class="related"><ul>{related}</ul></aside>')
                size += len(paragraphs[-1])
        if rng.random() < 0.03:  # a status link in running prose: a linked post, not an embed
            paragraphs.insert(
                rng.randrange(len(paragraphs)),
                f'<p>As she <a href="https://x.com/{self.handle()}/status/{self.post_id()}">wrote'
                f" on X</a>, {self.text(12)}</p>",
            )
        if rng.random() < 0.03:  # a handle in parentheses in the prose
            paragraphs.insert(
                rng.randrange(len(paragraphs)),
                f"<p>The ministry (@{self.handle()}) said {self.text(10)}</p>",
            )
        for _ in range(n_embeds):
            form = rng.choice(FORMS)
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), self.embed(form))
        parts += paragraphs
        parts.append(share)
        parts.append("</article>")
        if rng.random() < 0.3:
            parts.append(
                f'<aside class="sidebar"><a class="twitter-timeline" data-height="600" '
                f'href="https://twitter.com/{account}?ref_src=twsrc%5Etfw">Posts by {site}</a>'
                "</aside>"
            )
        parts.append(
            '</main><footer class="site-footer"><ul>'
            + "".join(
                f'<li><a href="/about/{w}">{w}</a></li>' for w in rng.choices(self.words, k=30)
            )
            + f'</ul><a href="https://twitter.com/{account}" class="social twitter">X</a>'
            f'<a href="https://www.instagram.com/{account}">Instagram</a>'
            f"<p>&copy; 2024 {site}</p></footer>"
            '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
            "</body></html>\n"
        )
        return "".join(parts), n_embeds


def corpus_dir(n: int, seed: int) -> Path:
    key = hashlib.sha256(f"{VERSION}:{n}:{seed}".encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"archiver-bench-{n}-{key}"


def ensure_corpus(n: int, seed: int = 20240501) -> tuple[Path, dict]:
    """The corpus of ``n`` pages for ``seed``: built once, then reused from the cache."""
    root = corpus_dir(n, seed)
    manifest_path = root / "manifest.json"
    if manifest_path.is_file():
        return root / "pages", json.loads(manifest_path.read_text())
    pages = root / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    writer = PageWriter(seed)
    embeds = total = with_embeds = 0
    for i in range(n):
        html, count = writer.page(i)
        data = html.encode("utf-8")
        (pages / f"{i // 1000:02d}" / f"article-{i:05d}.html").parent.mkdir(exist_ok=True)
        (pages / f"{i // 1000:02d}" / f"article-{i:05d}.html").write_bytes(data)
        embeds += count
        with_embeds += bool(count)
        total += len(data)
    manifest = {"pages": n, "bytes": total, "embeds": embeds, "pages_with_embeds": with_embeds}
    manifest_path.write_text(json.dumps(manifest))
    return pages, manifest


if __name__ == "__main__":
    import sys

    path, info = ensure_corpus(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    print(path, info)
