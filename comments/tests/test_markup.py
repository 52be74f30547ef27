from comments.markup import count_links
from posts.markup import COMMENT_HTML, render_markdown


def test_comment_markdown_renders_emphasis_quotes_and_code():
    html = render_markdown("So *true*.\n\n> quoted\n\n`x < y`", allow=COMMENT_HTML)
    assert "<em>true</em>" in html
    assert "<blockquote>" in html
    assert "<code>x &lt; y</code>" in html


def test_raw_html_in_a_comment_is_shown_as_text():
    html = render_markdown(
        '<b>bold</b> <script>alert(1)</script> <img src="x" onerror="alert(1)">', allow=COMMENT_HTML
    )
    assert "<b>" not in html
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_markdown_images_are_not_rendered():
    html = render_markdown("![cat](https://example.com/cat.png)", allow=COMMENT_HTML)
    assert "<img" not in html


def test_comment_links_are_marked_nofollow_ugc_noopener():
    html = render_markdown("[my site](https://example.com) and <https://example.org>", allow=COMMENT_HTML)
    assert html.count('rel="nofollow ugc noopener"') == 2


def test_javascript_links_are_not_links():
    """CommonMark leaves a link with a script target as the text it was written as."""
    html = render_markdown(
        "[click](javascript:alert(1)) [again](JaVaScRiPt:alert(1)) <javascript:alert(1)>", allow=COMMENT_HTML
    )
    assert "<a" not in html
    assert "href" not in html


def test_headings_are_not_allowed_in_comments():
    assert "<h" not in render_markdown("# Big\n\ntext", allow=COMMENT_HTML)


def test_comments_render_no_footnotes_and_keep_no_ids():
    out = render_markdown("Text[^1].\n\n[^1]: First.", allow=COMMENT_HTML)
    assert "footnote" not in out
    assert "id=" not in out


def test_count_links_counts_web_addresses_in_any_form():
    assert count_links("see https://a.example, www.b.example and [c](http://c.example)") == 3
    assert count_links("no links here, just www and http") == 0
