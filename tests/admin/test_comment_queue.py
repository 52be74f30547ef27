"""The comment moderation queue in the admin, its actions, the log, and the pending counts staff see."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import HeldCommentFactory
from moderation.models import ModerationEvent
from moderation.services import moderate_comments
from posts.tests.factories import PostFactory

from .helpers import csrf_token, messages_of, run_action

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")
# The queue with every status, where staff act on comments already decided.
ALL = f"{QUEUE}?status__exact=all"


def statuses(*comments):
    return [Comment.objects.get(pk=c.pk).status for c in comments]


def test_queue_opens_on_the_comments_awaiting_moderation(browser, moderator):
    older_pending = HeldCommentFactory(body="older pending")
    HeldCommentFactory(body="newer approved", status=Comment.Status.APPROVED)
    newer_pending = HeldCommentFactory(body="newer pending")
    response = browser(moderator).get(QUEUE)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [newer_pending, older_pending]
    html = response.content.decode()
    assert re.search(r'<li class="selected">\s*<a href="\?status__exact=pending"', html)


def test_queue_lists_every_status_on_all_with_those_awaiting_moderation_first(browser, moderator):
    older_pending = HeldCommentFactory(body="older pending")
    approved = HeldCommentFactory(body="newer approved", status=Comment.Status.APPROVED)
    newer_pending = HeldCommentFactory(body="newer pending")
    response = browser(moderator).get(QUEUE, {"status__exact": "all"})
    assert list(response.context["cl"].result_list) == [newer_pending, older_pending, approved]
    assert list(browser(moderator).get(QUEUE, {"status__exact": "approved"}).context["cl"].result_list) == [approved]


def test_queue_shows_the_comment_text_wide_enough_to_judge_it(browser, moderator):
    HeldCommentFactory(body="A considered paragraph. " * 10)
    html = browser(moderator).get(QUEUE).content.decode()
    assert ("A considered paragraph. " * 10).strip() in html
    assert "css/admin-comments.css" in html


def test_the_admin_has_the_sites_favicon(client, browser, moderator):
    pages = [browser(moderator).get(reverse("admin:index")), browser(moderator).get(QUEUE)]
    # The admin signs in through the site's own sign-in page, which it redirects to.
    for response in [*pages, client.get(reverse("admin:login"), follow=True)]:
        html = response.content.decode()
        assert re.search(r'<link rel="icon" href="[^"]*favicon[^"]*\.svg"', html), response.request["PATH_INFO"]


def test_queue_row_shows_post_author_ip_excerpt_and_permalink(browser, moderator):
    post = PostFactory(title="On gardens")
    comment = HeldCommentFactory(post=post, body="word " * 100, ip_address="198.51.100.7")
    guest = HeldCommentFactory(post=post, author=None, guest_name="Wanderer", body="Hi")
    html = browser(moderator).get(QUEUE).content.decode()
    assert "On gardens" in html
    assert comment.author.username in html
    assert "Wanderer (guest)" in html
    assert "198.51.100.7" in html
    assert ("word " * 100).strip() not in html  # only an excerpt
    assert "word word word" in html
    assert f'href="{post.get_absolute_url()}#c{comment.pk}"' in html
    assert f'href="{post.get_absolute_url()}#c{guest.pk}"' in html


@pytest.mark.parametrize(
    ("action", "before", "after", "message"),
    [
        ("approve", Comment.Status.PENDING, Comment.Status.APPROVED, "2 comments approved."),
        ("mark_spam", Comment.Status.PENDING, Comment.Status.SPAM, "2 comments marked as spam."),
        ("remove", Comment.Status.APPROVED, Comment.Status.REMOVED, "2 comments removed."),
        ("restore", Comment.Status.REMOVED, Comment.Status.APPROVED, "2 comments restored."),
    ],
)
def test_moderator_bulk_action_changes_comments_reports_and_records(
    browser, moderator, action, before, after, message
):
    chosen = HeldCommentFactory.create_batch(2, status=before)
    untouched = HeldCommentFactory(status=before)
    response = run_action(browser(moderator), ALL, action, chosen)
    assert response.status_code == 200
    assert message in messages_of(response)
    assert statuses(*chosen) == [after, after]
    assert statuses(untouched) == [before]
    events = ModerationEvent.objects.filter(moderator=moderator, source=ModerationEvent.Source.ADMIN)
    assert sorted(events.values_list("comment_id", flat=True)) == sorted(c.pk for c in chosen)


def test_bulk_action_counts_only_comments_it_changed(browser, moderator):
    already = HeldCommentFactory(status=Comment.Status.APPROVED)
    pending = HeldCommentFactory()
    response = run_action(browser(moderator), QUEUE, "approve", [already, pending])
    assert "1 comment approved." in messages_of(response)
    assert ModerationEvent.objects.filter(comment=already).count() == 0


def test_action_post_without_csrf_token_is_refused(browser, moderator):
    comment = HeldCommentFactory()
    client = browser(moderator)
    response = client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk], "index": "0"})
    assert response.status_code == 403
    assert statuses(comment) == [Comment.Status.PENDING]


def test_queue_offers_no_delete_and_no_add(browser, superuser):
    response = browser(superuser).get(QUEUE)
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert set(choices) == {"", "approve", "mark_spam", "remove", "restore"}
    assert browser(superuser).get(reverse("admin:comments_comment_add")).status_code == 403


def test_a_single_comment_cannot_be_deleted_from_the_admin_either(browser, superuser):
    comment = HeldCommentFactory()
    client = browser(superuser)
    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    delete_url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert delete_url not in page
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_decision_on_a_comments_page_is_applied_and_recorded(browser, moderator):
    comment = HeldCommentFactory(body="Original words")
    client = browser(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url, {"csrfmiddlewaretoken": csrf_token(page), "decision": "spam", "body": "Rewritten"}, follow=True
    )
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.body == "Original words"
    assert ModerationEvent.objects.get(comment=comment).moderator == moderator


def test_staff_without_comment_permissions_cannot_moderate(browser):
    clerk = UserFactory(username="clerk", is_staff=True)
    comment = HeldCommentFactory()
    client = browser(clerk)
    assert client.get(QUEUE).status_code == 403
    assert client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk]}).status_code == 403
    assert statuses(comment) == [Comment.Status.PENDING]


def test_reader_is_sent_to_the_admin_login(browser, user):
    response = browser(user).get(QUEUE)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_moderation_log_shows_decisions_from_the_dashboard_and_the_admin(browser, moderator, user):
    from_dashboard = HeldCommentFactory()
    from_admin = HeldCommentFactory()
    moderate_comments(
        comments=[from_dashboard], action="approve", moderator=user, source=ModerationEvent.Source.DASHBOARD
    )
    run_action(browser(moderator), ALL, "remove", [from_admin])
    response = browser(moderator).get(reverse("admin:moderation_moderationevent_changelist"))
    assert response.status_code == 200
    events = list(response.context["cl"].result_list)
    assert [(e.moderator, e.action, e.source, e.comment_id) for e in events] == [
        (moderator, "remove", "admin", from_admin.pk),
        (user, "approve", "dashboard", from_dashboard.pk),
    ]
    html = response.content.decode()
    assert "Dashboard" in html
    assert user.username in html


def test_moderation_log_cannot_be_added_to_changed_or_deleted_by_a_moderator(browser, moderator):
    comment = HeldCommentFactory()
    moderate_comments(comments=[comment], action="approve", moderator=moderator)
    event = ModerationEvent.objects.get()
    client = browser(moderator)
    assert client.get(reverse("admin:moderation_moderationevent_add")).status_code == 403
    change = client.get(reverse("admin:moderation_moderationevent_change", args=[event.pk]))
    assert change.status_code == 200  # view only
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:moderation_moderationevent_delete", args=[event.pk])).status_code == 403
    assert ModerationEvent.objects.filter(pk=event.pk).exists()


def test_superuser_cannot_change_the_log_either(browser, superuser):
    comment = HeldCommentFactory()
    moderate_comments(comments=[comment], action="approve", moderator=superuser)
    event = ModerationEvent.objects.get()
    page = browser(superuser).get(reverse("admin:moderation_moderationevent_change", args=[event.pk]))
    assert 'name="_save"' not in page.content.decode()


def test_admin_index_shows_the_pending_count_and_links_to_the_queue(browser, moderator):
    HeldCommentFactory.create_batch(3)
    HeldCommentFactory(status=Comment.Status.APPROVED)
    response = browser(moderator).get(reverse("admin:index"))
    html = response.content.decode()
    assert re.search(r"<strong>3</strong> comments awaiting moderation", html)
    assert f'href="{QUEUE}?status__exact=pending"' in html
    assert "Blogsite administration" in html
    headings = [app["name"] for app in response.context["app_list"]]
    assert headings.count("Accounts") == 1
    accounts = next(app for app in response.context["app_list"] if app["name"] == "Accounts")
    assert [model["object_name"] for model in accounts["models"]] == ["EmailAddress", "User"]


def test_queue_link_lists_only_pending_comments(browser, moderator):
    pending = HeldCommentFactory()
    HeldCommentFactory(status=Comment.Status.APPROVED)
    response = browser(moderator).get(f"{QUEUE}?status__exact=pending")
    assert list(response.context["cl"].result_list) == [pending]


def test_site_header_shows_staff_the_pending_count(browser, moderator):
    HeldCommentFactory.create_batch(2)
    html = browser(moderator).get("/").content.decode()
    badge = re.search(r'id="pending-comments"[^>]*><span class="badge[^"]*">(\d+)</span>', html)
    assert badge and badge[1] == "2"


def queries_on_comments(client, url):
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    return [q for q in captured.captured_queries if 'FROM "comments_comment"' in q["sql"]], html


def test_site_header_counts_pending_comments_with_one_query_for_staff(browser, moderator):
    HeldCommentFactory()
    queries, _ = queries_on_comments(browser(moderator), "/")
    assert len(queries) == 1


def test_site_header_costs_readers_no_query_and_shows_no_count(browser, user):
    HeldCommentFactory()
    queries, html = queries_on_comments(browser(user), "/")
    assert queries == []
    assert 'id="pending-comments"' not in html


def test_staff_who_may_not_see_comments_get_no_count_and_no_dead_link(browser):
    from accounts.tests.factories import UserFactory

    clerk = UserFactory(username="clerk", is_staff=True)
    HeldCommentFactory()
    for url in ("/", "/admin/"):
        html = browser(clerk).get(url).content.decode()
        assert 'id="pending-comments"' not in html
        assert "awaiting moderation" not in html


def test_queue_search_finds_comments_by_words_writer_and_address(browser, moderator):
    wanted = HeldCommentFactory(
        body="Buy cheap watches", ip_address="198.51.100.7", author=UserFactory(username="spammy")
    )
    HeldCommentFactory(body="A kind word", ip_address="203.0.113.5")
    client = browser(moderator)
    for term in ["cheap watches", "spammy", "198.51.100.7"]:
        assert list(client.get(QUEUE, {"q": term}).context["cl"].result_list) == [wanted], term
        found = client.get(QUEUE, {"q": term, "status__exact": "all"}).context["cl"].result_list
        assert list(found) == [wanted], term
    assert client.get(QUEUE, {"q": "not an address"}).status_code == 200
