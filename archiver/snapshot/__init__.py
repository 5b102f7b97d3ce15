"""Snapshot providers: request builders, response parsers and the status decision.

Pure and network-free: the caller performs the HTTP requests and hands the status code,
content type and body to ``parse_syndication`` / ``parse_oembed``.
"""
