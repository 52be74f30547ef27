from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ModerationEvent(models.Model):
    """One moderation decision: who did what to which comment, post or user, and when."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        SPAM = "spam", _("Marked as spam")
        REMOVE = "remove", pgettext_lazy("comment status", "Removed")
        RESTORE = "restore", _("Restored")
        BAN = "ban", _("Banned user")
        UNBAN = "unban", _("Unbanned user")
        PUBLISH = "publish", _("Published post")
        UNPUBLISH = "unpublish", _("Unpublished post")

    class Source(models.TextChoices):
        ADMIN = "admin", _("Admin")
        DASHBOARD = "dashboard", _("Dashboard")
        SYSTEM = "system", _("System")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMIN)
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_events"
    )
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_events"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What undoing this needs: the decision that caused it (a ban, for the removals and unpublications it made;
    # an unban, for what it restored), the status before it, and when a scheduled post was to appear.
    caused_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="consequences"
    )
    previous_status = models.CharField(max_length=20, blank=True)
    previous_publish_at = models.DateTimeField(null=True, blank=True)
    # The moderator's own words, if any.
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # The log began in the comments app; its rows stayed where they were when it moved here.
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        db_table = "comments_moderationevent"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.moderator} {self.get_action_display().lower()} at {self.created_at:%Y-%m-%d %H:%M}"
