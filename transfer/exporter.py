"""Taking a blog out: one blog's posts, drafts, labels and comment threads as WXR or as JSON.

Both writers are generators of text chunks, so the command writes them to a file and the dashboard
download streams them, neither holding the whole blog in memory. Both carry what `import_blog` needs to
bring the blog back without loss: the Markdown each post and comment was written in, the reply tree by ids,
statuses, dates with their time zone, and the old addresses of imported posts.

Commenters' email addresses are exported only for guests (who gave theirs to this blog); accounts are
named by username. A removed comment is exported as an empty placeholder, so that the replies under it
keep their place without the removed text leaving the site.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from blogsite.feedgen import xml_text
from comments.models import Comment
from posts.models import Blog, Label, Post, Revision

from .readers import JSON_FORMAT

GENERATOR = "Blogsite"
CHUNK_POSTS = 100

# Characters XML 1.0 cannot carry at all, even in CDATA.
WXR_STATUS = {Post.Status.PUBLISHED: "publish", Post.Status.SCHEDULED: "future", Post.Status.DRAFT: "draft"}
WXR_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
}


def blog_posts(author):
    comments = Comment.objects.select_related("author").order_by("path")
    revisions = Revision.objects.select_related("editor").order_by("created_at", "pk")
    return (
        Post.objects.filter(author=author)
        .select_related("author")
        .prefetch_related(
            "labels",
            "legacy_paths",
            Prefetch("comments", queryset=comments),
            Prefetch("revisions", queryset=revisions),
        )
        .order_by("pk")
        .iterator(chunk_size=CHUNK_POSTS)
    )


def _labels(author):
    return Label.objects.filter(posts__author=author).distinct().order_by("name")


def _blog(author) -> Blog | None:
    return Blog.objects.filter(owner=author).first()


def blog_url(site_url: str, author) -> str:
    return f"{site_url.rstrip('/')}/@{author.username}"


def _comment_body(comment: Comment) -> tuple[str, str]:
    if comment.status == Comment.Status.REMOVED:
        return "", ""
    return comment.body, comment.body_html


# ---------------------------------------------------------------------------------------------------------
# JSON


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _comment_json(comment: Comment) -> dict:
    body, body_html = _comment_body(comment)
    data = {
        "id": comment.pk,
        "parent": comment.parent_id,
        "author_name": comment.author_name if comment.author_id or comment.guest_name else "",
        "author_username": comment.author.username if comment.author_id else "",
        "author_email": "" if comment.author_id else comment.guest_email,
        "author_url": "" if comment.author_id else comment.guest_url,
        "status": comment.status,
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "body": body,
        "body_html": body_html,
    }
    return data


def post_json(post: Post, site_url: str) -> dict:
    return {
        "id": post.pk,
        "title": post.title,
        "slug": post.slug,
        "status": post.status,
        "published_at": iso(post.published_at),
        "publish_at": iso(post.publish_at),
        "created_at": iso(post.created_at),
        "updated_at": iso(post.updated_at),
        "url": site_url.rstrip("/") + post.get_absolute_url(),
        "labels": [label.name for label in post.labels.all()],
        "excerpt": post.excerpt,
        "comments_enabled": post.comments_enabled,
        "body_format": post.body_format,
        "body": post.body,
        "body_html": post.body_html,
        "legacy_paths": sorted(legacy.path for legacy in post.legacy_paths.all()),
        "comments": [_comment_json(c) for c in post.comments.all()],
        "revisions": [_revision_json(r) for r in post.revisions.all()],
    }


def _revision_json(revision: Revision) -> dict:
    """One saved version of a post, oldest first in the post's list; `editor` names who saved it."""
    return {
        "id": revision.pk,
        "created_at": iso(revision.created_at),
        "editor": revision.editor.username if revision.editor_id else "",
        "title": revision.title,
        "labels": [name.strip() for name in revision.labels.split(",") if name.strip()],
        "excerpt": revision.excerpt,
        "body": revision.body,
    }


def json_document(head: dict, **lists: Iterable[dict]) -> Iterator[str]:
    """One JSON object in chunks of text: the fields of `head`, then each of `lists` as an array written
    an item (one line) at a time, so that a large blog never sits in memory as a whole."""
    text = json.dumps(head, ensure_ascii=False, indent=1)
    yield text[: text.rindex("}")].rstrip()
    for name, items in lists.items():
        yield f",\n {json.dumps(name)}: [\n"
        separator = ""
        for item in items:
            yield separator + json.dumps(item, ensure_ascii=False)
            separator = ",\n"
        yield "\n ]"
    yield "\n}\n"


def export_json(*, author, site_url: str) -> Iterator[str]:
    """The blog as Blogsite's JSON document (format described in the README), in chunks of text."""
    blog = _blog(author)
    header = {
        "format": JSON_FORMAT,
        "version": 1,
        "generator": GENERATOR,
        "site": site_url.rstrip("/"),
        "exported_at": iso(timezone.now()),
        "blog": {
            "owner": author.username,
            "title": blog.title if blog else "",
            "description": blog.description if blog else "",
            "url": blog_url(site_url, author) + "/",
        },
        "labels": [{"name": label.name, "slug": label.slug} for label in _labels(author)],
    }
    yield from json_document(header, posts=(post_json(post, site_url) for post in blog_posts(author)))


