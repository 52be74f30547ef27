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


def test_rerender_posts_saves_only_markdown_posts_whose_html_is_out_of_date(user):
    stale = PostFactory(author=user, body="Note[^1].\n\n[^1]: Footnotes render now.")
    current = PostFactory(author=user)
    imported = PostFactory(author=user, body="<p>From elsewhere</p>", body_format=Post.BodyFormat.HTML)
    Post.objects.filter(pk__in=[stale.pk, imported.pk]).update(body_html="<p>as an older renderer left it</p>")

    out = StringIO()
    call_command("rerender_posts", "--dry-run", stdout=out)
    assert "2 Markdown posts checked, 1 would change." in out.getvalue()
    assert Post.objects.get(pk=stale.pk).body_html == "<p>as an older renderer left it</p>"

    out = StringIO()
    call_command("rerender_posts", stdout=out)
    assert "2 Markdown posts checked, 1 re-rendered." in out.getvalue()
    stale.refresh_from_db()
    assert 'class="footnote-item"' in stale.body_html
    assert Post.objects.get(pk=imported.pk).body_html == "<p>as an older renderer left it</p>"
    assert Post.objects.get(pk=current.pk).body_html == current.body_html
