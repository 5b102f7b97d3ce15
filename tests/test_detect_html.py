"""Embed detection in HTML pages: every markup form, its details, and the traps.

Each fixture in tests/fixtures/html/ is a small hand-written page (invented names and IDs).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import time
from pathlib import Path

import pytest
from pages import sole_embed

from archiver.detect import find_posts

HTML = Path(__file__).parent / "fixtures" / "html"

# fixture → embeds in document order: (method, status_id, handle, author, date, text)
EMBEDS: dict[str, list[tuple]] = {
    "bq_2013_statuses.html": [
        (
            "blockquote",
            "412599012686084525",
            "veranovak",
            "Vera Novakova",
            "2013-12-16",
            "Ferry to Brnik delayed again, third time this week. Bring snacks & patience.",
        )
    ],
    "bq_2016_datalang.html": [
        (
            "blockquote",
            "740922418922301907",
            "pierlights",
            "Pier Lights Collective",
            "2016-06-09",
            "Lanterns are up on the east pier. Come early, it's already packed! #HarbourFest",
        )
    ],
    "bq_2019_refsrc.html": [
        (
            "blockquote",
            "1106209387443758979",
            "ramonlund",
            "Ramon Estevez-Lund",
            "2019-03-14",
            "The Kettle Bridge is closed until Monday. Thanks @CityWorksDept for the quick"
            " response #traffic\n\nDetours: https://t.co/Ab12Cd34Ef",
        )
    ],
    "bq_2024_media.html": [
        (
            "blockquote",
            "1786049023310382281",
            "tarrowwx",
            "Tarrow Weather Watch",
            "2024-05-02",
            "Hail the size of walnuts in Tarrow this afternoon",
        ),
        (
            "blockquote",
            "1834246609433769537",
            "tarrowwx",
            "Tarrow Weather Watch",
            "2024-09-12",
            None,
        ),
    ],
    "bq_xcom.html": [
        (
            "blockquote",
            "2013628602905830091",
            "minaokafor",
            "Mina Okafor",
            "2026-01-20",
            "Council approved the new cycle lanes 7–2 tonight.",
        )
    ],
    "video_old.html": [
        (
            "blockquote",
            "880079359308928799",
            "northsidefc",
            "Northside FC",
            "2017-06-28",
            "What a strike from 30 yards!",
        )
    ],
    "video_new.html": [("blockquote", "1975577877019345113", "gliderapp", None, None, None)],
    "ghost_minimal.html": [("blockquote", "1456638453480573924", "roadnotes", None, None, None)],
    "bq_rendered_class.html": [
        (
            "blockquote",
            "1681681318016321082",
            "quaysidemkt",
            "Quayside Market",
            "2023-07-19",
            "Fish prices down 12% at the morning auction.",
        )
    ],
    "noscript.html": [
        (
            "blockquote",
            "1252976473012660082",
            "electoffice",
            "Electoral Office",
            "2020-04-22",
            "Polling stations close at 10pm. Queue if you are in line!",
        )
    ],
    "template.html": [
        (
            "blockquote",
            "1047502553218370662",
            "valleybuses",
            "Valley Buses",
            "2018-10-03",
            "New timetable starts Sunday.",
        )
    ],
    "script_text_plain.html": [
        (
            "blockquote",
            "1174700694041683540",
            "elmresidents",
            "Elm Street Residents",
            "2019-09-19",
            "Road resurfacing on Elm Street this weekend.",
        )
    ],
    "lazy_content.html": [
        (
            "blockquote",
            "1633483731893254611",
            "townlibrary",
            "Town Library",
            "2023-03-08",
            "Library hours extended during exams.",
        )
    ],
    "bq_data_tweetid.html": [
        (
            "blockquote",
            "1496863506560826781",
            None,
            None,
            None,
            "Shelter open on Ridge Road tonight.",
        )
    ],
    "reader_blockquote.html": [
        (
            "blockquote",
            "1564630037430570946",
            "priyaraman",
            "Priya Raman",
            "2022-08-30",
            "Three weeks without hot water and nobody answers the phone.",
        )
    ],
    "rendered_x_post.html": [("iframe", "1889329565007456489", None, None, None, None)],
    "rendered_twitter_tweet.html": [("iframe", "1376913123048080213", None, None, None, None)],
    "embed_index.html": [("iframe", "1252976473012660082", None, None, None, None)],
    "iframe_data_tweet_id.html": [("iframe", "1939701478326941847", None, None, None, None)],
    "iframe_lazy.html": [("iframe", "1863237638681886760", None, None, None, None)],
    "twitterwidget.html": [("iframe", "1047502553218370662", None, None, None, None)],
    # Publish markup in a div.twitter-tweet (TipTap and other editors without blockquotes).
    "div_publish.html": [
        (
            "blockquote",
            "1412599012686084525",
            "veranovak",
            "Vera Novakova",
            "2021-07-07",
            "Ferry to Brnik delayed again. #ferry",
        )
    ],
    # tarteaucitron's Twitter service (a consent manager of French sites); the share button
    # beside it is none.
    "tarteaucitron.html": [("placeholder", "1336270558577745921", None, None, None, None)],
    # The frame widgets.js rendered in 2012-2016, saved inline (its microformats read), and
    # the same markup alone as forum software writes it.
    "rendered_2012_inline.html": [
        (
            "iframe",
            "275673554408837120",
            "gabromanato",
            "Gabriele Romanato",
            "2012-12-03",
            "Ferries resume at noon. example.org/x",
        ),
        ("card", "412599012686084525", "lablight", "Lab Light", "2013-12-16", "Night shift done."),
    ],
    # The rendered frame served from platform.x.com (no data-tweet-id: the address alone).
    "rendered_x_host.html": [("iframe", "1786049023310382281", None, None, None, None)],
    # An article body also sent as JSON for the page's script, which renders the embeds the
    # server left out: the one only in the JSON, its paragraphs shown by the page, counts
    # (after the page's own); the JSON's copy of the markup embed does not, nor the embed in
    # a related article's body, whose text the page does not show.
    "json_state_body.html": [
        (
            "blockquote",
            "1765001000000000002",
            "tarrowferries",
            "Tarrow Ferries",
            "2024-03-06",
            "Deal agreed. Thursday's sailings will run as normal.",
        ),
        (
            "blockquote",
            "1765001000000000001",
            "ferrycrews",
            "Ferry Crews Union",
            "2024-03-06",
            "We have reached an agreement with the operator. Full statement to members tonight.",
        ),
    ],
    # The frame at platform.x.com/embed/Post.html, inside a WordPress embed figure (the share
    # link and the profile link in the footer are none).
    "rendered_x_post_frame.html": [("iframe", "1975521146003845120", None, None, None, None)],
    # Facebook Instant Articles keep the embed code as the content of an <iframe>.
    "instant_articles.html": [
        (
            "blockquote",
            "740922418922301907",
            "pierlights",
            "Pier Lights Collective",
            "2016-06-09",
            "Lanterns are up on the east pier.",
        )
    ],
    # heise's Embetty element (the one in the sidebar is the site's, not the article's).
    "embetty.html": [("placeholder", "1166685910030790662", None, None, None, None)],
    # Static cards of site generators' plugins: astro-embed, eleventy-plugin-embed-tweet.
    "static_cards.html": [
        (
            "card",
            "1496863506560826781",
            "lablight",
            "Lab Light",
            None,
            "Night shift done.\nCoffee for the @nightcrew example.org/run",
        ),
        (
            "card",
            "1786049023310382281",
            "tarrowwx",
            "Tarrow Weather Watch",
            "2024-05-02",
            "Fog lifting by noon.",
        ),
    ],
    "video_iframe.html": [("iframe", "880079359308928799", None, None, None, None)],
    "amp.html": [
        (
            "amp",
            "1106209387443758979",
            "ramonlund",
            "Ramon Estevez-Lund",
            "2019-03-14",
            "The Kettle Bridge is closed until Monday.",
        )
    ],
    "wp_stored.html": [("wordpress", "1496863506560826781", "lablight", None, None, None)],
    "wp_rendered.html": [
        (
            "wordpress",
            "1496863506560826781",
            "lablight",
            "Lab Light",
            "2022-02-24",
            "Sequencing run finished overnight. Data release next week.",
        )
    ],
    "wp_jetpack_sig_p.html": [
        (
            "wordpress",
            "1456638453480573924",
            "deckhandradio",
            "Deckhand Radio",
            "2021-11-05",
            "Happy new year from the whole crew!",
        )
    ],
    "wp_failed_xcom.html": [
        ("wordpress", "1939701478326941847", "portauthority", None, None, None)
    ],
    "drupal_oembed.html": [("iframe", "1174700694041683540", "devdaysorg", None, None, None)],
    "ckeditor_oembed.html": [
        ("placeholder", "1633483731893254611", "editorsdesk", None, None, None),
        ("placeholder", "1681681318016321082", "editorsdesk", None, None, None),
    ],
    "guardian_nojs.html": [
        (
            "blockquote",
            "1252976473012660082",
            "tomfairley",
            "Tom Fairley 🎙",
            "2020-04-22",
            "Huge crowd outside parliament now",
        )
    ],
    "substack_data_attrs.html": [
        (
            "card",
            "1889329565007456489",
            "loomfield",
            "Ada Loomfield",
            "2025-02-11",
            "Newsletters are just blogs that arrive. & that is fine. https://t.co/Hh23Jj45Kk",
        )
    ],
    "substack_anchor.html": [("card", "1975577877019345113", "loomfield", None, None, None)],
    "medium_embedly.html": [
        (
            "iframe",
            "1863237638681886760",
            "quillandmoss",
            "Quill & Moss",
            None,
            "Write the draft badly first. Fix it later. https://t.co/Rt56Yu78Io",
        )
    ],
    "react_tweet.html": [
        (
            "card",
            "1975577877019345113",
            "shipyardhq",
            "Shipyard",
            "2025-10-07",
            "Version 4 is out today. Faster builds, smaller images.",
        )
    ],
    "js_placeholder.html": [
        ("placeholder", "1564630037430570946", None, None, None, None),
        ("placeholder", "1681681318016321082", "skyline_ops", None, None, None),
    ],
    "consent_container.html": [
        ("placeholder", "1106209387443758979", "mayorsoffice", None, None, None)
    ],
    "bq_plus_iframe.html": [
        (
            "blockquote",
            "1633483731893254611",
            "lumentheatre",
            "Lumen Theatre",
            "2023-03-08",
            "Opening night sold out in four minutes.",
        )
    ],
    "same_post_twice.html": [
        (
            "blockquote",
            "1863237638681886760",
            "milllanebakery",
            "Mill Lane Bakery",
            "2024-12-01",
            "We are closed today due to the flooding.",
        )
    ]
    * 2,
    "quote_post.html": [
        (
            "blockquote",
            "1681681318016321082",
            "oskarlq",
            "Oskar Lindqvist",
            "2023-07-19",
            "This is the thread everyone should read before Friday"
            " https://twitter.com/fieldnotes_j/status/1564630037430570946",
        )
    ],
    "display_names.html": [
        (
            "blockquote",
            "1456638453480573924",
            "sakura_walks",
            "さくら (;ﾞ＞'ω＜'):",
            "2021-11-05",
            "今日は晴れ。散歩に行きます。",
        ),
        (
            "blockquote",
            "1376913123048080213",
            "coachmarsh",
            "Dale (Coach) Marsh ⚽️",
            "2021-03-30",
            "Kickoff moved to 3pm.",
        ),
        (
            "blockquote",
            "1174700694041683540",
            "breaking_fan",
            "News: Breaking (@x) fan",
            "2019-09-19",
            "Re: the (@mention) in my bio — it was a joke.",
        ),
    ],
    "rtl.html": [
        (
            "blockquote",
            "1047502553218370662",
            "city_library_ar",
            "مكتبة المدينة",
            "2018-10-03",
            "افتتاح المكتبة الجديدة غداً في الساعة العاشرة",
        ),
        (
            "blockquote",
            "1496863506560826781",
            "valley_rail",
            "רכבת העמק",
            "2022-02-24",
            "הרכבת תחזור לפעול מחר בבוקר",
        ),
    ],
    "mixed_text_and_markup.html": [
        (
            "text",
            None,
            None,
            "Mina Okafor",
            None,
            "Council will vote on the harbour plan next Tuesday, not tonight.",
        ),
        (
            "blockquote",
            "740922418922301907",
            "pierlights",
            "Pier Lights Collective",
            "2016-06-09",
            "Lanterns are up on the east pier.",
        ),
        (
            "text",
            None,
            "quaysidemkt",
            "Quayside Market",
            "2023-07-19",
            "Fish prices down 12% at the morning auction.",
        ),
    ],
    "charset_latin2_meta.html": [
        (
            "blockquote",
            "1564630037430570946",
            "jiri_dvorak",
            "Jiří Dvořák",
            "2022-08-30",
            "Příliš žluťoučký kůň úpěl ďábelské ódy. Oprava mostu začne v úterý.",
        )
    ],
    # WordPress draws smileys and emoji as images (``wp-smiley``, wp-emoji's ``emoji``):
    # their ``alt`` is the text; other images are not.
    "bq_emoji_images.html": [
        (
            "blockquote",
            "1786049023310382281",
            "tarrowsail",
            "Tarrow Sailing Club ⛵",
            "2024-05-02",
            "We won the regatta 🎉 thank you all 🙂",
        )
    ],
    "charset_utf8_bom.html": [
        (
            "blockquote",
            "1786049023310382281",
            "begona_nunez",
            "Begoña Núñez",
            "2024-05-02",
            "¡Mañana habrá corte de agua en Peñalver y Güímar!",
        )
    ],
}
CAFE = (
    "blockquote",
    "1939701478326941847",
    "cafe_mirabelle",
    "Café Mirabelle",
    "2025-06-30",
    "“Fermé pour travaux” – réouverture prévue à Noël. Café à 2 € pour fêter ça !",
)
EMBEDS["wp_shortcodes.html"] = [
    ("wordpress", "1798011223344556677", "gullpointrnli", None, None, None),
    ("wordpress", "1798022334455667788", None, None, None, None),
]
EMBEDS["script_create_tweet.html"] = [
    ("placeholder", "1801234567890123456", None, None, None, None),
]
EMBEDS["iframely_stub.html"] = [
    ("placeholder", "1805550001112223334", "kiosk_kay", None, None, None),
    ("placeholder", "1805550001112223399", "queue_watch", None, None, None),
]
EMBEDS["consent_social_embed.html"] = [
    ("placeholder", "1811223344556677889", "harbourcouncil", None, None, None),
]
# Forem's (DEV's) liquid tweet card: the post in its ``data-url``, the date a part of its own;
# the quoted post inside it is no part of its text.
EMBEDS["forem_liquid_tweet.html"] = [
    (
        "card",
        "1712345678901234567",
        "quaybuilds",
        "Quay Builds",
        "2023-10-09",
        "CI on ARM runners: 41% cheaper, 12% faster. We are not going back.",
    ),
]
# react-static-tweets (Notion-made sites): the quoted post's card nested inside gives
# neither the date nor the text.
EMBEDS["static_tweet_react.html"] = [
    (
        "card",
        "1654321098765432101",
        "roofgreens",
        "Roof Greens",
        "2023-05-05",
        "Six kilos of tomatoes from one roof this week. Quoting the skeptic below:",
    ),
]
# Discourse's onebox, as written since 2021 and before (no screen name, no data-onebox-src).
EMBEDS["discourse_onebox.html"] = [
    (
        "card",
        "1767890123456789012",
        "ferrylines",
        "Ferry Lines",
        "2024-03-11",
        "From 1 April the 07:10 sailing leaves at 06:55. Winter fares stay until May.",
    ),
    (
        "card",
        "1100200300400500607",
        "ferrylines",
        "Ferry Lines",
        "2019-02-26",
        "Storm warning: all sailings cancelled this afternoon.",
    ),
]
# Ghost's card of a post in a newsletter: its links name Ghost's placeholder handle
# (``twitter.com/twitter/status/ID``), the author's is under the name; a card without its
# author's part names none.
EMBEDS["ghost_newsletter_card.html"] = [
    (
        "card",
        "1771122334455667788",
        "coastwatchn",
        "Coast Watch North",
        "2024-03-22",
        "Two rescues before noon. Please check the tide tables before you walk out to #GullRock.",
    ),
    ("card", "1771199887766554433", None, None, "2024-03-22", "Thank you all. We got home dry."),
]
# Zenn's frame keeps the post's address percent-encoded in ``data-content``: its handle too.
EMBEDS["zenn_embedded_tweet.html"] = [
    ("placeholder", "1712345678901234567", "quaybuilds", None, None, None),
    ("placeholder", "1712000000000000009", "dockmetrics", None, None, None),
]
# The page a post's video was shared to Facebook as, ``i/videos/ID``, framed as it is.
EMBEDS["video_player_frame.html"] = [
    ("iframe", "1775544332211009988", None, None, None, None),
    ("iframe", "1775544332211009977", None, None, None, None),
]
# An aside set between the article's paragraphs is a part of it (spox.com's ``aside.artCmp``
# holding a post): a placeholder and every kind of card there is the article's embed.
EMBEDS["pullout_card_kinds.html"] = [
    ("placeholder", "1790000000000000031", None, None, None, None),
    (
        "card",
        "1790000000000000032",
        "coastwatchn",
        "Coast Watch North",
        "2024-02-09",
        "Breakwater closed until the wind drops.",
    ),
    (
        "card",
        "1790000000000000033",
        "ferrylines",
        "Ferry Lines",
        "2024-02-09",
        "All sailings cancelled today.",
    ),
    (
        "card",
        "1790000000000000034",
        "portauthority",
        "Port Authority",
        None,
        "Storm update: the harbour stays closed over the weekend.",
    ),
]
TRAPS = sorted(p.name for p in HTML.glob("trap_*.html"))
EMBED_PAGES = sorted(EMBEDS)


def detect(name: str, **kwargs):
    return find_posts((HTML / name).read_bytes(), **kwargs)


def summary(embed) -> tuple:
    return (embed.method, embed.status_id, embed.handle, embed.author, embed.date, embed.text)


def test_every_fixture_has_expectations():
    names = {p.name for p in HTML.glob("*.html")}
    assert names == set(EMBEDS) | set(TRAPS) | {
        "charset_cp1252_header.html",
        "charset_cp1252_undeclared.html",
    }


@pytest.mark.parametrize("name", EMBED_PAGES)
def test_embeds(name):
    embeds = detect(name).embeds
    assert [summary(e) for e in embeds] == EMBEDS[name]
    assert [e.position for e in embeds] == list(range(len(embeds)))


@pytest.mark.parametrize("name", EMBED_PAGES)
def test_embed_identity(name):
    for embed in detect(name).embeds:
        if embed.status_id:
            assert embed.post_id == embed.status_id
            assert embed.url == f"https://x.com/{embed.handle or 'i'}/status/{embed.status_id}"
        else:
            assert re.fullmatch(r"text:[0-9a-f]{16}", embed.post_id or "")
            assert embed.url is None
        assert embed.raw


@pytest.mark.parametrize("name", EMBED_PAGES)
def test_links_do_not_change_embeds(name):
    """include_links adds ``link`` sightings only; links inside an embed are not reported."""
    embeds = [e for e in detect(name, include_links=True).embeds if e.method != "link"]
    assert [summary(e) for e in embeds] == EMBEDS[name]


@pytest.mark.parametrize("name", TRAPS)
def test_traps_have_no_embeds(name):
    assert detect(name).embeds == []


def test_prose_links_are_links_only_when_asked():
    embeds = detect("trap_prose_links.html", include_links=True).embeds
    assert [(e.method, e.status_id, e.handle) for e in embeds] == [
        ("link", "1786049023310382281", "ministerlee"),
        ("link", "1834246609433769537", "ministerlee"),
    ]
    assert [e.position for e in embeds] == [0, 1]


@pytest.mark.parametrize(
    ("name", "links"),
    [
        ("trap_share_buttons.html", 0),
        ("trap_timeline.html", 0),
        ("trap_rendered_buttons.html", 0),
        ("trap_sidebar_widget.html", 3),
        ("trap_json_script.html", 0),
    ],
)
def test_trap_links(name, links):
    embeds = detect(name, include_links=True).embeds
    assert {e.method for e in embeds} <= {"link"}
    assert len(embeds) == links


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("bq_2019_refsrc.html", [("pic.twitter.com/Gh56Ij78Kl",)]),
        (
            "bq_2024_media.html",
            [("pic.twitter.com/Qw12Er34Ty",), ("pic.twitter.com/Zx98Cv76Bn",)],
        ),
        ("video_old.html", [("pic.twitter.com/Lp09Ok87Ij",)]),
        ("guardian_nojs.html", [("pic.twitter.com/Mn45Bv67Cx",)]),
        ("bq_2016_datalang.html", [()]),
    ],
)
def test_trailing_media_links_go_to_media(name, media):
    assert [e.media for e in detect(name).embeds] == media


def test_same_post_twice_is_two_embeds_one_post():
    embeds = detect("same_post_twice.html").embeds
    assert len(embeds) == 2
    assert len({e.post_id for e in embeds}) == 1


def test_blockquote_and_its_iframe_are_one_embed():
    (embed,) = detect("bq_plus_iframe.html").embeds
    assert "<blockquote" in embed.raw


RENDERED = (
    '<div class="twitter-tweet twitter-tweet-rendered"><iframe title="X Post" '
    'src="https://platform.twitter.com/embed/Tweet.html?id=1633483731893254611" '
    'data-tweet-id="1633483731893254611"></iframe></div>'
)
AMP = '<amp-twitter width="375" height="472" data-tweetid="1633483731893254611"></amp-twitter>'
FIGURE = (
    '<figure class="wp-block-embed is-provider-twitter wp-block-embed-twitter">'
    '<div class="wp-block-embed__wrapper">\nhttps://twitter.com/lumentheatre/status/'
    "1633483731893254611\n</div></figure>"
)


@pytest.mark.parametrize(
    "first",
    [RENDERED, AMP, FIGURE, (HTML / "bq_plus_iframe.html").read_text().split("\n")[3]],
    ids=["iframe", "amp", "wordpress", "blockquote"],
)
def test_same_post_embedded_again_further_down_is_two_embeds(first: str) -> None:
    """Prose between two embeds of one post: the article embedded it twice, whatever their
    forms (only a blockquote side by side with its rendered iframe is one embed)."""
    page = f"<article><p>Intro.</p>{first}<p>As the theatre said again later:</p>{RENDERED}"
    embeds = find_posts(page + "<p>Outro.</p></article>").embeds
    assert [e.status_id for e in embeds] == ["1633483731893254611"] * 2


def test_rendered_iframe_beside_its_noscript_blockquote_is_one_embed() -> None:
    blockquote = (HTML / "bq_plus_iframe.html").read_text().split("\n")[3]
    page = f"<article><p>Intro.</p><div>{RENDERED}</div>\n<!-- x -->\n"
    (embed,) = find_posts(f"{page}<noscript>{blockquote}</noscript></article>").embeds
    assert embed.text == "Opening night sold out in four minutes."


def test_amp_placeholder_counted_once():
    (embed,) = detect("amp.html").embeds
    assert embed.raw.startswith("<amp-twitter")


def test_quote_post_uses_signature_link():
    (embed,) = detect("quote_post.html").embeds
    assert embed.status_id == "1681681318016321082"
    assert embed.url == "https://x.com/oskarlq/status/1681681318016321082"


def test_display_name_with_a_hyphen_is_kept_whole():
    page = (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Bridge open again.</p>'
        "&mdash; Harbour News - Live (@harbournews) "
        '<a href="https://twitter.com/harbournews/status/1212816983592488961">January 2, 2020</a>'
        "</blockquote>"
    )
    (embed,) = find_posts(page).embeds
    assert (embed.author, embed.handle) == ("Harbour News - Live", "harbournews")
    assert embed.text == "Bridge open again."


@pytest.mark.parametrize("signature_in_p", [False, True])
def test_post_paragraphs_split_into_one_p_each_are_all_kept(signature_in_p: bool) -> None:
    """WordPress turns a post's blank lines into ``<p>`` after ``<p>``: all of them are the
    post's text, up to the signature (in a ``<p>`` of its own or not)."""
    signature = (
        "&mdash; Harbour Desk (@harbourdesk) "
        '<a href="https://twitter.com/harbourdesk/status/1901955510931214337">March 18, 2025</a>'
    )
    page = (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Bridge closed tonight.</p>\n'
        "<p>Use the ring road.</p>\n<p>Updates here. "
        '<a href="https://t.co/Qw12Er34Ty">pic.twitter.com/Qw12Er34Ty</a></p>\n'
        f"{f'<p>{signature}</p>' if signature_in_p else signature}</blockquote>"
    )
    (embed,) = find_posts(page).embeds
    assert embed.text == "Bridge closed tonight.\n\nUse the ring road.\n\nUpdates here."
    assert (embed.handle, embed.media) == ("harbourdesk", ("pic.twitter.com/Qw12Er34Ty",))


