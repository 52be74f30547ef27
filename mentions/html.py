"""Reading other sites' pages (https://www.w3.org/TR/webmention/): where a page's webmention endpoint is, whether
a page links to an address, and what its microformats2 markup says about it. Pages are at most the fetch's size
limit, checked for depth in one pass, then parsed once (html5lib) and read from the tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urldefrag, urljoin

import mf2py
from bs4 import BeautifulSoup
from django.utils.html import escape

from blogsite.params import parse_iso
from posts.markup import COMMENT_HTML, extract_excerpt, html_to_text, sanitize_html

HTML_TYPES = ("text/html", "application/xhtml+xml")
# A `Link` header's links: the address in angle brackets, then its parameters up to the next link.
LINK_VALUE = re.compile(r"<([^>]*)>([^<]*)")
REL_PARAMETER = re.compile(r'(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))', re.IGNORECASE)
# Elements whose address attribute counts as linking to a page.
LINKING_ATTRIBUTES = {"a": "href", "area": "href", "img": "src", "video": "src", "audio": "src", "source": "src"}
CONTENT_MAX_CHARS = 20_000


def has_webmention_rel(rel: str) -> bool:
    return "webmention" in rel.lower().split()


def endpoint_from_link_headers(values: list[str], base: str) -> str | None:
    """The first `Link` header link whose rel list holds `webmention`, resolved against `base`."""
    for value in values:
        for match in LINK_VALUE.finditer(value):
            rel = REL_PARAMETER.search(match.group(2))
            if rel and has_webmention_rel(rel.group(1) if rel.group(1) is not None else rel.group(2)):
                return urljoin(base, match.group(1).strip())
    return None


# Every HTML5 parser's work grows with how deeply elements nest (each start tag looks up the stack of open
# elements), so a page a few hundred kilobytes deep would hold a worker for minutes. Pages nested deeper than
# this are not parsed: real ones stay well below it.
MAX_DEPTH = 100
# A start or end tag's name, or the start of a comment.
_TAG = re.compile(r"<(?:(!--)|(/?)([a-zA-Z][a-zA-Z0-9:-]*))")
# Elements that never hold others, or that close their open sibling, so never deepen the stack by themselves.
_FLAT = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track"),
        *("wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rt", "rp", "thead", "tbody"),
        *("tfoot", "colgroup"),
    }
)
# Elements whose text runs to their end tag with no tags in it (an inline script's `i<n` is not a tag), each
# with that end tag; outside SVG and MathML, where they are ordinary elements.
_TEXT_ONLY = {
    name: re.compile(rf"</{name}", re.IGNORECASE)
    for name in ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
}


class TooDeep(ValueError):
    """A page nested deeper than MAX_DEPTH."""


def check_depth(page: str) -> None:
    """Raise TooDeep when `page`'s elements may nest deeper than MAX_DEPTH. One pass over the page: comments and
    the text of scripts and styles are passed over, an end tag closes up to its open element, as a parser's
    would, and the stack never holds more than MAX_DEPTH."""
    stack: list[str] = []
    position = 0
    while match := _TAG.search(page, position):
        position = match.end()
        if match.group(1):
            # `<!-->` and `<!--->` are whole comments; any other runs to `-->`, or to the end of the page.
            if page.startswith((">", "->"), position):
                continue
            end = page.find("-->", position)
            if end < 0:
                return
            position = end + 3
            continue
        name = match.group(3).lower()
        if match.group(2):
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
        elif name in _TEXT_ONLY and "svg" not in stack and "math" not in stack:
            end = _TEXT_ONLY[name].search(page, position)
            if end is None:
                return
            position = end.start()
        elif name not in _FLAT:
            stack.append(name)
            if len(stack) > MAX_DEPTH:
                raise TooDeep(f"nested more than {MAX_DEPTH} deep")


def parse_page(page: str) -> BeautifulSoup:
    """The page as a tree (html5lib, as browsers build it). Raises TooDeep (see check_depth)."""
    check_depth(page)
    return BeautifulSoup(page, "html5lib")


def _rel_values(element) -> list[str]:
    rel = element.get("rel") or []
    return [value.lower() for value in (rel.split() if isinstance(rel, str) else rel)]


def endpoint_from_html(soup: BeautifulSoup, base: str) -> str | None:
    """The first `<link>` or `<a>` with an `href` and `webmention` in its rel list, in document order,
    resolved against `base`; an empty href is the page itself."""
    for element in soup.find_all(["link", "a"], href=True):
        if "webmention" in _rel_values(element):
            return urljoin(base, element["href"].strip())
    return None


def discover_endpoint(*, url: str, link_headers: list[str], content_type: str, page: str) -> str | None:
    """A page's webmention endpoint, following the spec's order: the first HTTP `Link` header, else the
    first `<link>` or `<a>` element, each resolved against the page's address after redirects (`url`).
    Raises TooDeep for a page that cannot be read."""
    found = endpoint_from_link_headers(link_headers, url)
    if found is None and content_type in HTML_TYPES:
        found = endpoint_from_html(parse_page(page), url)
    return found


def same_address(a: str, b: str) -> bool:
    """Whether two absolute addresses name the same page (fragments aside)."""
    return urldefrag(a)[0] == urldefrag(b)[0]


def links_to(soup: BeautifulSoup, *, base: str, target: str) -> bool:
    """Whether the page has a link, picture or media element pointing at `target`."""
    for element in soup.find_all(list(LINKING_ATTRIBUTES)):
        value = element.get(LINKING_ATTRIBUTES[element.name])
        if isinstance(value, str) and value and same_address(urljoin(base, value.strip()), target):
            return True
    return False


@dataclass
class SourceSummary:
    kind: str = "mention"
    author_name: str = ""
    author_url: str = ""
    # The address of the author's picture (their h-card's `photo`): fetched and kept by the site, never shown.
    author_photo: str = ""
    title: str = ""
    content_html: str = ""
    excerpt: str = ""
    published_at: datetime | None = None


def _urls(values) -> list[str]:
    """The addresses in a list of mf2 property values: strings, or embedded objects with a `url`."""
    found = []
    for value in values or []:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found.extend(v for v in value.get("properties", {}).get("url", []) if isinstance(v, str))
            if isinstance(value.get("value"), str):
                found.append(value["value"])
    return found


def _first_text(values) -> str:
    for value in values or []:
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, dict) and isinstance(value.get("value"), str):
            return value["value"].strip()
    return ""


def _entries(items, depth=0):
    for item in items:
        if "h-entry" in item.get("type", []):
            yield item
        if depth < 3:
            yield from _entries(item.get("children", []), depth + 1)


def _author(entry: dict | None, items: list[dict]) -> tuple[str, str, str]:
    """The entry's author (else the page's first h-card): name, address and picture's address."""
    authors = (entry or {}).get("properties", {}).get("author") or [
        item for item in items if "h-card" in item.get("type", [])
    ][:1]
    for author in authors:
        if isinstance(author, str):
            return (author, "", "") if not author.startswith(("http://", "https://")) else ("", author, "")
        if isinstance(author, dict):
            properties = author.get("properties", {})
            name = _first_text(properties.get("name")) or _first_text([author])
            urls = [u for u in properties.get("url", []) if isinstance(u, str)]
            # mf2 gives a photo with alt text as {"value": address, "alt": text}.
            photos = [p.get("value") if isinstance(p, dict) else p for p in properties.get("photo", [])]
            photos = [p for p in photos if isinstance(p, str)]
            return name, urls[0] if urls else "", photos[0] if photos else ""
    return "", "", ""


