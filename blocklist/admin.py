from django.contrib import admin

from .models import BlockedSite


@admin.register(BlockedSite)
class BlockedSiteAdmin(admin.ModelAdmin):
    """The blocklist: a site added here has its webmentions and fediverse activities refused, what it sent
    hidden, and nothing delivered to it."""

    list_display = ["domain", "note", "created_at"]
    search_fields = ["domain", "note"]
    fields = ["domain", "note"]
