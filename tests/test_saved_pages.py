"""Pages a browser saved as one file (MHTML, Safari's web archive): detected in their HTML
document, kept in the archive as the file was given."""

from __future__ import annotations

import base64
import io
import plistlib
import quopri
from pathlib import Path

import pytest
import sqlite_utils
from pages import embed_page
from warcio.archiveiterator import ArchiveIterator

from archiver.errors import TargetError
from archiver.evidence.warc import default_warc_dir
from archiver.page_read import check_page_bytes
from archiver.saved_pages import is_mime_message, mime_document, saved_from

BOUNDARY = "----MultipartBoundary--Q1w2E3r4T5y6U7i8O9p0----"
POST_ID = "1763000000000000001"
FRAME_POST_ID = "1764000000000000002"
FRAME_URL = (
    "https://platform.twitter.com/embed/Tweet.html?dnt=false&embedId=twitter-widget-0"
    f"&frame=false&hideCard=false&hideThread=false&id={FRAME_POST_ID}&lang=en"
)


def part(body: bytes, content_type: str, location: str, cid: str, encoding: str) -> bytes:
    encoded = quopri.encodestring(body) if encoding == "quoted-printable" else body
    if encoding == "base64":
        encoded = base64.encodebytes(body)
    head = (
        f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\nContent-ID: <{cid}>\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\nContent-Location: {location}\r\n\r\n"
    )
    return head.encode() + encoded.replace(b"\n", b"\r\n") + b"\r\n"


def saved_page(html: str, *extra: bytes, encoding: str = "quoted-printable") -> bytes:
    """An MHTML file laid out as Chromium saves one: headers folded, parts by Content-ID."""
    head = (
        "From: <Saved by Blink>\r\n"
        "Snapshot-Content-Location: https://news.example/2024/story\r\n"
        "Subject: =?utf-8?Q?A_story?=\r\n"
        "Date: Mon, 4 Mar 2024 10:00:00 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n'
        f'\tboundary="{BOUNDARY}"\r\n\r\n\r\n'
    )
    page = part(
        html.encode(),
        "text/html",
        "https://news.example/2024/story",
        "frame-0A1B@mhtml.blink",
        encoding,
    )
    return head.encode() + page + b"".join(extra) + f"--{BOUNDARY}--\r\n".encode()


RENDERED = (
    '<html><head><meta charset="utf-8"><title>Story</title></head><body><article>'
    "<p>Prose before the post.</p>"
    '<div class="twitter-tweet twitter-tweet-rendered" style="display: flex;">'
    '<iframe id="twitter-widget-0" scrolling="no" frameborder="0" title="X Post" '
    'src="cid:frame-9F8E@mhtml.blink"></iframe></div>'
    "<p>Prose after the post.</p></article></body></html>"
)
FRAME = part(
    b"<html><body><article>Rendered post</article></body></html>",
    "text/html",
    FRAME_URL,
    "frame-9F8E@mhtml.blink",
    "quoted-printable",
)


def test_a_saved_page_is_told_from_pages_and_texts() -> None:
    assert is_mime_message(saved_page(embed_page()))
    assert not is_mime_message(embed_page().encode())
    assert not is_mime_message(
        b"Subject: minutes\nDate: today\n\nContent-Type: multipart/related\n"
    )
    assert not is_mime_message(b"Note: the vote\nContent-Type: multipart/related is a MIME type\n")
    meta = b"Title: The vote\nAuthor: Jane\nContent-Type: text/plain\n\nThe council voted.\n"
    assert not is_mime_message(meta)  # MultiMarkdown's metadata: no MIME-Version, no message
    assert not is_mime_message(b"")


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64", "8bit"])
def test_the_html_document_is_read_whatever_its_transfer_encoding(encoding: str) -> None:
    html = embed_page(text="Caf\u00e9 = 3 long line " + "x" * 200)
    document = mime_document(saved_page(html, encoding=encoding), "f.mhtml")
    assert document.html.replace(b"\r\n", b"\n") == html.encode()  # lines end as filed
    assert document.content_type == "text/html"
    assert document.location == "https://news.example/2024/story"


