"""The admin site: branded titles and one "Accounts" heading (the moderation queue's length on its index
comes from the `moderation` context processor)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class BlogsiteAdminSite(admin.AdminSite):
    site_header = _("Blogsite administration")
    site_title = _("Blogsite administration")
    index_title = _("Blogsite administration")

    def login(self, request, extra_context=None):
        """Signing in to the admin is signing in to the site, through allauth (with its second factor and
        rate limits): the admin's own password form, which asks for neither, is never shown. A signed-in
        account that is not staff gets 403."""
        return secure_admin_login(super().login)(request, extra_context)

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
