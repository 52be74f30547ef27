import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.policy import can_write
from comments.models import Comment
from posts.models import Post

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_bloggers_posts_and_nested_threads(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Staff account: admin / " in out
    assert Post.objects.published().count() >= 8
    months = {(p.published_at.year, p.published_at.month) for p in Post.objects.all()}
    assert len(months) >= 3
    assert all(p.body_html for p in Post.objects.all())
    assert Comment.objects.filter(depth__gte=4).exists()
    assert not Comment.objects.filter(path="").exists()
    for comment in Comment.objects.exclude(parent=None).select_related("parent"):
        assert comment.path.startswith(comment.parent.path)
        assert comment.created_at > comment.parent.created_at
        assert comment.created_at > comment.post.published_at


def test_seed_demo_has_karens_verdict_post_with_sps_comment_and_her_reply():
    call_command("seed_demo")
    post = Post.objects.get(author__username="karen", title__startswith="Well, the verdict")
    assert "I did not get the job" in post.body
    sp_comment = Comment.objects.get(post=post, author__username="sp", depth=0)
    reply = sp_comment.replies.get()
    assert reply.author.username == "karen"


def test_seed_demo_leaves_an_existing_site_alone(capsys, user):
    call_command("seed_demo")
    assert "left it alone" in capsys.readouterr().out
    assert not Post.objects.exists()


def test_seed_demo_prints_the_staff_password_only_the_first_time(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert capsys.readouterr().out.count("Staff account:") == 1


def test_seed_demo_bloggers_may_write_even_with_open_authoring_off(settings):
    settings.OPEN_AUTHORING = False
    call_command("seed_demo")
    assert can_write(User.objects.get(username="karen"))
    assert not can_write(User.objects.get(username="sp"))


def test_the_demo_has_readers_following_blogs_without_mailing_them():
    from io import StringIO

    from django.core import mail

    from community.models import Follow, Notification

    call_command("seed_demo", stdout=StringIO())
    assert Follow.objects.filter(follower__username="sp", blog__owner__username="karen").exists()
    assert not Notification.objects.filter(kind="post").exists()
    assert not [m for m in mail.outbox if "sp@example.com" in m.to]
