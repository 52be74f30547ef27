"""The XSS corpus goes through every field a user writes, and every page and feed that shows it stays inert.

Fields: display name and bio (profile), post title, body and labels (/write/), comment body (the post
page's comment form), and imported WXR content (`import_blog`). Each payload is also fed alone to the
sanitizers (through the models that store `*_html`), so a failure names the payload that got through.
"""

import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from posts import markup
from posts.models import Post
from posts.tests.factories import PostFactory

from .htmlcheck import assert_safe_feed, assert_safe_html, html_problems
from .xss_payloads import PAYLOADS, SHORT_PAYLOADS, shows_template_marker

pytestmark = pytest.mark.django_db

# Hostile names for the people whose names appear beside posts and comments.
HOSTILE_NAME = '"><script>alert("name")</script>'


def check_page(client, url, *, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    body = response.content.decode()
    assert_safe_html(body, context=f"at {url}")
    assert not shows_template_marker(body), f"{url} evaluated a template expression in user text"
    assert len(settings.SECRET_KEY) < 16 or settings.SECRET_KEY not in body
    return body


def check_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert_safe_feed(response.content, context=f"at {url}")
    assert not shows_template_marker(response.content)


def batches(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def corpus_chunks(limit):
    """The whole corpus as texts of at most `limit` characters, each payload behind a numbered canary."""
    chunks, current = [], ""
    for payload in PAYLOADS:
        piece = f"canary {payload.id}\n\n{payload.text}\n\n"
        if current and len(current) + len(piece) > limit:
            chunks.append(current)
            current = ""
        current += piece
    return [*chunks, current]


# Profile ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", batches(SHORT_PAYLOADS, 8), ids=lambda g: f"{g[0].id}..{g[-1].id}")
def test_hostile_display_names_render_inert_on_profile_and_blog_pages(client, owner, group):
    client.force_login(owner)
    anonymous = Client()
    for payload in group:
        response = client.post("/accounts/profile/", {"display_name": payload.text, "bio": payload.text})
        assert response.status_code in (200, 302), payload.id
        if response.status_code == 200:
            # Refused with a form error: the form shows the text back, and that page must be inert too.
            assert_safe_html(response.content.decode(), context=f"on the refused profile form for {payload.id}")
            continue
        check_page(anonymous, "/@owner/about/")
        # A blog without posts is a page for its owner only (others get a 404).
        check_page(client, "/@owner/")
        check_page(client, "/accounts/profile/")


def test_a_bio_holding_the_whole_corpus_renders_inert(client, owner):
    anonymous = Client()
    client.force_login(owner)
    for chunk in corpus_chunks(2000):
        response = client.post("/accounts/profile/", {"display_name": "Olive", "bio": chunk.replace("\x00", "")})
        assert response.status_code == 302, response.content[:300]
        body = check_page(anonymous, "/@owner/about/")
        assert "canary" in body
        check_page(client, "/accounts/profile/")


# Posts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=str)
def test_the_sanitizers_neutralise_each_payload(payload):
    for allow in (markup.POST_HTML, markup.COMMENT_HTML, markup.IMPORTED_HTML):
        rendered = markup.render_markdown(f"canary {payload.id}\n\n{payload.text}", allow=allow)
        assert f"canary {payload.id}" in rendered
        assert html_problems(rendered, user_content=True) == [], allow
        assert not shows_template_marker(rendered)
    # Replies from other sites arrive as HTML and keep what the comment allow-list allows.
    reply_html = markup.sanitize_html(f"<p>canary {payload.id}</p>{payload.text}", allow=markup.COMMENT_HTML)
    assert f"canary {payload.id}" in reply_html
    assert html_problems(reply_html, user_content=True) == []
    cleaned = markup.sanitize_html(f"<p>canary {payload.id}</p>{payload.text}", allow=markup.IMPORTED_HTML)
    assert f"canary {payload.id}" in cleaned
    assert html_problems(cleaned, user_content=True) == []


def test_saving_a_post_stores_only_sanitized_html_whatever_the_body(owner):
    problems = {}
    for payload in PAYLOADS:
        post = Post.objects.create(
            author=owner, title=payload.id, slug=payload.id, body=f"canary {payload.id}\n\n{payload.text}"
        )
        post.refresh_from_db()
        assert f"canary {payload.id}" in post.body_html, "saving a post did not render its body_html"
        if found := html_problems(post.body_html, user_content=True):
            problems[payload.id] = found
    assert problems == {}


def test_a_post_body_holding_the_whole_corpus_renders_inert_on_every_page_and_feed(site, owner):
    body = "".join(corpus_chunks(10**6)).replace("\x00", "")
    post = site.published_post(title="Everything at once", body=body, labels="corpus")
    anonymous = Client()
    page = check_page(anonymous, post.get_absolute_url())
    assert "canary template-8" in page, "the body did not reach the page"
    for url in site.pages_showing(post):
        check_page(anonymous, url)
    check_page(site.client, "/dashboard/")
    check_page(site.client, post.get_edit_url())
    check_page(anonymous, "/search/?q=canary")
    for url in site.feeds_showing(post):
        check_feed(anonymous, url)


@pytest.mark.parametrize("group", batches(SHORT_PAYLOADS, 8), ids=lambda g: f"{g[0].id}..{g[-1].id}")
def test_hostile_titles_labels_and_excerpts_render_inert_on_every_page_and_feed(site, owner, group):
    anonymous = Client()
    posts = []
    for payload in group:
        response, post = site.write_post(
            title=payload.text, labels=f"{payload.text}, plain", body=f"{payload.text}\n\nMore words."
        )
        if post is None:
            # Refused: the form shows the author's text back, and must do so inertly.
            assert response.status_code == 200, f"{payload.id}: /write/ answered {response.status_code}"
            assert_safe_html(response.content.decode(), context=f"on the refused form for {payload.id}")
            continue
        posts.append(post)
        check_page(anonymous, post.get_absolute_url())
        check_page(site.client, post.get_edit_url())
        for label in post.labels.all():
            check_page(anonymous, f"/@owner/label/{label.slug}/")
    assert posts or all("\x00" in p.text for p in group), "every hostile title was refused"
    if posts:
        for url in site.pages_showing(posts[0]):
            check_page(anonymous, url)
        check_page(site.client, "/dashboard/")
        check_page(anonymous, "/search/?q=words")
        for url in site.feeds_showing(posts[0]):
            check_feed(anonymous, url)


# Comments --------------------------------------------------------------------------------------------


@pytest.fixture
def commented_post(owner, reader):
    for person in (owner, reader):
        person.display_name = HOSTILE_NAME
        person.save()
    return PostFactory(author=owner, title="Talk to me", body="Say something.")


@pytest.fixture
def hostile_comments(site, commented_post, reader):
    """The whole corpus posted by `reader` through the comment form, in comments of at most 4,000 characters."""
    reader_client = Client()
    reader_client.force_login(reader)
    chunks = corpus_chunks(4000)
    for chunk in chunks:
        response = site.post_comment(reader_client, commented_post, chunk.replace("\x00", ""))
        assert response.status_code in (200, 302), response.status_code
    comments = Comment.objects.filter(post=commented_post)
    assert comments.count() == len(chunks), "not every comment was accepted"
    return reader_client, comments


def test_comments_holding_the_whole_corpus_render_inert_in_the_queue_the_post_page_and_the_feed(
    site, commented_post, hostile_comments
):
    reader_client, comments = hostile_comments
    # Held comments show to the owner in the moderation queue before anyone approves them.
    check_page(site.client, reverse("moderation:queue"))
    comments.update(status="approved")
    first = comments.order_by("pk").first()
    reply = site.post_comment(reader_client, commented_post, "[reply](javascript:alert(1)) <b>ok</b>", first.pk)
    assert reply.status_code in (200, 302)
    comments.update(status="approved")
    anonymous = Client()
    page = check_page(anonymous, commented_post.get_absolute_url())
    check_page(reader_client, commented_post.get_absolute_url())
    check_page(reader_client, reverse("comments:reply", args=[first.pk]))
    check_page(reader_client, reverse("comments:edit", args=[first.pk]))
    check_feed(anonymous, site.comments_feed(commented_post))
    assert "canary template-8" in page


def test_comments_holding_the_whole_corpus_render_inert_in_the_admin(hostile_comments, superuser):
    admin = Client()
    admin.force_login(superuser)
    check_page(admin, "/admin/comments/comment/")
    check_page(admin, f"/admin/comments/comment/{hostile_comments[1].first().pk}/change/")


# Imports ---------------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    # A WXR file cannot carry the control characters XML 1.0 forbids, so those payloads lose them here.
    return escape("".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20))


def _wxr(items: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>'
        "<title>Hostile blog</title><link>https://old.example.org</link><description>x</description>"
        "<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example.org</wp:base_site_url>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def _wxr_item(n: int, title: str, content: str, *, categories=(), comments=()) -> str:
    cats = "".join(
        f'<category domain="post_tag" nicename="tag-{n}-{i}">{_xml_text(c)}</category>'
        for i, c in enumerate(categories)
    )
    return (
        f"<item><title>{_xml_text(title)}</title><link>https://old.example.org/?p={n}</link>"
        f"<dc:creator>olive</dc:creator><content:encoded>{_xml_text(content)}</content:encoded>"
        f"<excerpt:encoded></excerpt:encoded><wp:post_id>{n}</wp:post_id>"
        f"<wp:post_date>2020-01-{1 + n % 28:02d} 10:00:00</wp:post_date>"
        f"<wp:post_date_gmt>2020-01-{1 + n % 28:02d} 10:00:00</wp:post_date_gmt>"
        f"<wp:comment_status>open</wp:comment_status><wp:post_name>hostile-{n}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{cats}{''.join(comments)}</item>"
    )


def _wxr_comment(cid: int, parent: int, author: str, url: str, content: str) -> str:
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>{_xml_text(author)}</wp:comment_author>"
        f"<wp:comment_author_email>guest{cid}@example.net</wp:comment_author_email>"
        f"<wp:comment_author_url>{_xml_text(url)}</wp:comment_author_url>"
        f"<wp:comment_date>2020-02-01 10:00:00</wp:comment_date>"
        f"<wp:comment_date_gmt>2020-02-01 10:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content>{_xml_text(content)}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
    )


def test_an_imported_wordpress_blog_full_of_payloads_renders_inert_on_every_page_and_feed(owner, tmp_path):
    from django.core.management import call_command

    html_body = "".join(f"<p>canary {p.id}</p>{p.text}" for p in PAYLOADS)
    hostile_urls = [
        "javascript:alert(1)",
        "data:text/html,<script>alert(2)</script>",
        " vbscript:x",
        "https://ok.example/",
    ]
    comments = [
        _wxr_comment(
            1000 + i,
            1000 + i - 1 if i % 4 else 0,
            SHORT_PAYLOADS[i % len(SHORT_PAYLOADS)].text,
            hostile_urls[i % len(hostile_urls)],
            f"canary {p.id} {p.text}",
        )
        for i, p in enumerate(PAYLOADS)
    ]
    items = [
        _wxr_item(1, "Imported corpus", html_body, categories=[p.text for p in SHORT_PAYLOADS[:12]], comments=comments)
    ]
    # Every third short payload as a title and label of its own post (the corpus post carries them all).
    items += [
        _wxr_item(10 + i, p.text, f"<p>{p.text}</p>", categories=[p.text]) for i, p in enumerate(SHORT_PAYLOADS[::3])
    ]
    export = tmp_path / "hostile.xml"
    export.write_text(_wxr(items), encoding="utf-8")
    call_command("import_blog", str(export), "--author", owner.username, stdout=io.StringIO(), stderr=io.StringIO())

    corpus = Post.objects.get(author=owner, title="Imported corpus")
    assert Comment.objects.filter(post=corpus).count() == len(PAYLOADS)
    anonymous = Client()
    page = check_page(anonymous, corpus.get_absolute_url())
    assert "canary template-8" in page
    for url in [corpus.get_absolute_url() + "?clatest=1", "/", "/@owner/about/", "/search/?q=canary"]:
        check_page(anonymous, url)
    pages = (Post.objects.filter(author=owner).count() + 9) // 10
    for number in range(1, pages + 1):
        check_page(anonymous, f"/@owner/?page={number}")
    for label in corpus.labels.all():
        check_page(anonymous, f"/@owner/label/{label.slug}/")
    for post in Post.objects.filter(author=owner).order_by("?")[:8]:
        check_page(anonymous, post.get_absolute_url())
    for url in [
        "/feed/",
        "/feed/rss/",
        "/@owner/feed/",
        "/@owner/feed/rss/",
        corpus.get_absolute_url() + "comments/feed/",
    ]:
        check_feed(anonymous, url)
    signed_in = Client()
    signed_in.force_login(owner)
    check_page(signed_in, "/dashboard/")
    check_page(signed_in, corpus.get_edit_url())


def _blogger_entry(entry_id: str, kind: str, title: str, content: str, *, labels=(), author="Guest", uri="", extra=""):
    from xml.sax.saxutils import quoteattr

    cats = "".join(
        f"<category scheme='http://www.blogger.com/atom/ns#' term={quoteattr(_xml_text(label))}/>" for label in labels
    )
    uri_element = f"<uri>{_xml_text(uri)}</uri>" if uri else ""
    return (
        f"<entry><id>tag:blogger.com,1999:blog-9.post-{entry_id}</id>"
        "<published>2019-05-04T10:00:00.000-07:00</published><updated>2019-05-04T10:00:00.000-07:00</updated>"
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#{kind}'/>"
        f"{cats}<title type='text'>{_xml_text(title)}</title><content type='html'>{_xml_text(content)}</content>"
        f"<link rel='alternate' type='text/html' href='http://old.blogspot.com/2019/05/p{entry_id}.html' title=''/>"
        f"<author><name>{_xml_text(author)}</name>{uri_element}<email>noreply@blogger.com</email></author>{extra}</entry>"
    )


def test_an_imported_blogger_blog_full_of_payloads_renders_inert(owner, tmp_path):
    from django.core.management import call_command

    reply_to = (
        "<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' "
        "href='http://old.blogspot.com/2019/05/p1.html' ref='tag:blogger.com,1999:blog-9.post-1' "
        "source='http://www.blogger.com/feeds/9/posts/default/1' type='text/html'/>"
    )
    entries = [
        _blogger_entry(
            "1",
            "post",
            SHORT_PAYLOADS[0].text,
            "".join(f"<p>canary {p.id}</p>{p.text}" for p in PAYLOADS),
            labels=[p.text for p in SHORT_PAYLOADS[1:9]],
        )
    ]
    entries += [
        _blogger_entry(
            str(100 + i),
            "comment",
            "c",
            f"canary {p.id} {p.text}",
            author=SHORT_PAYLOADS[i % len(SHORT_PAYLOADS)].text,
            uri="javascript:alert(1)" if i % 2 else "https://ok.example/",
            extra=reply_to,
        )
        for i, p in enumerate(PAYLOADS[:40])
    ]
    feed = (
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'><id>tag:blogger.com,1999:blog-9</id>"
        "<updated>2019-05-04T10:00:00.000-07:00</updated><title type='text'>Hostile</title>"
        "<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>" + "".join(entries) + "</feed>"
    )
    export = tmp_path / "blog-05-04-2019.xml"
    export.write_text(feed, encoding="utf-8")
    call_command("import_blog", str(export), "--author", owner.username, stdout=io.StringIO(), stderr=io.StringIO())

    post = Post.objects.get(author=owner)
    assert Comment.objects.filter(post=post).count() == 40
    anonymous = Client()
    page = check_page(anonymous, post.get_absolute_url())
    # An unclosed <style> in the source rightly swallows what follows it, so look for the early canaries.
    assert "canary script-1" in page and "canary url-1" in page
    for url in ["/", "/@owner/", *[f"/@owner/label/{label.slug}/" for label in post.labels.all()]]:
        check_page(anonymous, url)
    for url in ["/feed/", "/@owner/feed/rss/", post.get_absolute_url() + "comments/feed/"]:
        check_feed(anonymous, url)
