"""Signature dates read without dateparser (``local_dates``) agree with dateparser's reading.

The comparison covers a fixed sample of every table's month names in the shapes embeds write
(and some they do not), read with no page language, the date's own language and others;
``ARCHIVER_ALL_DATES=1`` runs all of them (453,310, about 6 minutes).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from archiver.detect.local_dates import locale_words, table_date
from archiver.detect.month_table import LANGUAGES
from archiver.detect.signature import _any_locale, attempts, parse_date

ROOT = Path(__file__).resolve().parent.parent
SHAPES = (
    "18 {} 2025",
    "18. {} 2025",
    "7 {} 2018",
    "05 {} 2019",
    "18 de {} de 2025",
    "3 de {} del 2025",
    "18 {} 2025 г.",
    "18 {} 2025 р.",
    "18 {} 2025 r.",
    "18 {} 2025 g.",
    "18 {} 2025 rok",
    "2025. {} 18.",
    "31 {} 2024",
)
HINTS = (None, "de", "es-ES", "ru", "en", "fr", "pl", "hr", "th", "zz")
SAMPLE = 1500


def every_case() -> list[tuple[str, str | None]]:
    cases = []
    for language in LANGUAGES:
        words = locale_words(language)
        assert words is not None
        for name in words.months:
            for spelled in {name, name.capitalize(), name.upper()}:
                for shape in SHAPES:
                    cases += [(shape.format(spelled), hint) for hint in (*HINTS, language)]
    return cases


def chosen_cases() -> list[tuple[str, str | None]]:
    cases = every_case()
    if os.environ.get("ARCHIVER_ALL_DATES"):
        return cases
    return random.Random(20261203).sample(cases, SAMPLE)


def flattened(value: str, hint: str | None) -> list[str]:
    return [language for languages in attempts(value, hint) for language in languages]


def test_table_dates_are_dateparsers():
    claimed = 0
    for value, hint in chosen_cases():
        mine = table_date(value, flattened(value, hint))
        if mine is not None:
            claimed += 1
            assert mine == _any_locale(value, hint), (value, hint)
    assert claimed > SAMPLE // 5  # the sample reads a good share without dateparser


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("26. Mai 2019", "2019-05-26"),
        ("18 mars 2025", "2025-03-18"),
        ("18 de marzo de 2025", "2025-03-18"),
        ("18 de março de 2025", "2025-03-18"),
        ("18 maggio 2025", "2025-05-18"),
        ("18 maart 2025", "2025-03-18"),
        ("18 Mart 2025", "2025-03-18"),
        ("18 marca 2025", "2025-03-18"),
        ("16 мая 2018 г.", "2018-05-16"),
        ("18 березня 2025 р.", "2025-03-18"),
        ("2025. március 18.", "2025-03-18"),
        ("2025年3月18日", "2025-03-18"),
        ("2025년 3월 18일", "2025-03-18"),
        ("18 مارس 2025", "2025-03-18"),
        ("18 Μαρτίου 2025", "2025-03-18"),
    ],
)
def test_the_shapes_embeds_write_are_read_from_the_tables(value, expected):
    assert str(table_date(value, flattened(value, None))) == expected
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("18 de März de 2025", None),  # "de" is no German word: dateparser reads no date
        ("18 listopad 2025", None),  # November in Polish, October in Croatian
        ("31 avril 2025", None),  # no such day
        ("18\xa0mars 2025", None),  # a space dateparser may read otherwise
        ("18  mars 2025", None),
        ("18 mars 2025", "af"),  # a page language the tables do not hold
        ("March 18 2025", None),
    ],
)
def test_dates_the_tables_cannot_vouch_for_go_to_dateparser(value, hint):
    assert table_date(value, flattened(value, hint)) is None


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("18 जन॰ 2025", "mr"),  # January in Hindi; Marathi splits off "॰": जन is जून, June
        ("2025. जन॰ 7.", "ne"),
        ("18 jan 2025 éve", None),  # "2025 éve": 2025 years ago
        ("18 مساءً مارس 2025", None),  # a skip word that is also "pm"
        ("18 en marzo en 2025", "es"),
        ("18 th march th 2025", "en"),
        ("18 NİSAN 2025", "tr"),  # dateparser fails (KeyError): not the tables' to read
        ("18 auguſt 2025", None),
        ("2025年3월 18日", None),  # Korean signs in a Japanese date: dateparser reads none
        ("2025년 3月18일", "ko"),
    ],
)
def test_the_tables_read_a_date_only_as_dateparser_does(value, hint):
    mine = table_date(value, flattened(value, hint))
    assert mine is None or mine == _any_locale(value, hint)


def test_a_decomposed_month_name_is_the_composed_one():
    value = "18 Ma\u0308rz 2025"
    assert (
        table_date(value, flattened(value, "de")) == _any_locale(value, "de") == date(2025, 3, 18)
    )


def test_a_german_date_does_not_import_dateparser():
    code = (
        "import sys\n"
        "from archiver.detect.signature import parse_date\n"
        "assert parse_date('26. Mai 2019') == '2019-05-26'\n"
        "print('dateparser' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_the_table_is_the_installed_dateparsers():
    check = [sys.executable, str(ROOT / "scripts" / "month_table.py"), "--check"]
    assert subprocess.run(check).returncode == 0, "run scripts/month_table.py again"


def test_a_date_dateparser_fails_on_leaves_the_embed_without_a_date():
    """Upper-case Turkish: dateparser raised KeyError, and the page's detection failed."""
    from archiver.detect import find_posts

    text = "Köprü kapandı.\n— Ada (@ada) 18 NİSAN 2025\n"
    (embed,) = find_posts(text, html=False).embeds
    assert embed.handle == "ada" and embed.date_text == "18 NİSAN 2025" and embed.date is None
