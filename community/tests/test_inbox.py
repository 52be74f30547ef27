"""The inbox: replies, comments on my posts, my held comments decided, new posts from blogs I follow; read
marks, the header count, the private feed; and each member's public comments page and feed."""

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.services import post_comment
from comments.tests.factories import CommentFactory
from community.models import InboxFeed, Notification
from moderation.models import ModerationEvent
from moderation.services import moderate_comments
from tests.feeds.atomcheck import check_atom

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_a_reply_reaches_the_parents_author_and_the_posts_author(open_post, reader, other_user):
    parent = CommentFactory(post=open_post, author=reader)
    post_comment(post=open_post, author=other_user, body="I disagree", parent=parent)
    assert kinds(reader) == ["reply"]
    assert kinds(open_post.author) == ["comment"]
    assert kinds(other_user) == [], "nobody hears of their own comment"


def test_a_held_comment_decided_reaches_its_author(post, reader, user):
    held = post_comment(post=post, author=reader, body="First words")
    assert held.status == Comment.Status.PENDING and kinds(user) == ["comment"]
    moderate_comments(comments=[held], action=ModerationEvent.Action.APPROVE, moderator=user)
    assert kinds(reader) == ["approved"]
    second = post_comment(post=post, author=UserFactory(), body="Buy now")
    moderate_comments(comments=[second], action=ModerationEvent.Action.REMOVE, moderator=user)
    assert kinds(second.author) == ["removed"]
    spam = post_comment(post=post, author=UserFactory(), body="Spam")
    moderate_comments(comments=[spam], action=ModerationEvent.Action.SPAM, moderator=user)
    assert kinds(spam.author) == [], "spammers are not told"


def test_a_held_reply_reaches_the_parent_only_once_approved(post, reader, user, other_user):
    parent = CommentFactory(post=post, author=other_user)
    reply = post_comment(post=post, author=reader, body="Me too", parent=parent)
    assert kinds(other_user) == []
    moderate_comments(comments=[reply], action=ModerationEvent.Action.APPROVE, moderator=user)
    assert kinds(other_user) == ["reply"]


def test_the_inbox_lists_newest_first_and_says_what_happened(client, open_post, reader, other_user):
    parent = CommentFactory(post=open_post, author=reader)
    with freeze_time(timezone.now() + timezone.timedelta(minutes=1)):
        post_comment(post=open_post, author=other_user, body="First reply", parent=parent)
    with freeze_time(timezone.now() + timezone.timedelta(minutes=2)):
        post_comment(post=open_post, author=UserFactory(display_name="Zed"), body="Second reply", parent=parent)
    client.force_login(reader)
    html = client.get("/inbox/").content.decode()
    assert html.index("Zed replied to your comment") < html.index(f"{other_user.name} replied to your comment")
    assert "Second reply" in html


def test_anonymous_readers_are_sent_to_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nobody_reads_or_marks_anothers_inbox(client, open_post, reader, other_user):
    entry = Notification.objects.create(recipient=reader, kind="post", post=open_post, actor=open_post.author)
    client.force_login(other_user)
    assert open_post.title not in client.get("/inbox/").content.decode()
    assert client.post(reverse("community:mark_read", args=[entry.pk])).status_code == 404
    client.post(reverse("community:mark_all_read"))
    entry.refresh_from_db()
    assert entry.read_at is None


def test_marking_one_and_all_read(client, open_post, reader):
    entries = [Notification.objects.create(recipient=reader, kind="post", post=open_post, actor=open_post.author)]
    other = CommentFactory(post=open_post)
    entries.append(Notification.objects.create(recipient=reader, kind="reply", post=open_post, comment=other))
    client.force_login(reader)
    assert (
        'id="inbox-link">Inbox <span class="badge text-bg-warning">2</span>' in client.get("/inbox/").content.decode()
    )
    client.post(reverse("community:mark_read", args=[entries[-1].pk]))
    assert 'badge text-bg-warning">1</span>' in client.get("/inbox/").content.decode()
    client.post(reverse("community:mark_all_read"))
    assert Notification.objects.filter(recipient=reader, read_at__isnull=True).count() == 0
    assert "inbox-unread" not in client.get("/inbox/").content.decode()


def test_entries_about_what_is_no_longer_visible_are_left_out(client, open_post, reader, other_user):
    parent = CommentFactory(post=open_post, author=reader)
    reply = post_comment(post=open_post, author=other_user, body="Rude words", parent=parent)
    Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.REMOVED)
    client.force_login(reader)
    assert "Rude words" not in client.get("/inbox/").content.decode()


