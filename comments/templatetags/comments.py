import re
import secrets

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from accounts.policy import can_comment
from posts.models import Post

from ..forms import CommentForm
from ..models import Comment
from ..rendering import Unplaceable, personalise, render_items
from ..services import comments_are_open
from ..tree import held_comments, load_thread
from ..views import NOTICE_SESSION_KEY, create_url

register = template.Library()

# Where the shared markup of a comments section leaves room for what is the reader's own: the comment form,
# and within a shared form, its CSRF token.
FORM_SLOT = "<!--comment-form-->"
FORM_END = "<!--/comment-form-->"
CSRF_SLOT = SafeString("<!--csrf-->")
# The page of threads the markup shows (where it begins and where the next begins) and, in markup shared by
# every reader, a random name for this rendering of it, new whenever the thread changes.
PAGE_MARK = re.compile(r"<!--page:([0-9a-z]*):([0-9a-z]*)(?::([0-9a-f]*))?-->")
# Set in the context by a tag that caches the comments section for every reader (pagecache's
# `{% cache_thread %}`): the section then carries the comment form once for all (see `form_for`).
SHARED_THREAD = "comments_shared_thread"


def _thread_params(context) -> dict:
    request = context.get("request")
    params = request.GET if request is not None else {}
    return {
        "start": params.get("cstart"),
        "before": params.get("cbefore"),
        "latest": bool(params.get("clatest")),
        "comment_pk": params.get("comment"),
    }


def _section_context(context, post, viewer=None) -> dict:
    thread = load_thread(post, viewer=viewer, **_thread_params(context))
    is_open = comments_are_open(post)
    shared_form = rendering = ""
    if context.get(SHARED_THREAD):
        rendering = secrets.token_hex(8)
        if is_open:
            shared_form = _render_form(post=post, request=None, viewer=None, can_comment=True, csrf=CSRF_SLOT)
    return {
        "rendering": rendering,
        "post": post,
        "thread": thread,
        "thread_html": render_items(thread.items, comments_open=is_open, post_author_id=post.author_id),
        "request": context.get("request"),
        "feed_url": post.get_comments_feed_url(),
        "form_slot": mark_safe(f"{FORM_SLOT}{shared_form}{FORM_END}"),  # noqa: S308  # nosec B308, B703 # rendered markup
    }


def _render_form(*, post, request, viewer, can_comment: bool, csrf) -> str:
    """The comment form area under a thread: the form for a reader who may comment (`csrf`: their token, or
    CSRF_SLOT for the form every such reader shares), else why there is none."""
    return get_template("comments/_comment_form.html").render(
        {
            "post": post,
            "request": request,
            "user": viewer,
            "csrf_token": csrf,
            "csrf_slot": csrf if csrf is CSRF_SLOT else "",
            "comments_open": comments_are_open(post),
            "can_comment": can_comment,
            "form": CommentForm(post=post),
            "parent": None,
            "form_action": create_url(post),
        }
    )


@register.inclusion_tag("comments/_thread.html", takes_context=True)
def shared_comment_thread(context, post):
    """The comments section under a post as every reader shares it: one page of its threads, its pages
    and room for the comment form, with the markers `{% comment_thread %}` fills in for each reader. It
    depends on the post and the page asked for, never on who reads, so it can be cached for everyone.

    Two queries whatever the thread's size (see comments.tree). Long discussions are paged: `?cstart=<id>`
    is the page that begins with comment <id>, `?cbefore=<id>` the page that ends just before it,
    `?clatest=1` the last page, and `?comment=<pk>` the page that begins with that comment's thread.
    """
    return _section_context(context, post)


