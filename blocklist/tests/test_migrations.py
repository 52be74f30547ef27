"""The two old lists (mentions' blocked domains, federation's blocked instances) become the one list, and back."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blogsite.versions import GLOBAL, current
from comments.models import Comment
from federation.models import Instance, RemoteActor, RemoteNote
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("mentions", "0001_initial"), ("federation", "0002_add_remote_notes_and_reactions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_both_old_lists_become_one_and_a_webmention_only_block_now_hides_fediverse_replies(user):
    post = PostFactory(author=user)
    spam = Instance.objects.create(domain="social.spam.example")
    remote = RemoteActor.objects.create(uri="https://social.spam.example/users/x", instance=spam, inbox="https://x/i")
    reply = Comment.objects.create_in_thread(post=post, guest_name="X", body="Buy now", status="approved")
    RemoteNote.objects.create(comment=reply, note_id="https://social.spam.example/n/1", remote=remote)
    try:
        old = migrate(BEFORE)
        old.get_model("mentions", "BlockedDomain").objects.create(domain="spam.example", note="webmention spam")
        OldInstance = old.get_model("federation", "Instance")
        OldInstance.objects.create(domain="bad.example", is_blocked=True, note="harassment")
        OldInstance.objects.create(domain="spam.example", is_blocked=True, note="fediverse spam")
        OldInstance.objects.create(domain="fine.example")

        cached_under = current(GLOBAL)
        call_command("migrate", verbosity=0)
        sites = dict(apps.get_model("blocklist", "BlockedSite").objects.values_list("domain", "note"))
        assert sites == {"bad.example": "harassment", "spam.example": "webmention spam; fediverse spam"}
        assert Comment.objects.get(pk=reply.pk).status == Comment.Status.REMOVED
        # The thread cached with that reply in it is not served again.
        assert current(GLOBAL) != cached_under

        back = migrate(BEFORE)
        assert set(back.get_model("mentions", "BlockedDomain").objects.values_list("domain", flat=True)) == {
            "bad.example",
            "spam.example",
        }
        blocked = back.get_model("federation", "Instance").objects.filter(is_blocked=True)
        assert set(blocked.values_list("domain", flat=True)) == {"bad.example", "spam.example"}
    finally:
        call_command("migrate", verbosity=0)