def test_a_paragraph_after_the_signature_is_not_post_text() -> None:
    page = (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Bridge closed.</p>'
        "<p>Use the ring road.</p>&mdash; Harbour Desk (@harbourdesk) "
        '<a href="https://twitter.com/harbourdesk/status/1901955510931214337">March 18, 2025</a>'
        '<p class="note">View on X</p></blockquote>'
    )
    (embed,) = find_posts(page).embeds
    assert embed.text == "Bridge closed.\n\nUse the ring road."


def test_react_tweet_is_the_main_post_not_the_reply_or_quote():
    (embed,) = detect("react_tweet.html").embeds
    assert embed.status_id == "1975577877019345113"
    assert "When is v4" not in (embed.text or "")


def test_react_tweet_with_single_created_at_link():
    """The reply-to link comes first and each status appears once: the <time> link wins."""
    page = (HTML / "react_tweet.html").read_text(encoding="utf-8")
    page = page.replace("tweet-in-reply-to_root__o784R", "reply-line")  # class no longer says so
    (embed,) = find_posts(page).embeds
    assert embed.status_id == "1975577877019345113"


def test_raw_is_the_markup_unchanged():
    (embed,) = detect("bq_2019_refsrc.html").embeds
    assert embed.raw.startswith('<blockquote class="twitter-tweet" data-lang="en">')
    assert "ref_src=twsrc%5Etfw" in embed.raw
    assert embed.raw.endswith("</blockquote>")


