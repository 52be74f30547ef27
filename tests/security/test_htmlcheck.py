"""The inspector must catch what it is there to catch, or every XSS test built on it proves nothing."""

import pytest

from .htmlcheck import feed_problems, html_problems, url_scheme
from .xss_payloads import PAYLOADS, SHORT_PAYLOADS, TEMPLATE_MARKER

# Raw payloads that are inert as HTML on their own: Markdown syntax, text, attribute breakouts (which only
# bite inside an attribute), a tag name with a `<` in it, and `<body>`/`<frameset>`, which a fragment
# parser drops (on a whole page, `<body onload>` is caught: see below).
INERT_AS_RAW_HTML = {"markdown", "encoding", "breakout", "template"}
INERT_RAW_IDS = {"script-3", "script-9", "handler-5", "embed-11"}


def test_the_corpus_has_at_least_sixty_payloads_of_every_class():
    assert len(PAYLOADS) >= 60
    assert len({p.id for p in PAYLOADS}) == len(PAYLOADS)
    kinds = {p.kind for p in PAYLOADS}
    assert kinds >= {"script", "handler", "url", "svg", "markdown", "encoding", "breakout", "style", "embed"}
    assert len(SHORT_PAYLOADS) >= 40


@pytest.mark.parametrize(
    "payload",
    [p for p in PAYLOADS if p.kind not in INERT_AS_RAW_HTML and p.id not in INERT_RAW_IDS],
    ids=str,
)
def test_inspector_flags_every_live_payload_left_unsanitized(payload):
    assert html_problems(payload.text, user_content=True), payload.text


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.kind == "breakout"][:4], ids=str)
def test_inspector_flags_an_attribute_breakout_left_unescaped(payload):
    quote = payload.text[0] if payload.text[0] in "'\"" else '"'
    page = f"<!DOCTYPE html><html><body><img alt={quote}{payload.text}{quote} src=/x.png></body></html>"
    assert html_problems(page)


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ("<p>hi</p><script>alert(1)</script>", "<script>"),
        ('<a href="&#x6A;avascript:alert(1)">x</a>', "dangerous URL"),
        ('<a href="\x01 java\tscript:alert(1)">x</a>', "dangerous URL"),
        ('<img srcset="/ok.png 1x, javascript:alert(1) 2x">', "dangerous URL"),
        ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "dangerous URL"),
        ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', "animated"),
        ('<iframe srcdoc="hi"></iframe>', "srcdoc"),
        ('<p style="width:expression(alert(1))">x</p>', "CSS"),
        ('<meta http-equiv="refresh" content="0;url=/">', "http-equiv"),
    ],
)
def test_inspector_names_the_problem(markup, problem):
    problems = html_problems(markup, user_content=True)
    assert any(problem in p for p in problems), problems


def test_on_a_whole_page_a_stray_body_onload_is_caught():
    page = "<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p><body onload=alert(1)></body></html>"
    assert any("onload" in p for p in html_problems(page))


def test_inspector_accepts_the_sites_own_scripts_stylesheets_and_forms():
    page = (
        '<!DOCTYPE html><html><head><script src="/static/js/theme.js"></script>'
        '<link rel="stylesheet" href="/static/css/site.css"><meta name="viewport" content="width=device-width">'
        '</head><body><form method="post" action="/accounts/logout/"><button>Sign out</button></form>'
        '<a href="https://example.com/" rel="nofollow">out</a><a href="mailto:a@example.com">mail</a>'
        '<img src="/media/avatars/1/a.jpg" alt="a"></body></html>'
    )
    assert html_problems(page) == []


def test_inspector_rejects_inline_and_foreign_scripts_on_a_page():
    assert html_problems("<html><head><script>var a=1</script></head></html>")
    assert html_problems('<html><head><script src="https://elsewhere.example/x.js"></script></head></html>')


def test_inspector_accepts_sanitized_markup():
    markup = (
        '<h2>Title</h2><p>Text with <a href="https://example.com/" rel="nofollow ugc noopener">a link</a>,'
        " <em>emphasis</em>, <code>&lt;script&gt;</code> and &lt;img onerror=x&gt; as text.</p>"
        '<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre><img src="https://example.com/a.png" alt="a">'
        f"<p>{{{{ 7191*7 }}}} is not {TEMPLATE_MARKER[:2]}</p>"
    )
    assert html_problems(markup, user_content=True) == []


@pytest.mark.parametrize(
    ("value", "scheme"),
    [
        ("javascript:x", "javascript"),
        (" \x00JaVa\nScRiPt:x", "javascript"),
        ("/relative/path", None),
        ("https://example.com/", "https"),
        ("data:text/html,x", "data"),
    ],
)
def test_url_scheme_normalises_as_browsers_do(value, scheme):
    assert url_scheme(value) == scheme


def test_feed_inspector_looks_inside_escaped_html_content():
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><title>&lt;script&gt; as text is fine</title><link href="https://example.com/" rel="alternate"/>'
        b'<summary type="html">&lt;img src=x onerror=alert(1)&gt;</summary></entry></feed>'
    )
    problems = feed_problems(atom)
    assert len(problems) == 1 and "onerror" in problems[0]
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>javascript:alert(1)</link>'
        b'<item><description>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</description></item></channel></rss>'
    )
    assert len(feed_problems(rss)) == 2
