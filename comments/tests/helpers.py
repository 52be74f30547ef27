from collections import Counter

from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory

from comments.models import PATH_SEGMENT_WIDTH, Comment

THREAD_TEMPLATE = Template(
    "{% load comments %}{% comment_thread post %}{% shared_comment_thread post %}{% endcomment_thread %}"
)


def render_thread(post, user=None, **params) -> str:
    """The comments section of a post page as `user` sees it, with query parameters `params`."""
    request = RequestFactory().get(post.get_absolute_url(), params)
    request.user = user or AnonymousUser()
    return THREAD_TEMPLATE.render(RequestContext(request, {"post": post}))


def create_url(post) -> str:
    return post.get_absolute_url() + "comments/"


def counted_thread_replies(post) -> dict[int, int]:
    """Each root's approved replies, counted from the rows."""
    replies = Counter(
        path[:PATH_SEGMENT_WIDTH]
        for path in post.comments.filter(depth__gt=0, status=Comment.Status.APPROVED).values_list("path", flat=True)
    )
    return {pk: replies[path] for pk, path in post.comments.filter(depth=0).values_list("pk", "path")}


def stored_thread_replies(post) -> dict[int, int]:
    """Each root's approved replies, as the triggers keep them."""
    return dict(post.comments.filter(depth=0).values_list("pk", "thread_reply_count"))
