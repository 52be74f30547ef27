"""Endpoint discovery as the Webmention spec's section 3.1.2 (and webmention.rocks' discovery tests) describe it."""

import pytest

from mentions.html import MAX_DEPTH, TooDeep, check_depth, discover_endpoint, links_to, parse_page, summarize

PAGE = "https://site.example/post/1"


def discover(*, links=(), html="", content_type="text/html", url=PAGE):
    return discover_endpoint(url=url, link_headers=list(links), content_type=content_type, page=html)


@pytest.mark.parametrize(
    ("links", "html", "expected"),
    [
        # A Link header, absolute and relative, with the rel quoted or not.
        (['<https://site.example/wm>; rel="webmention"'], "", "https://site.example/wm"),
        (["</wm/endpoint>; rel=webmention"], "", "https://site.example/wm/endpoint"),
        # A rel list that contains webmention, in either place.
        (['<wm>; rel="webmention somethingelse"'], "", "https://site.example/post/wm"),
        ([], '<link rel="somethingelse webmention" href="/x">', "https://site.example/x"),
        # Several links in one header, and in several headers: the first webmention one.
        (['<https://a.example/>; rel="other", </second>; rel="webmention"'], "", "https://site.example/second"),
        (['<https://a.example/>; rel="other"', '</third>; rel="webmention"'], "", "https://site.example/third"),
        # The header wins over the markup.
        (['</from-header>; rel="webmention"'], '<link rel="webmention" href="/from-html">', None),
        # <link> and <a>, whichever comes first in the document.
        ([], '<a rel="webmention" href="/a">a</a><link rel="webmention" href="/link">', "https://site.example/a"),
        ([], '<link rel="webmention" href="/link"><a rel="webmention" href="/a">a</a>', "https://site.example/link"),
        # An empty href is the page itself.
        ([], '<link rel="webmention" href="">', PAGE),
        # A query string is kept.
        ([], '<link rel="webmention" href="/wm?version=1">', "https://site.example/wm?version=1"),
        # Elements without href, in comments, or with another rel are not endpoints.
        ([], '<link rel="webmention"><a rel="webmention" href="/real">x</a>', "https://site.example/real"),
        (
            [],
            '<!-- <link rel="webmention" href="/commented"> --><link rel="webmention" href="/x">',
            "https://site.example/x",
        ),
        ([], '<link rel="not-webmention" href="/no">', None),
        ([], "<p>nothing</p>", None),
    ],
)
def test_endpoint_discovery(links, html, expected):
    if expected is None and links:
        expected = "https://site.example/from-header"
    assert discover(links=links, html=html) == expected


def test_relative_endpoints_are_resolved_against_the_page_after_redirects():
    assert discover(html='<link rel="webmention" href="wm">', url="https://b.example/moved/") == (
        "https://b.example/moved/wm"
    )


def test_markup_is_not_read_for_a_page_that_is_not_html():
    assert discover(html='<link rel="webmention" href="/x">', content_type="text/plain") is None


def page_links_to(page, *, base, target):
    return links_to(parse_page(page), base=base, target=target)


def test_a_link_counts_wherever_it_is_relative_or_absolute_and_a_fragment_aside():
    target = "https://blog.example/@k/2026/12/post/"
    assert page_links_to('<a href="/@k/2026/12/post/#c4">x</a>', base="https://blog.example/elsewhere", target=target)
    assert page_links_to(f'<img src="{target}">', base="https://a.example/", target=target)
    assert not page_links_to(f"<p>{target}</p>", base="https://a.example/", target=target)
    assert not page_links_to(f'<!-- <a href="{target}"> -->', base="https://a.example/", target=target)
    assert not page_links_to(f'<script>"<a href={target}>"</script>', base="https://a.example/", target=target)


def test_a_page_without_microformats_is_a_plain_mention():
    soup = parse_page("<title>t</title><p>hello</p>")
    summary = summarize(soup, url="https://a.example/", target="https://b.example/")
    assert (summary.kind, summary.author_name, summary.excerpt) == ("mention", "", "")


@pytest.mark.parametrize(
    "page",
    [
        "<div>" * (MAX_DEPTH + 1),
        "<div><span></div>" * 10 + "<b>" * (MAX_DEPTH + 1),
        "</span>" * 500 + "<section>" * (MAX_DEPTH + 1),
        "<!---->" + "<div>" * (MAX_DEPTH + 1) + "-->",
        "<!-->" + "<div>" * (MAX_DEPTH + 1) + "-->",
        "<svg><style>" + "<g>" * (MAX_DEPTH + 1) + "</style></svg>",
    ],
)
def test_pages_nested_too_deeply_for_a_parser_to_read_in_linear_time_are_refused(page):
    with pytest.raises(TooDeep):
        check_depth(page)


def test_ordinary_nesting_and_many_unclosed_paragraphs_are_read():
    page = "<ul>" + "<li><p>item" * 5000 + "</ul>" + "<div>" * 50 + '<a href="https://b.example/">x</a>'
    check_depth(page)
    assert page_links_to(page, base="https://a.example/", target="https://b.example/")


def test_the_text_of_scripts_and_styles_and_comments_holds_no_tags_that_count():
    # Minified scripts compare with `<` at every turn: a page that has many such comparisons is not deep.
    script = "<script>" + "if(i<n){a=b<c}" * 200 + "</SCRIPT>"
    comment = "<!-- " + "<div>" * 200 + " -->"
    style = "<style>" + "a<b{}" * 200 + "</style>"
    page = script + comment + style + "<div>" * 50 + '<a href="https://b.example/">x</a>'
    check_depth(page)
    assert page_links_to(page, base="https://a.example/", target="https://b.example/")
