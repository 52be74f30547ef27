"""The dashboard's moderation queue: a blogger decides on the comments awaiting them, each decision recorded."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import ModerationEvent
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


def test_owner_sees_comments_awaiting_moderation_on_their_posts(client, post):
    CommentFactory(post=post, status=Comment.Status.PENDING, body_html="<p>please approve</p>")
    CommentFactory(status=Comment.Status.PENDING, body_html="<p>someone else's</p>")
    client.force_login(post.author)
    page = client.get(reverse("moderation:queue")).content.decode()
    assert "please approve" in page
    assert "someone else" not in page


def test_owner_approves_one_comment_and_it_is_recorded(client, post):
    comment = CommentFactory(post=post, status=Comment.Status.PENDING)
    client.force_login(post.author)
    response = client.post(reverse("moderation:queue"), {"one": f"approve:{comment.pk}"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    event = ModerationEvent.objects.get(comment=comment)
    assert event.source == ModerationEvent.Source.DASHBOARD
    assert event.moderator == post.author


@pytest.mark.parametrize(("action", "status"), [("spam", "spam"), ("remove", "removed"), ("approve", "approved")])
def test_owner_moderates_comments_in_bulk(client, post, action, status):
    comments = CommentFactory.create_batch(3, post=post, status=Comment.Status.PENDING)
    client.force_login(post.author)
    client.post(reverse("moderation:queue"), {"action": action, "comments": [c.pk for c in comments[:2]]})
    assert [Comment.objects.get(pk=c.pk).status for c in comments] == [status, status, "pending"]
    assert ModerationEvent.objects.filter(source="dashboard").count() == 2


def test_blogger_cannot_moderate_comments_on_someone_elses_post(client, post):
    comment = CommentFactory(post=post, status=Comment.Status.PENDING)
    client.force_login(UserFactory())
    client.post(reverse("moderation:queue"), {"one": f"approve:{comment.pk}"})
    client.post(reverse("moderation:queue"), {"action": "approve", "comments": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_anonymous_visitor_cannot_moderate(client, post):
    comment = CommentFactory(post=post, status=Comment.Status.PENDING)
    response = client.post(reverse("moderation:queue"), {"one": f"approve:{comment.pk}"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize("data", [{"one": "approve:abc"}, {"one": "nuke:1"}, {"action": "approve"}, {}])
def test_bad_moderation_input_is_a_message_not_an_error(client, post, data):
    client.force_login(post.author)
    response = client.post(reverse("moderation:queue"), data)
    assert response.status_code == 302


def test_dashboard_lists_comments_awaiting_moderation_and_returns_there_after_approving(client, post):
    comment = CommentFactory(post=post, status=Comment.Status.PENDING, body_html="<p>let me in</p>")
    client.force_login(post.author)
    page = client.get("/dashboard/").content.decode()
    assert "let me in" in page
    assert f'value="approve:{comment.pk}"' in page
    assert 'name="next" value="/dashboard/"' in page
    response = client.post(reverse("moderation:queue"), {"one": f"approve:{comment.pk}", "next": "/dashboard/"})
    assert response["Location"] == "/dashboard/"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_moderation_does_not_redirect_to_another_site(client, post):
    client.force_login(post.author)
    response = client.post(reverse("moderation:queue"), {"action": "approve", "next": "https://evil.example/"})
    assert response["Location"] == reverse("moderation:queue")


@pytest.mark.parametrize("n", [1, 20])
def test_moderation_queue_query_count_is_flat(client, post, n, django_assert_num_queries):
    CommentFactory.create_batch(n, post=post, status=Comment.Status.PENDING)
    client.force_login(post.author)
    # The user, the queue's comments with their count, the webmentions awaiting moderation, and the header's
    # unread inbox count (the session comes from the cache).
    with django_assert_num_queries(4):
        response = client.get("/dashboard/comments/")
    assert response.content.decode().count('name="comments"') == n


def test_a_long_moderation_queue_says_how_much_is_left(client, post, monkeypatch):
    monkeypatch.setattr("moderation.views.QUEUE_PAGE_SIZE", 3)
    CommentFactory.create_batch(5, post=post, status=Comment.Status.PENDING)
    client.force_login(post.author)
    html = client.get("/dashboard/comments/").content.decode()
    assert html.count('name="comments"') == 3
    assert "The oldest 3 of 5" in html


def test_dashboard_shows_the_moderation_queue_in_fixed_queries(client, post):
    client.force_login(post.author)
    CommentFactory(post=post, status=Comment.Status.PENDING)
    few, html = page_queries(client, "/dashboard/")
    assert 'id="moderation"' in html
    CommentFactory.create_batch(15, post=post, status=Comment.Status.PENDING)
    many, html = page_queries(client, "/dashboard/")
    assert many == few
    assert html.count('name="comments"') == 16
