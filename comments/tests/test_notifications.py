import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from background.models import OutgoingMail
from background.tests.languages import languages_while_rendering
from comments import notifications, services
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def comment(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.post_comment(**kwargs)


def test_post_author_hears_about_a_new_comment(open_post, other_user, django_capture_on_commit_callbacks):
    comment(django_capture_on_commit_callbacks, post=open_post, author=other_user, body="Lovely post")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [open_post.author.email]
    assert "sp commented" in message.subject
    assert "Lovely post" in message.body


def test_post_author_hears_about_a_comment_awaiting_moderation(post, other_user, django_capture_on_commit_callbacks):
    comment(django_capture_on_commit_callbacks, post=post, author=other_user, body="First time")
    assert len(mail.outbox) == 1
    assert "awaits your approval" in mail.outbox[0].subject
    assert reverse("moderation:queue") in mail.outbox[0].body


def test_no_email_is_sent_before_the_transaction_commits(open_post, other_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.post_comment(post=open_post, author=other_user, body="Pending commit")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[open_post.author.email]]


def test_nobody_is_notified_about_their_own_comment(open_post, django_capture_on_commit_callbacks):
    comment(django_capture_on_commit_callbacks, post=open_post, author=open_post.author, body="Thanks all")
    assert mail.outbox == []


def test_comment_author_hears_about_a_reply(open_post, other_user, django_capture_on_commit_callbacks):
    parent = CommentFactory(post=open_post, author=other_user)
    replier = UserFactory(display_name="Marguerite")
    comment(django_capture_on_commit_callbacks, post=open_post, author=replier, body="I agree", parent=parent)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([other_user.email, open_post.author.email])
    reply_mail = next(m for m in mail.outbox if m.to == [other_user.email])
    assert "Marguerite replied to your comment" in reply_mail.subject


def test_post_author_replying_to_a_comment_notifies_only_the_commenter(
    open_post, other_user, django_capture_on_commit_callbacks
):
    parent = CommentFactory(post=open_post, author=other_user)
    comment(django_capture_on_commit_callbacks, post=open_post, author=open_post.author, body="Thanks!", parent=parent)
    assert [m.to for m in mail.outbox] == [[other_user.email]]


def test_a_held_reply_does_not_reach_the_parent_author_until_approved(
    client, post, other_user, django_capture_on_commit_callbacks
):
    parent = CommentFactory(post=post, author=other_user)
    stranger = UserFactory()
    reply = comment(django_capture_on_commit_callbacks, post=post, author=stranger, body="Hi", parent=parent)
    assert [m.to for m in mail.outbox] == [[post.author.email]]
    mail.outbox.clear()
    client.force_login(post.author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("moderation:queue"), {"one": f"approve:{reply.pk}"})
    assert [m.to for m in mail.outbox] == [[other_user.email]]


@pytest.mark.parametrize("choice", ["inbox", "digest", "off"])
def test_only_email_at_once_sends_mail_at_once(open_post, other_user, choice, django_capture_on_commit_callbacks):
    open_post.author.notify_comments = choice
    open_post.author.save()
    other_user.notify_replies = choice
    other_user.save()
    parent = CommentFactory(post=open_post, author=other_user)
    comment(django_capture_on_commit_callbacks, post=open_post, author=UserFactory(), body="Hi", parent=parent)
    assert mail.outbox == []


def test_a_mail_failure_keeps_the_comment_and_the_mail_for_a_later_try(
    open_post, other_user, django_capture_on_commit_callbacks, monkeypatch
):
    def broken_send(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    saved = comment(django_capture_on_commit_callbacks, post=open_post, author=other_user, body="Still here")
    assert Comment.objects.filter(pk=saved.pk).exists()
    queued = OutgoingMail.objects.get()
    assert (queued.to, queued.status, queued.attempts) == (open_post.author.email, "queued", 1)
    assert queued.last_error == "ConnectionRefusedError: mail server down"
    assert queued.next_attempt_at > timezone.now()


def test_a_mail_failure_does_not_break_the_request(
    client, open_post, other_user, monkeypatch, django_capture_on_commit_callbacks
):
    def broken_send(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    client.force_login(other_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(open_post.get_absolute_url() + "comments/", {"body": "Hello", "parent": ""})
    assert response.status_code == 302
    assert Comment.objects.filter(post=open_post, body="Hello").exists()
    assert OutgoingMail.objects.get().last_error == "ConnectionRefusedError: mail server down"


def test_a_rolled_back_comment_records_and_sends_no_mail(open_post, other_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.post_comment(post=open_post, author=other_user, body="Never mind")
        raise RuntimeError("the request failed after the comment was written")
    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()


def test_each_mail_is_keyed_by_its_comment_kind_and_recipient(
    open_post, other_user, django_capture_on_commit_callbacks
):
    parent = CommentFactory(post=open_post, author=other_user)
    reply = comment(
        django_capture_on_commit_callbacks, post=open_post, author=UserFactory(), body="Yes", parent=parent
    )
    assert sorted(OutgoingMail.objects.values_list("key", flat=True)) == sorted(
        [f"comment:{reply.pk}:comment:{open_post.author.pk}", f"comment:{reply.pk}:reply:{other_user.pk}"]
    )
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


def _unsubscribe_url(message) -> str:
    return re.search(r"https?://\S+/comments/unsubscribe/\S+/", message.body).group(0)


def test_every_email_has_a_one_click_unsubscribe_header(open_post, other_user, django_capture_on_commit_callbacks):
    comment(django_capture_on_commit_callbacks, post=open_post, author=other_user, body="Hi")
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe"] == f"<{_unsubscribe_url(message)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unsubscribe_link_asks_to_confirm_on_get_and_unsubscribes_on_post(
    client, open_post, other_user, django_capture_on_commit_callbacks
):
    comment(django_capture_on_commit_callbacks, post=open_post, author=other_user, body="Hi")
    url = urlsplit(_unsubscribe_url(mail.outbox[0])).path
    page = client.get(url)
    assert page.status_code == 200
    assert '<form method="post"' in page.content.decode()
    open_post.author.refresh_from_db()
    assert open_post.author.notify_comments == "instant"
    assert client.post(url).status_code == 200
    open_post.author.refresh_from_db()
    assert open_post.author.notify_comments == "inbox", "still in the inbox, without mail"
    assert open_post.author.notify_replies == "instant"


def test_one_click_unsubscribe_post_works_without_csrf_or_session(open_post, other_user):
    from django.test import Client

    token = notifications.make_unsubscribe_token(other_user, "reply")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("comments:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    other_user.refresh_from_db()
    assert other_user.notify_replies == "inbox"


def test_a_forged_unsubscribe_token_changes_nothing(client, other_user):
    token = notifications.make_unsubscribe_token(other_user, "reply")
    response = client.post(reverse("comments:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    other_user.refresh_from_db()
    assert other_user.notify_replies == "instant"


def test_approving_a_held_reply_anywhere_tells_the_parent_author_once(
    post, other_user, staff_user, django_capture_on_commit_callbacks
):
    from moderation.services import moderate_comments

    parent = CommentFactory(post=post, author=other_user)
    reply = CommentFactory(post=post, parent=parent, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        moderate_comments(comments=[reply], action="approve", moderator=staff_user, source="admin")
    assert [m.to for m in mail.outbox] == [[other_user.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderate_comments(comments=[reply], action="remove", moderator=staff_user, source="admin")
        moderate_comments(comments=[reply], action="restore", moderator=staff_user, source="admin")
    assert mail.outbox == []


def test_links_in_email_sent_outside_a_request_use_site_url(
    post, other_user, staff_user, settings, django_capture_on_commit_callbacks
):
    from moderation.services import moderate_comments

    settings.SITE_URL = "https://blogs.example"
    parent = CommentFactory(post=post, author=other_user)
    reply = CommentFactory(post=post, parent=parent, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        moderate_comments(comments=[reply], action="approve", moderator=staff_user, source="admin")
    assert f"https://blogs.example{post.get_absolute_url()}#c{reply.pk}" in mail.outbox[0].body
    assert "https://blogs.example/comments/unsubscribe/" in mail.outbox[0].body


def test_the_writer_of_a_held_comment_is_mailed_the_decision_when_they_asked(
    post, other_user, staff_user, django_capture_on_commit_callbacks
):
    from moderation.services import moderate_comments

    other_user.notify_moderation = "instant"
    other_user.save()
    held = CommentFactory(post=post, author=other_user, status=Comment.Status.PENDING)
    quiet = CommentFactory(post=post, status=Comment.Status.PENDING)  # the default: inbox only
    with django_capture_on_commit_callbacks(execute=True):
        moderate_comments(comments=[held, quiet], action="approve", moderator=staff_user, source="admin")
    assert [m.to for m in mail.outbox] == [[other_user.email]]
    assert "is published" in mail.outbox[0].subject
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    mail.outbox.clear()
    removed = CommentFactory(post=post, author=other_user, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        moderate_comments(comments=[removed], action="remove", moderator=staff_user, source="admin")
    assert "was removed" in mail.outbox[0].subject and removed.body in mail.outbox[0].body


def test_a_mail_is_written_in_its_recipients_language(
    open_post, other_user, monkeypatch, django_capture_on_commit_callbacks
):
    """The post's author reads French: their mail is rendered in French, though the commenter's request is
    in English."""
    open_post.author.language = "fr"
    open_post.author.save(update_fields=["language"])
    seen = languages_while_rendering(monkeypatch)
    with translation.override("en"):
        comment(django_capture_on_commit_callbacks, post=open_post, author=other_user, body="Lovely post")
    assert len(mail.outbox) == 1
    assert seen and set(seen) == {"fr"}


def test_a_mail_to_someone_without_a_language_is_in_the_sites_language(
    open_post, other_user, monkeypatch, django_capture_on_commit_callbacks, settings
):
    """Not in the language of whoever caused it: a French reader's comment reaches an English author in English."""
    seen = languages_while_rendering(monkeypatch)
    with translation.override("fr"):
        comment(django_capture_on_commit_callbacks, post=open_post, author=other_user, body="Joli billet")
    assert mail.outbox[0].subject == f"sp commented on “{open_post.title}”"
    assert set(seen) == {settings.LANGUAGE_CODE}
