"""Browsing the archive in Datasette: metadata, canned queries and the plugin.

The ``datasette`` entry point names ``archiver.datasette.plugin``; ``archive serve`` starts
Datasette on an archive with it.
"""
