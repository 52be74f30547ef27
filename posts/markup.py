"""The site's one Markdown pipeline (Markdown → HTML → allow-list sanitizer), and the plain-text views of its
output (excerpt, word count).

Everything a person writes passes `sanitize_html` with an allow-list before it is stored or shown, whether it
was written in Markdown (`render_markdown`) or arrived as HTML. The allow-list is a value (`AllowList`), passed
by every use, so that each kind of text gets its own: `POST_HTML` for posts (and the feeds and federation
documents made from them), `COMMENT_HTML` for comments and replies from other sites (no images, no headings,
HTML in the Markdown shown as text, links marked as user-generated) and `IMPORTED_HTML` for HTML brought in
from other blog platforms. The allow-list also decides which Markdown features are parsed at all.

    from posts.markup import COMMENT_HTML, render_markdown
    body_html = render_markdown(source, allow=COMMENT_HTML)
"""

import functools
import hashlib
import html
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.common import html_re
from markdown_it.rules_core import StateCore
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .highlight import TOKEN_CLASSES

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
    # Footnotes: rendered from Markdown, and their ids and classes kept (see `_FOOTNOTE_CLASSES`).
    footnotes: bool = False
    # Highlighted code: `span`s with Pygments' token classes (`posts.highlight`), kept inside `<pre>` only.
    code_spans: bool = False
    # HTML written in a Markdown source: passed on to the sanitizer (see `_filter_raw_html`), or shown as text.
    raw_html: bool = True

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
# The classes footnotes are drawn with, by tag, and the only ids anything may carry: "fn-<docId>-<n>" and
# "fnref-<docId>-<n>[:<m>]", which the Markdown renderer makes (see `markdown_to_unsafe_html`).
_FOOTNOTE_CLASSES = {
    "sup": "footnote-ref",
    "hr": "footnotes-sep",
    "section": "footnotes",
    "ol": "footnotes-list",
    "li": "footnote-item",
    "a": "footnote-backref",
}
_FOOTNOTE_ID = re.compile(r"^fn(?:ref)?-[0-9a-f]{8}-[0-9]{1,5}(?::[0-9]{1,5})?$")
_FOOTNOTE_ATTRIBUTES = {tag: frozenset({"class"}) for tag in _FOOTNOTE_CLASSES} | {
    "a": frozenset({"id", "class"}),
    "li": frozenset({"id", "class"}),
}


def _merge(*attribute_maps: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    merged: dict[str, frozenset[str]] = {}
    for attributes in attribute_maps:
        for tag, names in attributes.items():
            merged[tag] = merged.get(tag, frozenset()) | names
    return merged


POST_HTML = AllowList(
    tags=_BLOCK_TAGS
    | _INLINE_TAGS
    | _TABLE_TAGS
    | _HEADING_TAGS
    | _DEFINITION_TAGS
    | {"img", "figure", "figcaption", "section", "span"},
    attributes=_merge(_COMMON_ATTRIBUTES, _FOOTNOTE_ATTRIBUTES, {"span": frozenset({"class"})}),
    footnotes=True,
    code_spans=True,
)
# Comments have no footnotes: a footnote's ids would clash with those of the post and other comments.
COMMENT_HTML = replace(
    POST_HTML.without("img", "figure", "figcaption", "section", "span", *_HEADING_TAGS),
    attributes=_COMMON_ATTRIBUTES,
    external_link_rel="nofollow ugc noopener",
    footnotes=False,
    code_spans=False,
    raw_html=False,
)
IMPORTED_HTML = replace(
    POST_HTML,
    tags=POST_HTML.tags | {"div", "span"},
    # Imported HTML keeps its spans wherever they are (with no class but the highlighter's).
    code_spans=False,
)


def _filter_attribute(tag: str, name: str, value: str, allow: AllowList) -> str | None:
    if tag == "img" and name == "src":
        scheme = urlsplit(value.strip()).scheme.lower()
        return value if not scheme or scheme in allow.image_schemes else None
    if tag == "code" and name == "class":
        kept = [c for c in value.split() if _LANGUAGE_CLASS.match(c)]
        return " ".join(kept) or None
    if tag == "span" and name == "class":
        kept = [c for c in value.split() if c in TOKEN_CLASSES]
        return " ".join(kept) or None
    if name == "class":
        return value if allow.footnotes and value == _FOOTNOTE_CLASSES.get(tag) else None
    if name == "id":
        return value if allow.footnotes and _FOOTNOTE_ID.match(value) else None
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


def sanitize_html(source: str, *, allow: AllowList, base_url: str | None = None) -> str:
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
    if allow.code_spans:
        cleaned = _unwrap_spans_outside_code(cleaned)
    return cleaned


# Matches nh3's output exactly (attribute values always double-quoted, `"` escaped inside), as `_ANCHOR`.
_PRE_OR_SPAN = re.compile(r'<(/?)(pre|span)((?:\s+[^\s=>/"]+(?:="[^"]*")?)*)>')


def _unwrap_spans_outside_code(cleaned: str) -> str:
    """Sanitized HTML with every `span` tag outside `<pre>` removed (its text kept), in one pass: the
    highlighter's spans live in code blocks, and a writer's own spans have no business elsewhere."""
    out: list[str] = []
    pos = depth = 0
    for match in _PRE_OR_SPAN.finditer(cleaned):
        closing, tag = match.group(1), match.group(2)
        if tag == "pre":
            depth = max(0, depth - 1) if closing else depth + 1
        elif depth == 0:
            out.append(cleaned[pos : match.start()])
            pos = match.end()
    out.append(cleaned[pos:])
    return "".join(out)


def _shift_headings(state: StateCore) -> None:
    offset = state.env.get("heading_offset", 0)
    if not offset:
        return
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + offset)}"


