from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocklist.models import BlockedSite

from .models import Delivery, Instance, RemoteActor, RemoteFollower


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    """The servers deliveries go to and how they are going. Blocking one adds its domain to the site's one
    blocklist (the admin's "Blocked sites"), which refuses its webmentions as well."""

    list_display = ["domain", "blocked", "failing_since", "failures", "last_success_at"]
    search_fields = ["domain"]
    fields = ["domain", "failing_since", "failures", "last_success_at"]
    readonly_fields = ["domain", "failing_since", "failures", "last_success_at"]
    actions = ["block"]

    def get_queryset(self, request):
        # Whether the blocklist covers each row, in the list's own query.
        return (
            super().get_queryset(request).annotate(is_blocked=Exists(BlockedSite.objects.covering(OuterRef("domain"))))
        )

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description=_("blocked"), ordering="is_blocked")
    def blocked(self, obj):
        return obj.is_blocked

    @admin.action(description=_("Block the selected instances"), permissions=["change"])
    def block(self, request, queryset):
        if not request.user.has_perm("blocklist.add_blockedsite"):
            self.message_user(request, _("You may not add blocked sites."), messages.ERROR)
            return
        added = 0
        for domain in queryset.values_list("domain", flat=True):
            added += BlockedSite.objects.get_or_create(domain=domain)[1]
        self.message_user(
            request,
            ngettext("%(count)d site added to the blocklist.", "%(count)d sites added to the blocklist.", added)
            % {"count": added},
            messages.SUCCESS,
        )


@admin.register(RemoteActor)
class RemoteActorAdmin(admin.ModelAdmin):
    list_display = ["uri", "username", "name", "instance", "fetched_at"]
    search_fields = ["uri", "username", "name"]
    list_select_related = ["instance"]
    readonly_fields = [f.name for f in RemoteActor._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RemoteFollower)
class RemoteFollowerAdmin(admin.ModelAdmin):
    list_display = ["remote", "actor", "created_at"]
    list_select_related = ["remote__instance", "actor__blog__owner"]
    readonly_fields = ["actor", "remote", "follow_id", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["inbox", "activity", "status", "attempts", "error", "created_at", "delivered_at"]
    list_filter = ["status"]
    search_fields = ["inbox"]
    fields = readonly_fields = ["activity", "inbox", "status", "attempts", "error", "created_at", "delivered_at"]

    @admin.display(description=_("Last error"))
    def error(self, obj):
        return obj.error_text

    def has_add_permission(self, request):
        return False
