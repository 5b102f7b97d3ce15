"""Detection on pages as the world writes them (issue 13).

Fixtures in tests/fixtures/world/ are hand-written (invented names and IDs) after the markup
that CMSs and consent tools produce: embeds kept as text (Drupal third_party_services'
textarea, Borlabs Cookie's base64 attribute, Usercentrics' text/plain script, templates,
``<xmp>``, an escaped attribute), post URLs where an ID is expected, signature dates in
eight locales (German, French, Hungarian, Spanish, Japanese, Arabic, Turkish, Polish), and
posts that a page shows beside the article or that are not embeds at all.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from pages import sole_embed

from archiver.detect import find_posts, has_markers, served_by_x
from archiver.detect.prefilter import BASE64_MARKERS, base64_markers
from archiver.detect.signature import parse_date, split_signature

WORLD = Path(__file__).parent / "fixtures" / "world"
DAY = "2025-03-18"

# fixture → embeds in order: (method, status_id, handle, author, date_text, start of text)
EMBEDS: dict[str, list[tuple]] = {
    "consent_drupal_textarea_de.html": [
        (
            "blockquote",
            "1902034567812345678",
            "radentscheid_ns",
            "Radentscheid Nordstadt",
            "18. März 2025",
            "Beschlossen! Der Stadtrat stimmt",
        )
    ],
    "consent_borlabs_base64_fr.html": [
        (
            "wordpress",
            "1902045678923456789",
            "mairie5_lyon",
            "Mairie du 5e",
            "18 mars 2025",
            "Le marché de nuit revient",
        )
    ],
    "lazy_x_template_hu.html": [
        (
            "blockquote",
            "1902056789034567890",
            "bpkozut_info",
            "Budapesti Közút",
            "2025. március 18.",
            "Szombat reggel 6-tól",
        )
    ],
    "consent_usercentrics_es.html": [
        (
            "blockquote",
            "1902067890145678901",
            "aguasdelvalle",
            "Aguas del Valle",
            "18 de marzo de 2025",
            "Este jueves, de 8:00 a 14:00",
        )
    ],
    "lazy_xmp_ja.html": [
        (
            "blockquote",
            "1902078901256789012",
            "minato_kishou",
            "みなと気象台",
            "2025年3月18日",
            "本日、標本木で5輪以上",
        )
    ],
    "consent_escaped_attr_ar.html": [
        (
            "blockquote",
            "1902089012367890123",
            "baladiya_city",
            "بلدية المدينة",
            "١٨ مارس ٢٠٢٥",
            "تبدأ أعمال صيانة",
        )
    ],
    "amp_url_tweetid_tr.html": [
        (
            "amp",
            "1902090123478901234",
            "sehirhatlari_x",
            "Şehir Hatları",
            "18 Mart 2025",
            "Olumsuz hava koşulları",
        ),
        ("amp", "1902090123478905678", "kiyi_haber", None, None, None),
    ],
    "url_id_attributes_pl.html": [
        ("placeholder", "1902101234589012345", "tramwaje_wawa", None, None, None),
        (
            "blockquote",
            "1902101234589016789",
            "ztm_info",
            "ZTM Informacje",
            "18 marca 2025",
            "Od 24 marca linie 3, 6 i 26",
        ),
        ("placeholder", "1902101234589019999", "praga_news", None, None, None),
    ],
}
TRAPS = sorted(p.name for p in WORLD.glob("trap_*.html"))


def test_every_fixture_has_expectations():
    assert {p.name for p in WORLD.glob("*.html")} == set(EMBEDS) | set(TRAPS)
    assert len(TRAPS) == 6


@pytest.mark.parametrize("name", sorted(EMBEDS))
def test_embeds(name):
    embeds = find_posts((WORLD / name).read_bytes()).embeds
    assert len(embeds) == len(EMBEDS[name])
    for embed, (method, status_id, handle, author, date_text, text) in zip(
        embeds, EMBEDS[name], strict=True
    ):
        assert (embed.method, embed.status_id, embed.handle, embed.author) == (
            method,
            status_id,
            handle,
            author,
        )
        assert embed.date_text == date_text
        assert embed.date == (DAY if date_text else None)
        assert (embed.text or None) is None if text is None else embed.text.startswith(text)


@pytest.mark.parametrize("name", sorted(EMBEDS))
def test_raw_keeps_the_container_that_held_the_markup(name):
    for embed in find_posts((WORLD / name).read_bytes()).embeds:
        assert embed.status_id in embed.raw or "data-borlabs-cookie-content" in embed.raw


def test_an_embed_kept_in_a_consent_textarea_has_the_range_of_its_markup():
    """Drupal's consent box keeps the embed's markup as a hidden ``<textarea>``'s text: the
    embed's range is that markup's bytes in the page (docs/evidence.md)."""
    page = (WORLD / "consent_drupal_textarea_de.html").read_bytes()
    (embed,) = find_posts(page).embeds
    start = page.index(b'<blockquote class="twitter-tweet">')
    assert (embed.raw_start, embed.raw_end) == (start, page.index(b"</blockquote>") + 13)
    assert page[embed.raw_start : embed.raw_end].decode() == embed.raw


@pytest.mark.parametrize("name", TRAPS)
def test_traps_have_no_embeds(name):
    page = (WORLD / name).read_bytes()
    assert find_posts(page).embeds == []
    assert all(e.method == "link" for e in find_posts(page, include_links=True).embeds)


def test_signatures_in_extracted_text_any_locale():
    text = (WORLD / "signatures_locales.txt").read_text(encoding="utf-8")
    embeds = find_posts(text, html=False).embeds
    assert [(e.handle, e.date, e.date_text) for e in embeds] == [
        ("radentscheid_ns", DAY, "18. März 2025"),
        ("mairie5_lyon", DAY, "18 mars 2025"),
        ("bpkozut_info", DAY, "2025. március 18."),
        ("aguasdelvalle", DAY, "18 de marzo de 2025"),
        ("minato_kishou", DAY, "2025年3月18日"),
        ("baladiya_city", DAY, "١٨ مارس ٢٠٢٥"),
        ("sehirhatlari_x", DAY, "18 Mart 2025"),
        ("valleypost", DAY, "March 18, 2025"),
    ]
    assert embeds[2].text == "Szombat reggel 6-tól hétfő hajnalig lezárjuk a hidat."
    assert embeds[5].author == "بلدية المدينة"
    assert all("(@" not in (e.text or "") for e in embeds)


@pytest.mark.parametrize(
    ("line", "author", "date", "date_text"),
    [
        ("Ready. — Kata Nagy (@katanagy) 2025. március 18.", "Kata Nagy", DAY, None),
        ("Prêt. — Jean (Lyon) (@jean_l) 18 mars 2025", "Jean (Lyon)", DAY, None),
        ("준비 완료 — 서울시 (@seoul_city) 2025년 3월 18일", "서울시", DAY, None),
        # A date no library reads: the signature still splits, the text is kept as shown.
        ("Prêt. — Jean (@jean_l) 28 Ventôse an 2025", "Jean", None, "28 Ventôse an 2025"),
    ],
)
def test_signature_by_structure(line, author, date, date_text):
    text, signature = split_signature(line)
    assert signature is not None
    assert signature["author"] == author
    assert signature["date"] == date
    assert "(@" not in text
    if date_text:
        assert signature["date_text"] == date_text


@pytest.mark.parametrize(
    "line",
    [
        "We met — as promised (@ana) on Friday",  # no digit: not a date
        "Update — see (@ana) https://t.co/Ab12Cd34Ef 2025",  # an address, not a date
        "Thanks — Ana (@ana) 2",  # a digit alone is not a date either
        "Great piece! — Ana Ruiz (@anaruiz) 3 hours ago",  # a comment's byline: no year
        "Ferry times — Harbour (@harbour) Mar 17",  # a feed card: no year
        "— Ana (@ana) 18 mars 1999",  # before X existed
        # a writer quoting a post: the date set off by a comma, or a sentence going on
        "“The bridge reopens.” — Ana Ruiz (@anaruiz), March 3, 2024",
        "He wrote — Ana Ruiz (@anaruiz) March 3, 2024, before deleting it",
        "— Ana Ruiz (@anaruiz) March 3, 2024 in a post since deleted",
        # an author's note, a photo credit: a year, no day
        "— Ana Ruiz (@anaruiz) has covered the harbour since 2019",
        "Harbour at dawn — Ana Ruiz (@anaruiz) 2024",
    ],
)
def test_not_a_signature(line):
    assert split_signature(line) == (line, None)


def test_comment_bylines_in_a_page_are_not_text_embeds():
    page = (
        "<html><body><article><p>Story.</p></article><section class='comments'>"
        "<p>Great piece!</p><p>— Ana Ruiz (@anaruiz) 3 hours ago</p>"
        "<p>Agreed.</p><p>— Bo (@bo_k) 12 min</p></section></body></html>"
    )
    assert find_posts(page).embeds == []


@pytest.mark.parametrize("value", ["3 days ago", "in 2 hours", "", "Watch on X"])
def test_relative_or_missing_dates_are_not_parsed(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ("26. Mai 2019", "de", "2019-05-26"),
        ("26 de mayo de 2019", None, "2019-05-26"),  # no hint: the Latin-script languages
        ("2019年5月26日", "ja", "2019-05-26"),
        ("26 мая 2019 г.", None, "2019-05-26"),
        # dateparser's general parser reads these two wrong or not at all (it took the Thai
        # abbreviation of March for January); the signature formats read them right.
        ("5 มีค 2019", "th", "2019-03-05"),
        ("9 Tháng năm 2019", "vi", "2019-05-09"),
        ("26.05.2019", "de", "2019-05-26"),  # no format fits: the general parser reads it
    ],
)
def test_signature_dates_in_other_languages(value, language, expected):
    assert parse_date(value, language) == expected


@pytest.mark.parametrize(
    "value",
    [
        "8:15 AM - 2 May 2019",  # Twitter's post pages and rendered embeds before 2019
        "8:15 AM - May 2, 2019",
        "2:03 PM · May 2, 2019",
        "May 2, 2019 at 8:15 AM",
        "2 May 2019, 14:05",
        "14:05 - 2. Mai 2019",
        "2. Mai 2019 um 14:05 Uhr",
        "2 mai 2019 à 08:15",
        "2019年5月2日 8:15",
    ],
)
def test_a_signature_date_with_its_time_of_day_is_read_without_dateparser(value):
    """The time and what joins it to the date are no part of the date: the date is read
    as it is alone (by the tables, with no language hint)."""
    code = (
        "import sys\n"
        "from archiver.detect.signature import parse_date\n"
        f"assert parse_date({value!r}) == '2019-05-02', parse_date({value!r})\n"
        "assert 'dateparser' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("value", ["8:15 AM", "8:15 AM - 2 May", "May 2 at 8:15 AM"])
def test_a_time_without_a_year_is_no_signature_date(value):
    assert parse_date(value) is None


def test_a_signature_date_that_fits_a_format_never_builds_the_time_zone_tables():
    code = (
        "from archiver.detect.signature import parse_date\n"
        "from dateparser import timezone_parser\n"
        "assert parse_date('18 มีนาคม 2025', 'th') == '2025-03-18'\n"  # dateparser's
        "print(timezone_parser._build_tz_regexes.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


THAI_EMBED = (
    '<html lang="th"><body><blockquote class="twitter-tweet"><p>ข่าว</p>&mdash; Ada (@ada) '
    '<a href="https://twitter.com/ada/status/1902022530000000000">18 มีนาคม 2025</a>'
    "</blockquote></body></html>"
)


def test_dateparser_is_imported_only_for_a_date_the_tables_cannot_read(tmp_path):
    code = (
        "import sys\n"
        "from archiver.detect import find_posts\n"
        "page = open(sys.argv[1], 'rb').read()\n"
        "assert find_posts(page).embeds[0].date\n"
        "print('dateparser' in sys.modules)\n"
    )
    english = Path(__file__).parent / "fixtures" / "html" / "bq_2019_refsrc.html"
    thai = tmp_path / "thai.html"
    thai.write_text(THAI_EMBED, encoding="utf-8")
    hungarian = WORLD / "lazy_x_template_hu.html"  # 2025. március 18.: the tables read it
    for page, imported in ((english, "False"), (hungarian, "False"), (thai, "True")):
        run = subprocess.run(
            [sys.executable, "-c", code, str(page)], capture_output=True, text=True, check=True
        )
        assert run.stdout.strip() == imported


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        (("https://twitter.com/a/status/20",), True),
        (("https://mobile.twitter.com/a/status/20",), True),
        (("https://x.com/a",), True),
        (None, False),
        (("https://news.example/x.com-story", "https://netx.com/a"), False),
        (("https://news.example/story", "https://www.twitter.com/a/status/1"), True),
    ],
)
def test_served_by_x(urls, expected):
    assert served_by_x(*(urls or (None,))) is expected


def test_a_canonical_url_that_does_not_parse_is_no_address_on_x():
    """A page's canonical link with a broken IPv6 host naming x.com (``https://[x.com/a``):
    urlsplit raises on it, and detection failed on the whole page."""
    assert served_by_x("https://[x.com/a", "https://twitter.com]/a") is False
    page = (WORLD / "trap_x_status_page.html").read_text(encoding="utf-8")
    page = page.replace("https://twitter.com/harbourferries/status/745276948213968896", "")
    broken = '<link rel="canonical" href="https://[x.com/story">'
    assert find_posts(page.replace("<head>", "<head>" + broken, 1)).embeds


def test_a_page_from_x_hosts_is_not_an_article_even_without_a_canonical_url():
    page = (WORLD / "trap_x_status_page.html").read_text(encoding="utf-8")
    page = page.replace("https://twitter.com/harbourferries/status/745276948213968896", "")
    assert find_posts(page).embeds  # nothing on the page says where it came from
    assert find_posts(page, url="https://news.example/ferries").embeds
    assert not find_posts(page, url="https://twitter.com/harbourferries/status/1").embeds
    text = "Ready.\n— Harbour Ferries (@harbourferries) June 21, 2016\n"
    assert not find_posts(text, html=False, url="https://x.com/harbourferries").embeds


def test_component_props_naming_one_post():
    mount = """<div data-react-class="Tweet" data-react-props='{"tweetId":"%s"}'></div>"""
    page = f"<html><body><article><p>Storms.</p>{mount % '1719197668600127620'}</article>"
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.status_id) == ("placeholder", "1719197668600127620")
    url = "https://twitter.com/metoffice/status/1719197668600127620"
    (by_url,) = find_posts(page.replace("1719197668600127620", url)).embeds
    assert (by_url.status_id, by_url.handle) == ("1719197668600127620", "metoffice")
    assert not find_posts(page.replace("article>", "aside>")).embeds  # beside the article
    assert not find_posts(page.replace('"Tweet"', '"Chart"')).embeds  # not a post component
    assert not find_posts(page.replace("tweetId", "relatedId")).embeds


def test_link_whose_text_is_a_status_url_but_leads_elsewhere():
    status = "https://twitter.com/rick/status/8006589258918656"
    joke = f'<html><body><div><p><a href="https://video.example/watch">{status}</a></p></div>'
    assert not find_posts(joke).embeds
    honest = joke.replace("https://video.example/watch", status)
    assert [e.status_id for e in find_posts(honest).embeds] == ["8006589258918656"]


@pytest.mark.parametrize("shift", range(6))
@pytest.mark.parametrize("word", [b"twitter-tweet", b"/status/"])
def test_base64_markers_match_every_alignment(word, shift):
    encoded = base64.b64encode(b"<p>" + b"x" * shift + word + b"</p>")
    assert any(marker in encoded for marker in BASE64_MARKERS)
    assert has_markers(b'<div data-content="' + encoded + b'"></div>')


def test_base64_markers_are_the_stable_characters():
    markers = base64_markers(b"twitter-tweet")
    assert len(markers) == 3
    assert all(len(m) >= 16 for m in markers)


@pytest.mark.parametrize(
    ("text", "candidate"),
    [
        ("Kész.\n— Kata (@katanagy) 2025. március 18.\n", True),
        ("准备好了\n— 市政府 (@city_gov) 2025年3月18日\n", True),
        ("جاهز\n— البلدية (@baladiya) ١٨ مارس ٢٠٢٥\n", True),
        ("हो गया\n— नगर निगम (@nagar_nigam) १८ मार्च २०२५\n", True),
        ("Write to me (@ana) whenever you like.\n", False),
        ("Great piece!\n— Ana Ruiz (@anaruiz) 3 hours ago\n", False),
    ],
)
def test_prefilter_sees_signatures_in_any_locale(text, candidate):
    assert has_markers(text.encode("utf-8")) is candidate


def test_consent_blocked_javascript_stays_javascript():
    page = (
        "<html><body><article><p>Intro.</p><div id='t1'></div>"
        '<script type="text/plain" data-cookieconsent="marketing">'
        "if (window.innerWidth < 600) { twttr.widgets.createTweet('1902112345690123456',"
        " document.getElementById('t1')); }</script></article></body></html>"
    )
    (embed,) = find_posts(page).embeds
    assert (embed.method, embed.status_id) == ("placeholder", "1902112345690123456")


@pytest.mark.parametrize(
    ("attributes", "beside"),
    [
        ('class="related-posts"', True),
        ('class="c-sidebar"', True),
        ('class="article-sidebar"', True),
        ('id="right-rail"', True),
        ('class="hot-on-twitter"', True),
        ('class="widget-area"', True),
        ('role="complementary"', True),
        ('class="js-truncate-related-to-my-size"', False),  # a real article body (corpus 007)
        ('class="widget widget--type-tweet"', False),  # euronews' in-article embed block
        ('class="entry-content"', False),
        ('class="site-footer"', True),
        ('class="embed-privacy-footer"', False),  # a part of an embed: its link to the post
        ('class="embed-footer"', False),
        # The site's own posts beside the article, named with "embed": still regions.
        ('class="twitter-embed-feed"', True),
        ('class="embed-sidebar"', True),
        ('class="sidebar-embed"', True),
        ('class="footer-embed-widgets"', True),
        # readers' comments and the author's bio
        ('id="comments" class="comments-area"', True),
        ('id="disqus_thread"', True),
        ('class="author-bio"', True),
        ('class="comment-body"', False),  # one comment's box: its section is the region
        ('class="comment-article"', False),  # an opinion desk's article
    ],
)
def test_regions_beside_the_article_by_name(attributes, beside):
    from archiver.detect.dom import parse
    from archiver.detect.placement import names_a_region

    node = parse(f"<div {attributes}></div>").css_first("div")
    assert node is not None
    assert names_a_region(node) is beside


FEED_BOX = (
    "<html><body><article><p>Story.</p>{embed}<p>More.</p></article>"
    '<div class="{box}"><div class="tweet" data-tweet-id="1900000000000000002"></div></div>'
    "</body></html>"
)


@pytest.mark.parametrize(
    ("box", "counted"),
    [
        ("twitter-feed", False),  # the box of one post is itself named as a feed of posts
        ("tweet-feed", False),
        ("twitter-embed-feed", False),
        ("x-feed", False),
        ("news-feed-item", True),  # "feed" not at the end, no post word: not a post feed
        ("embedded-tweet", True),
    ],
)
def test_a_post_in_a_box_named_as_a_feed_of_posts_is_not_the_articles(box, counted):
    embed = (
        '<blockquote class="twitter-tweet"><p>Real post</p>&mdash; Ada (@ada) '
        '<a href="https://twitter.com/ada/status/1900000000000000001">March 1, 2025</a>'
        "</blockquote>"
    )
    found = [e.status_id for e in find_posts(FEED_BOX.format(embed=embed, box=box)).embeds]
    assert found == ["1900000000000000001", *(["1900000000000000002"] * counted)]


def test_embed_privacy_overlay_links_its_post_in_its_footer():
    """Embed Privacy (WordPress) replaces an oEmbed with a "Click here to display content
    from X" overlay whose footer links the post; the embed itself waits in a script."""
    page = (
        "<html><body><article><p>Intro.</p>"
        '<div class="embed-privacy-container is-disabled embed-x" data-embed-id="oembed_0a1b"'
        ' data-embed-provider="x"><button type="button" class="embed-privacy-enable '
        'screen-reader-text">Display content from X</button><div class="embed-privacy-overlay">'
        '<div class="embed-privacy-inner"><p>Click here to display content from X.</p>'
        '<p class="embed-privacy-input-wrapper"><input id="ep-x-0a1b" type="checkbox" '
        'class="embed-privacy-input" data-embed-provider="x"><label for="ep-x-0a1b">Always '
        'display content from X</label></p></div><div class="embed-privacy-footer">'
        '<span class="embed-privacy-url"><a href="https://x.com/harbourdesk/status/'
        '1902112345690123456">Open post directly</a></span></div></div>'
        '<div class="embed-privacy-content"><script>var _oembed_0a1b = '
        '\'{\\"embed\\":\\"&lt;blockquote class=&quot;twitter-tweet&quot;&gt;\\"}\';'
        "</script></div></div><p>More.</p></article></body></html>"
    )
    assert sole_embed(page, "method", "status_id", "handle") == (
        "placeholder",
        "1902112345690123456",
        "harbourdesk",
    )


