"""archiver: find X (Twitter) posts embedded in news articles and keep the evidence in SQLite.

The names below are imported on first use (PEP 562), so ``archive --help`` and the
commands that do not detect anything never import the detector.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .detect import Detection, find_posts
    from .errors import ArchiverError
    from .models import Embed, PageInfo

_LAZY = {
    "ArchiverError": ".errors",
    "Detection": ".detect",
    "Embed": ".models",
    "PageInfo": ".models",
    "find_posts": ".detect",
}

__all__ = ["ArchiverError", "Detection", "Embed", "PageInfo", "find_posts"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'archiver' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name], __name__), name)