# Tags whose content a browser's parser treats specially: raw text or RCDATA up to the closing tag (or to the
# end of the page when it is missing), foreign content (SVG, MathML), or content the sanitizer removes with
# the tag. Unwrapping one of these would swallow what follows it, so written in a post they show as text.
_SHOWN_AS_TEXT = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "applet", "template", "noscript", "noembed", "noframes",
        "textarea", "title", "xmp", "plaintext", "listing", "select", "option", "optgroup", "svg", "math",
        "frameset", "frame", "head", "html", "body", "base", "link", "meta", "form", "input", "button", "image",
        "isindex", "keygen", "param",
    }
)  # fmt: skip
_TAG = re.compile(rf"(?:{html_re.open_tag}|{html_re.close_tag})")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def _filter_raw_html(raw: str, keep: frozenset[str]) -> str:
    """Raw HTML from a Markdown source, reduced to what the sanitizer should see (one pass, linear).

    Tags in `keep` pass on to the sanitizer; tags in `_SHOWN_AS_TEXT`, and anything after a `<` that is not
    a complete tag or comment, show as text; other tags (`<div>`, `<details>`, `<font>`, made-up ones) are
    dropped, their content kept, so that no `</div>` is left standing in the text. Comments are dropped."""
    out = []
    pos = 0
    comments_can_close = True
    while (start := raw.find("<", pos)) >= 0:
        out.append(raw[pos:start])
        if raw.startswith("<!--", start):
            # Once one comment has no end, none after it has: don't look again (that would be quadratic).
            end = raw.find("-->", start + 4) if comments_can_close else -1
            if end >= 0:
                pos = end + 3
                continue
            comments_can_close = False
        elif tag := _TAG.match(raw, start):
            name = _TAG_NAME.match(tag.group()).group(1).lower()
            pos = tag.end()
            if name in keep:
                out.append(tag.group())
            elif name in _SHOWN_AS_TEXT:
                out.append("&lt;" + tag.group()[1:])
            continue
        out.append("&lt;")
        pos = start + 1
    out.append(raw[pos:])
    return "".join(out)


def _render_raw_html(self, tokens, idx, options, env) -> str:
    return _filter_raw_html(tokens[idx].content, IMPORTED_HTML.tags)


@functools.cache
def markdown_parser(
    *, raw_html: bool, images: bool, headings: bool, tables: bool, definitions: bool, footnotes: bool, highlight=None
) -> MarkdownIt:
    """The CommonMark parser for one set of Markdown features (built once, shared, thread-safe to render with).

    Everything it does runs in time linear in the source. Fenced code carries `class="language-…"`;
    `highlight(code, language, attrs)` may return the HTML of the block instead (`<pre>…` as it is, else
    wrapped in `<pre><code>`), or None for the plain rendering."""
    md = MarkdownIt("commonmark", {"html": raw_html, "highlight": highlight})
    md.enable("strikethrough")
    if tables:
        md.enable("table")
    if not images:
        md.disable("image")
    if not headings:
        md.disable(["heading", "lheading"])
    if definitions:
        md.use(deflist_plugin)
    if footnotes:
        md.use(footnote_plugin, inline=False)
    md.core.ruler.push("heading_offset", _shift_headings)
    md.add_render_rule("html_block", _render_raw_html)
    md.add_render_rule("html_inline", _render_raw_html)
    return md


def markdown_to_unsafe_html(source: str, *, allow: AllowList, heading_offset: int = 1, highlight=None) -> str:
    """Markdown rendered to HTML with the features `allow` can show; never show this without `sanitize_html`.

    With `allow.raw_html`, HTML written in the source passes on to the sanitizer where its tags are in
    `IMPORTED_HTML` (the widest allow-list); see `_filter_raw_html` for the rest. Without it, all HTML shows
    as text."""
    md = markdown_parser(
        raw_html=allow.raw_html,
        images="img" in allow.tags,
        headings=bool(allow.tags & _HEADING_TAGS),
        tables="table" in allow.tags,
        definitions="dl" in allow.tags,
        footnotes=allow.footnotes,
        highlight=highlight,
    )
    env = {"heading_offset": heading_offset}
    if allow.footnotes:
        # Footnote ids are "fn-<docId>-<n>": the prefix keeps two posts on one page apart, and an id with a
        # hyphen in it can't clobber a global a script reads.
        env["docId"] = hashlib.blake2s(source.encode(), digest_size=4).hexdigest()
    return md.render(source, env)


def render_markdown(source: str, *, allow: AllowList, heading_offset: int = 1, highlight=None) -> str:
    """Markdown (CommonMark with tables, strikethrough, definition lists and footnotes, as far as `allow`
    lets them show) as sanitized HTML, safe to store and show. Linear in the length of `source`.

    Headings move down by `heading_offset` levels (`#` becomes `<h2>` by default). HTML written in the
    source passes the allow-list like the rest, or with `allow.raw_html` off all of it shows as text.
    `highlight` is the fenced-code hook of `markdown_parser`."""
    unsafe = markdown_to_unsafe_html(source, allow=allow, heading_offset=heading_offset, highlight=highlight)
    return sanitize_html(unsafe, allow=allow)


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
