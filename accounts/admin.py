"""The admin for people: accounts with their email addresses, and the limits on what non-superusers may change.

Banning and the post and comment counts are added by `comments/admin.py`, which may import posts and comments.
"""

from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

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
    list_display = ("username", "display_name", "email", "email_verified", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "display_name", "email")
    readonly_fields = ("last_login", "date_joined")
    inlines = [EmailAddressInline]

    def get_queryset(self, request):
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        return super().get_queryset(request).annotate(has_verified_email=Exists(verified))

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
