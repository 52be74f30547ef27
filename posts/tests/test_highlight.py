"""Code highlighting (Pygments, CSS classes) and footnotes, in the published post and in the preview."""

from pathlib import Path

import pytest
from django.conf import settings

from posts import services
from posts.highlight import (
    DARK_CODE_BACKGROUND,
    LIGHT_CODE_BACKGROUND,
    MAX_HIGHLIGHT_CHARS,
    TOKEN_CLASSES,
    DarkStyle,
    LightStyle,
    stylesheet,
)
from posts.markup import COMMENT_HTML, IMPORTED_HTML, render_markdown, sanitize_html
from posts.models import Post

pytestmark = pytest.mark.django_db

CODE = '```python\ndef greet(name):\n    return "hi " + name  # friendly\n```\n'


def test_fenced_code_in_a_known_language_is_highlighted_with_classes_not_styles(user):
    post = services.create_post(author=user, title="Code", body=CODE)
    assert '<pre><code class="language-python"><span class="hl-k">def</span>' in post.body_html
    assert '<span class="hl-nf">greet</span>' in post.body_html
    assert '<span class="hl-c1"># friendly</span>' in post.body_html
    assert "style=" not in post.body_html


def test_the_preview_highlights_as_the_published_post_does(client, user):
    client.force_login(user)
    assert client.post("/write/preview/", {"body": CODE}).json()["html"] == Post.render_body(CODE)


def test_code_in_an_unknown_language_or_none_is_shown_plain(user):
    for fence in ("```nosuchlanguage\n", "```\n"):
        html = Post.render_body(fence + "a < b\n```\n")
        assert "<span" not in html and "a &lt; b" in html


def test_a_very_long_block_is_shown_plain():
    html = Post.render_body("```python\n" + "x = 1\n" * (MAX_HIGHLIGHT_CHARS // 6 + 10) + "```\n")
    assert "<span" not in html and html.startswith('<pre><code class="language-python">x = 1')


def test_code_is_escaped_by_the_highlighter():
    html = Post.render_body("```html\n<script>alert(1)</script>\n```\n")
    assert "<script>" not in html and "&lt;" in html and "hl-" in html


def test_a_writers_own_spans_are_kept_only_in_code_blocks_and_only_with_token_classes():
    html = Post.render_body(
        'A <span class="hl-k" style="color:red" onclick="x()">word</span>.\n\n'
        '<pre><span class="hl-k evil">kept</span><span id="x">plain</span></pre>\n'
    )
    assert "<p>A word.</p>" in html
    assert '<pre><span class="hl-k">kept</span><span>plain</span></pre>' in html
    assert "style" not in html and "onclick" not in html and "evil" not in html


def test_comments_get_no_spans_and_no_highlighting():
    html = render_markdown(CODE + '\n<span class="hl-k">x</span>', allow=COMMENT_HTML)
    assert "<span" not in html


def test_imported_html_keeps_its_spans_but_no_foreign_classes():
    html = sanitize_html('<p><span class="big hl-s">text</span></p>', allow=IMPORTED_HTML)
    assert html == '<p><span class="hl-s">text</span></p>'


def test_the_committed_stylesheet_is_the_one_the_highlighter_needs():
    """Regenerate with: python -c "from posts.highlight import stylesheet; print(stylesheet(), end='')" >
    static/css/highlight.css"""
    committed = (Path(settings.BASE_DIR) / "static" / "css" / "highlight.css").read_text()
    assert committed == stylesheet()
    assert all(f".{name} " in committed or f".{name}{{" in committed for name in ("hl-k", "hl-s2", "hl-c1"))
    assert len(TOKEN_CLASSES) > 50


def test_post_pages_and_the_editor_load_the_highlight_stylesheet(client, user, post):
    client.force_login(user)
    for url in (post.get_absolute_url(), post.get_edit_url(), "/write/"):
        assert "css/highlight.css" in client.get(url).content.decode(), url


def test_footnotes_show_in_the_preview_and_the_published_post(client, user):
    body = "A claim.[^1]\n\n[^1]: The source.\n"
    post = services.create_post(author=user, title="Notes", body=body, status="published")
    assert '<section class="footnotes">' in post.body_html and 'class="footnote-ref"' in post.body_html
    client.force_login(user)
    assert client.post("/write/preview/", {"body": body}).json()["html"] == post.body_html
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<li id="fn-' in html and 'class="footnote-backref"' in html


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("style", "backgrounds"),
    [(LightStyle, [LIGHT_CODE_BACKGROUND, "#ffffff"]), (DarkStyle, [DARK_CODE_BACKGROUND])],
)
def test_every_highlight_colour_is_readable_on_the_code_background(style, backgrounds):
    """WCAG AA for normal text (4.5:1), on the backgrounds site.css gives code blocks."""
    site_css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text().lower()
    colours = {colour for _, definition in style for colour in [definition["color"]] if colour}
    assert len(colours) >= 6
    for background in backgrounds:
        assert background == "#ffffff" or f"--site-code-bg: {background};" in site_css
        for colour in colours:
            assert _contrast(f"#{colour}", background) >= 4.5, (colour, background)
