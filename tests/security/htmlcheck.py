"""Look at served HTML and feeds the way a browser would, and list everything in them that could run script.

Pages are parsed with html5lib, which builds the same tree a browser builds from the same bytes (including
the odd cases that mutation-XSS tricks rely on), and then every element and attribute is checked:

- no `<script>` except the site's own files (a same-origin `src`, no inline code) on whole pages;
  none at all in user content;
- no `on…` attribute, no `srcdoc`, no dangerous URL scheme (javascript:, vbscript:, data:, …) in any
  attribute that browsers load or follow, after the normalisation browsers apply (entities decoded, tabs
  and newlines dropped, leading control characters stripped, case folded);
- no `<iframe>`, `<frame>`, `<object>`, `<embed>`, `<applet>`, `<base>`, `<portal>`, `<isindex>`, and no
  `<meta http-equiv>`;
- forms and form buttons only post to the site itself; in user content there are no forms at all;
- no CSS that runs code or loads from elsewhere (`expression(`, `behavior:`, `-moz-binding`, `@import`,
  `url(javascript:…)`).

Feeds are parsed as XML, and each element that carries HTML for the reader (Atom `content`/`summary`/`title`
of type html or xhtml, RSS `description` and `content:encoded`) is unescaped and checked as user content.
"""

import re
import xml.etree.ElementTree as ET  # nosec B405 - parses the site's own feeds in tests only

import html5lib

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"

FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "isindex"}
# Attributes whose value a browser loads, follows or submits to.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "codebase",
    "poster",
    "background",
    "lowsrc",
    "dynsrc",
    "ping",
    "cite",
    "longdesc",
    "manifest",
    "icon",
    "archive",
}
# SVG animation attributes can set a link's href at run time.
ANIMATION_ATTRIBUTES = {"to", "from", "values", "by"}
DANGEROUS_SCHEMES = {"javascript", "vbscript", "data", "livescript", "mocha", "jar"}
DANGEROUS_CSS = re.compile(r"expression\s*\(|behaviou?r\s*:|-moz-binding|@import|javascript:|vbscript:", re.IGNORECASE)
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in an attribute's (already entity-decoded) value, or None if relative."""
    # Browsers drop ASCII tab and newline anywhere in a URL and strip leading/trailing C0 controls and spaces.
    cleaned = re.sub(r"[\t\n\r]", "", value)
    cleaned = cleaned.strip("".join(chr(c) for c in range(0x21)))
    match = SCHEME.match(cleaned.lower())
    return match.group(1) if match else None


def is_dangerous_url(value: str) -> bool:
    return url_scheme(value) in DANGEROUS_SCHEMES


def _same_origin(value: str) -> bool:
    cleaned = value.strip()
    if cleaned == "" or cleaned.startswith(("?", "#")):
        return True
    return cleaned.startswith("/") and not cleaned.startswith("//") and not cleaned.startswith("/\\")


def _text(element) -> str:
    return "".join(element.itertext())