def test_a_frame_saved_as_a_part_gets_its_address_back() -> None:
    document = mime_document(saved_page(RENDERED, FRAME), "f.mhtml")
    assert f'src="{FRAME_URL}"'.encode() in document.html
    assert b"cid:" not in document.html


def python_mhtml(page: str, frame: bytes, frame_url: str) -> bytes:
    """An MHTML written by Python's email package: a header longer than a line (a frame's
    address) is folded as RFC 2047 encoded words (``=?utf-8?q?https=3A//…?=``)."""
    from email import policy
    from email.message import EmailMessage

    message = EmailMessage(policy=policy.default)
    message["Snapshot-Content-Location"] = "https://news.example/2024/story"
    message.make_related()
    message.add_related(page, subtype="html", cid="<frame-0A1B@mhtml.blink>")
    message.add_related(frame, "text", "html", cid="<frame-9F8E@mhtml.blink>")
    message.get_payload()[1]["Content-Location"] = frame_url
    return message.as_bytes()


def test_an_encoded_word_frame_address_is_read_as_its_address() -> None:
    data = python_mhtml(RENDERED, b"<html><body>Rendered post</body></html>", FRAME_URL)
    assert b"=?utf-8?q?https=3A//platform" in data  # as Python folds a long header
    document = mime_document(data, "f.mhtml")
    assert [frame.address for frame in document.frames] == [FRAME_URL]
    assert f'src="{FRAME_URL}"'.encode() in document.html  # the page's iframe named again


def test_a_broken_encoded_word_is_no_address() -> None:
    data = python_mhtml(RENDERED, b"<p>frame</p>", FRAME_URL).replace(
        b"?q?https=3A", b"?x?https=3A"
    )
    assert [frame.address for frame in mime_document(data, "f.mhtml").frames] == [None]


def test_the_start_parameter_names_the_root_document() -> None:
    data = saved_page(embed_page(), part(b"<p>other</p>", "text/html", "https://o/", "r", "8bit"))
    named = data.replace(b'type="text/html";', b'type="text/html"; start="<r>";', 1)
    assert mime_document(named, "f.mhtml").html == b"<p>other</p>"


def test_a_saved_page_without_an_html_document_is_refused() -> None:
    image = part(b"\x89PNG", "image/png", "https://news.example/a.png", "i", "base64")
    no_page = saved_page("x").replace(b"Content-Type: text/html", b"Content-Type: text/css", 1)
    with pytest.raises(
        TargetError, match=r"^f\.mhtml: a MIME message \(a saved page or an e-mail\) with no page"
    ):
        mime_document(no_page.replace(b"--" + BOUNDARY.encode() + b"--", image, 1), "f.mhtml")


def rows(db_path: Path, sql: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql))


def test_scan_of_a_saved_page_keeps_the_file_and_finds_its_posts(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    html = embed_page(post_id=POST_ID).replace("</article>", RENDERED + "</article>")
    data = saved_page(html, FRAME)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "story.mhtml").write_bytes(data)
    result = run_cli("scan", str(tmp_path / "pages"))
    assert result.exit_code == 0, result.output
    embeds = rows(db_path, "select post_id, method, raw_start, raw from embeds order by position")
    assert [(e["post_id"], e["method"]) for e in embeds] == [
        (POST_ID, "blockquote"),
        (FRAME_POST_ID, "iframe"),
    ]
    assert embeds[0]["raw"].startswith('<blockquote class="twitter-tweet">')
    assert {e["raw_start"] for e in embeds} == {None}  # markup is encoded in the file
    (article,) = rows(db_path, "select canonical_url from articles")
    assert article["canonical_url"] == "https://news.example/2024/story"
    (record,) = rows(db_path, "select * from records")
    (warc,) = default_warc_dir(db_path).glob("*.warc.gz")
    with warc.open("rb") as fh:
        fh.seek(record["warc_offset"])
        stored = next(iter(ArchiveIterator(io.BytesIO(fh.read(record["warc_length"])))))
        assert stored.rec_type == "resource"
        assert stored.rec_headers.get_header("Content-Type") == "multipart/related"
        assert stored.content_stream().read() == data  # the file, byte for byte
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


