"""Markdown to safe HTML, and the plain-text views of it (excerpt, word count).

Everything a person writes passes `sanitize_html` with an allow-list before it is stored or shown. The
allow-list is a value (`AllowList`) so that each kind of text gets its own: `POST_HTML` for posts,
`COMMENT_HTML` for comments (no images, no headings, links marked as user-generated) and `IMPORTED_HTML`
for HTML brought in from other blog platforms.

    from posts.markup import COMMENT_HTML, render_markdown
    body_html = render_markdown(source, allow=COMMENT_HTML)
"""

import html
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_BLOCK_TAGS = frozenset({"p", "blockquote", "ul", "ol", "li", "pre", "hr", "br"})
_INLINE_TAGS = frozenset({"a", "em", "strong", "b", "i", "u", "s", "del", "ins", "code", "sup", "sub", "abbr"})
_TABLE_TAGS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"})
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_DEFINITION_TAGS = frozenset({"dl", "dt", "dd"})

_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$")


@dataclass(frozen=True)
class AllowList:
    """What survives sanitizing: tags, their attributes, URL schemes, and the `rel` of external links."""

    tags: frozenset[str]
    attributes: dict[str, frozenset[str]] = field(default_factory=dict)
    link_schemes: frozenset[str] = frozenset({"http", "https", "mailto"})
    # Images load without a click, so they get a stricter list than links (no data:, no mailto:).
    image_schemes: frozenset[str] = frozenset({"http", "https"})
    # Added to links that leave the site (absolute http(s) or protocol-relative URLs).
    external_link_rel: str = "nofollow noopener"

    def without(self, *tags: str) -> "AllowList":
        return replace(self, tags=self.tags - frozenset(tags))


_COMMON_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
    # Fenced code keeps its `language-…` class (checked in `_filter_attribute`) for syntax highlighters.
    "code": frozenset({"class"}),
}

POST_HTML = AllowList(
    tags=_BLOCK_TAGS | _INLINE_TAGS | _TABLE_TAGS | _HEADING_TAGS | _DEFINITION_TAGS | {"img", "figure", "figcaption"},
    attributes=_COMMON_ATTRIBUTES,
)
COMMENT_HTML = replace(
    POST_HTML.without("img", "figure", "figcaption", *_HEADING_TAGS),
    external_link_rel="nofollow ugc noopener",
)
IMPORTED_HTML = replace(
    POST_HTML,
    tags=POST_HTML.tags | {"div", "span"},
)


def _filter_attribute(tag: str, name: str, value: str, allow: AllowList) -> str | None:
    if tag == "img" and name == "src":
        scheme = urlsplit(value.strip()).scheme.lower()
        return value if not scheme or scheme in allow.image_schemes else None
    if tag == "code" and name == "class":
        kept = [c for c in value.split() if _LANGUAGE_CLASS.match(c)]
        return " ".join(kept) or None
    return value


def _is_external(href: str, base_url: str | None) -> bool:
    href = html.unescape(href).strip().lower()
    if base_url:
        origin = "{0.scheme}://{0.netloc}/".format(urlsplit(base_url.lower()))
        if href.startswith(origin) or href == origin[:-1]:
            return False
    return href.startswith(("http://", "https://", "//"))


# nh3 serializes every attribute value in double quotes with `"` escaped, so this matches its output exactly.
_ANCHOR = re.compile(r'<a((?:\s+[^\s=>/"]+(?:="[^"]*")?)*)>')
_HREF = re.compile(r'\shref="([^"]*)"')


def _mark_external_links(cleaned: str, rel: str, base_url: str | None) -> str:
    def add_rel(match: re.Match) -> str:
        attrs = match.group(1)
        href = _HREF.search(attrs)
        if href and _is_external(href.group(1), base_url):
            return f'<a{attrs} rel="{rel}">'
        return match.group(0)

    return _ANCHOR.sub(add_rel, cleaned)


def sanitize_html(source: str, *, allow: AllowList = POST_HTML, base_url: str | None = None) -> str:
    """HTML reduced to the allow-list: unknown tags unwrapped, scripts and styles dropped with their
    content, event handlers and unsafe URLs removed, external links given `allow.external_link_rel`.

    With `base_url` (e.g. "https://blogs.example/@karen/"), relative links and images become absolute,
    as feeds need; links to that site's origin count as internal."""
    cleaned = nh3.clean(
        source,
        tags=set(allow.tags),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"} - set(allow.tags),
        attributes={tag: set(attrs) for tag, attrs in allow.attributes.items() if tag in allow.tags},
        attribute_filter=lambda tag, name, value: _filter_attribute(tag, name, value, allow),
        link_rel=None,
        url_schemes=set(allow.link_schemes | allow.image_schemes),
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if base_url else None,
    )
    if allow.external_link_rel and "a" in allow.tags:
        cleaned = _mark_external_links(cleaned, allow.external_link_rel, base_url)
    return cleaned


