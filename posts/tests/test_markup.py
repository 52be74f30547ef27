import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from posts.markup import (
    COMMENT_HTML,
    IMPORTED_HTML,
    POST_HTML,
    count_words,
    extract_excerpt,
    html_to_text,
    render_markdown,
    sanitize_html,
)

SAFE_TAGS = {"p", "a", "img", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h2", "h3", "br", "hr"}
SAFE_SCHEMES = ("http:", "https:", "mailto:", "/", "#")


def _unsafe_parts(html: str) -> list:
    """Tags outside a small safe set, event or style attributes, and URLs with other schemes."""
    found = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in SAFE_TAGS:
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or name == "style":
                    found.append(name)
                url = (value or "").strip().lower()
                if name in ("href", "src") and ":" in url and not url.startswith(SAFE_SCHEMES):
                    found.append(value)

    Checker().feed(html)
    return found


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>hello",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        '<a href="javascript&#58;alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<svg onload="alert(1)"><circle/></svg>',
        '<iframe src="https://evil.example/"></iframe>',
        '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
        '<form action="https://evil.example/"><input name="x"></form>',
        "<style>body{display:none}</style>",
        '<object data="https://evil.example/x.swf"></object>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    ],
)
def test_markdown_rendering_removes_scripts_handlers_and_dangerous_urls(source):
    for out in (render_markdown(source, allow=POST_HTML), sanitize_html(source, allow=POST_HTML)):
        assert _unsafe_parts(out) == [], out


def test_html_that_would_swallow_what_follows_shows_as_text():
    out = render_markdown("<svg><math>unclosed\n\nstill *here*", allow=POST_HTML)
    assert "&lt;svg&gt;&lt;math&gt;unclosed" in out
    assert "<em>here</em>" in out
    assert "&lt;b&gt;" in render_markdown("<b>x</b>", allow=replace(POST_HTML, raw_html=False))


def test_external_links_get_nofollow_noopener_and_internal_links_do_not():
    out = render_markdown(
        "[out](https://example.org/a) and [in](/@karen/) and [mail](mailto:a@example.org)", allow=POST_HTML
    )
    assert '<a href="https://example.org/a" rel="nofollow noopener">out</a>' in out
    assert '<a href="/@karen/">in</a>' in out
    assert '<a href="mailto:a@example.org">mail</a>' in out


def test_a_writers_own_rel_attribute_is_replaced():
    out = sanitize_html('<a href="https://example.org/" rel="me dofollow">x</a>', allow=POST_HTML)
    assert out == '<a href="https://example.org/" rel="nofollow noopener">x</a>'


def test_images_keep_http_and_relative_sources_only():
    out = render_markdown(
        "![a](https://example.org/a.png) ![b](/media/b.png) ![c](data:image/png;base64,AAAA)", allow=POST_HTML
    )
    assert 'src="https://example.org/a.png"' in out
    assert 'src="/media/b.png"' in out
    assert "data:" not in out


def test_headings_move_below_the_page_title():
    out = render_markdown("# Big\n\n## Smaller", allow=POST_HTML)
    assert "<h2>Big</h2>" in out
    assert "<h3>Smaller</h3>" in out
    assert "<h1" not in out


def test_fenced_code_tables_lists_quotes_survive():
    source = "```python\nprint('<b>')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n\n> quoted\n\n---\n"
    out = render_markdown(source, allow=POST_HTML)
    assert "<pre><code class=\"language-python\">print('&lt;b&gt;')" in out
    assert "<table>" in out and "<td>1</td>" in out
    assert "<ul>" in out and "<li>one</li>" in out
    assert "<blockquote>" in out
    assert "<hr>" in out


def test_code_classes_other_than_a_language_are_dropped():
    out = sanitize_html('<code class="language-js evil x">a</code>', allow=POST_HTML)
    assert out == '<code class="language-js">a</code>'


def test_comment_allow_list_has_no_images_or_headings_and_marks_links_ugc():
    out = render_markdown("# Title\n\n![x](https://example.org/x.png) [l](https://example.org/)", allow=COMMENT_HTML)
    assert "<img" not in out
    assert "<h" not in out.replace("href", "")
    assert 'rel="nofollow ugc noopener"' in out