@pytest.mark.parametrize(
    ("box", "kept"),
    [
        ('<div class="latest-tweet" data-tweet-id="1902112345690123456"></div>', False),
        ('<div id="recent-tweets" data-tweet-id="1902112345690123456"></div>', False),
        ('<div class="embed-tweet" data-tweet-id="1902112345690123456"></div>', True),
        # other region words on the box's own class name no box of the site's posts
        ('<div class="embedded-tweets" data-tweet-id="1902112345690123456"></div>', True),
        ('<div class="tweet-teaser" data-tweet-id="1902112345690123456"></div>', True),
        ('<aside class="embed embed--twitter" data-tweet-id="1902112345690123456"></aside>', True),
    ],
)
def test_a_placeholder_named_as_a_box_of_the_sites_posts_is_beside_the_article(box, kept):
    """Before, only the placeholder's ancestors were asked whether they name a region."""
    page = f"<html><body><article><p>Intro.</p>{box}<p>More.</p></article></body></html>"
    assert bool(find_posts(page).embeds) is kept


@pytest.mark.parametrize("region", ['<aside class="sidebar">', "<footer>"])
def test_an_article_card_in_a_region_is_beside_the_article(region):
    """A post card written as an ``<article>`` in a sidebar: its own tag ends the article's
    flow, but the region around it still counts."""
    tag = region[1 : region.index(" ") if " " in region else -1]
    card = '<article class="tweet" data-tweet-id="1902112345690123456"></article>'
    page = f"<html><body><main><p>Intro.</p></main>{region}{card}</{tag}></body></html>"
    assert find_posts(page).embeds == []


def test_real_embeds_among_the_near_misses_are_found():
    """The trap of near misses with real forms put in the article's flow: each is found,
    and nothing else."""
    page = (WORLD / "trap_near_misses.html").read_text(encoding="utf-8")
    real = (
        '<blockquote class="twitter-tweet"><p lang="en">Crews are ready.</p>&mdash; Jane Roe '
        '(@janeroe) <a href="https://twitter.com/janeroe/status/1764000000000000007">March 3, '
        "2024</a></blockquote>\n<p>https://x.com/janeroe/status/1764000000000000008/photo/1</p>\n"
        "<p>Crews are on site.</p><p>— Jane Roe (@janeroe) 8:15 AM - 4 Mar 2024</p>\n"
    )
    page = page.replace('<div class="share-bar">', real + '<div class="share-bar">')
    found = [(e.method, e.status_id, e.date) for e in find_posts(page.encode()).embeds]
    assert found == [
        ("blockquote", "1764000000000000007", "2024-03-03"),
        ("placeholder", "1764000000000000008", None),
        ("text", None, "2024-03-04"),
    ]