class _ShiftHeadings(Treeprocessor):
    def __init__(self, md, offset: int):
        super().__init__(md)
        self.offset = offset

    def run(self, root):
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                element.tag = f"h{min(6, int(element.tag[1]) + self.offset)}"


class _HeadingOffset(Extension):
    """Moves headings down, so that a writer's `# Title` sits under the page's own `<h1>`."""

    def __init__(self, offset: int):
        super().__init__()
        self.offset = offset

    def extendMarkdown(self, md):
        md.treeprocessors.register(_ShiftHeadings(md, self.offset), "heading_offset", 0)


MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "def_list", "abbr", "smarty"]


def _escape_other_tags(html_text: str, keep: frozenset[str]) -> str:
    """Every `<` that does not open or close one of the `keep` tags, as `&lt;`: a tag outside the allow-list
    shows as text instead of being parsed (an unclosed `<svg>` or `<style>` would take the rest of the text
    with it when the sanitizer removes it)."""
    names = "|".join(sorted(keep, key=len, reverse=True))
    return re.sub(rf"<(?!/?(?:{names})(?=[\s/>]))", "&lt;", html_text, flags=re.IGNORECASE)


def markdown_to_unsafe_html(source: str, *, heading_offset: int = 1, raw_html: bool = True) -> str:
    """Markdown rendered to HTML; never show this without `sanitize_html`.

    With `raw_html`, HTML written in the source passes on to the sanitizer where its tags are in
    `IMPORTED_HTML` (the widest allow-list) and shows as text otherwise. Without it, all HTML shows as text."""
    extensions = [*MARKDOWN_EXTENSIONS]
    if heading_offset:
        extensions.append(_HeadingOffset(heading_offset))
    md = markdown.Markdown(extensions=extensions, output_format="html")
    if not raw_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        return md.convert(source)
    return _escape_other_tags(md.convert(source), IMPORTED_HTML.tags)


def render_markdown(
    source: str, *, allow: AllowList = POST_HTML, heading_offset: int = 1, raw_html: bool = True
) -> str:
    """Markdown (with fenced code, tables, definition lists) as sanitized HTML, safe to store and show.

    Headings move down by `heading_offset` levels (`#` becomes `<h2>` by default). HTML written in the
    source passes the allow-list like the rest, tags outside it showing as text; with `raw_html=False` all
    of it shows as text."""
    html_out = markdown_to_unsafe_html(source, heading_offset=heading_offset, raw_html=raw_html)
    return sanitize_html(html_out, allow=allow)


class _TextCollector(HTMLParser):
    """Collects the text of HTML, and separately that of its first non-empty paragraph."""

    _BREAKS = frozenset({"p", "br", "li", "div", "blockquote", "pre", "tr", "td", "th", "dt", "dd", "hr"})
    _BREAKS |= {f"h{n}" for n in range(1, 7)}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.first_paragraph: str | None = None
        self._paragraph: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag in self._BREAKS:
            self.parts.append(" ")
        if tag == "p" and self.first_paragraph is None and self._paragraph is None:
            self._paragraph = []

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag in self._BREAKS:
            self.parts.append(" ")
        if tag == "p" and self._paragraph is not None:
            text = _squash("".join(self._paragraph))
            self._paragraph = None
            if text:
                self.first_paragraph = text

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _collect(source_html: str) -> _TextCollector:
    collector = _TextCollector()
    collector.feed(source_html)
    collector.close()
    return collector


def html_to_text(source_html: str) -> str:
    """The text of an HTML fragment, tags removed and whitespace collapsed (entities decoded)."""
    return _squash("".join(_collect(source_html).parts))


def truncate_words(text: str, max_chars: int) -> str:
    """`text` cut at a word boundary to at most `max_chars` characters, with an ellipsis when cut."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut[max_chars // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def extract_excerpt(source_html: str, *, max_chars: int = 300) -> str:
    """The first paragraph of an HTML fragment as plain text (else the start of its text), shortened."""
    collector = _collect(source_html)
    text = collector.first_paragraph or _squash("".join(collector.parts))
    return truncate_words(text, max_chars)


# Scripts written without spaces between words: each character counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD = re.compile(rf"[{_CJK}]|[^\s{_CJK}]*\w[^\s{_CJK}]*")


def count_words(text: str) -> int:
    """Words in plain text (pass `html_to_text(...)` for HTML); CJK characters count one each."""
    return len(_WORD.findall(text))
