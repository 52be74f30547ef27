from django import template
from django.db.models import Count, Window

from accounts.permissions import can_comment

from ..forms import CommentForm
from ..models import Comment
from ..rendering import render_items
from ..services import comments_are_open
from ..tree import load_thread
from ..views import create_url

register = template.Library()


@register.inclusion_tag("comments/_thread.html", takes_context=True)
def comment_thread(context, post):
    """The comments section under a post: one page of its threads, and the comment form.

    Two queries for the thread whatever its size (see comments.tree), plus one to check that a
    signed-in reader may comment. Long discussions are paged: `?cstart=<id>` is the page that begins
    with comment <id>, `?cbefore=<id>` the page that ends just before it, `?clatest=1` the last page, and
    `?comment=<pk>` the page that begins with that comment's thread.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    params = request.GET if request is not None else {}
    thread = load_thread(
        post,
        viewer=user,
        start=params.get("cstart"),
        before=params.get("cbefore"),
        latest=bool(params.get("clatest")),
        comment_pk=params.get("comment"),
    )
    is_open = comments_are_open(post)
    return {
        "post": post,
        "thread": thread,
        "thread_html": render_items(thread.items, comments_open=is_open),
        "request": request,
        "user": user,
        "comments_open": is_open,
        "can_comment": bool(user is not None and is_open and can_comment(user)),
        "form": CommentForm(post=post),
        "parent": None,
        "form_action": create_url(post),
        "feed_url": post.get_comments_feed_url(),
    }


@register.inclusion_tag("comments/_moderation_queue.html", takes_context=True)
def comment_moderation_queue(context, limit=20):
    """The signed-in blogger's comments awaiting moderation, for the dashboard (one query).

    The total rides along on every row as a window count, so the list and its size cost one query.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending": [], "pending_count": 0}
    pending = list(Comment.objects.awaiting_moderation_by(user).annotate(total=Window(Count("pk")))[:limit])
    return {
        "pending": pending,
        "pending_count": pending[0].total if pending else 0,
        "request": request,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