def test_the_private_feed_works_until_it_is_replaced_or_revoked(client, open_post, reader, other_user):
    parent = CommentFactory(post=open_post, author=reader)
    post_comment(post=open_post, author=other_user, body="A reply <b>bold</b>", parent=parent)
    client.force_login(reader)
    client.post(reverse("community:inbox_feed_address"), {"action": "new"})
    feed = InboxFeed.objects.get(user=reader)
    url = feed.get_absolute_url()
    anonymous = client.__class__()
    response = anonymous.get(url)
    assert response.status_code == 200 and check_atom(response.content) == []
    assert b"replied to your comment" in response.content
    etag = response["ETag"]
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304

    client.post(reverse("community:inbox_feed_address"), {"action": "new"})
    assert anonymous.get(url).status_code == 404
    new_url = InboxFeed.objects.get(user=reader).get_absolute_url()
    assert new_url != url and anonymous.get(new_url).status_code == 200
    client.post(reverse("community:inbox_feed_address"), {"action": "revoke"})
    assert anonymous.get(new_url).status_code == 404
    other = UserFactory()
    client.force_login(other)
    assert b"replied to your comment" not in client.get("/inbox/").content


def test_a_members_public_comments_page_and_feed(client, open_post, reader):
    CommentFactory(post=open_post, author=reader, body="Visible remark", body_html="<p>Visible remark</p>")
    CommentFactory(post=open_post, author=reader, body="Held", body_html="<p>Held</p>", status="pending")
    CommentFactory(post=open_post, author=None, guest_name="Guest", guest_email="secret@example.org")
    html = client.get(f"/@{reader.username}/comments/").content.decode()
    assert "Visible remark" in html and "Held" not in html and "secret@example.org" not in html
    response = client.get(f"/@{reader.username}/comments/feed/")
    assert response.status_code == 200 and check_atom(response.content) == []
    assert b"http://testserver/@karen/" in response.content
    assert (
        client.get(f"/@{reader.username}/comments/feed/", headers={"If-None-Match": response["ETag"]}).status_code
        == 304
    )
    assert client.get("/@nobody-here/comments/").status_code == 404
    reader.is_active = False
    reader.save()
    assert client.get(f"/@{reader.username}/comments/feed/").status_code == 404


def test_each_kind_reaches_the_inbox_as_its_setting_says(open_post, reader, other_user):
    reader.notify_replies = "off"
    reader.save()
    open_post.author.notify_comments = "digest"
    open_post.author.save()
    parent = CommentFactory(post=open_post, author=reader)
    post_comment(post=open_post, author=other_user, body="A reply", parent=parent)
    assert kinds(reader) == [], "off: not even the inbox"
    entry = Notification.objects.get(recipient=open_post.author)
    assert (entry.kind, entry.in_digest) == ("comment", True)


def test_the_digest_carries_comment_entries_for_those_who_chose_it(
    open_post, reader, other_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    from community.digest import send_digests

    reader.notify_replies = "digest"
    reader.save()
    parent = CommentFactory(post=open_post, author=reader)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(post=open_post, author=other_user, body="A reply", parent=parent)
    assert [m.to for m in mail.outbox if m.to == [reader.email]] == [], "no mail at once"
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    [digest] = [m for m in mail.outbox if m.to == [reader.email]]
    assert f"{other_user.name} replied to your comment" in digest.body


def test_leaving_the_digest_by_its_link_stops_every_digest_mail(
    client, open_post, reader, other_user, django_capture_on_commit_callbacks
):
    """The digest's one-click link stops the mail whatever filled it; the entries stay in the inbox."""
    from django.core import mail

    from community import tokens
    from community.digest import send_digests

    reader.notify_replies = reader.notify_moderation = "digest"
    reader.save()
    token = tokens.unsubscribe_token(digest_of=reader)
    assert client.post(reverse("community:unsubscribe", args=[token])).status_code == 200
    reader.refresh_from_db()
    assert (reader.notify_replies, reader.notify_moderation) == ("inbox", "inbox")

    parent = CommentFactory(post=open_post, author=reader)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(post=open_post, author=other_user, body="A reply", parent=parent)
        send_digests()
    assert [m for m in mail.outbox if m.to == [reader.email]] == []
    assert kinds(reader) == ["reply"]