def _problems_in_tree(root, *, user_content: bool) -> list[str]:
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = _local(element.tag)
        where = f"<{tag}>"
        if tag == "script":
            src = element.get("src", "")
            if user_content:
                problems.append(f"{where} in user content")
            elif not src or not _same_origin(src) or _text(element).strip():
                problems.append(f"{where} that is not one of the site's own files: src={src!r}")
        if tag in FORBIDDEN_TAGS:
            problems.append(f"{where} element")
        if tag == "meta" and element.get("http-equiv") is not None:
            problems.append(f"{where} with http-equiv={element.get('http-equiv')!r}")
        if tag in {"form", "link", "style"} and user_content:
            problems.append(f"{where} in user content")
        if tag == "form" and not _same_origin(element.get("action", "")):
            problems.append(f"{where} posting elsewhere: action={element.get('action')!r}")
        if tag == "link":
            rel = element.get("rel", "").lower().split()
            if "import" in rel or ("stylesheet" in rel and not _same_origin(element.get("href", ""))):
                problems.append(f"{where} rel={rel} href={element.get('href')!r}")
        if tag == "style" and DANGEROUS_CSS.search(_text(element)):
            problems.append(f"{where} with code-running CSS: {_text(element)[:80]!r}")
        for raw_name, value in element.attrib.items():
            name = _local(raw_name)
            shown = f"{where} {name}={value[:80]!r}"
            if name.startswith("on"):
                problems.append(f"event handler {shown}")
            elif name == "srcdoc":
                problems.append(f"srcdoc {shown}")
            elif name == "formaction" and not _same_origin(value):
                problems.append(f"form action elsewhere {shown}")
            elif (name in URL_ATTRIBUTES and is_dangerous_url(value)) or (
                name == "srcset" and any(is_dangerous_url(part.strip()) for part in value.split(","))
            ):
                problems.append(f"dangerous URL {shown}")
            elif name in ANIMATION_ATTRIBUTES and any(is_dangerous_url(v) for v in value.split(";")):
                problems.append(f"animated dangerous URL {shown}")
            elif name == "style" and DANGEROUS_CSS.search(value):
                problems.append(f"code-running CSS {shown}")
    return problems


def html_problems(markup: str, *, user_content: bool = False) -> list[str]:
    """Everything in `markup` that could run script or leak the reader elsewhere; empty when it is safe.

    `user_content=True` checks a fragment that users wrote (sanitizer output, feed content) with the
    strict rules; otherwise `markup` is a whole page and the site's own `<script src>`, stylesheets and
    forms are allowed.
    """
    if user_content:
        root = html5lib.parseFragment(markup, container="div", treebuilder="etree", namespaceHTMLElements=False)
    else:
        root = html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    return _problems_in_tree(root, user_content=user_content)


def assert_safe_html(markup: str | bytes, *, user_content: bool = False, context: str = "") -> None:
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8")
    problems = html_problems(markup, user_content=user_content)
    assert not problems, f"unsafe HTML {context}:\n  " + "\n  ".join(problems)


def feed_html_parts(feed: bytes) -> list[tuple[str, str]]:
    """(where, html) for every part of an Atom or RSS document that a feed reader renders as HTML.

    Raises xml.etree.ElementTree.ParseError when the feed is not well-formed XML.
    """
    root = ET.fromstring(feed)  # noqa: S314  # nosec B314 - the site's own output, in tests
    parts = []
    for element in root.iter():
        tag = element.tag
        if tag.startswith("{" + ATOM_NS + "}"):
            kind = element.get("type", "text")
            if kind == "html":
                parts.append((_local(tag), element.text or ""))
            elif kind == "xhtml":
                parts.append((_local(tag), "".join(ET.tostring(child, encoding="unicode") for child in element)))
        elif tag == "description" or tag == "{" + RSS_CONTENT_NS + "}encoded":
            parts.append((_local(tag), element.text or ""))
    return parts


def feed_problems(feed: bytes) -> list[str]:
    """Everything in a feed that could run script in a reader; empty when it is safe."""
    problems = []
    for where, markup in feed_html_parts(feed):
        problems += [f"{where}: {p}" for p in html_problems(markup, user_content=True)]
    root = ET.fromstring(feed)  # noqa: S314  # nosec B314 - the site's own output, in tests
    for element in root.iter():
        href = element.get("href")
        if href is not None and is_dangerous_url(href):
            problems.append(f"{_local(element.tag)} href={href!r}")
        if _local(element.tag) in {"link", "comments"} and element.text and is_dangerous_url(element.text):
            problems.append(f"{_local(element.tag)} {element.text!r}")
    return problems


def assert_safe_feed(feed: bytes, *, context: str = "") -> None:
    problems = feed_problems(feed)
    assert not problems, f"unsafe feed {context}:\n  " + "\n  ".join(problems)
