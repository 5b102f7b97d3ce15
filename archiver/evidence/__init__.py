"""Evidence: the bytes behind the archive's rows, in WARC files, and the ways to check and
hand them over.

- ``warc``: writing records (``WarcLog``), one file per process, durable before any row;
- ``read``: reading a record back by its pointer, and checking whole files;
- ``verify``: ``archive verify``, every pointer and byte range against the bytes;
- ``wacz``: ``archive export --wacz``, a package replay tools open.
"""

from .read import RecordError, StoredRecord, read_record, resolve
from .warc import EvidenceError, HttpCapture, Original, WarcLog, default_warc_dir

__all__ = [
    "EvidenceError",
    "HttpCapture",
    "Original",
    "RecordError",
    "StoredRecord",
    "WarcLog",
    "default_warc_dir",
    "read_record",
    "resolve",
]