def test_a_saved_page_on_standard_input_is_read_as_one(run_cli, db_path: Path) -> None:
    result = run_cli("scan", "-", input=saved_page(embed_page(post_id=POST_ID)))
    assert result.exit_code == 0, result.output
    assert [e["post_id"] for e in rows(db_path, "select post_id from embeds")] == [POST_ID]


def test_a_broken_saved_page_is_one_line_and_loses_nothing(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    good = tmp_path / "good.html"
    good.write_text(embed_page(post_id=POST_ID), encoding="utf-8")
    assert run_cli("scan", str(good)).exit_code == 0
    broken = tmp_path / "broken.mht"
    broken.write_bytes(saved_page("x").replace(b"text/html", b"text/css"))
    result = run_cli("scan", str(broken))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "broken.mht" in line]
    assert len(lines) == 1 and "a MIME message (a saved page or an e-mail) with no page" in lines[0]
    assert [e["post_id"] for e in rows(db_path, "select post_id from embeds")] == [POST_ID]


def web_archive(html: bytes, encoding: str | None = "UTF-8", kind: str = "text/html") -> bytes:
    """A Safari web archive: a binary property list around the page and its subresources."""
    main = {
        "WebResourceData": html,
        "WebResourceFrameName": "",
        "WebResourceMIMEType": kind,
        "WebResourceURL": "https://news.example/2024/story",
    }
    if encoding:
        main["WebResourceTextEncodingName"] = encoding
    image = {"WebResourceData": b"\x89PNG\r\n", "WebResourceMIMEType": "image/png"}
    archive = {"WebMainResource": main, "WebSubresources": [image]}
    return plistlib.dumps(archive, fmt=plistlib.FMT_BINARY)


def test_scan_of_a_safari_web_archive_keeps_the_file_and_finds_its_posts(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    text = "Caf\u00e9 au lait, s'il vous pla\u00eet"
    html = embed_page(post_id=POST_ID, text=text).replace('<meta charset="utf-8">', "")
    data = web_archive(html.encode("windows-1252"), encoding="windows-1252")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "story.webarchive").write_bytes(data)
    result = run_cli("scan", str(tmp_path / "pages"))
    assert result.exit_code == 0, result.output
    (embed,) = rows(db_path, "select post_id, text, raw_start from embeds")
    assert (embed["post_id"], embed["text"], embed["raw_start"]) == (POST_ID, text, None)
    (article,) = rows(db_path, "select canonical_url from articles")
    assert article["canonical_url"] == "https://news.example/2024/story"
    (record,) = rows(db_path, "select * from records")
    assert record["content_type"] == "application/x-webarchive"
    (warc,) = default_warc_dir(db_path).glob("*.warc.gz")
    with warc.open("rb") as fh:
        fh.seek(record["warc_offset"])
        stored = next(iter(ArchiveIterator(io.BytesIO(fh.read(record["warc_length"])))))
        assert stored.content_stream().read() == data  # the file, byte for byte
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (plistlib.dumps({"CFBundleName": "App"}, fmt=plistlib.FMT_BINARY), "not a saved page"),
        (web_archive(b"\x89PNG", kind="image/png"), "without an HTML document"),
        (web_archive(b"  \n"), "whose HTML document is empty"),
        (web_archive(b"<p>page</p>")[:40], "cannot be read"),
    ],
)
def test_a_property_list_that_is_no_saved_page_is_one_line(
    run_cli, tmp_path: Path, db_path: Path, data: bytes, reason: str
) -> None:
    good = tmp_path / "good.html"
    good.write_text(embed_page(post_id=POST_ID), encoding="utf-8")
    assert run_cli("scan", str(good)).exit_code == 0
    (tmp_path / "bad.webarchive").write_bytes(data)
    result = run_cli("scan", str(tmp_path / "bad.webarchive"))
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if "bad.webarchive" in line]
    assert reason in line
    assert [e["post_id"] for e in rows(db_path, "select post_id from embeds")] == [POST_ID]