def test_str_input_equals_bytes_input():
    data = (HTML / "display_names.html").read_bytes()
    assert find_posts(data).embeds == find_posts(data.decode("utf-8")).embeds


def test_page_info():
    page = detect("bq_2016_datalang.html").page
    assert page.title == "Harbour festival"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("charset_cp1252_header.html", "text/html; charset=windows-1252"),
        ("charset_cp1252_header.html", "text/html; charset=ISO-8859-1"),
        ("charset_cp1252_undeclared.html", None),
        ("charset_cp1252_undeclared.html", "text/html"),
    ],
)
def test_charsets_from_header_or_guess(name, content_type):
    detection = detect(name, content_type=content_type)
    assert [summary(e) for e in detection.embeds] == [CAFE]


def test_header_charset_beats_a_wrong_meta():
    page = (HTML / "charset_latin2_meta.html").read_bytes()
    text = page.decode("iso-8859-2").replace("iso-8859-2", "utf-8")
    data = text.encode("iso-8859-2")
    (embed,) = find_posts(data, content_type="text/html; charset=iso-8859-2").embeds
    assert embed.author == "Jiří Dvořák"


def test_latin2_meta_title():
    assert detect("charset_latin2_meta.html").page.title == "Zprávy z Brna"


@pytest.mark.parametrize("depth", [10, 300, 1500, 2100, 10_000])
def test_deeply_nested_pages_keep_their_embeds(depth):
    """libxml2 stops at 256 levels by default and 2048 with huge_tree."""
    page = (HTML / "same_post_twice.html").read_bytes()
    deep = b"<div>" * depth + page + b"</div>" * depth
    assert [summary(e) for e in find_posts(deep).embeds] == EMBEDS["same_post_twice.html"]


ICON = '<svg viewBox="0 0 9 9"><path d="M0 0h9"/><path d="M9 9h-9"/></svg>'


@pytest.mark.parametrize(
    "filler",
    [
        ICON * 8_000,  # share icons of a long live blog: 24,000 tags, nesting 2 levels
        "<p>Update" * 30_000,  # paragraphs left open: each closes the one before
        "<ul>" + "<li>item" * 30_000 + "</ul>",
        '<a href="/x">link' * 30_000,
    ],
)
def test_many_tags_that_do_not_nest_are_parsed_whole(filler):
    """The nesting guard counts the stack of open elements, not the tags: such a page used to
    be cut before its embed, as if 4,096 levels deep."""
    page = (HTML / "same_post_twice.html").read_text()
    deep = page.replace("<body>", "<body>" + filler, 1)
    assert [summary(e) for e in find_posts(deep).embeds] == EMBEDS["same_post_twice.html"]


def test_stray_end_tags_do_not_hide_deep_nesting_from_the_guard():
    """``</x>`` closes nothing: 160,000 ``<div></x>`` nest 160,000 levels (80,000 took 13
    CPU-s to parse whole, quadratic, before the guard matched end tags to open elements)."""
    page = (HTML / "same_post_twice.html").read_text()
    hostile = page.replace("<body>", "<body>" + "<div></x>" * 160_000, 1)
    started = time.process_time()
    find_posts(hostile)
    assert time.process_time() - started < 20  # about 0.2 s; it was over 50


def test_blocks_that_close_an_open_paragraph_still_count_towards_the_nesting_guard():
    """The HTML parser closes an open ``p`` at a ``<blockquote>`` (or ``<div>``, ``<ul>``…):
    the guard let a ``<p>`` close the ``blockquote`` above it instead, saw 3 levels where
    ``<blockquote><p>`` repeated 50,000 times nests 50,000, and parsing took 9 s (100,000:
    about 35). The guard now sees the depth, and the embed before it is still read."""
    from archiver.detect.dom import MAX_DEPTH, _too_deep_at

    page = (HTML / "same_post_twice.html").read_text()
    for opener in ("<blockquote class='twitter-tweet'><p>", "<div><p>x", "<section><p>"):
        hostile = page.replace("</body>", opener * 50_000, 1)
        cut = _too_deep_at(hostile)
        assert cut is not None, opener
        assert hostile[:cut].count(opener[:4]) > MAX_DEPTH // 3
        assert [summary(e) for e in find_posts(hostile).embeds] == EMBEDS["same_post_twice.html"]


def test_byte_ranges_of_many_embeds_cost_linear_time():
    """Each located element was ranked by a scan of its name's elements, and each search
    listed every tag again: 8,000 embeds took 8.7 CPU-s, 2,000 0.8 (16,000: about 35)."""
    posts = "".join(
        f'<blockquote class="twitter-tweet"><p>Post {n}</p>&mdash; Jane (@jane) '
        f'<a href="https://twitter.com/jane/status/{10**18 + n}">May 1, 2020</a></blockquote>\n'
        for n in range(16_000)
    )
    page = f"<html><body>{posts}</body></html>".encode()
    started = time.process_time()
    embeds = find_posts(page).embeds
    assert time.process_time() - started < 20  # about 2 s
    assert len(embeds) == 16_000 and all(e.raw_start is not None for e in embeds)


def test_unclosed_presentational_tags_keep_their_embeds():
    page = (HTML / "rtl.html").read_bytes().replace(b"<article>", b"<font size=2><b>" * 1500)
    assert [summary(e) for e in find_posts(page).embeds] == EMBEDS["rtl.html"]


@pytest.mark.parametrize(
    "block",
    [
        "<p>https://x.com/portauthority/status/1939701478326941847?s=20</p>",
        '<p><a href="https://x.com/portauthority/status/1939701478326941847/photo/1">'
        "https://x.com/portauthority/status/1939701478326941847/photo/1</a></p>",
        "<div>\n  https://twitter.com/portauthority/status/1939701478326941847  \n</div>",
    ],
)
def test_block_holding_only_a_status_url_is_an_embed(block):
    page = f"<html><body><p>Intro.</p>{block}<p>Outro.</p></body></html>"
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.status_id, embed.handle) == (
        "placeholder",
        "1939701478326941847",
        "portauthority",
    )


def test_status_url_with_words_around_it_is_a_link():
    page = (
        "<html><body><p>See https://x.com/portauthority/status/1939701478326941847 for the"
        " schedule.</p></body></html>"
    )
    assert find_posts(page).embeds == []


def test_line_breaks_in_the_markup_are_spaces():
    """A CMS that wraps long lines splits the signature: on screen it is still one line."""
    page = (
        '<html><body><blockquote class="twitter-tweet"><p lang="en" dir="ltr">Ferry\nrunning'
        " late</p>&mdash; Vera\nNovakova\n(@veranovak)\n<a\n"
        'href="https://twitter.com/veranovak/status/412599012686084525">December\n16, 2013</a>'
        "\n</blockquote></body></html>"
    )
    (embed,) = find_posts(page).embeds
    assert summary(embed) == (
        "blockquote",
        "412599012686084525",
        "veranovak",
        "Vera Novakova",
        "2013-12-16",
        "Ferry running late",
    )


def test_positions_with_several_text_forms_before_a_markup_embed():
    page = (
        '<html><body><p>Ada on X: "One." / X</p><p>Bo on X: "Two." / X</p>'
        '<blockquote class="twitter-tweet"><p>Three</p>&mdash; Cy (@cy) '
        '<a href="https://x.com/cy/status/20">May 2, 2024</a></blockquote></body></html>'
    )
    embeds = find_posts(page).embeds
    assert [(e.position, e.method, e.author) for e in embeds] == [
        (0, "text", "Ada"),
        (1, "text", "Bo"),
        (2, "blockquote", "Cy"),
    ]


def test_share_link_naming_a_post_is_not_a_sighting():
    page = (
        b'<html><body><p><a class="twitter-share-button" href="https://twitter.com/intent/tweet'
        b'?url=https%3A%2F%2Ftwitter.com%2Fjack%2Fstatus%2F20">Share</a></p></body></html>'
    )
    assert find_posts(page, include_links=True).embeds == []


@pytest.mark.parametrize(
    "control",
    [
        '<amp-social-share type="twitter" data-param-url="https://x.com/jack/status/20">'
        "</amp-social-share>",
        '<div class="share-tweet" data-tweet-id="20"></div>',
        '<span class="follow-author" data-url="https://x.com/jack/status/20"></span>',
        '<button class="shareBtn" data-tweet-id="20"></button>',
    ],
)
def test_share_and_follow_controls_naming_a_post_are_not_embeds(control):
    """What a share or follow control names is shared or followed, not shown on the page."""
    page = f"<html><body><article><p>Intro.</p>{control}<p>After.</p></article></body></html>"
    assert find_posts(page.encode()).embeds == []


@pytest.mark.parametrize("cls", ["shareable-embed", "followers-pick", "intentional"])
def test_a_placeholder_whose_class_only_holds_share_or_follow_is_an_embed(cls):
    """Share and follow controls are told by a word of their class, not by its letters."""
    page = (
        f'<html><body><article><p>Intro.</p><div class="{cls}" data-tweet-id="20"></div>'
        "<p>After.</p></article></body></html>"
    )
    assert [embed.status_id for embed in find_posts(page.encode()).embeds] == ["20"]


@pytest.mark.parametrize(
    "markup",
    [
        '<blockquote class="twitter-tweet"><p>just setting up my twttr</p>&mdash; jack (@jack) '
        '<a href="https://twitter.com/jack/status/00020">March 21, 2006</a></blockquote>',
        '<iframe data-tweet-id="020" src="about:blank"></iframe>',
        '<iframe src="https://platform.twitter.com/embed/Tweet.html?id=000020"></iframe>',
        '<amp-twitter data-tweetid="0000020" width="1" height="1"></amp-twitter>',
        '<script>twttr.widgets.createTweet("00020", el)</script>',
    ],
)
def test_leading_zeros_in_any_form_name_the_same_post(markup):
    [embed] = find_posts(f"<p>Prose.</p>{markup}".encode(), content_type="text/html").embeds
    assert embed.status_id == "20"


def test_ids_above_int64_are_not_posts():
    page = '<amp-twitter data-tweetid="9223372036854775808" width="1" height="1"></amp-twitter>'
    assert find_posts(page.encode(), content_type="text/html").embeds == []


@pytest.mark.parametrize(
    "parked",
    [
        "consent-original-src-_",  # Real Cookie Banner
        "consent-click-original-src-_",  # Real Cookie Banner, click to load
        "data-cookieblock-src",  # Cookiebot
        "data-src-cmplz",  # Complianz
        "data-ep-src",  # Embed Privacy
        "src-consent",  # Borlabs Cookie
        "data-iframely-url",  # Iframely's lazy frames (no src at all)
    ],
)
def test_embed_iframe_address_parked_by_a_consent_tool(parked: str) -> None:
    page = (
        "<html><body><article><p>Intro.</p>"
        f'<iframe {parked}="https://platform.twitter.com/embed/Tweet.html?dnt=true&amp;'
        'id=1902045678923456790&amp;theme=light" src="about:blank" width="550"></iframe>'
        "<p>Outro.</p></article></body></html>"
    )
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.status_id) == ("iframe", "1902045678923456790")


