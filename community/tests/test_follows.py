"""Following a blog: members from the blog, a post or the profile; guests by email with double opt-in; the
owner sees a count; one-click unsubscribe in every mail."""

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from background.models import OutgoingMail
from background.tests.languages import languages_while_rendering
from community import tokens
from community.models import Delivery, Follow, GuestSubscription, Notification
from posts.models import Post
from posts.services import create_post, publish_due_posts

pytestmark = pytest.mark.django_db


def follow_url(user) -> str:
    return reverse("community:follow", kwargs={"username": user.username})


def publish(author, django_capture_on_commit_callbacks, **kwargs) -> Post:
    with django_capture_on_commit_callbacks(execute=True):
        return create_post(author=author, title=kwargs.pop("title", "News"), body="Fresh words.", status="published")


def test_blog_post_and_profile_pages_offer_to_follow(client, post, reader):
    client.force_login(reader)
    for url in (f"/@{post.author.username}/", post.get_absolute_url(), f"/@{post.author.username}/about/"):
        assert follow_url(post.author) in client.get(url).content.decode(), url


def test_a_member_follows_changes_and_unfollows(client, post, reader, blog):
    client.force_login(reader)
    url = follow_url(post.author)
    response = client.post(url, {"action": "follow", "delivery": "digest"}, follow=True)
    assert "You follow this blog" in response.content.decode()
    assert Follow.objects.get().delivery == Delivery.DIGEST
    client.post(url, {"action": "follow", "delivery": "instant"})
    assert Follow.objects.get().delivery == Delivery.INSTANT
    client.post(url, {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_following_ones_own_blog_is_refused_with_a_reason(client, post, user, blog):
    client.force_login(user)
    response = client.post(follow_url(user), {"action": "follow", "delivery": "instant"})
    assert response.status_code == 400 and "your own blog" in response.content.decode()
    assert not Follow.objects.exists()
    from community.services import Refused, follow_blog

    with pytest.raises(Refused, match="your own blog"):
        follow_blog(follower=user, owner=user)


def test_a_banned_users_blog_cannot_be_followed(client, post, reader):
    post.author.is_active = False
    post.author.save()
    client.force_login(reader)
    assert client.post(follow_url(post.author), {"action": "follow", "delivery": "instant"}).status_code == 404
    assert client.get(follow_url(post.author)).status_code == 404
    assert not Follow.objects.exists()


def test_a_bad_delivery_choice_is_a_form_error(client, post, reader):
    client.force_login(reader)
    response = client.post(follow_url(post.author), {"action": "follow", "delivery": "hourly"})
    assert response.status_code == 400 and "Choose one of the ways offered." in response.content.decode()


def test_following_needs_a_signed_in_verified_member(client, post, unverified_user):
    response = client.post(follow_url(post.author), {"action": "follow", "delivery": "instant"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(unverified_user)
    assert client.post(follow_url(post.author), {"action": "follow", "delivery": "instant"}).status_code == 403
    assert not Follow.objects.exists()


def test_the_owner_sees_how_many_follow_and_nobody_else_does(client, post, user, reader, blog):
    Follow.objects.create(follower=reader, blog=blog)
    GuestSubscription.objects.create(blog=blog, email="guest@example.org", confirmed_at=timezone.now())
    GuestSubscription.objects.create(blog=blog, email="unconfirmed@example.org")
    client.force_login(user)
    html = client.get(follow_url(user)).content.decode()
    assert "<strong>2</strong> followers" in html
    assert "guest@example.org" not in html and reader.username not in html
    client.force_login(reader)
    assert "follower-count" not in client.get(follow_url(user)).content.decode()


def test_followers_hear_of_a_new_post_as_they_chose(user, reader, django_capture_on_commit_callbacks, blog):
    digest_reader, inbox_reader = UserFactory(), UserFactory()
    from posts.models import Blog

    blog, _ = Blog.objects.get_or_create(owner=user)
    Follow.objects.create(follower=reader, blog=blog, delivery=Delivery.INSTANT)
    Follow.objects.create(follower=digest_reader, blog=blog, delivery=Delivery.DIGEST)
    Follow.objects.create(follower=inbox_reader, blog=blog, delivery=Delivery.INBOX)
    post = publish(user, django_capture_on_commit_callbacks, title="Spring at last")
    entries = Notification.objects.filter(kind="post", post=post)
    assert {e.recipient_id for e in entries} == {reader.pk, digest_reader.pk, inbox_reader.pk}
    assert {e.recipient_id for e in entries if e.in_digest} == {digest_reader.pk}
    assert [m.to for m in mail.outbox] == [[reader.email]]
    message = mail.outbox[0]
    assert "Spring at last" in message.subject and post.get_absolute_url() in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_scheduled_post_reaches_followers_when_it_goes_live(user, reader, django_capture_on_commit_callbacks, blog):
    from posts.models import Blog

    Follow.objects.create(follower=reader, blog=Blog.objects.get_or_create(owner=user)[0])
    with django_capture_on_commit_callbacks(execute=True):
        post = create_post(
            author=user, title="Later", body="x", status="scheduled", publish_at=timezone.now() + timedelta(hours=1)
        )
    assert not Notification.objects.exists() and not mail.outbox
    with freeze_time(timezone.now() + timedelta(hours=2)), django_capture_on_commit_callbacks(execute=True):
        publish_due_posts()
    assert Notification.objects.get().post == post
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_stops_a_members_mail_but_keeps_the_follow(post, reader, blog):
    follow = Follow.objects.create(follower=reader, blog=blog)
    csrf_client = Client(enforce_csrf_checks=True)
    url = reverse("community:unsubscribe", kwargs={"token": tokens.unsubscribe_token(follow=follow)})
    assert "Stop these emails?" in csrf_client.get(url).content.decode()
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "unsubscribed" in response.content.decode()
    follow.refresh_from_db()
    assert follow.delivery == Delivery.INBOX
    assert csrf_client.post(url).status_code == 200, "twice is harmless"


def test_forged_and_expired_unsubscribe_tokens_are_refused_with_a_message(client, post, reader, blog):
    follow = Follow.objects.create(follower=reader, blog=blog)
    token = tokens.unsubscribe_token(follow=follow)
    forged = client.post(reverse("community:unsubscribe", kwargs={"token": token[:-3] + "abc"}))
    assert forged.status_code == 400 and "not valid" in forged.content.decode()
    with freeze_time(timezone.now() + timedelta(days=400)):
        expired = client.post(reverse("community:unsubscribe", kwargs={"token": token}))
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    follow.refresh_from_db()
    assert follow.delivery == Delivery.INSTANT


def guest_subscribe(client, owner, email="guest@example.org", **extra):
    url = reverse("community:subscribe", kwargs={"username": owner.username})
    return client.post(url, {"email": email, "delivery": "instant"}, **extra)


def _confirm_link(message) -> str:
    return re.search(r"https?://\S+/subscribe/confirm/\S+/", message.body)[0]


def test_a_guest_subscribes_confirms_and_then_gets_new_posts(client, user, post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = guest_subscribe(client, user)
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["guest@example.org"]
    link = _confirm_link(mail.outbox[0])

    publish(user, django_capture_on_commit_callbacks, title="Before confirming")
    assert len(mail.outbox) == 1, "nothing but the confirmation before the address is confirmed"

    path = urlsplit(link).path
    assert "Confirm your subscription" in client.get(path).content.decode()
    assert GuestSubscription.objects.get().confirmed_at is None, "a GET (a mail scanner) confirms nothing"
    assert "subscribed" in client.post(path).content.decode()

    publish(user, django_capture_on_commit_callbacks, title="After confirming")
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert "After confirming" in message.subject and "List-Unsubscribe" in message.extra_headers
    unsubscribe = urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path
    assert Client(enforce_csrf_checks=True).post(unsubscribe).status_code == 200
    assert not GuestSubscription.objects.exists()


def test_someone_elses_address_subscribed_a_hundred_times_gets_one_mail(client, user, post, settings):
    settings.GUEST_SUBSCRIBE_RATE_PER_HOUR = 10
    statuses = [guest_subscribe(client, user, email="victim@example.org").status_code for _ in range(100)]
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    limited = guest_subscribe(client, user, email="victim@example.org")
    assert limited["Retry-After"].isdigit() and "Too many" in limited.content.decode()
    assert OutgoingMail.objects.filter(to="victim@example.org").count() == 1


def test_one_address_gets_few_confirmations_across_many_blogs(client, settings, blog):
    settings.GUEST_SUBSCRIBE_RATE_PER_HOUR = 0
    for n in range(10):
        blogger = UserFactory(username=f"blogger{n}")
        assert guest_subscribe(client, blogger, email="victim@example.org").status_code == 200
    assert OutgoingMail.objects.filter(to="victim@example.org").count() == 3


def test_a_confirmed_address_is_not_mailed_again_by_a_new_request(client, user, post, blog):
    GuestSubscription.objects.create(blog=blog, email="guest@example.org", confirmed_at=timezone.now())
    assert guest_subscribe(client, user).status_code == 200
    assert not OutgoingMail.objects.exists()


def test_forged_and_expired_confirmation_links_are_refused(client, user, post, blog):
    guest = GuestSubscription.objects.create(blog=blog, email="guest@example.org")
    token = tokens.confirm_token(guest)
    bad = client.post(reverse("community:confirm", kwargs={"token": token + "x"}))
    assert bad.status_code == 400
    with freeze_time(timezone.now() + timedelta(days=8)):
        late = client.post(reverse("community:confirm", kwargs={"token": token}))
    assert late.status_code == 400 and "expired" in late.content.decode()
    guest.refresh_from_db()
    assert guest.confirmed_at is None


def test_a_bad_guest_address_is_a_form_error(client, user, post):
    response = guest_subscribe(client, user, email="not an address")
    assert response.status_code == 400 and "Enter an email address" in response.content.decode()


def test_the_weekly_digest_gathers_new_posts_once(user, reader, blog, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    Follow.objects.create(follower=reader, blog=blog, delivery=Delivery.DIGEST)
    guest = GuestSubscription.objects.create(
        blog=blog, email="weekly@example.org", delivery=Delivery.DIGEST, confirmed_at=timezone.now()
    )
    publish(user, django_capture_on_commit_callbacks, title="Monday")
    publish(user, django_capture_on_commit_callbacks, title="Thursday")
    assert not mail.outbox, "digest readers get no mail at once"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=StringIO())
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {reader.email, "weekly@example.org"}
    for message in by_address.values():
        assert "Monday" in message.body and "Thursday" in message.body
        assert "List-Unsubscribe" in message.extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=StringIO())
    assert len(mail.outbox) == 2, "nothing twice"

    token = urlsplit(by_address[reader.email].extra_headers["List-Unsubscribe"].strip("<>")).path
    Client(enforce_csrf_checks=True).post(token)
    assert Follow.objects.get(follower=reader).delivery == Delivery.INBOX
    guest.refresh_from_db()
    assert guest.last_digest_at is not None


def test_a_new_post_mail_is_written_in_the_followers_language(
    user, reader, blog, monkeypatch, django_capture_on_commit_callbacks
):
    reader.language = "fr"
    reader.save(update_fields=["language"])
    Follow.objects.create(follower=reader, blog=blog)
    seen = languages_while_rendering(monkeypatch)
    with translation.override("en"):
        publish(user, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert seen and set(seen) == {"fr"}


def test_a_guest_reads_the_new_posts_in_the_language_they_subscribed_in(
    client, user, post, django_capture_on_commit_callbacks
):
    """A guest has no profile: the language of the page they subscribed from is theirs for every mail."""
    with django_capture_on_commit_callbacks(execute=True):
        guest_subscribe(client, user, headers={"accept-language": "fr"})
    client.post(urlsplit(_confirm_link(mail.outbox[0])).path)

    publish(user, django_capture_on_commit_callbacks, title="Nouvelles")

    assert "Vous recevez cet e-mail parce que vous suivez ce blog." in mail.outbox[1].body
