"""Staff moderation of webmentions, and what was received and sent (blocked sites are blocklist's)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Mention, Outgoing, Receipt
from .services import moderate_mentions


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "status", "post", "author_name", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["source", "author_name", "post__title"]
    list_select_related = ["post"]
    raw_id_fields = ["post"]
    readonly_fields = ["source", "source_host", "content_html", "created_at", "updated_at"]
    actions = ["approved", "rejected"]

    def _moderate(self, request, queryset, status) -> int:
        return moderate_mentions(mentions=queryset.select_related("post"), status=status, moderator=request.user)

    @admin.action(description=_("Approve the selected mentions"), permissions=["change"])
    def approved(self, request, queryset):
        count = self._moderate(request, queryset, Mention.Status.APPROVED)
        text = ngettext("%(count)d mention approved.", "%(count)d mentions approved.", count)
        self.message_user(request, text % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected mentions"), permissions=["change"])
    def rejected(self, request, queryset):
        count = self._moderate(request, queryset, Mention.Status.REJECTED)
        text = ngettext("%(count)d mention rejected.", "%(count)d mentions rejected.", count)
        self.message_user(request, text % {"count": count}, messages.SUCCESS)


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "state", "why", "created_at"]
    list_filter = ["state"]
    search_fields = ["source", "target"]
    exclude = ["failure", "reason"]
    readonly_fields = ["why"]

    @admin.display(description=_("Reason"))
    def why(self, obj):
        return obj.reason_text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Outgoing)
class OutgoingAdmin(admin.ModelAdmin):
    list_display = ["target", "status", "post", "attempts", "error", "updated_at"]
    list_filter = ["status"]
    search_fields = ["target"]
    list_select_related = ["post"]
    exclude = ["failure", "last_error"]
    readonly_fields = ["error"]

    @admin.display(description=_("Last error"))
    def error(self, obj):
        return obj.error_text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
