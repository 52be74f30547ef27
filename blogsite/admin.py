"""The admin site: branded titles and one "Accounts" heading (the moderation queue's length on its index
comes from the `moderation` context processor)."""

from django.contrib import admin
from django.urls import reverse


class BlogsiteAdminSite(admin.AdminSite):
    site_header = "Blogsite administration"
    site_title = "Blogsite administration"
    index_title = "Blogsite administration"

    def get_app_list(self, request, app_label=None):
        # allauth's app is also called "Accounts": list its email addresses with our users instead of
        # under a second heading of the same name.
        app_list = super().get_app_list(request, app_label)
        by_label = {app["app_label"]: app for app in app_list}
        emails, people = by_label.get("account"), by_label.get("accounts")
        if emails and people:
            people["models"] = sorted(people["models"] + emails["models"], key=lambda model: model["name"])
            app_list.remove(emails)
        return app_list


def moderation_queue_url() -> str:
    """The admin's list of comments awaiting moderation."""
    return reverse("admin:comments_comment_changelist") + "?status__exact=pending"
