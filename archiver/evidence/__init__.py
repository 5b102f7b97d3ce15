"""Evidence: the bytes behind the archive's rows, in WARC files, and the ways to check and
hand them over.

- ``capture``: an HTTP exchange as a WARC keeps it;
- ``warc``: writing records (``WarcLog``), one file per process, durable before any row;
- ``pages``, ``replies``, ``media``: which pages, provider replies and media are kept;
- ``read``: reading a record back by its pointer, and checking whole files;
- ``verify``: ``archive verify``, every pointer and byte range against the bytes;
- ``wacz``: ``archive export --wacz``, a package replay tools open.

Nothing is imported here. Records are written without warcio (``warc``, ``fields``); warcio
is loaded only when a record is read back, or a crawl's page has a digest that hashlib alone
does not match (``read.digest_problem``, verify's own check).
"""
