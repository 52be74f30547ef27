from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory

THREAD = Template(
    "{% load comments pagecache %}{% comment_thread post %}"
    "{% cache_thread post %}{% shared_comment_thread post %}{% endcache_thread %}{% endcomment_thread %}"
)


def thread_html(post, user=None, query="") -> str:
    """The comments section of a post page as `user` sees it, its shared thread through the thread cache."""
    request = RequestFactory().get("/" + (f"?{query}" if query else ""))
    request.user = user or AnonymousUser()
    return THREAD.render(RequestContext(request, {"post": post, "user": request.user}))