def test_only_a_local_file_may_be_a_web_archive() -> None:
    data = web_archive(embed_page().encode())
    check_page_bytes("story.webarchive", data)
    with pytest.raises(TargetError, match="binary file, not a web page or text"):
        check_page_bytes("https://news.example/story", data, saved_pages=False)


def marked(html: str, address: str) -> bytes:
    """A page as a browser saves it as HTML: its address in a comment after the doctype."""
    mark = f"<!-- saved from url=({len(address):04d}){address} -->"
    return html.replace("<!DOCTYPE html>", "<!DOCTYPE html>\n" + mark, 1).encode()


def test_a_page_saved_as_html_gets_the_address_it_was_saved_from(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    page = tmp_path / "story.html"
    page.write_bytes(marked(embed_page(post_id=POST_ID), "https://news.example/2024/story"))
    assert run_cli("scan", str(page)).exit_code == 0
    (article,) = rows(db_path, "select canonical_url from articles")
    assert article["canonical_url"] == "https://news.example/2024/story"
    (embed,) = rows(db_path, "select post_id, raw_start from embeds")
    assert embed["post_id"] == POST_ID and embed["raw_start"] is not None  # its own bytes


def test_the_mark_names_only_a_web_address() -> None:
    frame = embed_page(post_id=POST_ID)
    address = "https://platform.twitter.com/embed/Tweet.html?id=" + POST_ID
    assert saved_from(marked(frame, address)) == address
    assert saved_from(frame.encode()) is None
    assert saved_from(marked(frame, "file:///C:/story.html")) is None  # no web address


def test_the_post_frames_of_a_page_saved_complete_add_no_posts(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    files = tmp_path / "story_files"
    files.mkdir()
    address = "https://platform.twitter.com/embed/Tweet.html?id=" + FRAME_POST_ID
    (files / "saved_resource.html").write_bytes(marked(embed_page(FRAME_POST_ID), address))
    story = marked(embed_page(post_id=POST_ID), "https://news.example/2024/story")
    (tmp_path / "story.html").write_bytes(story)
    assert run_cli("scan", str(tmp_path)).exit_code == 0
    assert [e["post_id"] for e in rows(db_path, "select post_id from embeds")] == [POST_ID]


def test_a_page_saved_by_singlefile_names_the_address_it_came_from() -> None:
    address = "https://news.example/2024/story?id=7"
    page = embed_page().replace(
        "<html>",
        f"<html><!--\n Page saved with SingleFile \n url: {address} \n"
        " saved date: Wed Mar 06 2024 10:00:00 GMT+0000 (Coordinated Universal Time)\n-->",
    )
    assert "<html><!--" in page
    assert saved_from(page.encode()) == address
    assert saved_from(b"<p>SingleFile is a browser extension; url: https://a.example/</p>") is None


def test_a_part_type_holding_other_bytes_than_ascii_is_read_as_its_type() -> None:
    data = saved_page(embed_page()).replace(
        b"Content-Type: text/html", b"Content-Type: text/html; charset=\xff\xfe", 1
    )
    assert mime_document(data, "f.mhtml").content_type == "text/html"
    declared = saved_page(embed_page()).replace(
        b"Content-Type: text/html", b'Content-Type: text/html; charset="Windows-1252"', 1
    )
    assert mime_document(declared, "f.mhtml").content_type == "text/html; charset=windows-1252"


def e_mail(body_parts: list[tuple[str, bytes]]) -> bytes:
    """A newsletter as a mail client saves it (``.eml``): alternative parts, quoted-printable."""
    head = (
        "Return-Path: <news@paper.example>\r\nFrom: The Paper <news@paper.example>\r\n"
        "Subject: Morning briefing\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
    )
    parts = b"".join(
        b"--alt\r\nContent-Type: " + kind.encode() + b"; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quopri.encodestring(body).replace(b"\n", b"\r\n")
        + b"\r\n"
        for kind, body in body_parts
    )
    return head.encode() + parts + b"--alt--\r\n"


def test_a_saved_e_mail_is_read_by_its_html_part_else_its_text(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    text = 'Jane Example on X: "The ferry is back on schedule / X"\nThe ferry is back on schedule\n'
    letter = tmp_path / "briefing.eml"
    letter.write_bytes(
        e_mail(
            [("text/plain", b"View it in a browser."), ("text/html", embed_page(POST_ID).encode())]
        )
    )
    plain = tmp_path / "plain.eml"
    plain.write_bytes(e_mail([("text/plain", text.encode())]))
    result = run_cli("scan", str(letter), str(plain))
    assert result.exit_code == 0, result.output
    found = rows(db_path, "select post_id, method, author_name from embeds order by id")
    assert len(found) == 2 and (found[0]["post_id"], found[0]["method"]) == (POST_ID, "blockquote")
    assert found[1]["method"] == "text" and found[1]["author_name"] == "Jane Example"
    kinds = {r["content_type"] for r in rows(db_path, "select content_type from records")}
    assert kinds == {"message/rfc822"}


def test_a_mailbox_envelope_line_and_a_misleading_name_change_nothing(
    run_cli, tmp_path: Path, db_path: Path
) -> None:
    """Thunderbird saves a message after its mailbox's ``From - <date>`` line; an MHTML
    saved under ``.html`` is still a message, and its record says so."""
    letter = tmp_path / "briefing.eml"
    envelope = b"From - Thu Mar 07 09:12:44 2024\r\n"
    letter.write_bytes(envelope + e_mail([("text/html", embed_page(POST_ID).encode())]))
    misnamed = tmp_path / "story.html"
    misnamed.write_bytes(saved_page(embed_page(FRAME_POST_ID)))
    result = run_cli("scan", str(letter), str(misnamed))
    assert result.exit_code == 0, result.output
    found = rows(db_path, "select post_id, method from embeds order by id")
    assert [(e["post_id"], e["method"]) for e in found] == [
        (POST_ID, "blockquote"),
        (FRAME_POST_ID, "blockquote"),
    ]
    kinds = [
        r["content_type"] for r in rows(db_path, "select content_type from records order by id")
    ]
    assert kinds == ["message/rfc822", "multipart/related"]
    assert run_cli("verify").exit_code == 0


@pytest.mark.parametrize("lead", [b"\xef\xbb\xbf", b"\r\n"], ids=["byte-order-mark", "blank-line"])
def test_a_saved_page_after_a_byte_order_mark_or_blank_line_is_read_by_its_parts(
    run_cli, tmp_path: Path, db_path: Path, lead: bytes
) -> None:
    """What tells a MIME message passes over a byte order mark and blank lines before its
    headers; its parts are read alike (they were the whole file read as one text, its
    quoted-printable markup not undone, and its record typed as an e-mail)."""
    page = tmp_path / "story.mhtml"
    page.write_bytes(lead + saved_page(embed_page(post_id=POST_ID)))
    result = run_cli("scan", str(page))
    assert result.exit_code == 0, result.output
    found = rows(db_path, "select post_id, method from embeds")
    assert [(e["post_id"], e["method"]) for e in found] == [(POST_ID, "blockquote")]
    (article,) = rows(db_path, "select canonical_url from articles")
    assert article["canonical_url"] == "https://news.example/2024/story"
    (record,) = rows(db_path, "select content_type from records")
    assert record["content_type"] == "multipart/related"
    assert run_cli("verify").exit_code == 0
