from django.contrib import admin

from .models import Picture


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "width", "height", "bytes", "has_renditions", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["alt", "owner__username"]
    readonly_fields = ["file", "content_type", "width", "height", "bytes", "renditions", "has_renditions"]
    raw_id_fields = ["owner"]
