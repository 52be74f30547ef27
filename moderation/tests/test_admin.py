"""The moderation log in the admin says what a ban and an unban changed, from the fields, in the reader's
language."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.tests.factories import HeldCommentFactory
from moderation.services import ban_user, unban_user
from posts.models import Post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def log_page(user, language="en") -> str:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    response = client.get(reverse("admin:moderation_moderationevent_changelist"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_log_names_the_ban_and_the_status_before_of_what_it_changed(moderator):
    reader = UserFactory(username="reader")
    HeldCommentFactory(author=reader)
    when = timezone.now() + timedelta(days=3)
    PostFactory(author=reader, status=Post.Status.SCHEDULED, publish_at=when, published_at=when)
    ban = ban_user(user=reader, moderator=moderator, unpublish_posts=True)
    unban = unban_user(user=reader, moderator=moderator)
    html = log_page(moderator)
    assert f"Because of ban #{ban.pk}; before: Awaiting moderation" in html
    assert f"Because of ban #{ban.pk}; before: Scheduled for " in html
    assert html.count(f"Because of unban #{unban.pk}") == 2
    assert "With ban #" not in html


def test_the_log_says_it_in_the_moderators_language(moderator):
    reader = UserFactory(username="reader")
    HeldCommentFactory(author=reader)
    ban = ban_user(user=reader, moderator=moderator)
    moderator.language = "fr"
    moderator.save(update_fields=["language"])
    html = log_page(moderator, "fr")
    assert f"Suite au bannissement n° {ban.pk}" in html
