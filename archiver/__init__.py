"""archiver: find X (Twitter) posts embedded in news articles and keep the evidence in SQLite."""

from .detect import Detection, find_posts
from .errors import ArchiverError
from .models import Embed, PageInfo

__all__ = ["ArchiverError", "Detection", "Embed", "PageInfo", "find_posts"]
__version__ = "0.1.0"
