"""The admin site: branded titles and, on its index, the moderation queue's length."""

from django.contrib import admin
from django.urls import reverse


class BlogsiteAdminSite(admin.AdminSite):
    site_header = "Blogsite administration"
    site_title = "Blogsite administration"
    index_title = "Blogsite administration"

    def index(self, request, extra_context=None):
        from comments.models import Comment

        context = dict(extra_context or {})
        if request.user.has_perm("comments.view_comment"):
            context["pending_comment_count"] = Comment.objects.pending().count()
            context["moderation_queue_url"] = moderation_queue_url()
        return super().index(request, extra_context=context)


def moderation_queue_url() -> str:
    """The admin's list of comments awaiting moderation."""
    return reverse("admin:comments_comment_changelist") + "?status__exact=pending"