@pytest.mark.parametrize(
    ("address", "handle"),
    [
        ("https://platform.twitter.com/embed/Tweet.html?dnt=true&amp;id=1902045678923456790", None),
        (
            "https://news.example/media/oembed?url=https%3A//twitter.com/harbourdesk/status/"
            "1902045678923456790&amp;max_width=0&amp;max_height=0&amp;hash=Xy1",
            "harbourdesk",
        ),
    ],
)
def test_amp_iframe_is_an_iframe(address: str, handle: str | None) -> None:
    """AMP writes every iframe as ``<amp-iframe>``: a rendered embed or a Drupal oEmbed
    iframe on an AMP page is read as the iframe it stands for, its title included."""
    page = (
        "<html amp><body><article><p>Intro.</p>"
        f'<amp-iframe src="{address}" width="550" height="360" layout="responsive" '
        'sandbox="allow-scripts allow-same-origin" title="Harbour Desk on X: '
        '&quot;Bridge open again.&quot; / X"><amp-img placeholder layout="fill" '
        'src="/poster.png"></amp-img></amp-iframe><p>Outro.</p></article></body></html>'
    )
    assert sole_embed(page, "method", "status_id", "handle", "author", "text") == (
        "iframe",
        "1902045678923456790",
        handle,
        "Harbour Desk",
        "Bridge open again.",
    )


X_FIGURE = (
    '<figure class="wp-block-embed is-type-rich is-provider-x wp-block-embed-x">'
    '<div class="wp-block-embed__wrapper">\n{inner}\n</div><figcaption class="wp-element-caption">'
    "<em>The mayor on the bridge.</em></figcaption></figure>"
)


@pytest.mark.parametrize(
    ("inner", "text"),
    [
        ("https://twitter.com/harbourdesk/status/1902045678923456790", None),
        (
            '<a href="https://x.com/harbourdesk/status/1902045678923456790">'
            "https://x.com/harbourdesk/status/1902045678923456790</a>",
            None,
        ),
        (
            '<div class="embed-x"><blockquote class="twitter-tweet" data-width="500" '
            'data-dnt="true"><p lang="en" dir="ltr">Bridge open again.</p>&mdash; Harbour Desk '
            '(@harbourdesk) <a href="https://twitter.com/harbourdesk/status/1902045678923456790'
            '?ref_src=twsrc%5Etfw">March 18, 2025</a></blockquote></div>',
            "Bridge open again.",
        ),
    ],
)
def test_wordpress_embed_figure_of_provider_x(inner: str, text: str | None) -> None:
    """WordPress names the provider of a post's embed "X" now (``is-provider-x
    wp-block-embed-x``, no class naming twitter): the figure is a WordPress embed like the
    ``is-provider-twitter`` one, with a bare URL (oEmbed failed) or the publish markup."""
    page = f"<html><body><article><p>Intro.</p>{X_FIGURE.format(inner=inner)}<p>Outro.</p>"
    (embed,) = find_posts(page + "</article></body></html>").embeds
    assert (embed.method, embed.status_id, embed.handle, embed.text) == (
        "wordpress",
        "1902045678923456790",
        "harbourdesk",
        text,
    )
    assert embed.raw.startswith("<figure")


def test_embed_markup_as_an_iframes_srcdoc() -> None:
    """A CMS that sandboxes oEmbed HTML writes it as the iframe's ``srcdoc`` (escaped)."""
    markup = html.escape(
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Bridge open again.</p>'
        "&mdash; Harbour Desk (@harbourdesk) "
        '<a href="https://twitter.com/harbourdesk/status/1901955510931214337">March 18, 2025</a>'
        '</blockquote><script async src="https://platform.twitter.com/widgets.js"></script>'
    )
    page = f'<article><p>Intro.</p><iframe srcdoc="{markup}"></iframe><p>Outro.</p></article>'
    (embed,) = find_posts(page).embeds
    assert (embed.status_id, embed.handle, embed.text) == (
        "1901955510931214337",
        "harbourdesk",
        "Bridge open again.",
    )
    assert embed.raw.startswith("<iframe srcdoc=")


BORLABS_2_MARKUP = (
    '<blockquote class="twitter-tweet"><p lang="de" dir="ltr">Die Brücke ist wieder offen.</p>'
    "&mdash; Hafen Amt (@hafenamt) "
    '<a href="https://twitter.com/hafenamt/status/1902045678923456790">March 18, 2025</a>'
    "</blockquote>"
)


@pytest.mark.parametrize(
    "kept",
    [
        '<script type="text/template">{}</script>',  # cookieBoxIntegration "javascript"
        "{}",  # the box's own text
    ],
)
def test_borlabs_cookie_2_keeps_the_embed_as_base64_text(kept: str) -> None:
    """Borlabs Cookie 2 keeps a blocked embed base64-encoded as text: in a text/template
    script inside its ``borlabs-hide`` box, or as the box's text; the raw is that holder."""
    encoded = base64.b64encode(BORLABS_2_MARKUP.encode()).decode()
    page = (
        "<html><body><article><p>Intro.</p>"
        '<div class="BorlabsCookie _brlbs-cb-twitter"><div class="_brlbs-content-blocker">'
        '<p>Beitrag von X laden?</p><a class="_brlbs-btn" href="#">Laden</a></div>'
        '<div class="borlabs-hide" data-borlabs-cookie-type="content-blocker" '
        f'data-borlabs-cookie-id="twitter">{kept.format(encoded)}</div></div>'
        "<p>Outro.</p></article></body></html>"
    )
    (embed,) = find_posts(page).embeds
    assert (embed.status_id, embed.handle, embed.text) == (
        "1902045678923456790",
        "hafenamt",
        "Die Brücke ist wieder offen.",
    )
    assert encoded in embed.raw


@pytest.mark.parametrize("entities", [True, False])
def test_embed_privacy_keeps_the_embed_in_a_javascript_string(entities: bool) -> None:
    """The Embed Privacy plugin (WordPress) keeps the blocked embed as
    ``var _oembed_… = 'addslashes(json_encode({"embed": htmlentities(markup)}))'``: its
    slashes are escaped twice (``https:\\\\/\\\\/twitter.com``); older versions do not
    encode the entities. The box is one post, shown by the markup it keeps; its raw is the
    page's bytes of the box."""
    escaped = html.escape(BORLABS_2_MARKUP, quote=True) if entities else BORLABS_2_MARKUP
    value = json.dumps({"embed": escaped}).replace("/", "\\/")
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    page = (
        "<html><body><article><p>Intro.</p>"
        '<div class="embed-privacy-container is-disabled embed-twitter" '
        'data-embed-id="oembed_0a1b2c" data-embed-provider="twitter">'
        '<button class="embed-privacy-enable screen-reader-text">Display content from X</button>'
        '<div class="embed-privacy-overlay"><p>Click here to display content from X.</p></div>'
        f"<div class=\"embed-privacy-content\"><script>var _oembed_0a1b2c = '{value}';</script>"
        "</div></div><p>Outro.</p></article></body></html>"
    )
    assert "https:\\\\/\\\\/twitter.com" in page
    (embed,) = find_posts(page).embeds
    assert summary(embed) == (
        "blockquote",
        "1902045678923456790",
        "hafenamt",
        "Hafen Amt",
        "2025-03-18",
        "Die Brücke ist wieder offen.",
    )
    box = page[page.index('<div class="embed-privacy-container') : page.index("<p>Outro")]
    assert page.encode()[embed.raw_start : embed.raw_end] == box.encode()


def test_base64_of_an_embed_shown_as_text_is_not_an_embed() -> None:
    encoded = base64.b64encode(BORLABS_2_MARKUP.encode()).decode()
    page = f"<html><body><article><p>The encoded embed:</p><pre><code>{encoded}</code></pre>"
    assert find_posts(page + "</article></body></html>").embeds == []


@pytest.mark.parametrize("levels", [2, 300])
def test_markup_kept_in_attributes_hundreds_of_levels_deep_is_read(levels: int) -> None:
    """Escaped embed markup inside escaped markup inside…: each level was a nested call and
    300 of them raised RecursionError, which ended the whole scan. The first levels are read
    (a consent tool nests one or two); deeper ones are left to the other tests."""
    import html as html_module

    markup = (
        '<blockquote class="twitter-tweet"><p>deep</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1234567890123456789">May 1, 2020</a></blockquote>'
    )
    for _ in range(levels):
        markup = f'<div data-embed="{html_module.escape(markup, quote=True)}"></div>'
    found = find_posts(f"<html><body><p>x</p>{markup}</body></html>".encode()).embeds
    assert [embed.status_id for embed in found] == ["1234567890123456789"]
    if levels == 2:
        assert found[0].method == "blockquote" and found[0].text == "deep"


@pytest.mark.parametrize(
    "attributes",
    [
        'data-component-name="Twitter2ToDOM" data-attrs="{deep}"',
        'data-react-class="Tweet" data-react-props=\'{{"tweetId": {deep}}}\'',
    ],
)
def test_json_in_an_attribute_nested_past_pythons_stack_is_not_json(attributes: str) -> None:
    """``json.loads`` raises RecursionError, not ValueError, on 100,000 nested lists."""
    deep = "[" * 100_000 + "]" * 100_000
    page = f'<html><body><div class="twitter-x" {attributes.format(deep=deep)}>x</div>'
    assert find_posts(page.encode()).embeds == []


def test_thousands_of_nested_candidates_cost_linear_time() -> None:
    """Each candidate walked up its ancestors to see if an accepted embed held it: 9,000
    nested class-less blockquotes (126 KB) took 7 CPU-s. Generous bound: about 0.3 s now."""
    post = (
        '<blockquote class="twitter-tweet"><p>deep</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1234567890123456789">May 1, 2020</a></blockquote>'
    )
    page = "<html><body>" + "<blockquote>" * 9000 + post + "</blockquote>" * 9000
    started = time.process_time()
    (found,) = find_posts(page.encode()).embeds
    assert time.process_time() - started < 4
    assert found.status_id == "1234567890123456789"


def test_thousands_of_candidates_nested_in_each_other_cost_linear_time() -> None:
    """Each candidate's judging reads its subtree: 2,000 unclosed publish blockquotes
    (34 KB) took 5.4 CPU-s, 15,000 (0.5 MB) 383 s. A candidate held by more than 16 others
    is not judged (the real pages nest 4 at most); the embed inside the first ones is read."""
    post = (
        '<blockquote class="twitter-tweet"><p>kept</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1234567890123456789">May 1, 2020</a></blockquote>'
    )
    page = "<html><body>" + post + '<blockquote class="twitter-tweet">' * 15000
    started = time.process_time()
    (found,) = find_posts(page.encode()).embeds
    assert time.process_time() - started < 10
    assert (found.status_id, found.text) == ("1234567890123456789", "kept")


def test_an_embed_inside_many_wrappers_whose_class_names_a_status_is_read() -> None:
    """Only candidates whose judging reads their subtree count towards the nesting limit:
    17 ``div.status-wrap`` around a post used to hide it (found in review)."""
    post = (
        '<blockquote class="twitter-tweet"><p>kept</p>&mdash; J (@jack) '
        '<a href="https://twitter.com/jack/status/20">March 21, 2006</a></blockquote>'
    )
    wraps = 40
    page = '<div class="status-wrap"><p>x</p>' * wraps + post + "</div>" * wraps
    (found,) = find_posts(f"<html><body>{page}</body></html>".encode()).embeds
    assert (found.status_id, found.method, found.text) == ("20", "blockquote", "kept")
    assert found.raw_start is not None


@pytest.mark.parametrize(
    "block",
    [
        '<p>{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}</p>',
        "<p>{{&lt; x user=&quot;SanDiegoZoo&quot; id=&quot;1453110110599868418&quot; &gt;}}</p>",
        "<p>{{&lt; tweet user=&#8221;SanDiegoZoo&#8221; id=&#8221;1453110110599868418&#8243; "
        "&gt;}}</p>",  # WordPress curled the quotes
        "<div>{{% twitter user=SanDiegoZoo id=1453110110599868418 %}}</div>",
        "<p>{% twitter https://twitter.com/SanDiegoZoo/status/1453110110599868418 %}</p>",
        # A forum's media BBCode left as text (XenForo's, as its editor writes it).
        "<p>[MEDIA=twitter]1453110110599868418[/MEDIA]</p>",
        "<p>[tweet]https://twitter.com/SanDiegoZoo/status/1453110110599868418[/tweet]</p>",
    ],
)
def test_hugo_and_jekyll_shortcodes_left_as_text_in_a_page(block):
    """A site moved from Hugo or Jekyll to a CMS shows its shortcodes as text."""
    (embed,) = find_posts(f"<html><body><p>Intro.</p>{block}</body></html>".encode()).embeds
    handle = None if "MEDIA" in block else "SanDiegoZoo"
    assert summary(embed)[:3] == ("wordpress", "1453110110599868418", handle)


