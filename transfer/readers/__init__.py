"""Readers for the export formats Blogsite imports, each turning a file into plain records.

`open_reader(path)` detects the format from the file itself. A reader yields `PostRecord`s (with their
comments when the format nests them) and `Skipped` notes from `posts()`, then any comments the format keeps
apart from their posts from `comments()`; nothing here touches the database.
"""

import contextlib

from ..xmlstream import ImportFileError, XMLStream, local_name, namespace
from .atom import ATOM_NS, BLOGGER_2018_NS
from .blogger import BloggerClassicReader
from .blogsite_json import JSON_FORMAT, BlogsiteJSONReader
from .common import CommentRecord, PostRecord, Progress, Skipped
from .takeout import BloggerTakeoutReader
from .wxr import WXR_NS, WXRReader

__all__ = [
    "JSON_FORMAT",
    "BloggerClassicReader",
    "BloggerTakeoutReader",
    "BlogsiteJSONReader",
    "CommentRecord",
    "PostRecord",
    "Skipped",
    "WXRReader",
    "open_reader",
]


def open_reader(path, *, progress: Progress = None):
    """The reader for the file at `path`, chosen by looking at the file. Raises ImportFileError."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ImportFileError("empty")
    if stripped.startswith(b"{"):
        return BlogsiteJSONReader(path, progress=progress)
    if not stripped.startswith(b"<"):
        raise ImportFileError("not_an_export")
    stream = XMLStream(path)
    namespaces: set[str] = set()
    root = None
    with contextlib.closing(stream.events(("start-ns", "start"))) as events:
        for event, payload in events:
            if event == "start-ns":
                namespaces.add(payload[1])
            else:
                root = payload
                break
    if root is None:
        raise ImportFileError("xml_no_root", stream.line)
    if local_name(root.tag) == "rss" and namespace(root.tag) == "":
        if any(WXR_NS.match(ns) for ns in namespaces):
            return WXRReader(path, progress=progress)
        raise ImportFileError("rss_not_wordpress", 1)
    if root.tag == f"{{{ATOM_NS}}}feed":
        if BLOGGER_2018_NS in namespaces:
            return BloggerTakeoutReader(path, progress=progress)
        return BloggerClassicReader(path, progress=progress)
    raise ImportFileError("unknown_root", stream.line, root=local_name(root.tag)[:60])
