"""The moderation log's migrations: bans recorded before the undo fields existed still unban as they did."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import HeldCommentFactory
from moderation.models import ModerationEvent
from moderation.services import unban_user
from posts.models import Post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module("moderation.migrations.0004_fill_undo_fields")


def old_ban(moderator, reader):
    """A ban as the code before the undo fields wrote it: the user deactivated, a held and an approved comment
    removed and a scheduled post unpublished, each tied to the ban by a note only; returns what it changed."""
    held = HeldCommentFactory(author=reader, status=Comment.Status.REMOVED)
    approved = HeldCommentFactory(author=reader, status=Comment.Status.REMOVED)
    when = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    scheduled = PostFactory(author=reader, status=Post.Status.DRAFT, publish_at=when, published_at=None)
    reader.is_active = False
    reader.save(update_fields=["is_active"])
    ban = ModerationEvent.objects.create(
        moderator=moderator,
        action=ModerationEvent.Action.BAN,
        target_user=reader,
        note="all comments removed; posts unpublished",
    )
    common = {"moderator": moderator, "target_user": reader}
    ModerationEvent.objects.bulk_create(
        [
            ModerationEvent(
                action="remove", comment=held, post=held.post, note=f"With ban #{ban.pk}; was pending", **common
            ),
            ModerationEvent(
                action="remove",
                comment=approved,
                post=approved.post,
                note=f"With ban #{ban.pk}; was approved",
                **common,
            ),
            ModerationEvent(
                action="unpublish",
                post=scheduled,
                note=f"With ban #{ban.pk}; was scheduled for {when.isoformat()}",
                **common,
            ),
        ]
    )
    return held, approved, scheduled, when


def test_a_ban_recorded_before_the_upgrade_unbans_as_it_did(moderator, reader):
    held, approved, scheduled, when = old_ban(moderator, reader)
    fill_migration.fill(global_apps, None)
    unban_user(user=reader, moderator=moderator)
    reader.refresh_from_db()
    assert reader.is_active
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING
    assert Comment.objects.get(pk=approved.pk).status == Comment.Status.APPROVED
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.publish_at) == (Post.Status.SCHEDULED, when)


def test_without_the_data_migration_an_old_ban_would_restore_nothing(moderator, reader):
    """What the data migration is for: the unban reads only the fields."""
    _, approved, _, _ = old_ban(moderator, reader)
    unban_user(user=reader, moderator=moderator)
    assert Comment.objects.get(pk=approved.pk).status == Comment.Status.REMOVED


def test_the_data_migration_reads_old_unban_notes_and_reverses(moderator, reader):
    comment = HeldCommentFactory(author=reader, status=Comment.Status.APPROVED)
    unban = ModerationEvent.objects.create(moderator=moderator, action="unban", target_user=reader)
    restore = ModerationEvent.objects.create(
        moderator=moderator, action="restore", comment=comment, note=f"With unban #{unban.pk}; back to approved"
    )
    untouched = ModerationEvent.objects.create(moderator=moderator, action="remove", note="Spam, by hand")
    fill_migration.fill(global_apps, None)
    fill_migration.fill(global_apps, None)
    restore.refresh_from_db()
    assert (restore.caused_by_id, restore.previous_status) == (unban.pk, Comment.Status.REMOVED)
    assert restore.note == f"With unban #{unban.pk}; back to approved"
    untouched.refresh_from_db()
    assert (untouched.caused_by_id, untouched.previous_status) == (None, "")

    fill_migration.empty(global_apps, None)
    restore.refresh_from_db()
    assert (restore.caused_by_id, restore.previous_status) == (None, "")


def test_a_ban_deleted_from_the_log_leaves_nothing_to_undo(moderator, reader):
    _, approved, _, _ = old_ban(moderator, reader)
    ModerationEvent.objects.filter(action="ban").delete()
    fill_migration.fill(global_apps, None)
    assert not ModerationEvent.objects.filter(caused_by__isnull=False).exists()
    unban_user(user=reader, moderator=moderator)
    assert Comment.objects.get(pk=approved.pk).status == Comment.Status.REMOVED


def test_the_models_and_the_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
