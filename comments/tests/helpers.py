from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory

THREAD_TEMPLATE = Template("{% load comments %}{% comment_thread post %}")


def render_thread(post, user=None, **params) -> str:
    """The comments section of a post page as `user` sees it, with query parameters `params`."""
    request = RequestFactory().get(post.get_absolute_url(), params)
    request.user = user or AnonymousUser()
    return THREAD_TEMPLATE.render(RequestContext(request, {"post": post}))


def create_url(post) -> str:
    return post.get_absolute_url() + "comments/"