@register.tag("comment_thread")
def do_comment_thread(parser, token):
    """`{% comment_thread post %}{% shared_comment_thread post %}{% endcomment_thread %}`: the comments
    section as this reader sees it, made from the shared markup inside (usually cached, see pagecache).

    For a signed-in reader it adds, without rendering the thread again, their links on the comments they
    may edit or remove and their own comments awaiting moderation (one query), and for everyone the
    comment form (one query for a signed-in reader, to check they may comment).
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the post.")
    nodelist = parser.parse(("endcomment_thread",))
    parser.delete_first_token()
    return CommentThreadNode(nodelist, parser.compile_filter(bits[1]))


def take_comment_notice(request, post) -> tuple[int, str] | None:
    """The message left for the reader about the comment they just posted on this post, as (comment id,
    text), taken from the session so that it shows once; None when there is none."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    notice = session.get(NOTICE_SESSION_KEY)
    if not isinstance(notice, dict) or notice.get("post") != post.pk:
        return None
    del session[NOTICE_SESSION_KEY]
    return int(notice["comment"]), str(notice["text"])


class CommentThreadNode(template.Node):
    def __init__(self, nodelist, post):
        self.nodelist = nodelist
        self.post = post

    def render(self, context):
        post = self.post.resolve(context)
        request = context.get("request")
        viewer = context.get("user") or getattr(request, "user", None)
        shared = self.nodelist.render(context)
        held = self.held(post, viewer, PAGE_MARK.search(shared))
        notice = take_comment_notice(request, post)
        try:
            section = personalise(shared, viewer=viewer, post=post, held=held, notice=notice)
        except Unplaceable:
            # A held comment answers one the shared page does not show (a removed comment with no other
            # visible reply): render this reader's own page of threads, where it has its place.
            own = get_template("comments/_thread.html").render(_section_context(context, post, viewer))
            section = personalise(own, viewer=viewer, post=post, notice=notice)
        section = PAGE_MARK.sub("", section, count=1)
        start = section.find(FORM_SLOT)
        if start < 0:
            return section
        # Markup cached by an earlier release has the slot alone, without a shared form.
        end = section.find(FORM_END, start)
        shared_form = section[start + len(FORM_SLOT) : end] if end >= 0 else ""
        rest = section[end + len(FORM_END) :] if end >= 0 else section[start + len(FORM_SLOT) :]
        return section[:start] + self.form_for(context, post, viewer, shared_form) + rest

    @staticmethod
    def held(post, viewer, page) -> list:
        """The viewer's comments awaiting moderation on the page of threads `page` (its marker) shows: one
        query, or none when they were looked up for this rendering of a shared page before. Any change to
        the post's comments renders the shared page again, under a new name (see `_section_context`)."""
        first, following, rendering = (page[1] or None, page[2] or None, page[3]) if page else (None, None, None)
        if viewer is None or not viewer.is_authenticated:
            return []
        key = f"comments:held:{post.pk}:{rendering}:{viewer.pk}" if rendering else None
        found = cache.get(key) if key else None
        if found is None:
            found = list(held_comments(post, viewer, first_path=first, next_path=following))
            if key:
                cache.set(key, found, settings.PAGE_CACHE_SECONDS)
        return found

    @staticmethod
    def form_for(context, post, viewer, shared_form: str) -> str:
        """The comment form area for this reader. A reader who may comment gets the form the shared markup
        carries (rendered once for everyone), with their own CSRF token put in; without one (a page not
        cached), or for anyone else, it is rendered here."""
        request = context.get("request")
        may_comment = bool(viewer is not None and comments_are_open(post) and can_comment(viewer))
        if may_comment and shared_form:
            return shared_form.replace(CSRF_SLOT, CsrfTokenNode().render(context), 1)
        return _render_form(
            post=post, request=request, viewer=viewer, can_comment=may_comment, csrf=context.get("csrf_token")
        )


@register.inclusion_tag("comments/_recent_comments.html")
def recent_comments(author, limit=5):
    """The person's newest approved comments on public posts, for their profile (one query)."""
    comments = (
        Comment.objects.approved()
        .filter(author=author, post__in=Post.objects.published())
        .select_related("post", "post__author")
        .order_by("-created_at", "-pk")
    )
    return {"comments": list(comments[:limit])}
