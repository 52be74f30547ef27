"""Code highlighting for fenced code blocks, with Pygments on the server.

The colours are CSS classes (`hl-k`, `hl-s2`…; Pygments' short token names with a prefix), never inline
styles, so the strict Content-Security-Policy holds; `static/css/highlight.css` holds them for both colour
schemes and is written by `stylesheet()` (a test keeps the committed file equal to it). The sanitizer keeps
a `span` only with these classes and only inside `<pre>` (`posts.markup`).

Pygments' lexers are regular-expression machines: a block longer than `MAX_HIGHLIGHT_CHARS` is shown plain
rather than highlighted, which bounds what any lexer may cost on one block (`make bench-markdown` renders
its hostile inputs through `Post.render_body`, highlighting included).
"""

import re

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.style import Style
from pygments.token import STANDARD_TYPES, Comment, Error, Generic, Keyword, Name, Number, Operator, String
from pygments.util import ClassNotFound

CLASS_PREFIX = "hl-"
MAX_HIGHLIGHT_CHARS = 20_000


def _palette(*, comment, keyword, name, string, number, builtin, inserted, deleted) -> dict:
    """Token styles from eight colours: few enough to check each one's contrast (see the tests)."""
    return {
        Comment: f"italic {comment}",
        Comment.Preproc: f"noitalic {keyword}",
        Keyword: f"bold {keyword}",
        Keyword.Type: f"nobold {builtin}",
        Operator.Word: f"bold {keyword}",
        Name.Builtin: builtin,
        Name.Decorator: builtin,
        Name.Function: name,
        Name.Class: f"bold {name}",
        Name.Namespace: name,
        Name.Tag: f"bold {keyword}",
        Name.Attribute: number,
        Name.Variable: builtin,
        Name.Entity: number,
        String: string,
        String.Escape: f"bold {number}",
        String.Interpol: f"bold {number}",
        Number: number,
        Generic.Heading: f"bold {name}",
        Generic.Subheading: f"bold {builtin}",
        Generic.Inserted: inserted,
        Generic.Deleted: deleted,
        Generic.Error: deleted,
        Generic.Emph: "italic",
        Generic.Strong: "bold",
        Error: f"{deleted} border:{deleted}",
    }


LIGHT_CODE_BACKGROUND = "#f2efe8"  # site.css's --site-code-bg, light scheme
DARK_CODE_BACKGROUND = "#23262d"  # and dark


class LightStyle(Style):
    """Colours with a contrast of at least 4.5:1 on the light code background and on white."""

    name = "blogsite-light"
    styles = _palette(
        comment="#5a5f66", keyword="#8a1f5c", name="#1f5c99", string="#2f6b1a", number="#8a4500",
        builtin="#6a3d9a", inserted="#146c43", deleted="#b02a37",
    )  # fmt: skip


class DarkStyle(Style):
    """Colours with a contrast of at least 4.5:1 on the dark code background."""

    name = "blogsite-dark"
    styles = _palette(
        comment="#a0a8b2", keyword="#f49ac8", name="#82b8f0", string="#a8d89a", number="#f2b57c",
        builtin="#c9a9f2", inserted="#7fd4a4", deleted="#f29aa2",
    )  # fmt: skip


# Every class the formatter can write: Pygments' short names for its token types, prefixed.
TOKEN_CLASSES = frozenset(CLASS_PREFIX + name for name in STANDARD_TYPES.values() if name)
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{1,40}$")


def _formatter(**options) -> HtmlFormatter:
    return HtmlFormatter(classprefix=CLASS_PREFIX, **options)


def highlight_code(code: str, language: str, attrs=None) -> str | None:
    """The code as HTML spans with token classes (no `<pre>`; the Markdown renderer wraps it in
    `<pre><code class="language-…">`), or None when the language is unknown, not given, or the code too
    long (the block is then shown plain). The signature is markdown-it's `highlight` option's."""
    if not language or not _LANGUAGE.match(language) or len(code) > MAX_HIGHLIGHT_CHARS:
        return None
    try:
        lexer = get_lexer_by_name(language.lower(), stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None
    return pygments_highlight(code, lexer, _formatter(nowrap=True))


def stylesheet() -> str:
    """The CSS for the token classes: the light style, and the dark one under `prefers-color-scheme`, both
    scoped to code blocks in posts and the editor's preview. Background colours are left to site.css."""

    def rules(style: type[Style]) -> str:
        css = _formatter(style=style).get_style_defs(".post-body pre")
        kept = [
            line
            for line in css.splitlines()
            if line.startswith(".post-body pre .hl-") and "background-color" not in line.split("{", 1)[1]
        ]
        return "\n".join(kept)

    dark = "\n".join("  " + line for line in rules(DarkStyle).splitlines())
    return (
        "/* Written by posts.highlight.stylesheet() from its LightStyle and DarkStyle; do not edit by hand. */\n"
        f"{rules(LightStyle)}\n"
        "@media (prefers-color-scheme: dark) {\n"
        f"{dark}\n"
        "}\n"
    )