def test_a_shortcode_shown_as_code_is_not_an_embed():
    page = (
        "<html><body><p>Write this in your post:</p>"
        '<pre><code>{{&lt; tweet user="SanDiegoZoo" id="1453110110599868418" &gt;}}</code></pre>'
        "<p>Hugo's docs write <code>{{&lt;/* tweet 1453110110599868418 */&gt;}}</code>.</p>"
        "<p>{{&lt;/* tweet 1453110110599868418 */&gt;}}</p></body></html>"
    )
    assert find_posts(page.encode()).embeds == []


PROSE_URL = "See https://twitter.com/harbourdesk/status/1901955510931214337 for the timetable."


def test_a_status_url_as_plain_text_in_prose_is_a_link_as_in_a_text_file():
    page = f"<html><body><p>Intro.</p><p>{PROSE_URL}</p></body></html>".encode()
    assert find_posts(page).embeds == []
    (link,) = find_posts(page, include_links=True).embeds
    text = f"Intro.\n\n{PROSE_URL}\n".encode()
    (in_text,) = find_posts(text, html=False, include_links=True).embeds
    assert summary(link) == summary(in_text)
    assert summary(link)[:3] == ("link", "1901955510931214337", "harbourdesk")
    assert link.raw == in_text.raw == PROSE_URL  # the text it stands in, as a text file's line
    assert link.raw_start is None  # prose has no markup of its own


def test_status_urls_in_prose_around_a_link_keep_their_document_order():
    page = (
        "<html><body><p>Two posts: <b>first</b> x.com/a/status/11, then "
        '<a href="https://twitter.com/b/status/22">the second</a> and twitter.com/c/status/33.</p>'
        "</body></html>"
    )
    embeds = find_posts(page, include_links=True).embeds
    assert {e.method for e in embeds} == {"link"}
    assert [(e.position, e.status_id, e.handle) for e in embeds] == [
        (0, "11", "a"),
        (1, "22", "b"),
        (2, "33", "c"),
    ]


@pytest.mark.parametrize(
    "markup",
    [
        '<script>var post = "https://x.com/a/status/11";</script>',
        "<style>/* https://x.com/a/status/11 */</style>",
        '<p><a href="https://www.youtube.com/watch?v=x">https://x.com/a/status/11</a> lol</p>',
        '<p><a href="https://t.co/x"><span>https://x.com/a/status/11</span></a> lol</p>',
        "<p>A comment <!-- https://x.com/a/status/11 --> is not prose.</p>",
    ],
)
def test_status_urls_outside_prose_are_not_sightings(markup):
    page = f"<html><body><p>Intro.</p>{markup}</body></html>"
    assert find_posts(page, include_links=True).embeds == []


def test_thousands_of_status_urls_in_one_paragraph_keep_a_bounded_copy_of_it() -> None:
    """Each sighting in the prose keeps its run of text as its raw: as in a text page, the
    first ones are kept, as many as 16 MiB of raws hold."""
    from archiver.detect.text import SIGHTING_LINES_MIN

    urls = " ".join(f"https://x.com/a/status/{1000 + i}" for i in range(5000))
    page = f"<html><body><p>{urls}</p></body></html>"
    embeds = find_posts(page, include_links=True).embeds
    assert 1 <= len(embeds) <= SIGHTING_LINES_MIN // len(urls) + 1
    assert [e.status_id for e in embeds] == [str(1000 + i) for i in range(len(embeds))]
    assert sum(len(e.raw) for e in embeds) <= SIGHTING_LINES_MIN


def test_thousands_of_nested_elements_naming_posts_in_their_text_cost_linear_time() -> None:
    """A sighting's element was located and parsed again, and walked up for a link around
    it: 2,000 nested ``<div>`` each naming a post took 5 CPU-s."""
    page = "<html><body>" + "<div>see x.com/a/status/11 " * 4000 + "</body></html>"
    started = time.process_time()
    embeds = find_posts(page, include_links=True).embeds
    assert time.process_time() - started < 4
    assert len(embeds) == 4000 and {e.status_id for e in embeds} == {"11"}


def test_status_urls_in_text_around_an_embed_keep_their_document_order():
    page = (
        "<html><body><div>Before x.com/a/status/11 "
        '<blockquote class="twitter-tweet"><p>Post</p>&mdash; Bo (@b) '
        '<a href="https://twitter.com/b/status/22">May 2, 2024</a></blockquote>'
        " after x.com/c/status/33</div></body></html>"
    )
    embeds = find_posts(page, include_links=True).embeds
    assert [(e.method, e.status_id) for e in embeds] == [
        ("link", "11"),
        ("blockquote", "22"),
        ("link", "33"),
    ]
    assert [(e.method, e.status_id) for e in find_posts(page).embeds] == [("blockquote", "22")]


LATEST_POST = "<p>Great news today!</p><p>— City Council (@citycouncil) March 3, 2024</p>"


@pytest.mark.parametrize(
    "region",
    [
        '<div class="widget latest-tweet"><p>Great news today! — City Council (@citycouncil)'
        " March 3, 2024</p></div>",
        f'<footer><div class="latest-tweet"><h4>Latest from X</h4>{LATEST_POST}</div></footer>',
        f"<aside>{LATEST_POST}</aside>",
        f'<div id="sidebar"><div class="widget">{LATEST_POST}</div></div>',
        f'<div role="complementary">{LATEST_POST}</div>',
        f'<section class="widget widget_recent_tweets">{LATEST_POST}</section>',
        f'<div class="c-recent-posts">{LATEST_POST}</div>',
        f'<div id="footer"><div class="widget">{LATEST_POST}</div></div>',  # before HTML5
        f'<div class="home-widgets"><div class="widget">{LATEST_POST}</div></div>',
    ],
)
def test_a_signature_in_a_region_beside_the_article_is_a_feed_not_an_embed(region):
    """A "latest tweet" box in a sidebar or footer writes the site's own posts as signature
    lines: the region test that placeholders pass applies to text forms too."""
    page = f"<html><body><article><p>Intro.</p></article>{region}</body></html>"
    assert find_posts(page).embeds == []


@pytest.mark.parametrize(
    "article",
    [
        f"<article><p>Intro.</p>{LATEST_POST}<aside class='related'>More</aside></article>",
        # a quote's footer is its attribution, not the page's
        "<article><p>Intro.</p><blockquote><p>Great news today!</p><footer>— City Council"
        " (@citycouncil) March 3, 2024</footer></blockquote></article>",
        # a wrapper of the whole page that says it has (no) sidebar is no region
        f"<div class='site no-sidebar'><h1>Title</h1><p>Intro.</p>{LATEST_POST}</div>",
        # a live blog's newest entry is part of the article
        f"<div class='liveblog'><div class='entry is-latest'>{LATEST_POST}</div></div>",
        f"<div class='entry latest'>{LATEST_POST}</div>",
    ],
)
def test_a_signature_in_the_article_is_still_an_embed(article):
    page = f"<html><body class='has-sidebar'>{article}<aside>{LATEST_POST}</aside></body></html>"
    (embed,) = find_posts(page).embeds
    assert summary(embed) == (
        "text",
        None,
        "citycouncil",
        "City Council",
        "2024-03-03",
        "Great news today!",
    )


def test_markup_embeds_in_a_region_keep_their_place_among_text_forms():
    quote = (
        '<blockquote class="twitter-tweet"><p>Post</p>&mdash; Bo (@b) '
        '<a href="https://twitter.com/b/status/{}">May 2, 2024</a></blockquote>'
    )
    page = (
        f"<html><body><aside class='sidebar'>{quote.format(21)}{LATEST_POST}</aside>"
        f"<article><p>Intro.</p>{LATEST_POST}</article>"
        f"<footer>{quote.format(23)}{LATEST_POST}</footer></body></html>"
    )
    embeds = find_posts(page).embeds
    assert [(e.position, e.method, e.status_id) for e in embeds] == [
        (0, "blockquote", "21"),
        (1, "text", None),
        (2, "blockquote", "23"),
    ]


def test_a_placeholder_in_a_latest_posts_box_is_not_an_embed():
    box = '<div class="latest-posts"><div data-tweet-id="1453110110599868418"></div></div>'
    page = f"<html><body><article><p>Intro.</p></article>{box}</body></html>"
    assert find_posts(page).embeds == []
    inline = page.replace("latest-posts", "post-box")  # the same box in the flow is one
    assert [e.status_id for e in find_posts(inline).embeds] == ["1453110110599868418"]


@pytest.mark.parametrize(
    ("signature", "author"),
    [
        ("&mdash; Jean—Luc Picard (@jlp)", "Jean—Luc Picard"),
        ("&mdash; Jean&mdash;Luc Picard (@jlp)", "Jean—Luc Picard"),
        ("— Star Fleet - HQ (@jlp)", "Star Fleet - HQ"),
    ],
)
def test_publish_signature_of_a_display_name_with_dashes(signature, author):
    """The post's text may run on the signature's line (no ``<p>``)."""
    page = (
        '<html><body><blockquote class="twitter-tweet">Engage — now. '
        f'{signature} <a href="https://twitter.com/jlp/status/1786049023310382281">May 1, 2024'
        "</a></blockquote></body></html>"
    )
    (embed,) = find_posts(page).embeds
    assert (embed.status_id, embed.handle) == ("1786049023310382281", "jlp")
    assert (embed.author, embed.text, embed.date) == (author, "Engage — now.", "2024-05-01")


def test_thousands_of_nested_regions_around_the_article_cost_linear_time() -> None:
    """Finding the regions beside the article read each one's subtree for an article and
    walked up its ancestors: 8,000 nested sidebars took 11 CPU-s. Generous bound."""
    article = f"<article><p>Intro.</p>{LATEST_POST}</article>"
    page = "<html><body>" + '<div class="sidebar">' * 8000 + article + "</div>" * 8000
    started = time.process_time()
    (found,) = find_posts(page.encode()).embeds
    assert time.process_time() - started < 4
    assert (found.method, found.handle) == ("text", "citycouncil")


GHOST_CARD = (
    '<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container"'
    ' href="https://twitter.com/nws/status/1763000000000000042"><div class="kg-bookmark-content">'
    '<div class="kg-bookmark-title">NWS on X: "Flood warning for the valley{cut}" / X</div>'
    '<div class="kg-bookmark-description">Flood warning for the valley until 6pm</div>'
    '<div class="kg-bookmark-metadata"><img class="kg-bookmark-icon" alt=""'
    ' src="https://abs.twimg.com/favicon.ico"><span class="kg-bookmark-author">X (formerly'
    ' Twitter)</span><span class="kg-bookmark-publisher">NWS</span></div></div></a></figure>'
)


def article(block: str, after: str = "") -> bytes:
    body = f"<article><p>Officials said:</p>{block}<p>More.</p></article>{after}"
    return f"<html><body>{body}</body></html>".encode()


@pytest.mark.parametrize("cut", [" until 6pm", "…"])
def test_a_link_preview_card_of_a_post_is_a_card_with_its_id(cut: str) -> None:
    """Ghost's bookmark card (any link preview shows the page's title, ``Name on X: "…" /
    X``): the link gives the ID, the title the author, the description the full text."""
    page = article(GHOST_CARD.format(cut=cut))
    (embed,) = find_posts(page).embeds
    assert summary(embed) == (
        "card",
        "1763000000000000042",
        "nws",
        "NWS",
        None,
        "Flood warning for the valley until 6pm",
    )
    assert page[embed.raw_start : embed.raw_end].startswith(b'<a class="kg-bookmark-container"')