# ---------------------------------------------------------------------------------------------------------
# WXR (WordPress eXtended RSS 1.2)


def _clean(text: str) -> str:
    return xml_text(text or "")


def _cdata(text: str) -> str:
    return "<![CDATA[" + _clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(text: str) -> str:
    return escape(_clean(text), quote=False)


def _wp_date(value: datetime | None, *, gmt: bool) -> str:
    if value is None:
        return "0000-00-00 00:00:00"
    value = value.astimezone(UTC) if gmt else timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _rfc822(value: datetime | None) -> str:
    return format_datetime((value or timezone.now()).astimezone(UTC))


def _meta(tag: str, key: str, value: str) -> str:
    return (
        f"\t\t<wp:{tag}>\n\t\t\t<wp:meta_key>{_cdata(key)}</wp:meta_key>\n"
        f"\t\t\t<wp:meta_value>{_cdata(value)}</wp:meta_value>\n\t\t</wp:{tag}>\n"
    )


def _wxr_comment(comment: Comment) -> str:
    body, body_html = _comment_body(comment)
    name = comment.author.name if comment.author_id else comment.guest_name
    parts = [
        "\t\t<wp:comment>\n",
        f"\t\t\t<wp:comment_id>{comment.pk}</wp:comment_id>\n",
        f"\t\t\t<wp:comment_author>{_cdata(escape(name, quote=False))}</wp:comment_author>\n",
        f"\t\t\t<wp:comment_author_email>{_cdata('' if comment.author_id else comment.guest_email)}"
        "</wp:comment_author_email>\n",
        f"\t\t\t<wp:comment_author_url>{_text('' if comment.author_id else comment.guest_url)}"
        "</wp:comment_author_url>\n",
        f"\t\t\t<wp:comment_author_IP>{_cdata('')}</wp:comment_author_IP>\n",
        f"\t\t\t<wp:comment_date>{_cdata(_wp_date(comment.created_at, gmt=False))}</wp:comment_date>\n",
        f"\t\t\t<wp:comment_date_gmt>{_cdata(_wp_date(comment.created_at, gmt=True))}</wp:comment_date_gmt>\n",
        f"\t\t\t<wp:comment_content>{_cdata(body_html)}</wp:comment_content>\n",
        f"\t\t\t<wp:comment_approved>{_cdata(WXR_APPROVED[comment.status])}</wp:comment_approved>\n",
        f"\t\t\t<wp:comment_type>{_cdata('comment')}</wp:comment_type>\n",
        f"\t\t\t<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>\n",
        # An account's comment names its author entry (`wp:author` in the channel), as WordPress links a
        # signed-in commenter; a guest's is 0.
        f"\t\t\t<wp:comment_user_id>{comment.author_id or 0}</wp:comment_user_id>\n",
        _meta("commentmeta", "_blogsite_markdown", body).replace("\t\t<", "\t\t\t<"),
    ]
    if comment.author_id:
        parts.append(_meta("commentmeta", "_blogsite_username", comment.author.username).replace("\t\t<", "\t\t\t<"))
    parts.append("\t\t</wp:comment>\n")
    return "".join(parts)


def _wxr_item(post: Post, site_url: str) -> str:
    base = blog_url(site_url, post.author)
    is_draft = post.status == Post.Status.DRAFT
    link = f"{base}/?p={post.pk}" if is_draft else site_url.rstrip("/") + post.get_absolute_url()
    date = post.created_at if is_draft else post.published_at
    parts = [
        "\t<item>\n",
        f"\t\t<title>{_cdata(escape(post.title, quote=False))}</title>\n",
        f"\t\t<link>{_text(link)}</link>\n",
        f"\t\t<pubDate>{_rfc822(date)}</pubDate>\n",
        f"\t\t<dc:creator>{_cdata(post.author.username)}</dc:creator>\n",
        f'\t\t<guid isPermaLink="false">{_text(base)}/?p={post.pk}</guid>\n',
        "\t\t<description></description>\n",
        f"\t\t<content:encoded>{_cdata(post.body_html)}</content:encoded>\n",
        f"\t\t<excerpt:encoded>{_cdata(post.excerpt)}</excerpt:encoded>\n",
        f"\t\t<wp:post_id>{post.pk}</wp:post_id>\n",
        f"\t\t<wp:post_date>{_cdata(_wp_date(date, gmt=False))}</wp:post_date>\n",
        f"\t\t<wp:post_date_gmt>{_cdata(_wp_date(None if is_draft else date, gmt=True))}</wp:post_date_gmt>\n",
        f"\t\t<wp:post_modified>{_cdata(_wp_date(post.updated_at, gmt=False))}</wp:post_modified>\n",
        f"\t\t<wp:post_modified_gmt>{_cdata(_wp_date(post.updated_at, gmt=True))}</wp:post_modified_gmt>\n",
        f"\t\t<wp:comment_status>{_cdata('open' if post.comments_enabled else 'closed')}</wp:comment_status>\n",
        f"\t\t<wp:ping_status>{_cdata('closed')}</wp:ping_status>\n",
        f"\t\t<wp:post_name>{_cdata(quote(post.slug, safe='-_').lower())}</wp:post_name>\n",
        f"\t\t<wp:status>{_cdata(WXR_STATUS[post.status])}</wp:status>\n",
        "\t\t<wp:post_parent>0</wp:post_parent>\n",
        "\t\t<wp:menu_order>0</wp:menu_order>\n",
        f"\t\t<wp:post_type>{_cdata('post')}</wp:post_type>\n",
        f"\t\t<wp:post_password>{_cdata('')}</wp:post_password>\n",
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n",
    ]
    for label in post.labels.all():
        # Labels go out as categories, so that a blog that came from WordPress goes back with them.
        parts.append(
            f'\t\t<category domain="category" nicename="{escape(_nicename(label.slug))}">'
            f"{_cdata(escape(label.name, quote=False))}</category>\n"
        )
    if post.body_format == Post.BodyFormat.MARKDOWN:
        parts.append(_meta("postmeta", "_blogsite_markdown", post.body))
    for legacy in sorted(legacy.path for legacy in post.legacy_paths.all()):
        parts.append(_meta("postmeta", "_blogsite_legacy_path", legacy))
    parts.extend(_wxr_comment(c) for c in post.comments.all())
    parts.append("\t</item>\n")
    return "".join(parts)


