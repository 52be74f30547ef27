import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from posts.models import Post
from posts.signals import post_published

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def test_publish_scheduled_publishes_due_posts_once_and_leaves_later_ones(user, django_capture_on_commit_callbacks):
    due = PostFactory(author=user, status="scheduled", published_at=timezone.now() - datetime.timedelta(minutes=2))
    later = PostFactory(author=user, status="scheduled", published_at=timezone.now() + datetime.timedelta(hours=2))
    announced = []

    def receiver(sender, post, **kwargs):
        announced.append(post.pk)

    post_published.connect(receiver)
    try:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled", stdout=out)
            call_command("publish_scheduled", stdout=StringIO())
    finally:
        post_published.disconnect(receiver)
    assert "1 scheduled post published." in out.getvalue()
    assert announced == [due.pk]
    assert Post.objects.get(pk=due.pk).status == "published"
    assert Post.objects.get(pk=later.pk).status == "scheduled"


def test_a_due_scheduled_post_is_public_before_the_command_runs(client, user):
    post = PostFactory(author=user, status="scheduled", published_at=timezone.now() - datetime.timedelta(seconds=5))
    assert client.get(post.get_absolute_url()).status_code == 200
    assert post.title in client.get("/").content.decode()