@pytest.mark.parametrize(
    ("block", "ids"),
    [
        # Alone in its block, as a reader tool's Markdown title line: the text form read it
        # as an embed without an ID; the link gives it one.
        ('<p><a href="https://x.com/nws/status/20">NWS on X: "Flood warning" / X</a></p>', ["20"]),
        ('<ul><li><a href="https://x.com/nws/status/20">NWS on X: "One" / X</a></li></ul>', ["20"]),
        (
            '<ul><li><a href="https://x.com/nws/status/20">NWS on X: "One" / X</a></li>'
            '<li><a href="https://x.com/nws/status/21">NWS on X: "Two" / X</a></li></ul>',
            ["20", "21"],
        ),
        # Inline markup around it (bold, a span) leaves it alone in its block.
        (
            '<p><strong><a href="https://x.com/nws/status/20">NWS on X: "Flood" / X</a>'
            "</strong></p>",
            ["20"],
        ),
        (
            '<div><span><em><a href="https://x.com/nws/status/20">NWS on X: "F" / X</a>'
            "</em></span></div>",
            ["20"],
        ),
        # In a sentence, a link names the post: no embed (nor did the text forms see one).
        ('<p>See <a href="https://x.com/nws/status/20">NWS on X: "Flood" / X</a> today.</p>', []),
        (
            '<p>See <b><a href="https://x.com/nws/status/20">NWS on X: "Flood" / X</a></b>'
            " now.</p>",
            [],
        ),
    ],
)
def test_a_title_link_to_a_post_is_a_card_where_it_stands_alone(block: str, ids: list) -> None:
    found = find_posts(article(block)).embeds
    assert [(e.method, e.status_id) for e in found] == [("card", i) for i in ids]


def test_a_preview_card_beside_the_article_is_the_sites_own() -> None:
    page = article("", after=f'<aside class="sidebar">{GHOST_CARD.format(cut="")}</aside>')
    assert find_posts(page).embeds == []


def test_an_embed_that_carries_its_address_on_itself_has_its_byte_range() -> None:
    """A rendered iframe (``src``) and a link card (``href``): their own address counts
    when their bytes are checked, as it does for an embed holding a link."""
    iframe = (
        '<iframe title="X Post" src="https://platform.twitter.com/embed/Tweet.html?id=20"'
        ' width="550"></iframe>'
    )
    card = '<a class="twitter-embed" href="https://x.com/jack/status/21">jack</a>'
    page = article(f"<div>{iframe}</div><div>{card}</div>")
    embeds = find_posts(page).embeds
    assert [(e.method, e.status_id) for e in embeds] == [("iframe", "20"), ("card", "21")]
    assert [page[e.raw_start : e.raw_end].decode() for e in embeds] == [iframe, card]


SIGNED_LINK = (
    "&mdash; Rhea Castell (@rheacastell) "
    '<a href="https://twitter.com/rheacastell/status/1764012345678901234?ref_src=twsrc%5Etfw">'
    "March 3, 2024</a>"
)


@pytest.mark.parametrize(
    "body",
    [
        f"<p>Ferries resume at noon.</p><p>{SIGNED_LINK}</p>",  # blockquote stripped
        f"<p>Ferries resume at noon.<br>{SIGNED_LINK}</p>",
        f'<div class="quote"><p lang="en" dir="ltr">Ferries resume at noon.</p>{SIGNED_LINK}</div>',
    ],
)
def test_signature_without_blockquote_takes_its_linked_status(body):
    """Publish markup that lost its blockquote is read as a text form; the signature's date
    still links to the post, and that link names it (not a text-only post plus a link)."""
    page = f"<html><body><article><p>Intro.</p>{body}<p>Closing.</p></article></body></html>"
    for include_links in (False, True):
        embeds = find_posts(page.encode(), include_links=include_links).embeds
        assert [summary(e) for e in embeds] == [
            (
                "text",
                "1764012345678901234",
                "rheacastell",
                "Rhea Castell",
                "2024-03-03",
                "Ferries resume at noon.",
            )
        ]


LINKED_HANDLE = '(<a href="https://twitter.com/rheacastell">@rheacastell</a>)'


@pytest.mark.parametrize(
    "body",
    [
        f"<blockquote><p>Ferries resume at noon.</p>{SIGNED_LINK}</blockquote>",
        f"<p>Ferries resume at noon.</p><p>{SIGNED_LINK}</p>",
        f"<p>Ferries resume at noon.<br>{SIGNED_LINK}</p>",
        # the date's link is a short link: no status URL on the page at all
        "<p>Ferries resume at noon.</p><p>&mdash; Rhea Castell (@rheacastell) "
        '<a href="https://t.co/AbC123">March 3, 2024</a></p>',
    ],
)
def test_signature_with_a_linked_handle(body):
    """A CMS that links every mention writes the signature's handle as a link,
    ``(<a href=…>@handle</a>)``: the line is still a signature (the pre-filter saw no
    ``(@`` and never parsed such a page), with the handle, date and linked status."""
    body = body.replace("(@rheacastell)", LINKED_HANDLE)
    page = f"<html><body><article><p>Intro.</p>{body}<p>Closing.</p></article></body></html>"
    status = "1764012345678901234" if "status/" in body else None
    method = "blockquote" if "<blockquote>" in body else "text"
    expected = (method, status, "rheacastell", "Rhea Castell", "2024-03-03")
    embeds = find_posts(page.encode()).embeds
    assert [summary(e) for e in embeds] == [(*expected, "Ferries resume at noon.")]


def test_signature_link_must_be_its_own():
    """A status link is the signature's only as its date, after the same ``(@handle)``, and
    outside the markup embeds (whose own signatures name their posts)."""
    other = SIGNED_LINK.replace("rheacastell)", "someoneelse)")
    embed = f'<blockquote class="twitter-tweet"><p>Inside.</p>{SIGNED_LINK}</blockquote>'
    page = (
        "<html><body><article><p>Ferries resume at noon.</p><p>"
        f"&mdash; Rhea Castell (@rheacastell) March 3, 2024</p><p>{other}</p>{embed}"
        "</article></body></html>"
    )
    embeds = find_posts(page.encode()).embeds
    assert [(e.method, e.status_id, e.handle) for e in embeds] == [
        ("text", None, "rheacastell"),
        ("text", "1764012345678901234", "someoneelse"),
        ("blockquote", "1764012345678901234", "rheacastell"),
    ]


def test_embedly_card_link_is_an_embed():
    """Embedly's card markup is a link its script turns into the post: the link's label is
    the post page's title. In a footer it is the site's own feed, not the article's."""
    page = (
        '<html><body><article><p>Intro.</p><p><a class="embedly-card" '
        'href="https://twitter.com/rheacastell/status/1764012345678901234">Rhea Castell on'
        ' Twitter: "Ferries resume at noon." / Twitter</a></p>'
        '<a class="embedly-card" data-card-controls="0" '
        'href="https://x.com/rheacastell/status/1764012345678901299?s=20">Rhea Castell</a>'
        '<script async src="//cdn.embedly.com/widgets/platform.js"></script>'
        '<footer><a class="embedly-card" href="https://twitter.com/site/status/1764012345678901300">'
        "Our latest post</a></footer></article></body></html>"
    )
    embeds = find_posts(page.encode()).embeds
    assert [summary(e) for e in embeds] == [
        (
            "placeholder",
            "1764012345678901234",
            "rheacastell",
            "Rhea Castell",
            None,
            "Ferries resume at noon.",
        ),
        ("placeholder", "1764012345678901299", "rheacastell", None, None, None),
    ]


LONE_URL = "https://x.com/rheacastell/status/1764012345678901234"


@pytest.mark.parametrize(
    ("paragraph", "found"),
    [
        (f'The mayor replied:<br />\n<a href="{LONE_URL}">{LONE_URL}</a><br />\nNot so.', True),
        (f'The mayor replied:<br />\n<a href="{LONE_URL}">{LONE_URL}</a>', True),
        (f'<a href="{LONE_URL}">{LONE_URL}</a> <!-- x --><br />\nNot so.', True),
        (f'The mayor replied: <a href="{LONE_URL}">{LONE_URL}</a><br />Not so.', False),
        (f'The mayor replied:<br /><a href="{LONE_URL}">this post</a><br />Not so.', False),
        (f'Replied:<br /><a href="{LONE_URL}">{LONE_URL}</a> (deleted)<br />Not so.', False),
    ],
)
def test_linked_status_url_alone_on_its_line_is_a_failed_auto_embed(paragraph, found):
    """WordPress embeds a URL typed on its own line; when that fails the URL stays as a
    link, and single line breaks around it become ``<br />``: the same failed embed as a
    paragraph of its own. A link in the running text, or labelled otherwise, is not."""
    page = f"<html><body><article><p>Intro.</p><p>{paragraph}</p></article></body></html>"
    embeds = find_posts(page.encode()).embeds
    expected = [("placeholder", "1764012345678901234", "rheacastell")] if found else []
    assert [(e.method, e.status_id, e.handle) for e in embeds] == expected


@pytest.mark.parametrize(
    ("paragraph", "method"),
    [
        (f"[embed]{LONE_URL}[/embed]", "wordpress"),
        (f'[embed width="500"] {LONE_URL}?s=20 [/embed]', "wordpress"),
        (f"The mayor replied:<br />\n[embed]{LONE_URL}[/embed]<br />\nNot so.", "wordpress"),
        (f"The mayor replied:<br />\n[tweet {LONE_URL}]<br />\nNot so.", "wordpress"),
        (f"The mayor replied:<br />\n{LONE_URL}<br />\nNot so.", "placeholder"),
        (f"{LONE_URL} <!-- x --><br />\nNot so.", "placeholder"),
        (f"The mayor replied:<br />{LONE_URL}", "placeholder"),
        (f"The mayor replied: {LONE_URL}<br />Not so.", None),
        (f"Sources:<br />{LONE_URL}<br />{LONE_URL[:-1]}5", None),  # a list of sources
        ("[embed]https://x.com/rheacastell[/embed]", None),  # a profile, not a post
    ],
)
def test_unrendered_embed_text_in_a_paragraph(paragraph, method):
    """What a WordPress site leaves when an embed is not rendered: its core ``[embed]URL
    [/embed]`` shortcode as text (as Jetpack's ``[tweet …]``, on any line of its block), or
    the URL typed on a line of its own, not linked, between ``<br />`` (a failed auto-embed
    after wpautop, as its linked form). A URL in the running text, or one of several lines
    of URLs, is not."""
    page = f"<html><body><article><p>Intro.</p><p>{paragraph}</p></article></body></html>"
    embeds = find_posts(page.encode()).embeds
    expected = [(method, "1764012345678901234", "rheacastell")] if method else []
    assert [(e.method, e.status_id, e.handle) for e in embeds] == expected


LINKED_URL = f'<a href="{LONE_URL}">{LONE_URL}</a>'


@pytest.mark.parametrize(
    ("paragraph", "whole"),
    [
        (f"[embed]{LINKED_URL}[/embed]", True),
        (f'[embed width="500"] {LINKED_URL} [/embed]', True),
        (f"The mayor replied:<br />\n[embed]{LINKED_URL}[/embed]<br />\nNot so.", False),
        (f'[embed]<a href="{LONE_URL}">the post</a>[/embed]', None),  # labelled otherwise
        (f'[embed]<a href="{LONE_URL}">{LONE_URL[:-1]}5</a>[/embed]', None),  # elsewhere
        (f"[embed]{LINKED_URL}", None),  # no closing bracket
        (f"See {LINKED_URL}[/embed]", None),
    ],
)
def test_embed_shortcode_around_a_linked_url(paragraph, whole):
    """WordPress's ``[embed]URL[/embed]`` whose URL a filter turned into a link (its label
    its own status URL): the same unrendered embed as the shortcode left as text. It is its
    block when the shortcode is all the block holds, else the link."""
    page = f"<html><body><article><p>Intro.</p><p>{paragraph}</p></article></body></html>"
    embeds = find_posts(page.encode()).embeds
    if whole is None:
        assert [e.method for e in embeds] == []
        return
    (embed,) = embeds
    assert (embed.method, embed.status_id, embed.handle) == (
        "wordpress",
        "1764012345678901234",
        "rheacastell",
    )
    raw = page.encode()[embed.raw_start : embed.raw_end].decode()
    assert raw == (f"<p>{paragraph}</p>" if whole else LINKED_URL)


EMBEDLY_LINK = f'<a href="{LONE_URL}">'


@pytest.mark.parametrize(
    "card",
    [
        f"<h4>{EMBEDLY_LINK}Rhea Castell on Twitter</a></h4><p>Ferries resume at noon.</p>",
        f"<h4>{EMBEDLY_LINK}Rhea Castell on X</a></h4><p>Ferries resume at noon.</p>",
        f'<h4>{EMBEDLY_LINK}Rhea Castell on X: "Ferries resume at noon." / X</a></h4><p></p>',
        f'<h4>{EMBEDLY_LINK}Rhea Castell on X: "Ferries resume…" / X</a></h4>'
        "<p>Ferries resume at noon.</p>",
    ],
)
def test_embedly_card_blockquote_gives_author_and_text(card):
    """Embedly's card markup, ``<blockquote class="embedly-card"><h4><a href=STATUS>TITLE
    </a></h4><p>DESCRIPTION</p></blockquote>``: the title names the author (and may quote
    the text), the description is the post's text."""
    page = (
        "<html><body><article><p>Intro.</p>"
        f'<blockquote class="embedly-card" data-card-controls="0">{card}</blockquote>'
        "<p>Closing.</p></article></body></html>"
    )
    embeds = find_posts(page.encode()).embeds
    assert [summary(e) for e in embeds] == [
        (
            "blockquote",
            "1764012345678901234",
            "rheacastell",
            "Rhea Castell",
            None,
            "Ferries resume at noon.",
        )
    ]


