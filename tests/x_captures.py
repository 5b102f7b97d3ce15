"""The real answers of X's endpoints in ../shared/corpus/x-captures, and what X displays for
each (the per-file facts the tests check; the parsers know nothing of these files).

Text: what X shows, verbatim (display range in UTF-16 units, media links hidden, entities
decoded once, zero-width joiners kept; other links as their t.co address). Status: by the
tombstone's wording. created_at: the time in a snowflake ID (to the millisecond, UTC), the
provider's time for older IDs (post 20: syndication's; 71633762: oEmbed's day).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass

import shared_corpus

CORPUS = shared_corpus.CORPUS / "x-captures"
SKIP_REASON = shared_corpus.absent(CORPUS)


@dataclass(frozen=True)
class Expect:
    text: str | None
    media: int
    status: str
    created_at: str | None
    error: str | None = None  # part of the one-line error, for error answers


@dataclass(frozen=True)
class Capture:
    name: str  # path under CORPUS, e.g. "syndication/kcd_quote.json"
    provider: str  # "syndication" or "oembed"
    post_id: str | None  # the ID it answers for (SOURCES.tsv, else its own URL fields)
    http_status: int
    content_type: str
    body: bytes


def capture_names() -> list[str]:
    """Every capture file in the corpus (bodies, not their ``.meta.json`` or the docs)."""
    if not CORPUS.is_dir():
        return []
    return sorted(
        str(path.relative_to(CORPUS))
        for path in CORPUS.rglob("*")
        if path.is_file() and path.parent != CORPUS and not path.name.endswith(".meta.json")
    )


def load(name: str) -> Capture:
    path = CORPUS / name
    provider = path.parent.name
    status, ctype, uri = 200, "application/json; charset=utf-8", ""
    meta = path.with_name(path.name.removesuffix(".body") + ".meta.json")
    if path.suffix == ".body" and meta.is_file():
        recorded = json.loads(meta.read_text(encoding="utf-8"))
        status, ctype, uri = recorded["status"], recorded["content_type"], recorded["uri"]
    body = path.read_bytes()
    return Capture(name, provider, _post_id(name, body, uri), status, ctype, body)


def _post_id(name: str, body: bytes, uri: str) -> str | None:
    listed = _sources().get(name)
    if listed:
        return listed
    from archiver.urls import find_status

    for text in (body.decode("utf-8", "replace"), uri):
        found = find_status(text.replace("\\/", "/"))
        if found:
            return found[0]
    return None


def _sources() -> dict[str, str]:
    with (CORPUS / "SOURCES.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row["post_id"] for row in csv.DictReader(handle, delimiter="\t")}


EXPECTED: dict[str, Expect] = {
    "syndication/constructed_rules_tombstone.json": Expect(None, 0, "removed", None),
    "syndication/emusks_0.json": Expect(
        "Underdocumented: `bun build --compile` supports `--splitting —format=esm` Lazy load "
        "code embedded in your single-file executable to improve CLI start time",
        0,
        "live",
        "2026-02-16T11:24:04.484Z",
    ),
    "syndication/emusks_2.json": Expect(None, 0, "deleted", None),
    # One photo (the name is the mock's, the capture has one mediaDetails item).
    "syndication/kcd_fourPhotos.json": Expect(
        "accessibility dot jpeg", 1, "live", "2021-06-14T12:01:57.971Z"
    ),
    "syndication/kcd_linkWithMetadata.json": Expect(
        "Today's the last day of that https://t.co/LoU6y2wvVV is 25% off.\n\nIt'd be awesome "
        "to become the team React expert. But what's even better than one React expert on the "
        "team, is an entire team of React experts! 💪\n\nTo get that, send your boss this: "
        "https://t.co/e7c3mMKkmQ 🚀",
        0,
        "live",
        "2021-07-12T13:36:20.325Z",
    ),
    # 🚨 is two UTF-16 units: the range [0, 207] ends right after the second link.
    "syndication/kcd_onePhoto.json": Expect(
        "🚨 We've got an IST-friendly KCD Learning club looking for new members \"To learn "
        'React the epic way!"\n\nGo through https://t.co/VFTzpCWpTr together with others! '
        "Learn how to join here: https://t.co/boWSztgAKM",
        1,
        "live",
        "2021-07-24T13:36:21.579Z",
    ),
    "syndication/kcd_poll.json": Expect(
        "Let's say a site supports both dark and light mode. Which should it use by default "
        "for your first visit?",
        0,
        "live",
        "2021-07-15T01:59:53.890Z",
    ),
    # Sliced by code points this was "… 👏👏👏 ht" (issue 12).
    "syndication/kcd_quote.json": Expect(
        "I knew we'd make it. Good job everyone 👏👏👏", 1, "live", "2021-07-29T12:20:39.102Z"
    ),
    "syndication/kcd_quoteOfDeletedTweet.json": Expect(
        "One of the things I loved most when starting to learn React was that I felt myself "
        "getting better at JavaScript.\n\n@remix_run is making me better at the web platform. "
        "Not just the DOM, but the browser-to-server-to-browser communication too.",
        0,
        "live",
        "2021-06-19T13:35:10.472Z",
    ),
    "syndication/kcd_quoteOfQuote.json": Expect("Same", 0, "live", "2021-07-27T13:56:51.253Z"),
    # The zero-width joiner of 🤷‍♂️ is kept.
    "syndication/kcd_reply.json": Expect(
        "It's working now and I don't know why 🤷\u200d♂\ufe0f 🙃",
        0,
        "live",
        "2021-07-24T03:19:51.919Z",
    ),
    "syndication/kcd_simpleWithMention.json": Expect(
        "Discord threads: I'm a fan\n\nWell done @discord developers 👏",
        0,
        "live",
        "2021-07-28T22:16:25.849Z",
    ),
    "syndication/kcd_streamEmbed.json": Expect(
        "Prisma is amazing https://t.co/gmCkT93byp", 0, "live", "2021-06-10T15:59:19.559Z"
    ),
    "syndication/kcd_textOnly.json": Expect(
        "When I do a big refactor to a data structure I like to start by changing the type "
        "definitions. Then I fix the red squiggles until they're gone.\n\nThe joy of things "
        "*just working* when I finally run the code will never get old.",
        0,
        "live",
        "2021-07-09T02:36:21.179Z",
    ),
    # Three photos, one shared t.co link.
    "syndication/kcd_threePhotos.json": Expect(
        "This tweet has three images...\n\nI'm testing something and couldn't easily find a "
        "tweet with three photos, so here you go.",
        3,
        "live",
        "2021-07-29T12:42:10.646Z",
    ),
    "syndication/kcd_twoPhotos.json": Expect(
        "Took a different approach that allowed me to add data attributes to the lines nodes "
        "specifically.\n\nWorks great!",
        2,
        "live",
        "2021-07-01T21:18:08.629Z",
    ),
    "syndication/kcd_video.json": Expect(
        "Improved my ray tracer's perf!\n1600x900 pixels * 10 rays per pixel * 6 bounces per "
        "ray * 24 spheres collision checks per bounce = 2 BILLION collision checks, at 60fps! "
        "Go go GPU =D\n\nhttps://t.co/m6fbsqeGXR",
        1,
        "live",
        "2021-07-29T08:55:55.077Z",
    ),
    # An X Article: title and preview text; the cover image is its one media item.
    "syndication/metascraper_article.json": Expect(
        "My Instagram was dead for a year. One weekend changed that. 100K views, 500+ "
        "followers, 300+ users\n\nMy Instagram had 23K followers and was completely dead.\n800 "
        "views per reel. Zero reach. The algorithm had forgotten me.\nHere's the real context: "
        "I built that account as a travel and lifestyle creator.",
        1,
        "live",
        "2026-06-11T09:04:37.614Z",
    ),
    # The media link lies inside the range [0, 37]; X does not show it.
    "syndication/metascraper_tweet-photo.json": Expect(
        "Four more years.", 1, "live", "2012-11-07T04:16:17.756Z"
    ),
    # Post 20 predates snowflake IDs: the provider's time.
    "syndication/metascraper_tweet-text.json": Expect(
        "just setting up my twttr", 0, "live", "2006-03-21T20:50:14.000Z"
    ),
    "syndication/mysocialscribe_space.json": Expect(
        "Set a reminder for my upcoming Space! \n\n“🔥 React Face-Off: Best or Worst Frontend "
        "Framework? 🚀 vs 💣”\n\n@logaretm\n@Med7atDawoud \n\nhttps://t.co/6gI27J44AE",
        0,
        "live",
        "2024-11-28T22:49:31.490Z",
    ),
    "syndication/otegql_tomb_0.json": Expect(None, 0, "protected", None),  # limits who can view
    "syndication/otegql_tomb_1.json": Expect(None, 0, "suspended", None),
    "syndication/otegql_tomb_2.json": Expect(None, 0, "unavailable", None),  # "is unavailable"
    "syndication/otegql_tomb_3.json": Expect(None, 0, "deleted", None),
    "syndication/otegql_tomb_4.json": Expect(None, 0, "suspended", None),
    "syndication/otegql_tomb_5.json": Expect(None, 0, "deleted", None),  # no longer exists
    "syndication/reported_bare_tombstone.json": Expect(None, 0, "unavailable", None),
    "syndication/reported_empty_tombstone.json": Expect(None, 0, "unavailable", None),
    "syndication/reveddit_wyden.json": Expect(
        "Senator @RonWyden is doing an AMA on r/technology on Monday. I hope someone asks if "
        "he supports Reddit's shadow bans:\n\n\"Reddit lets moderators shadow remove users' "
        "comments. Do you support this practice?\"\n\nhttps://t.co/JLoLiR5BcW…\n\nI'll be "
        "asleep at the time of the AMA. 1/2 🧵",
        0,
        "live",
        "2023-09-17T15:52:15.446Z",
    ),
    "syndication/tweetrsc_0.json": Expect(
        "If you are interested about View Flattening in React Native, I wrote a short post "
        "about it: https://t.co/4G6RAMfrHy\n\nLet me know what you think!",
        1,
        "live",
        "2023-03-29T14:34:41.562Z",
    ),
    "syndication/tweetrsc_1.json": Expect(
        "#ReactNative's new architecture renderer brings view flattening, previously an "
        "Android-only optimization, to iOS. View flattening reduces the depth of view "
        "hierarchies, lowers memory usage, and speeds up drawing times—all without extra "
        "setup!",
        0,
        "live",
        "2023-03-31T20:07:39.375Z",
    ),
    "syndication/tweetrsc_2.json": Expect(
        "📰 I recently joined @reactjs! My inaugural project was porting @sophiebits's Tic Tac "
        "Toe tutorial to the new React docs. What would you like to see in the next, in the "
        "React tutorial? https://t.co/fI2B6TT8rL",
        0,
        "live",
        "2023-02-24T23:29:26.655Z",
    ),
    # The source has a no-break space in "May 27".
    "oembed/ampwp_0.json": Expect(
        "Celebrate the WordPress 15th Anniversary on May\xa027 https://t.co/jv62WkI9lr",
        1,
        "live",
        "2018-04-20T21:08:00.479Z",
    ),
    "oembed/ampwp_1.json": Expect(
        "On our way to the #GoogleDance! #SMX 💃🏻", 1, "live", "2016-03-03T02:35:18.198Z"
    ),
    "oembed/hugo_0.json": Expect(
        "Hugo 0.15 will have 30%+ faster render times thanks to this commit "
        "https://t.co/FfzhM8bNhT  #gohugo #golang https://t.co/ITbMNU2BUf",
        0,
        "live",
        "2015-11-17T13:58:42.087Z",
    ),
    "oembed/hugo_1.json": Expect(
        "Owl bet you'll lose this staring contest 🦉", 1, "live", "2021-10-26T21:23:42.504Z"
    ),
    "oembed/hugo_old_0.json": Expect(
        "Hugo 0.15 will have 30%+ faster render times thanks to this commit "
        "https://t.co/FfzhM8bNhT  #gohugo #golang https://t.co/ITbMNU2BUf",
        0,
        "live",
        "2015-11-17T13:58:42.087Z",
    ),
    # 2012 markup shows "soundcloud.com/nerouk/nero-es…" for the link: stored as its t.co.
    "oembed/mdxtwitter_0.json": Expect(
        "Need to plug in for a couple of hours? Here's the mix: 'NERO - Essential Mix (First "
        "broadcast Nov 2010)' - http://t.co/9MwHZCya",
        0,
        "live",
        "2012-08-27T21:02:40.690Z",
    ),
    "oembed/mdxtwitter_1.json": Expect(
        "Need to plug in for a couple of hours? Here's the mix: 'NERO - Essential Mix (First "
        "broadcast Nov 2010)' - http://t.co/9MwHZCya",
        0,
        "live",
        "2012-08-27T21:02:40.690Z",
    ),
    "oembed/metalink_1.json": Expect(
        'The question is not "when does this effect run" the question is "with which state '
        'does this effect synchronize with"\n\nuseEffect(fn) // all state\nuseEffect(fn, []) '
        "// no state\nuseEffect(fn, [these, states])",
        0,
        "live",
        "2019-05-05T14:14:21.098Z",
    ),
    "oembed/rubyoembed_c039183_0.body": Expect(
        "Our 2016 fundraising campaign is now open!! Let’s make another amazing summer "
        "happen!✨💜💪💚✨👉 https://t.co/R8Jg36xaQx",
        1,
        "live",
        "2016-02-23T14:23:08.221Z",
    ),
    # Post 71633762 predates snowflake IDs: oEmbed only gives the day.
    "oembed/rubyoembed_c039183_1.body": Expect(
        "working on my Ruby Security book", 0, "live", "2007-05-20"
    ),
    "oembed/rubyoembed_c039183_4.body": Expect(
        None, 0, "unavailable", None, "HTTP 400: xml not implemented (code 356)"
    ),
    "oembed/rubyoembed_d790cce_6.body": Expect(
        "Our 2016 fundraising campaign is now open!! Let’s make another amazing summer "
        "happen!✨💜💪💚✨👉 https://t.co/R8Jg36xaQx",
        1,
        "live",
        "2016-02-23T14:23:08.221Z",
    ),
    "oembed/rubyoembed_f6b5a01_0.body": Expect(
        "Our 2016 fundraising campaign is now open!! Let’s make another amazing summer "
        "happen!✨💜💪💚✨👉 https://t.co/R8Jg36xaQx",
        1,
        "live",
        "2016-02-23T14:23:08.221Z",
    ),
    "oembed/rubyoembed_f6b5a01_1.body": Expect(
        "working on my Ruby Security book", 0, "live", "2007-05-20"
    ),
    "oembed/rubyoembed_f6b5a01_2.body": Expect(
        None,
        0,
        "unavailable",
        None,
        "HTTP 410: The Twitter REST API v1 is no longer active. Please migrate to API v1.1. "
        "https://dev.twitter.com/docs/api/1.1/overview. (code 64)",
    ),
    "oembed/rubyoembed_f6b5a01_6.body": Expect(
        None, 0, "unavailable", None, "HTTP 400: xml not implemented"
    ),
    "oembed/socialcomp_0.json": Expect(
        "Sunsets don't get much better than this one over @GrandTetonNPS. #nature #sunset",
        1,
        "live",
        "2014-05-05T22:09:42.079Z",
    ),
    # No space before the link in the source: none in the text.
    "oembed/wpbc_0.json": Expect(
        "We’re a full-service digital agency with the foresight, perspective, and grit to power "
        "your brightest ideas and build solutions for your most evasive problems. Learn more "
        "about our services here:https://t.co/8zZ5zP1Oyc",
        0,
        "live",
        "2023-07-12T18:03:59.670Z",
    ),
    "oembed/wpbc_hot97_0.json": Expect(
        "More proof that #Beyoncé and #MariahCarey continue to endure, no matter the era! 🔥 📈",
        1,
        "live",
        "2024-02-27T19:00:16.564Z",
    ),
}
