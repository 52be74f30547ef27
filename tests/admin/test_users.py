"""Users in the admin: counts and verification at a glance, bans that take effect at once, and the limits on
what a moderator may touch."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import HeldCommentFactory
from moderation.models import ModerationEvent
from posts.models import Post
from posts.tests.factories import PostFactory

from .helpers import csrf_token, messages_of, run_action

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def ban_through_confirmation(client, users, **options):
    """Choose "Ban" on the list, then confirm on the intermediate page with the given boxes ticked."""
    page = run_action(client, USERS, "ban", users)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="remove_all_comments"' in html
    assert 'name="unpublish_posts"' in html
    data = {
        "csrfmiddlewaretoken": csrf_token(page),
        "action": "ban",
        "_selected_action": [str(u.pk) for u in users],
        "select_across": "0",
        "confirm": "Ban these users",
        **{name: "on" for name, ticked in options.items() if ticked},
    }
    return client.post(USERS, data, follow=True)


def test_user_list_shows_post_and_comment_counts_and_verification(browser, moderator):
    writer = UserFactory(username="writer")
    PostFactory.create_batch(2, author=writer)
    HeldCommentFactory.create_batch(3, author=writer)
    unverified = UserFactory(username="unsure")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    response = browser(moderator).get(USERS)
    rows = {u.username: u for u in response.context["cl"].result_list}
    assert (rows["writer"].post_count, rows["writer"].comment_count) == (2, 3)
    assert (rows["unsure"].post_count, rows["unsure"].comment_count) == (0, 0)
    assert rows["writer"].has_verified_email is True
    assert rows["unsure"].has_verified_email is False


def test_user_page_lists_the_email_addresses(browser, superuser):
    reader = UserFactory(username="reader")
    EmailAddress.objects.create(user=reader, email="other@example.com", verified=False)
    html = browser(superuser).get(change_url(reader)).content.decode()
    assert "reader@example.com" in html
    assert "other@example.com" in html


def test_ban_asks_for_confirmation_before_doing_anything(browser, moderator):
    reader = UserFactory(username="reader")
    page = run_action(browser(moderator), USERS, "ban", [reader])
    assert "Ban these users" in page.content.decode()
    reader.refresh_from_db()
    assert reader.is_active


def test_ban_deactivates_and_removes_pending_comments_only(browser, moderator):
    reader = UserFactory(username="reader")
    pending = HeldCommentFactory(author=reader)
    approved = HeldCommentFactory(author=reader, status=Comment.Status.APPROVED)
    post = PostFactory(author=reader)
    response = ban_through_confirmation(browser(moderator), [reader])
    assert "1 user banned." in messages_of(response)
    reader.refresh_from_db()
    assert not reader.is_active
    assert Comment.objects.get(pk=pending.pk).status == Comment.Status.REMOVED
    assert Comment.objects.get(pk=approved.pk).status == Comment.Status.APPROVED
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED
    ban = ModerationEvent.objects.get(action=ModerationEvent.Action.BAN)
    assert (ban.moderator, ban.target_user) == (moderator, reader)
    assert ModerationEvent.objects.get(action=ModerationEvent.Action.REMOVE).comment_id == pending.pk


def test_ban_with_both_options_removes_all_comments_and_unpublishes_posts(browser, moderator):
    reader = UserFactory(username="reader")
    comments = [HeldCommentFactory(author=reader), HeldCommentFactory(author=reader, status=Comment.Status.APPROVED)]
    spam = HeldCommentFactory(author=reader, status=Comment.Status.SPAM)
    post = PostFactory(author=reader)
    draft = PostFactory(author=reader, status=Post.Status.DRAFT, published_at=None)
    ban_through_confirmation(browser(moderator), [reader], remove_all_comments=True, unpublish_posts=True)
    assert {Comment.objects.get(pk=c.pk).status for c in comments} == {Comment.Status.REMOVED}
    assert Comment.objects.get(pk=spam.pk).status == Comment.Status.SPAM
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.UNPUBLISH).get().post_id == post.pk
    assert Post.objects.get(pk=draft.pk).status == Post.Status.DRAFT


def test_unban_reactivates_and_restores_exactly_what_the_ban_removed(browser, moderator, superuser):
    reader = UserFactory(username="reader")
    pending = HeldCommentFactory(author=reader)
    approved = HeldCommentFactory(author=reader, status=Comment.Status.APPROVED)
    removed_before = HeldCommentFactory(author=reader, status=Comment.Status.REMOVED)
    post = PostFactory(author=reader)
    first_published = Post.objects.get(pk=post.pk).published_at
    client = browser(moderator)
    ban_through_confirmation(client, [reader], remove_all_comments=True, unpublish_posts=True)
    response = run_action(client, USERS, "unban", [reader])
    assert "1 user unbanned." in messages_of(response)
    reader.refresh_from_db()
    assert reader.is_active
    assert Comment.objects.get(pk=pending.pk).status == Comment.Status.PENDING
    assert Comment.objects.get(pk=approved.pk).status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=removed_before.pk).status == Comment.Status.REMOVED
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == first_published
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.UNBAN, target_user=reader).count() == 1


def test_unban_leaves_alone_what_a_moderator_decided_after_the_ban(browser, moderator):
    reader = UserFactory(username="reader")
    rude = HeldCommentFactory(author=reader, status=Comment.Status.APPROVED)
    client = browser(moderator)
    ban_through_confirmation(client, [reader], remove_all_comments=True)
    run_action(client, reverse("admin:comments_comment_changelist") + "?status__exact=all", "mark_spam", [rude])
    run_action(client, USERS, "unban", [reader])
    assert Comment.objects.get(pk=rude.pk).status == Comment.Status.SPAM


def test_banned_users_session_stops_working_at_once(browser, moderator, client):
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert client.get("/").wsgi_request.user == reader
    ban_through_confirmation(browser(moderator), [reader])
    response = client.get("/")
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_moderator_cannot_ban_staff_superusers_or_themselves(browser, moderator, superuser):
    colleague = UserFactory(username="colleague", is_staff=True)
    reader = UserFactory(username="reader")
    response = ban_through_confirmation(browser(moderator), [colleague, superuser, moderator, reader])
    assert "1 user banned." in messages_of(response)
    assert any("3 accounts left alone" in m for m in messages_of(response))
    for account in (colleague, superuser, moderator):
        account.refresh_from_db()
        assert account.is_active
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.BAN).get().target_user == reader


def test_superuser_may_ban_staff(browser, superuser):
    colleague = UserFactory(username="colleague", is_staff=True)
    ban_through_confirmation(browser(superuser), [colleague])
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_staff_without_the_ban_permission_is_not_offered_ban(browser):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*_permissions("accounts.view_user"))
    reader = UserFactory(username="reader")
    client = browser(clerk)
    page = client.get(USERS)
    assert page.status_code == 200
    action_form = page.context["action_form"]
    assert action_form is None or "ban" not in dict(action_form.fields["action"].choices)
    response = run_action(client, USERS, "ban", [reader])
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.is_active
    assert not ModerationEvent.objects.exists()


def test_moderator_sees_a_user_without_password_flags_groups_or_permissions(browser, moderator):
    reader = UserFactory(username="reader")
    page = browser(moderator).get(change_url(reader))
    assert page.status_code == 200
    fields = {f for _, options in page.context["adminform"].fieldsets for f in options["fields"]}
    assert fields.isdisjoint({"password", "is_superuser", "groups", "user_permissions"})
    assert 'name="_save"' not in page.content.decode()


def test_moderator_cannot_change_a_user(browser, moderator):
    reader = UserFactory(username="reader", display_name="Reader")
    client = browser(moderator)
    page = client.get(change_url(reader))
    response = client.post(
        change_url(reader),
        {"csrfmiddlewaretoken": csrf_token(page), "username": "reader", "display_name": "Hacked", "is_staff": "on"},
    )
    assert response.status_code == 403
    reader.refresh_from_db()
    assert (reader.display_name, reader.is_staff) == ("Reader", False)


def test_moderator_cannot_change_a_password(browser, moderator, superuser):
    client = browser(moderator)
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(url).status_code == 403
    token = csrf_token(client.get(USERS))
    response = client.post(
        url, {"csrfmiddlewaretoken": token, "password1": "n3w-Secret!x", "password2": "n3w-Secret!x"}
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.check_password("n3w-Secret!x")


def test_staff_allowed_to_change_users_still_cannot_grant_powers(browser):
    """The "change user" permission alone is not the keys: no staff flag, superuser flag, group or password."""
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*_permissions("accounts.view_user", "accounts.change_user"))
    reader = UserFactory(username="reader")
    client = browser(clerk)
    page = client.get(change_url(reader))
    assert page.status_code == 200
    fields = {f for _, options in page.context["adminform"].fieldsets for f in options["fields"]}
    assert fields.isdisjoint({"password", "is_superuser", "groups", "user_permissions"})
    response = client.post(
        change_url(reader),
        {
            "csrfmiddlewaretoken": csrf_token(page),
            "username": "reader",
            "display_name": "Renamed",
            "email": "reader@example.com",
            "is_staff": "on",
            "is_superuser": "on",
            "is_active": "",
            "notify_replies": "instant",
            "notify_comments": "inbox",
            "notify_moderation": "inbox",
            "emailaddress_set-TOTAL_FORMS": "0",
            "emailaddress_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.display_name == "Renamed"
    assert (reader.is_staff, reader.is_superuser, reader.is_active) == (False, False, True)
    superuser_page = client.get(change_url(UserFactory(username="boss", is_staff=True, is_superuser=True)))
    assert 'name="_save"' not in superuser_page.content.decode()
    assert client.get(reverse("admin:auth_user_password_change", args=[reader.pk])).status_code == 403


def test_superuser_sees_and_changes_everything(browser, superuser):
    reader = UserFactory(username="reader")
    page = browser(superuser).get(change_url(reader))
    fields = {f for _, options in page.context["adminform"].fieldsets for f in options["fields"]}
    assert {"password", "is_superuser", "is_staff", "groups", "user_permissions"} <= fields
    assert browser(superuser).get(reverse("admin:auth_user_password_change", args=[reader.pk])).status_code == 200


def _permissions(*names):
    from django.contrib.auth.models import Permission

    return [
        Permission.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
        for name in names
    ]