BYLINE = "&mdash; Rhea Castell (@rheacastell) March 3, 2024"


@pytest.mark.parametrize(
    "head",
    [
        f"<h1>Storm hits coast</h1><p>{BYLINE}</p>",
        f"<h1>Storm hits coast</h1>\n<!-- byline -->\n<p>{BYLINE}</p>",
        f"<header><h1>Storm hits coast</h1></header><p>{BYLINE}</p>",
        f'<div class="head"><h2>Storm hits coast</h2><span>{BYLINE}</span></div>',
        f"<h1>Storm hits coast</h1><p>{BYLINE.replace('(@rheacastell)', LINKED_HANDLE)}</p>",
    ],
)
def test_a_byline_under_a_heading_is_not_a_signature(head):
    """A byline written like a signature under the headline: a heading is never the text of
    a post, so it is no embed; a post's text in a paragraph still is."""
    page = f"<html><body><article>{head}<p>Article text.</p></article></body></html>"
    assert find_posts(page.encode()).embeds == []
    post = f"<p>Ferries resume at noon.</p><p>{BYLINE}</p>"
    page = f"<html><body><article>{head}<p>Article text.</p>{post}</article></body></html>"
    embeds = find_posts(page.encode()).embeds
    assert [(e.method, e.handle, e.text) for e in embeds] == [
        ("text", "rheacastell", "Ferries resume at noon.")
    ]


def test_a_heading_before_a_linked_signature_is_not_its_text():
    """A signature whose date links to a post names that post even under a heading; the
    heading is not its text."""
    page = (
        f"<html><body><article><h2>Reactions</h2><p>{SIGNED_LINK}</p><p>Text.</p>"
        "</article></body></html>"
    )
    embeds = find_posts(page.encode()).embeds
    assert [summary(e) for e in embeds] == [
        ("text", "1764012345678901234", "rheacastell", "Rhea Castell", "2024-03-03", None)
    ]


MEDIUM_FRAME = "https://medium.com/media/0a1b2c3d4e5f60718293a4b5c6d7e8f9?postId=5e6f7a8b9c0d"


@pytest.mark.parametrize(
    ("frame", "found"),
    [
        (f'<iframe src="{MEDIUM_FRAME}" title="Rhea Castell on X: &quot;Ferries resume at '
         'noon.&quot; / X" width="500" height="281"></iframe>', True),
        (f'<iframe data-src="{MEDIUM_FRAME}" class="progressiveMedia-iframe" title="Rhea '
         'Castell on Twitter: &quot;Ferries resume at noon.&quot;"></iframe>', True),
        ('<iframe src="https://example.com/player" title="Rhea Castell on X: &quot;Ferries '
         'resume at noon.&quot; / X"></iframe>', True),
        # no suffix and not a relay's frame: a title, not the post page's
        ('<iframe src="https://example.com/player" title="Rhea Castell on X: &quot;Ferries '
         'resume at noon.&quot;"></iframe>', False),
        (f'<iframe src="{MEDIUM_FRAME}" title="Ferry timetable"></iframe>', False),
    ],
)  # fmt: skip
def test_a_frame_titled_as_a_post_is_a_text_only_embed(frame, found):
    """Medium embeds a post as ``<iframe src="https://medium.com/media/<hash>">``: no ID
    anywhere, only the post page's title (``Name on X: "TEXT" / X``). That is an embed
    of known author and text (a text-only post, as the same title in a reader's text);
    not in a region beside the article."""
    page = (
        f"<html><body><article><p>Intro.</p><figure>{frame}</figure><p>More.</p></article>"
        f"<aside>{frame}</aside></body></html>"
    )
    embeds = find_posts(page.encode()).embeds
    expected = [("iframe", None, None, "Rhea Castell", None, "Ferries resume at noon.")]
    assert [summary(e) for e in embeds] == (expected if found else [])


CARD_OPEN = f'<a class="twitter-embed" href="{LONE_URL}">'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"<p>{CARD_OPEN}Rhea Castell</p>\n<p>Para one.</p>\n<p>Para two.</p>", 1),
        (f"<p>{CARD_OPEN}<div>Rhea Castell</div><p>Para one.</p>\n<p>Para two.</p>", 1),
        (f"<div>{CARD_OPEN}Rhea Castell</div>\n<div>Para one.</div><p>Para two.</p>", 1),
        # A second card, closed, right after the copies of the first: two embeds.
        (f"<p>{CARD_OPEN}Rhea Castell</p><p>Para one.</p><p>{CARD_OPEN}again</a></p>", 2),
        # Two cards, each closed, with prose between: two embeds.
        (f"<p>{CARD_OPEN}Rhea</a></p><p>Para one.</p><p>{CARD_OPEN}Rhea</a></p>", 2),
    ],
)
def test_an_unclosed_card_link_is_one_embed(body, expected):
    """An ``<a>`` left open before a new paragraph is closed with its block and re-opened by
    the parser, with the same attributes, around each run of content after it: those
    copies are the same card, not more embeds of the post. A real second card right after
    them is one (the page's bytes spell its start tag)."""
    page = f"<html><body><article><p>Intro.</p>{body}</article></body></html>"
    embeds = find_posts(page.encode()).embeds
    assert [(e.method, e.status_id) for e in embeds] == [("card", "1764012345678901234")] * expected
    for embed in embeds:  # each has its own markup's range (see below)
        assert embed.raw_start is not None and embed.raw_end is not None
        assert page.encode()[embed.raw_start : embed.raw_end] == embed.raw.encode()
        assert embed.raw.startswith(CARD_OPEN)


@pytest.mark.parametrize(
    ("body", "raw"),
    [
        (f"<p>{CARD_OPEN}Rhea Castell</p>\n<p>Para one.</p>", f"{CARD_OPEN}Rhea Castell"),
        (f"<p>{CARD_OPEN}<b>Rhea</b> Castell</p><p>One.</p>", f"{CARD_OPEN}<b>Rhea</b> Castell"),
        (f"<p><em>{CARD_OPEN}Rhea</em> Castell</p><p>One.</p>", f"{CARD_OPEN}Rhea"),
        (f"<div>{CARD_OPEN}R<span>C</span></div>\n<div>One.</div>", f"{CARD_OPEN}R<span>C</span>"),
        (f"<p>{CARD_OPEN}Rhea Castell<div>One.</div><p>Two.</p>", f"{CARD_OPEN}Rhea Castell"),
        (f"<p>{CARD_OPEN}Rhea Castell</p><p>One.</a></p>", f"{CARD_OPEN}Rhea Castell"),
        # A page with a table: its tags are read in full to place the card.
        (f"<table><tr><td>x</td></tr></table><p>{CARD_OPEN}R</p><p>One.</p>", f"{CARD_OPEN}R"),
    ],
)
def test_an_unclosed_card_link_has_the_range_of_its_own_markup(body, raw):
    """The card's copies have no tag in the page, so the card is located among the page's
    ``<a>`` tags without them; its markup runs from its start tag to where the parser first
    closed it (its block's end, a block that closes its paragraph, its own end tag): the
    label it was written with, not the paragraphs the parser wrapped in copies after it."""
    page = f"<html><body><article><p>Intro.</p>{body}</article></body></html>"
    (embed,) = find_posts(page.encode()).embeds
    assert embed.raw == raw
    assert page.encode()[embed.raw_start : embed.raw_end] == raw.encode()


def test_an_unclosed_card_beside_another_unclosed_link_has_no_range():
    """Another link left open in the prose makes copies that no embed accounts for: the
    page's ``<a>`` tags and elements cannot be paired, so no ``<a>`` gets a range (the raw
    is the parser's serialisation), rather than a wrong one."""
    page = (
        f'<html><body><article><p>Intro <a href="/other">see</p><p>x</p><p>{CARD_OPEN}Rhea</p>'
        "<p>One.</p></article></body></html>"
    )
    (embed,) = find_posts(page.encode()).embeds
    assert (embed.method, embed.raw_start, embed.raw_end) == ("card", None, None)


def test_an_unclosed_link_in_prose_is_one_sighting():
    page = (
        f'<html><body><p>Intro <a href="{LONE_URL}">this post</p>\n<p>Para one.</p>'
        f'<p>Para two.</p><p>See <a href="{LONE_URL}">it again</a>.</p></body></html>'
    )
    embeds = find_posts(page.encode(), include_links=True).embeds
    assert [(e.method, e.text) for e in embeds] == [("link", "this post"), ("link", "it again")]


PUBLISH = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Ferries resume at noon.</p>'
    f'&mdash; Rhea Castell (@rheacastell) <a href="{LONE_URL}?ref_src=twsrc%5Etfw">'
    "March 3, 2024</a></blockquote>"
)


@pytest.mark.parametrize(
    "wrapped",
    [
        f"<![CDATA[{PUBLISH}]]>",
        f"<![CDATA[\n  {PUBLISH}\n]]>",
        f"<div><![CDATA[<p>Intro.</p>{PUBLISH}]]></div>",
    ],
)
def test_publish_markup_in_a_cdata_section_is_the_full_embed(wrapped):
    """A feed's ``<![CDATA[…]]>`` copied into a page: the HTML parser reads ``<![CDATA[`` as
    a bogus comment that swallows the blockquote's start tag, but the markup is what the
    page's author meant. It is read as markup; its range is the page's own bytes."""
    page = f"<html><body><article><p>Intro.</p>{wrapped}<p>After.</p></article></body></html>"
    (embed,) = find_posts(page.encode()).embeds
    assert summary(embed) == (
        "blockquote",
        "1764012345678901234",
        "rheacastell",
        "Rhea Castell",
        "2024-03-03",
        "Ferries resume at noon.",
    )
    assert page.encode()[embed.raw_start : embed.raw_end] == PUBLISH.encode()


def test_cdata_sections_that_hold_no_markup_are_left_as_they_are():
    """A script's ``//<![CDATA[`` and a section of text are not unwrapped; a section never
    closed is not either."""
    from archiver.detect.hidden import unwrap_cdata

    script = "<script>//<![CDATA[\nvar a = 1 > 0;\n//]]></script>"
    assert unwrap_cdata(script) == script
    assert unwrap_cdata(script.encode()) == script.encode()
    assert unwrap_cdata("<svg><![CDATA[ > a ]]></svg>") == "<svg><![CDATA[ > a ]]></svg>"
    assert unwrap_cdata("<![CDATA[<p>a</p>") == "<![CDATA[<p>a</p>"
    assert unwrap_cdata("x<![CDATA[<p>a</p>]]>y") == "x         <p>a</p>   y"


MINIMAL = f'<blockquote class="twitter-tweet"><a href="{LONE_URL}"></a></blockquote>'
EMBEDLY_TITLE = "Rhea Castell on X: &quot;Ferries resume…&quot; / X"


@pytest.mark.parametrize(
    ("card", "blockquote", "text"),
    [
        (f'<a class="embedly-card" href="{LONE_URL}">{EMBEDLY_TITLE}</a>', PUBLISH, None),
        (
            f'<iframe src="https://cdn.embedly.com/widgets/media.html?schema=twitter&amp;url='
            f'{LONE_URL}" title="{EMBEDLY_TITLE}"></iframe>',
            PUBLISH,
            None,
        ),
        (
            f'<a class="embedly-card" href="{LONE_URL}">Rhea Castell on X: &quot;Ferries '
            "resume at noon.&quot; / X</a>",
            MINIMAL,
            "Ferries resume at noon.",
        ),
    ],
    ids=["embedly-link", "embedly-iframe", "minimal-blockquote"],
)
def test_a_card_beside_the_blockquote_of_its_post_is_the_blockquote(card, blockquote, text):
    """A card or frame of a post right before the publish blockquote of the same post is one
    embed: the blockquote's (its method, date and bytes), with the fuller text of the two
    (a truncated title does not replace the post's text; a minimal blockquote takes the
    card's), in either order. The blockquote's signature is not read again as a text form."""
    for pair in (f"{card}\n{blockquote}", f"{blockquote}\n{card}"):
        page = f"<html><body><article><p>Intro.</p>{pair}<p>After.</p></article></body></html>"
        (embed,) = find_posts(page.encode()).embeds
        assert (embed.method, embed.status_id, embed.author) == (
            "blockquote",
            "1764012345678901234",
            "Rhea Castell",
        )
        assert embed.text == (text or "Ferries resume at noon.")
        assert embed.date == (None if blockquote == MINIMAL else "2024-03-03")
        assert page.encode()[embed.raw_start : embed.raw_end] == blockquote.encode()


