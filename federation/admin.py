from django.contrib import admin

from .models import Delivery, Instance, RemoteActor, RemoteFollower


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    """The instance blocklist: tick `blocked` to refuse everything a server sends and send it nothing."""

    list_display = ["domain", "is_blocked", "note", "failing_since", "failures", "last_success_at"]
    list_filter = ["is_blocked"]
    list_editable = ["is_blocked"]
    search_fields = ["domain"]
    fields = ["domain", "is_blocked", "note", "failing_since", "failures", "last_success_at"]
    readonly_fields = ["failing_since", "failures", "last_success_at"]


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
    list_display = ["inbox", "activity", "status", "attempts", "last_error", "created_at", "delivered_at"]
    list_filter = ["status"]
    search_fields = ["inbox"]
    readonly_fields = ["activity", "inbox", "status", "attempts", "last_error", "created_at", "delivered_at"]

    def has_add_permission(self, request):
        return False
