"""The admin for people: accounts with their email addresses, the limits on what non-superusers may change,
and banning (a recorded moderation decision) with each person's post and comment counts.

The admin is where the site's apps are put together, as the URLconf is: this module alone of the accounts app
imports the moderation app above it (see `ignore_imports` in pyproject.toml).
"""

from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from moderation.admin import BanForm, comment_changelist_url, report, user_content_counts
from moderation.models import ModerationEvent
from moderation.services import ban_user, unban_user

from . import policy
from .models import User

# What only a superuser may see or change on an account: the keys to the site.
SUPERUSER_ONLY_FIELDS = ("password", "is_superuser", "groups", "user_permissions")
# What a non-superuser may see but not change; an account is deactivated by banning, which is recorded.
SUPERUSER_WRITABLE_FIELDS = ("is_staff", "is_active")


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    extra = 0
    fields = ("email", "verified", "primary")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "display_name",
                    "email",
                    "bio",
                    "avatar",
                    "notify_replies",
                    "notify_comments",
                    "notify_moderation",
                )
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = (
        "username",
        "display_name",
        "email",
        "email_verified",
        "post_count",
        "comment_count",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "display_name", "email")
    readonly_fields = ("last_login", "date_joined")
    inlines = [EmailAddressInline]
    actions = ("ban", "unban")

    def get_queryset(self, request):
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        return super().get_queryset(request).annotate(has_verified_email=Exists(verified), **user_content_counts())

    @admin.display(boolean=True, description=_("email verified"), ordering="has_verified_email")
    def email_verified(self, obj):
        return obj.has_verified_email

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS)})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        return readonly + SUPERUSER_WRITABLE_FIELDS

    def has_change_permission(self, request, obj=None):
        # A staff account is changed by a superuser (or by its owner): otherwise a staff member with the
        # "change user" permission could take over a more powerful account.
        powerful = obj is not None and (obj.is_staff or obj.is_superuser)
        if powerful and not request.user.is_superuser and obj.pk != request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def has_ban_permission(self, request):
        return policy.can_ban_users(request.user)

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count

    @admin.display(description=_("comments"), ordering="comment_count")
    def comment_count(self, obj):
        return format_html('<a href="{}">{}</a>', comment_changelist_url(author__id__exact=obj.pk), obj.comment_count)

    def _split_bannable(self, request, queryset):
        users = list(queryset)
        allowed = [u for u in users if policy.can_ban(request.user, u)]
        refused = len(users) - len(allowed)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account left alone: nobody may ban themselves, "
                    "and only a superuser may ban or unban a staff account.",
                    "%(count)d accounts left alone: nobody may ban themselves, "
                    "and only a superuser may ban or unban a staff account.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
        return allowed

    @admin.action(permissions=["ban"], description=_("Ban selected users…"))
    def ban(self, request, queryset):
        """Ask which extra steps to take, then deactivate and remove; the confirmation posts back here."""
        form = BanForm(request.POST if "confirm" in request.POST else None, label_suffix="")
        if form.is_bound and form.is_valid():
            users = self._split_bannable(request, queryset)
            for user in users:
                try:
                    ban_user(user=user, moderator=request.user, **form.cleaned_data)
                except PermissionDenied:  # pragma: no cover - _split_bannable filtered these out
                    continue
            report(self, request, len(users), ModerationEvent.Action.BAN)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Ban users"),
            "opts": self.opts,
            "form": form,
            "users": [(user, policy.can_ban(request.user, user)) for user in queryset],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/accounts/user/ban_confirmation.html", context)

    @admin.action(permissions=["ban"], description=_("Unban selected users (restore what the ban removed)"))
    def unban(self, request, queryset):
        users = self._split_bannable(request, queryset)
        for user in users:
            unban_user(user=user, moderator=request.user)
        report(self, request, len(users), ModerationEvent.Action.UNBAN)