@pytest.mark.parametrize(
    "holder",
    ['<script type="text/x-template">{}</script>', "<xmp>{}</xmp>", "<noscript>{}</noscript>"],
)
def test_a_box_around_markup_kept_as_text_has_the_pages_bytes_as_its_raw(holder: str) -> None:
    """A consent or lazy-load box whose markup is kept as text (expanded for detection) is
    located in the page's bytes: they are checked with the same markup expanded."""
    box = (
        '<div class="lazy-embed" data-provider="twitter">'
        f"{holder.format(BORLABS_2_MARKUP)}<button>Load</button></div>"
    )
    page = f"<html><body><article><p>Intro.</p>{box}<p>Outro.</p></article></body></html>"
    (embed,) = find_posts(page.encode()).embeds
    assert embed.status_id == "1902045678923456790"
    assert page.encode()[embed.raw_start : embed.raw_end] == box.encode()


def test_an_iframely_lazy_frame_names_the_post_in_its_address() -> None:
    """Iframely's lazy frame has no ``src``: embed.js sets it from ``data-iframely-url``,
    whose ``url=`` names the post."""
    frame = (
        '<iframe data-iframely-url="https://cdn.iframe.ly/api/iframe?app=1&amp;url=https%3A%2F'
        '%2Ftwitter.com%2Fhafenamt%2Fstatus%2F1902045678923456790&amp;key=0a1b" data-img '
        'allowfullscreen scrolling="no"></iframe>'
    )
    page = (
        f"<html><body><article><p>Intro.</p><div>{frame}</div><p>Outro.</p></article></body></html>"
    )
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.status_id, embed.handle) == (
        "iframe",
        "1902045678923456790",
        "hafenamt",
    )


def test_an_embed_inside_an_article_quote_is_the_inner_blockquote():
    """A blog quoting a report, with the post it cites embedded inside the quote: the class-
    less blockquote ends with the embed's signature, but the post is the inner one (its
    text, not the report's)."""
    page = (
        b"<html><body><article><h4>The Courier reports on the closure:</h4>\n<blockquote>\n"
        b"<p>The council said the road would stay shut until the sea wall is inspected, and"
        b" that buses will run on the inland route.</p>\n"
        b'<p><blockquote class="twitter-tweet" data-dnt="true"><p lang="en" dir="ltr">The'
        b" harbour road stays closed today. Buses use the inland route.</p>&mdash; Harbour"
        b' Council (@harbourcouncil) <a href="https://twitter.com/harbourcouncil/status/'
        b'1764571093216755712?ref_src=twsrc%5Etfw">March 4, 2024</a></blockquote>'
        b'<script async src="https://platform.twitter.com/widgets.js"></script></p>\n'
        b"</blockquote>\n<p>Residents were not surprised.</p></article></body></html>"
    )
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.status_id, embed.handle) == (
        "blockquote",
        "1764571093216755712",
        "harbourcouncil",
    )
    assert embed.text == "The harbour road stays closed today. Buses use the inland route."
    assert page[embed.raw_start : embed.raw_end].startswith(b'<blockquote class="twitter-tweet"')


class _CountedScript(str):
    """A script's code that counts the characters its backward searches read."""

    read = 0

    def rfind(self, sub, start=None, end=None):  # type: ignore[override]
        low, high = start or 0, len(self) if end is None else end
        found = str.rfind(self, sub, low, high)
        type(self).read += high - (found if found >= 0 else low)
        return found


@pytest.mark.parametrize("quote", ['"', ""])
def test_a_script_s_embed_classes_outside_closed_strings_are_read_once(quote: str) -> None:
    """An embed class repeated where no JSON string holds it (a string never closed, or
    none at all) is passed over without reading back over what came before each time."""
    from archiver.detect.json_markup import _held

    _CountedScript.read = 0
    code = _CountedScript(f"var a = {quote} " + 'twitter-x \\" ' * 5000)
    assert list(_held(code)) == []
    assert _CountedScript.read <= 2 * len(code)


def test_a_string_never_closed_is_not_tried_again_at_each_escaped_quote() -> None:
    """The next literal after an embed's string opens at a quote no backslash escapes: the
    escaped quotes of a string that never closes are no openings to try (each try read to
    the string's end: quadratic in a script of such quotes)."""
    from archiver.detect.json_markup import _OPENED_STRING

    code = 'x = "a \\" twitter-x \\" b"'
    escaped = code.index('\\"') + 1
    assert _OPENED_STRING.match(code, escaped) is None
    assert _OPENED_STRING.match(code, code.index('"')).group() == code[4:]


S9E_SRC = "https://s9e.github.io/iframe/2/twitter.min.html#1902045678923456790#theme=dark"


@pytest.mark.parametrize(
    "box",
    [
        # The frame s9e MediaEmbed renders for ``[MEDIA=twitter]ID[/MEDIA]`` (XenForo, phpBB).
        f'<span data-s9e-mediaembed="twitter"><iframe data-s9e-mediaembed="twitter" '
        f'scrolling="no" style="height:350px;width:550px" src="{S9E_SRC}"></iframe></span>',
        # Its first version's address, protocol-relative and without the ``2/``.
        '<iframe data-s9e-mediaembed="twitter" width="500" height="186" '
        'src="//s9e.github.io/iframe/twitter.min.html#1902045678923456790"></iframe>',
        # XenForo's add-on loads it lazily: a span lists the frame's attributes as JSON.
        '<span data-s9e-mediaembed="twitter"><span style="display:block"><span '
        'data-s9e-mediaembed-iframe=\'["data-s9e-mediaembed","twitter","scrolling","no",'
        f'"src","{S9E_SRC.replace("/", chr(92) + "/")}"]\'></span></span></span>',
    ],
)
def test_an_s9e_media_frame_names_its_post_in_its_fragment(box: str) -> None:
    page = f"<html><body><article><p>Intro.</p>{box}<p>Outro.</p></article></body></html>"
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.status_id) == ("iframe", "1902045678923456790")


def test_s9e_frames_of_other_sites_are_not_posts() -> None:
    frame = (
        '<iframe data-s9e-mediaembed="youtube" '
        'src="https://s9e.github.io/iframe/2/youtube.min.html#1902045678923456790"></iframe>'
    )
    page = f"<html><body><article><p>Intro.</p>{frame}<p>Outro.</p></article></body></html>"
    assert find_posts(page).embeds == []


EMPTIED_DATE = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Ferry back on schedule, '
    'thanks all <a href="https://t.co/Ab12Cd34Ef">pic.twitter.com/Ab12Cd34Ef</a></p>'
    "&mdash; Harbour Ferries (@harbourferry) "
    '<a href="https://twitter.com/{handle}/status/1500000000000000001"></a></blockquote>'
)


def test_publish_markup_whose_date_link_was_emptied_keeps_its_signature_apart() -> None:
    found = sole_embed(
        EMPTIED_DATE.format(handle="harbourferry"), "text", "author", "handle", "date", "media"
    )
    assert found == (
        "Ferry back on schedule, thanks all",
        "Harbour Ferries",
        "harbourferry",
        None,
        ("pic.twitter.com/Ab12Cd34Ef",),
    )


def test_an_undated_signature_of_another_handle_than_the_link_is_left_in_the_text() -> None:
    text, author = sole_embed(EMPTIED_DATE.format(handle="someoneelse"), "text", "author")
    assert author is None and text.endswith("(@harbourferry)")


def test_a_signature_alone_with_an_emptied_date_link_is_a_post_without_text() -> None:
    page = (
        '<blockquote class="twitter-tweet" lang="en"><p>&mdash; Harbour Ferries (@harbourferry)'
        ' <a href="https://twitter.com/harbourferry/status/1500000000000000001"></a></p>'
        "</blockquote>"
    )
    assert sole_embed(page, "status_id", "text", "author", "handle") == (
        "1500000000000000001",
        None,
        "Harbour Ferries",
        "harbourferry",
    )


@pytest.mark.parametrize(
    ("name", "opening"),
    [
        ("forem_liquid_tweet.html", b'<blockquote class="ltag__twitter-tweet"'),
        ("static_tweet_react.html", b'<div class="notion-tweet">'),
        ("discourse_onebox.html", b'<aside class="onebox twitterstatus"'),
        ("ghost_newsletter_card.html", b'<table cellspacing="0" cellpadding="0" border="0" class'),
    ],
)
def test_community_cards_span_their_whole_markup(name, opening):
    """A card's byte range is its element's markup, from its start tag to its end tag."""
    page = (HTML / name).read_bytes()
    for embed in detect(name).embeds:
        raw = page[embed.raw_start : embed.raw_end]
        assert raw.startswith(opening)
        assert raw.endswith(b"</" + opening[1:].split(b" ")[0] + b">")
        assert embed.raw_sha256 == hashlib.sha256(raw).hexdigest()


def test_a_ghost_card_whose_text_ends_with_a_mention_has_no_header_read_from_it():
    """Without its header row, a card's text ending with ``<br>@mention`` (Ghost writes each
    line break as ``<br>`` and a mention in a span, as it writes the header) stays its text."""
    page = (HTML / "ghost_newsletter_card.html").read_text()
    page = page.replace(
        "Thank you all. We got home dry.",
        'Thank you all.<br><span style="color: #1DA1F2;">@harbourcrew</span>',
    )
    second = find_posts(page).embeds[1]
    assert (second.handle, second.author, second.text) == (
        None,
        None,
        "Thank you all.\n@harbourcrew",
    )


PULL_OUT_SIGNATURE = (
    "<p>The pier reopens on Monday after repairs.</p><p>&mdash; Harbour Works (@harbourworks)"
    ' <a href="https://twitter.com/harbourworks/status/1790000000000000041">February 9, 2024'
    "</a></p>"
)


@pytest.mark.parametrize(
    ("layout", "found"),
    [
        ("<article><p>One.</p><aside>{}</aside><p>Two.</p></article>", True),
        ('<article><p>One.</p><div role="complementary">{}</div></article>', True),
        ("<article><p>One.</p><p>Two.</p></article><aside>{}</aside>", False),
        ('<article><p>One.</p><aside class="related">{}</aside><p>Two.</p></article>', False),
        ('<article><p>One.</p><aside role="navigation">{}</aside><p>Two.</p></article>', False),
        ("<article><p>One.</p><footer>{}</footer></article>", False),
    ],
)
def test_an_aside_set_between_the_articles_paragraphs_is_part_of_it(layout, found):
    """A post's signature line in an aside the article sets in its text is its embed; in an
    aside beside the article, in one named as a region, or in a footer, it is the site's."""
    page = f"<html><body><main>{layout.format(PULL_OUT_SIGNATURE)}</main></body></html>"
    embeds = find_posts(page.encode()).embeds
    expected = [("text", "1790000000000000041")] if found else []
    assert [(e.method, e.status_id) for e in embeds] == expected


@pytest.mark.parametrize(
    ("wrapper", "found"),
    [
        # a layout's article column, its other class naming the article's body
        ("l-sidebar-fixed l-article-body-segment", 1),
        ("two-column-rail article-content", 1),
        ("lay-sidebar story-text", 1),
        # a BEM layout's main column; a wrapper named for the article and what is beside it
        ("sidebar__main", 1),
        ("sidebar__main--wide", 1),
        ("article-and-aside", 1),
        # a region, named so alone or with words of its own
        ("two-column-rail", 0),
        ("sidebar", 0),
        ("related-content", 0),
        ("sidebar related-content", 0),
        ("sidebar__content", 0),
        ("sidebar-and-related", 0),
    ],
)
def test_a_layout_column_named_beside_a_region_word_holds_the_article(wrapper, found):
    """A wrapper classed both as a layout with a sidebar and as the article's body (real
    pages: ``l-sidebar-fixed l-article-body-segment``, ``two-column-rail article-content``)
    is the article's column: its placeholder was dropped as a sidebar's."""
    page = (
        f'<html><body><h1>Ferries</h1><div class="{wrapper}"><p>The council voted.</p>'
        '<div data-tweet-id="1790000000000000051"></div><p>More text.</p></div></body></html>'
    )
    assert len(find_posts(page.encode()).embeds) == found