def _nicename(slug: str) -> str:
    return quote(slug, safe="-_").lower()


def _wxr_author(user, *, email: str) -> str:
    return (
        f"\t<wp:author><wp:author_id>{user.pk}</wp:author_id><wp:author_login>{_cdata(user.username)}</wp:author_login>"
        f"<wp:author_email>{_cdata(email)}</wp:author_email>"
        f"<wp:author_display_name>{_cdata(user.name)}</wp:author_display_name>"
        f"<wp:author_first_name>{_cdata(user.first_name)}</wp:author_first_name>"
        f"<wp:author_last_name>{_cdata(user.last_name)}</wp:author_last_name></wp:author>\n"
    )


def export_wxr(*, author, site_url: str) -> Iterator[str]:
    """The blog as a WordPress eXtended RSS 1.2 file, as WordPress itself writes one, in chunks of text."""
    blog = _blog(author)
    base = blog_url(site_url, author)
    title = blog.display_title if blog else f"{author.name}'s blog"
    head = [
        '<?xml version="1.0" encoding="UTF-8" ?>\n',
        "<!-- This is a WordPress eXtended RSS file generated by Blogsite as an export of one blog. -->\n",
        "<!-- It contains the blog's posts, drafts, labels (as categories) and comments. -->\n",
        "<!-- WordPress's importer and other platforms read it; so does Blogsite's `import_blog`. -->\n",
        f'<!-- generator="{GENERATOR}" created="{timezone.now().astimezone(UTC):%Y-%m-%d %H:%M}" -->\n',
        '<rss version="2.0"\n',
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n',
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n',
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n',
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n',
        '\txmlns:wp="http://wordpress.org/export/1.2/"\n',
        ">\n\n<channel>\n",
        f"\t<title>{_text(title)}</title>\n",
        f"\t<link>{_text(base)}</link>\n",
        f"\t<description>{_text(blog.description if blog else '')}</description>\n",
        f"\t<pubDate>{_rfc822(timezone.now())}</pubDate>\n",
        "\t<language>en-US</language>\n",
        "\t<wp:wxr_version>1.2</wp:wxr_version>\n",
        f"\t<wp:base_site_url>{_text(site_url.rstrip('/'))}</wp:base_site_url>\n",
        f"\t<wp:base_blog_url>{_text(base)}</wp:base_blog_url>\n\n",
        _wxr_author(author, email=author.email),
    ]
    # Commenters with an account here, so that their comments can be linked to them (no email: theirs is
    # private). One query.
    commenters = (
        get_user_model().objects.filter(comments__post__author=author).exclude(pk=author.pk).distinct().order_by("pk")
    )
    head.extend(_wxr_author(user, email="") for user in commenters)
    head.append("\n")
    for label in _labels(author):
        head.append(
            f"\t<wp:category>\n\t\t<wp:term_id>{label.pk}</wp:term_id>\n"
            f"\t\t<wp:category_nicename>{_cdata(_nicename(label.slug))}</wp:category_nicename>\n"
            f"\t\t<wp:category_parent>{_cdata('')}</wp:category_parent>\n"
            f"\t\t<wp:cat_name>{_cdata(escape(label.name, quote=False))}</wp:cat_name>\n\t</wp:category>\n"
        )
    head.append(f"\n\t<generator>{GENERATOR}</generator>\n\n")
    yield "".join(head)
    for post in blog_posts(author):
        yield _wxr_item(post, site_url)
    yield "</channel>\n</rss>\n"


EXPORTERS = {"wxr": (export_wxr, "xml", "application/rss+xml"), "json": (export_json, "json", "application/json")}
