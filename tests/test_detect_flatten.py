"""Flattening finds the line-breaking elements of a small subtree by a walk in Python and of
a big one by a selector answered in C: both give the same elements and the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_corpus import REAL

from archiver.detect import flatten as flatten_module
from archiver.detect.dom import parse
from archiver.detect.flatten import BREAKING, _breaking, flatten

FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.htm*"))
PAGES = FIXTURES + (sorted(REAL.glob("*.html"))[:12] if REAL.is_dir() else [])


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_the_walk_and_the_selector_agree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = parse(path.read_bytes().decode("utf-8", "replace"))
    elements = [el for el in root.traverse() if el.is_element_node]
    walked = {el.mem_id: ({n.mem_id for n in _breaking(el)}, flatten(el)) for el in elements}
    monkeypatch.setattr(flatten_module, "SMALL_SUBTREE", -1)  # always the selector
    for el in elements:
        selected = {n.mem_id for n in el.css(BREAKING) if n.mem_id != el.mem_id}
        assert walked[el.mem_id] == (selected, flatten(el)), el.tag
