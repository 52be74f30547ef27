"""Pruning the webmention side: receipts that led to no mention and finished sends for posts or links that are
gone go after WEBMENTION_KEEP_DAYS; what still matters stays."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentions.models import Mention, Outgoing, Receipt
from posts.services import delete_post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def prune() -> str:
    out = StringIO()
    call_command("prune_records", stdout=out)
    return out.getvalue()


def aged(model, days, **filters):
    model.objects.filter(**filters).update(updated_at=timezone.now() - timedelta(days=days))


def test_receipts_that_led_to_no_mention_go_after_the_setting(post, settings):
    settings.WEBMENTION_KEEP_DAYS = 30
    mention = Mention.objects.create(post=post, source="https://a.example/ok", source_host="a.example")
    for state in ["refused", "deleted", "queued", "accepted"]:
        Receipt.objects.create(post=post, source=f"https://a.example/{state}", target="t", state=state)
    Receipt.objects.filter(state="accepted").update(mention=mention)
    aged(Receipt, 31)
    Receipt.objects.create(post=post, source="https://a.example/recent", target="t", state="refused")

    assert "webmention receipts: 3 deleted" in prune()

    assert set(Receipt.objects.values_list("source", flat=True)) == {
        "https://a.example/accepted",
        "https://a.example/recent",
    }


def test_finished_sends_of_gone_posts_and_removed_links_go_and_live_links_stay(user, settings):
    settings.WEBMENTION_KEEP_DAYS = 30
    post, gone = PostFactory(author=user), PostFactory(author=user)
    Outgoing.objects.bulk_create(
        [
            Outgoing(post=post, target="https://x.example/live", status="sent"),
            Outgoing(post=post, target="https://x.example/removed", is_linked=False, status="sent"),
            Outgoing(post=post, target="https://x.example/removed-waiting", is_linked=False, status="queued"),
            Outgoing(post=gone, target="https://x.example/of-gone-post", status="failed"),
            Outgoing(post=post, target="https://x.example/removed-recently", is_linked=False, status="sent"),
        ]
    )
    delete_post(post=gone)
    aged(Outgoing, 31, target__in=[f"https://x.example/{t}" for t in ["live", "removed", "removed-waiting"]])
    aged(Outgoing, 31, post__isnull=True)

    assert "finished webmention sends: 2 deleted" in prune()

    assert set(Outgoing.objects.values_list("target", flat=True)) == {
        "https://x.example/live",
        "https://x.example/removed-waiting",
        "https://x.example/removed-recently",
    }