def _web_address(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else ""


def summarize(soup: BeautifulSoup, *, url: str, target: str) -> SourceSummary:
    """What a mention shows, from the source page's microformats2: the h-entry that refers to `target`
    (else the first one), its author, content (sanitized with the comment allow-list), date and kind."""
    # mf2py fetches `url` itself when given no document: it is always given the page already parsed.
    parsed = mf2py.parse(doc=soup, url=url)
    items = parsed.get("items", [])
    entries = list(_entries(items))
    kinds = (("in-reply-to", "reply"), ("like-of", "like"), ("repost-of", "repost"))

    def refers(entry):
        properties = entry.get("properties", {})
        return any(same_address(urljoin(url, u), target) for prop, _ in kinds for u in _urls(properties.get(prop)))

    entry = next((e for e in entries if refers(e)), entries[0] if entries else None)
    summary = SourceSummary()
    if entry is None:
        return summary
    properties = entry.get("properties", {})
    for prop, kind in kinds:
        if any(same_address(urljoin(url, u), target) for u in _urls(properties.get(prop))):
            summary.kind = kind
            break
    name, author_url, photo = _author(entry, items)
    summary.author_name = name[:200]
    summary.author_url = _web_address(urljoin(url, author_url))[:2000] if author_url else ""
    summary.author_photo = _web_address(urljoin(url, photo))[:2000] if photo else ""
    summary.title = _first_text(properties.get("name"))[:300]
    content = (properties.get("content") or [None])[0]
    if isinstance(content, dict) and isinstance(content.get("html"), str):
        html = sanitize_html(content["html"], allow=COMMENT_HTML, base_url=url)
    elif isinstance(content, str):
        html = sanitize_html(f"<p>{escape(content)}</p>", allow=COMMENT_HTML)
    else:
        html = ""
    if len(html) > CONTENT_MAX_CHARS:
        html = ""
    summary.content_html = html
    text = extract_excerpt(html) if html else _first_text(properties.get("summary"))
    summary.excerpt = (text or html_to_text(html))[:500]
    if summary.title and summary.excerpt.startswith(summary.title):
        summary.title = ""
    summary.published_at = parse_iso(_first_text(properties.get("published")))
    return summary
