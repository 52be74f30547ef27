"""ban_user, unban_user, publish_posts and unpublish_posts in moderation/services.py."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import HeldCommentFactory
from moderation.models import ModerationEvent
from moderation.services import ban_user, can_ban, publish_posts, unban_user, unpublish_posts
from posts.models import Post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_can_ban_readers_but_only_superusers_ban_staff(moderator, superuser, reader):
    assert can_ban(moderator, reader)
    assert not can_ban(moderator, moderator)
    assert not can_ban(moderator, superuser)
    assert can_ban(superuser, moderator)
    assert not can_ban(superuser, superuser)


def test_ban_refuses_a_staff_account_for_a_moderator(moderator):
    colleague = UserFactory(username="colleague", is_staff=True)
    with pytest.raises(PermissionDenied):
        ban_user(user=colleague, moderator=moderator)
    colleague.refresh_from_db()
    assert colleague.is_active
    assert not ModerationEvent.objects.exists()


def test_unban_restores_a_scheduled_post_with_its_time(moderator, reader):
    when = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    scheduled = PostFactory(author=reader, status=Post.Status.SCHEDULED, publish_at=when, published_at=when)
    ban_user(user=reader, moderator=moderator, unpublish_posts=True)
    scheduled.refresh_from_db()
    assert scheduled.status == Post.Status.DRAFT
    unban_user(user=reader, moderator=moderator)
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.publish_at) == (Post.Status.SCHEDULED, when)


def test_unban_undoes_every_ban_since_the_last_unban_only(moderator, reader):
    first = HeldCommentFactory(author=reader)
    ban_user(user=reader, moderator=moderator)
    unban_user(user=reader, moderator=moderator)
    # Removed by a moderator after the unban: not the next unban's business.
    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.REMOVED)
    second = HeldCommentFactory(author=reader, status=Comment.Status.APPROVED)
    ban_user(user=reader, moderator=moderator)
    ban_user(user=reader, moderator=moderator, remove_all_comments=True)
    unban = unban_user(user=reader, moderator=moderator)
    assert Comment.objects.get(pk=first.pk).status == Comment.Status.REMOVED
    assert Comment.objects.get(pk=second.pk).status == Comment.Status.APPROVED
    # The restoration names the unban that made it, and the removal it undid the ban that caused it.
    restored = ModerationEvent.objects.get(comment=second, action=ModerationEvent.Action.RESTORE)
    assert restored.caused_by == unban
    removal = ModerationEvent.objects.get(comment=second, action=ModerationEvent.Action.REMOVE)
    assert removal.caused_by.action == ModerationEvent.Action.BAN
    assert removal.previous_status == Comment.Status.APPROVED
    reader.refresh_from_db()
    assert reader.is_active


def test_unban_of_an_account_never_banned_just_reactivates(moderator, reader):
    reader.is_active = False
    reader.save()
    event = unban_user(user=reader, moderator=moderator)
    reader.refresh_from_db()
    assert reader.is_active
    assert event.action == ModerationEvent.Action.UNBAN


def test_publish_and_unpublish_count_only_changes(moderator):
    published = PostFactory()
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    assert publish_posts(posts=[published, draft], moderator=moderator) == 1
    assert unpublish_posts(posts=Post.objects.filter(pk__in=[published.pk, draft.pk]), moderator=moderator) == 2
    assert unpublish_posts(posts=Post.objects.filter(pk=published.pk), moderator=moderator) == 0
    assert ModerationEvent.objects.filter(source=ModerationEvent.Source.ADMIN).count() == 3


def test_unban_reads_the_fields_not_the_notes(moderator, reader):
    """A note edited by hand (or by a migration gone wrong) changes nothing about what the unban restores."""
    approved = HeldCommentFactory(author=reader, status=Comment.Status.APPROVED)
    held = HeldCommentFactory(author=reader)
    when = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    scheduled = PostFactory(author=reader, status=Post.Status.SCHEDULED, publish_at=when, published_at=when)
    ban = ban_user(user=reader, moderator=moderator, remove_all_comments=True, unpublish_posts=True)
    caused = ModerationEvent.objects.filter(caused_by=ban)
    assert caused.count() == 3
    assert set(caused.values_list("note", flat=True)) == {""}
    caused.update(note="With ban #999999; was spam for 2000-01-01T00:00:00+00:00")
    unban_user(user=reader, moderator=moderator)
    assert Comment.objects.get(pk=approved.pk).status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.publish_at) == (Post.Status.SCHEDULED, when)


def test_a_ban_and_an_unban_carry_the_moderators_note_and_no_other(moderator, reader):
    HeldCommentFactory(author=reader)
    ban = ban_user(user=reader, moderator=moderator, note="Links to a scam, three times.")
    unban = unban_user(user=reader, moderator=moderator)
    assert (ban.note, unban.note) == ("Links to a scam, three times.", "")
    assert set(ModerationEvent.objects.exclude(pk=ban.pk).values_list("note", flat=True)) == {""}
