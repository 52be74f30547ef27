"""Budget tests: the pages that show mentions cost the same number of queries however many there are."""

import pytest

from blocklist.models import BlockedSite
from mentions.models import Mention
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


def make_mentions(post, n):
    kinds = list(Mention.Kind.values)
    Mention.objects.bulk_create(
        Mention(
            post=post,
            source=f"https://site{i}.example/p",
            source_host=f"site{i}.example",
            kind=kinds[i % len(kinds)],
            status=Mention.Status.APPROVED,
            author_name=f"Person {i}",
            excerpt=f"Said thing {i}.",
        )
        for i in range(n)
    )


def test_the_post_page_shows_mentions_in_the_same_queries_at_4_and_80(client, post):
    BlockedSite.objects.create(domain="blocked.example")
    make_mentions(post, 4)
    few, html = page_queries(client, post.get_absolute_url())
    assert "Said thing 0." in html and "Person 1" in html
    Mention.objects.all().delete()
    make_mentions(post, 80)
    many, html = page_queries(client, post.get_absolute_url())
    assert many == few
    assert "20 likes</strong>" in html


def test_the_moderation_page_lists_pending_mentions_in_the_same_queries_at_1_and_20(client, post):
    client.force_login(post.author)
    Mention.objects.create(post=post, source="https://a.example/0", source_host="a.example")
    few, html = page_queries(client, "/dashboard/comments/")
    assert html.count('id="pending-mention-') == 1
    Mention.objects.bulk_create(
        Mention(post=post, source=f"https://a.example/{i}", source_host="a.example") for i in range(1, 20)
    )
    many, html = page_queries(client, "/dashboard/comments/")
    assert many == few
    assert html.count('id="pending-mention-') == 20
