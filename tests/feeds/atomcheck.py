"""A strict check of an Atom document against RFC 4287's requirements (the "MUST"s a validator enforces).

Returns a list of problems, empty when the document conforms. It checks what feed readers trip over:
ids that are absolute IRIs and unique, exactly one title, id and updated per feed and entry, RFC 3339
dates, an author for every entry, content or an alternate link for every entry, escaped HTML content,
a self link, and no two alternate links of the same type and language.
"""

import re
from urllib.parse import urlsplit

from defusedxml import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TEXT_TYPES = {"text", "html", "xhtml"}


def is_absolute_iri(value: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    if parts.scheme == "tag":
        return re.fullmatch(r"tag:[^,]+,\d{4}(-\d{2}(-\d{2})?)?:.*", value) is not None
    return parts.scheme == "urn"


def _one(element, name: str, where: str, problems: list) -> object:
    found = element.findall(ATOM + name)
    if len(found) != 1:
        problems.append(f"{where}: {len(found)} <{name}> elements, must be exactly one")
        return None
    return found[0]


def _check_text(element, where: str, problems: list) -> None:
    kind = element.get("type", "text")
    if kind not in TEXT_TYPES:
        problems.append(f"{where}: type={kind!r} is not text, html or xhtml")
    if kind == "html" and len(element):
        problems.append(f"{where}: type=html must hold escaped markup, not child elements")


def _check_common(element, where: str, problems: list) -> None:
    ident = _one(element, "id", where, problems)
    if ident is not None and not is_absolute_iri((ident.text or "").strip()):
        problems.append(f"{where}: <id> {ident.text!r} is not an absolute IRI")
    title = _one(element, "title", where, problems)
    if title is not None:
        _check_text(title, f"{where} <title>", problems)
    updated = _one(element, "updated", where, problems)
    if updated is not None and not RFC3339.match((updated.text or "").strip()):
        problems.append(f"{where}: <updated> {updated.text!r} is not an RFC 3339 date-time")
    for name in ("published",):
        for found in element.findall(ATOM + name):
            if not RFC3339.match((found.text or "").strip()):
                problems.append(f"{where}: <{name}> {found.text!r} is not an RFC 3339 date-time")
    alternates = set()
    for link in element.findall(ATOM + "link"):
        if not link.get("href"):
            problems.append(f"{where}: a <link> without href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                problems.append(f"{where}: two alternate links of type {key[0]!r}")
            alternates.add(key)
    for author in element.findall(ATOM + "author"):
        if author.find(ATOM + "name") is None or not (author.find(ATOM + "name").text or "").strip():
            problems.append(f"{where}: an <author> without a <name>")


def check_atom(document: bytes) -> list[str]:
    """The problems found in an Atom feed document (an empty list when it conforms)."""
    problems: list[str] = []
    root = ElementTree.fromstring(document)
    if root.tag != ATOM + "feed":
        return [f"the root element is {root.tag}, not atom:feed"]
    _check_common(root, "feed", problems)
    if not any(link.get("rel") == "self" for link in root.findall(ATOM + "link")):
        problems.append("feed: no <link rel='self'>")
    feed_has_author = root.find(ATOM + "author") is not None
    ids = set()
    for number, entry in enumerate(root.findall(ATOM + "entry"), 1):
        where = f"entry {number}"
        _check_common(entry, where, problems)
        ident = (entry.findtext(ATOM + "id") or "").strip()
        if ident in ids:
            problems.append(f"{where}: <id> {ident!r} repeats another entry's")
        ids.add(ident)
        if entry.find(ATOM + "author") is None and not feed_has_author:
            problems.append(f"{where}: no <author>, and the feed has none")
        content = entry.find(ATOM + "content")
        has_alternate = any(link.get("rel", "alternate") == "alternate" for link in entry.findall(ATOM + "link"))
        if content is None and not has_alternate:
            problems.append(f"{where}: neither <content> nor an alternate <link>")
        if content is not None:
            if content.get("src") and entry.find(ATOM + "summary") is None:
                problems.append(f"{where}: <content src> without a <summary>")
            if content.get("type", "text") in TEXT_TYPES:
                _check_text(content, f"{where} <content>", problems)
        summary = entry.find(ATOM + "summary")
        if summary is not None:
            _check_text(summary, f"{where} <summary>", problems)
    return problems
