from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult, get_date_max

from . import mail
from .models import OutgoingMail, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that the queue writes: staff read them and act through the actions, never edit them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at", "error"]
    list_filter = ["status", "created_at"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "key",
        "to",
        "from_email",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("last error"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.action(description=_("Send the selected mail again"), permissions=["resend"])
    def send_again(self, request, queryset):
        with transaction.atomic():
            count = mail.send_again(queryset)
        if count:
            text = ngettext(
                "%(count)d message queued to be sent again.", "%(count)d messages queued to be sent again.", count
            )
            self.message_user(request, text % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(request, gettext("Those messages were sent already."), messages.WARNING)

    def has_resend_permission(self, request):
        return request.user.has_perm("background.change_outgoingmail")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["id", "hostname", "pid", "started_at", "seen_at"]


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's admin, with failed tasks run again on request."""

    actions = ["run_again"]

    @admin.action(description=_("Run the selected failed tasks again"), permissions=["rerun"])
    def run_again(self, request, queryset):
        count = queryset.filter(status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=get_date_max(), enqueued_at=timezone.now(), finished_at=None
        )
        if count:
            text = ngettext("%(count)d task back on the queue.", "%(count)d tasks back on the queue.", count)
            self.message_user(request, text % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(request, gettext("Only failed tasks can be run again."), messages.WARNING)

    def has_rerun_permission(self, request):
        return request.user.has_perm("django_tasks_database.change_dbtaskresult")