def test_imported_html_is_sanitized_too():
    out = sanitize_html('<div class="x" onclick="a()"><span>hi</span><script>x()</script></div>', allow=IMPORTED_HTML)
    assert out == "<div><span>hi</span></div>"


def test_excerpt_is_the_first_paragraph_as_plain_text():
    html = render_markdown("# Heading\n\nFirst *para* with &amp; entity.\n\nSecond one.", allow=POST_HTML)
    assert extract_excerpt(html) == "First para with & entity."


def test_long_excerpts_are_cut_at_a_word():
    html = render_markdown("word " * 200, allow=POST_HTML)
    excerpt = extract_excerpt(html, max_chars=50)
    assert len(excerpt) <= 50
    assert excerpt.endswith("word…")


def test_words_are_counted_in_text_including_scripts_without_spaces():
    assert count_words(html_to_text("<p>Hello, <em>brave</em> new-world!</p><p>Again</p>")) == 4
    assert count_words("你好 world") == 3


def test_footnotes_keep_prefixed_ids_that_link_both_ways():
    out = render_markdown("Text[^1] and more[^note].\n\n[^1]: First.\n[^note]: Second *one*.", allow=POST_HTML)
    ref = re.search(r'<sup class="footnote-ref"><a href="#(fn-[0-9a-f]{8}-1)" id="(fnref-[0-9a-f]{8}-1)">', out)
    assert ref, out
    note, back = ref.groups()
    assert f'<li id="{note}" class="footnote-item">' in out
    assert f'<a href="#{back}" class="footnote-backref">' in out
    assert '<section class="footnotes">' in out
    assert "<em>one</em>" in out


def test_footnote_ids_differ_between_posts_and_name_no_global():
    first = re.findall(r'id="([^"]+)"', render_markdown("One[^1].\n\n[^1]: a", allow=POST_HTML))
    second = re.findall(r'id="([^"]+)"', render_markdown("Two[^1].\n\n[^1]: b", allow=POST_HTML))
    assert first and second and not set(first) & set(second)
    assert all("-" in id_ for id_ in first + second), "an id without a hyphen can clobber a global in scripts"


def test_ids_and_classes_other_than_footnotes_are_dropped():
    out = render_markdown(
        '<p id="location" class="big">x</p> <li id="fn-1" class="footnote-item">y</li>', allow=POST_HTML
    )
    assert "id=" not in out
    assert 'class="big"' not in out


def test_the_comment_allow_list_keeps_no_footnote_ids():
    out = sanitize_html('<li id="fn-0123abcd-1" class="footnote-item">x</li>', allow=COMMENT_HTML)
    assert out == "<li>x</li>"


@pytest.mark.parametrize(
    "source",
    [
        "<div>\n\n*inside*\n\n</div>\n\nafter",
        "<div class='note'>\n<p>inside</p>\n</div>\n\nafter",
        "<details>\n<summary>More</summary>\n\n*inside*\n\n</details>\n\nafter",
        "<details>\n\n*inside* never closed\n\nafter",
        "<table>\n<tr><td>inside</td></tr>\n</table>\n\nafter",
        "<section><article><custom-thing>inside</custom-thing></article></section>\n\nafter",
        "<span>inside\n\n</span></div></details> after",
        "<center><font color=red>inside</font></center>\n\n<!-- a remark -->\nafter",
    ],
)
def test_raw_block_html_leaves_no_stray_tags_as_text(source):
    text = html_to_text(render_markdown(source, allow=POST_HTML))
    assert "inside" in text and "after" in text
    assert "<" not in text and ">" not in text, text


def test_fenced_code_goes_through_the_highlight_hook():
    calls = []

    def highlight(code, language, attrs):
        calls.append((code, language))
        return f'<pre><code class="language-{language}"><b>{code.strip()}</b></code></pre>'

    out = render_markdown("```python\nx = 1\n```\n\n    indented", allow=POST_HTML, highlight=highlight)
    assert calls == [("x = 1\n", "python")]
    assert '<pre><code class="language-python"><b>x = 1</b></code></pre>' in out
    assert "<pre><code>indented" in out
