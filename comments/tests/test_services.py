from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from comments import services
from comments.models import Comment, tree_path
from moderation.models import ModerationEvent
from posts.models import Blog
from posts.tests.factories import PostFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def set_policy(post, policy):
    Blog.objects.update_or_create(owner=post.author, defaults={"comment_policy": policy})


@pytest.mark.parametrize("who", ["unverified", "inactive"])
def test_the_service_refuses_a_reader_who_may_not_comment(post, unverified_user, who):
    """The view sends them to sign in or confirm their address first; the service refuses them whoever calls."""
    author = unverified_user if who == "unverified" else UserFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.post_comment(post=post, author=author, body="Let me in")
    assert not Comment.objects.exists()


def test_top_level_comment_gets_its_own_id_as_path(post, other_user):
    comment = services.post_comment(post=post, author=other_user, body="Hello")
    comment.refresh_from_db()
    assert comment.path == tree_path(comment.pk)
    assert comment.depth == 0
    assert comment.parent is None


def test_reply_path_extends_its_parents_path(post, other_user):
    parent = CommentFactory(post=post)
    reply = services.post_comment(post=post, author=other_user, body="Agreed", parent=parent)
    reply.refresh_from_db()
    assert reply.path == parent.path + tree_path(reply.pk)
    assert reply.depth == 1
    assert reply.parent == parent


def test_comment_body_is_rendered_as_sanitized_html(post, other_user):
    comment = services.post_comment(post=post, author=other_user, body="So *good* <script>x()</script>")
    assert "<em>good</em>" in comment.body_html
    assert "<script>" not in comment.body_html


def test_first_comment_waits_for_approval_by_default(post, other_user):
    comment = services.post_comment(post=post, author=other_user, body="First time here")
    assert comment.status == Comment.Status.PENDING


def test_after_one_approved_comment_the_next_appears_at_once(post, other_user):
    CommentFactory(post=post, author=other_user, status=Comment.Status.APPROVED)
    comment = services.post_comment(post=post, author=other_user, body="Me again")
    assert comment.status == Comment.Status.APPROVED


def test_a_comment_approved_on_another_blog_earns_trust_here(post, other_user):
    CommentFactory(author=other_user, status=Comment.Status.APPROVED)
    comment = services.post_comment(post=post, author=other_user, body="New blog for me")
    assert comment.status == Comment.Status.APPROVED


def test_a_comment_on_an_open_blog_earns_no_trust_elsewhere(post, other_user):
    open_post = PostFactory()
    set_policy(open_post, Blog.CommentPolicy.OPEN)
    services.post_comment(post=open_post, author=other_user, body="Hello, open blog")
    comment = services.post_comment(post=post, author=other_user, body="And here")
    assert comment.status == Comment.Status.PENDING


def test_comments_on_ones_own_posts_earn_no_trust_elsewhere(post, other_user):
    CommentFactory(post=PostFactory(author=other_user), author=other_user, status=Comment.Status.APPROVED)
    comment = services.post_comment(post=post, author=other_user, body="First time on this blog")
    assert comment.status == Comment.Status.PENDING


def test_hold_all_policy_holds_even_trusted_readers(post, other_user):
    set_policy(post, Blog.CommentPolicy.HOLD_ALL)
    CommentFactory(post=post, author=other_user, status=Comment.Status.APPROVED)
    comment = services.post_comment(post=post, author=other_user, body="Me again")
    assert comment.status == Comment.Status.PENDING


def test_open_policy_publishes_a_first_comment_at_once(post, other_user):
    set_policy(post, Blog.CommentPolicy.OPEN)
    comment = services.post_comment(post=post, author=other_user, body="Hello")
    assert comment.status == Comment.Status.APPROVED


def test_post_author_comments_on_their_own_post_appear_at_once(post, user):
    set_policy(post, Blog.CommentPolicy.HOLD_ALL)
    comment = services.post_comment(post=post, author=user, body="Thanks, all")
    assert comment.status == Comment.Status.APPROVED


def test_comment_with_more_than_two_links_is_held_even_on_an_open_blog(post, other_user):
    set_policy(post, Blog.CommentPolicy.OPEN)
    body = "Cheap https://a.example https://b.example www.c.example"
    comment = services.post_comment(post=post, author=other_user, body=body)
    assert comment.status == Comment.Status.PENDING


def test_comment_with_two_links_follows_the_policy(post, other_user):
    set_policy(post, Blog.CommentPolicy.OPEN)
    comment = services.post_comment(post=post, author=other_user, body="See https://a.example and https://b.example")
    assert comment.status == Comment.Status.APPROVED


def test_same_text_twice_on_the_same_post_is_refused_as_a_duplicate(post, other_user):
    first = services.post_comment(post=post, author=other_user, body="So sorry to hear that.")
    with pytest.raises(services.DuplicateComment) as refused:
        services.post_comment(post=post, author=other_user, body="So sorry  to hear that.\n")
    assert refused.value.existing == first
    assert Comment.objects.count() == 1


def test_same_text_after_the_duplicate_window_is_accepted(post, other_user):
    with freeze_time(timezone.now() - services.DUPLICATE_WINDOW - timedelta(minutes=1)):
        services.post_comment(post=post, author=other_user, body="Happy birthday!")
    services.post_comment(post=post, author=other_user, body="Happy birthday!")
    assert Comment.objects.filter(author=other_user).count() == 2


def test_same_text_by_someone_else_is_not_a_duplicate(post, other_user):
    services.post_comment(post=post, author=other_user, body="Congratulations!")
    services.post_comment(post=post, author=UserFactory(), body="Congratulations!")
    assert Comment.objects.count() == 2


@freeze_time(timezone.now().replace(second=1))
def test_rate_limit_refuses_the_comment_over_the_limit(post, other_user, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 3
    for n in range(3):
        services.post_comment(post=post, author=other_user, body=f"Thought {n}")
    with pytest.raises(services.RateLimited):
        services.post_comment(post=post, author=other_user, body="One more")
    assert Comment.objects.count() == 3


@freeze_time(timezone.now().replace(second=1))
def test_rate_limit_applies_per_ip_address_across_accounts(post, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 2
    for n in range(2):
        services.post_comment(post=post, author=UserFactory(), body=f"Hi {n}", ip_address="203.0.113.9")
    with pytest.raises(services.RateLimited):
        services.post_comment(post=post, author=UserFactory(), body="Hi again", ip_address="203.0.113.9")
    services.post_comment(post=post, author=UserFactory(), body="Hi from elsewhere", ip_address="203.0.113.10")


def test_rate_limit_resets_after_a_minute(post, other_user, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 1
    start = timezone.now().replace(second=5, microsecond=0)
    with freeze_time(start):
        services.post_comment(post=post, author=other_user, body="One")
        with pytest.raises(services.RateLimited):
            services.post_comment(post=post, author=other_user, body="Two")
    with freeze_time(start + timedelta(minutes=1)):
        services.post_comment(post=post, author=other_user, body="Two")


def test_comments_on_a_post_with_comments_disabled_are_refused(post, other_user):
    post.comments_enabled = False
    post.save()
    with pytest.raises(services.CommentsClosed):
        services.post_comment(post=post, author=other_user, body="Hello?")


def test_comments_close_after_the_configured_number_of_days(other_user, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = PostFactory(published_at=timezone.now() - timedelta(days=31))
    recent = PostFactory(published_at=timezone.now() - timedelta(days=29))
    with pytest.raises(services.CommentsClosed):
        services.post_comment(post=old, author=other_user, body="Late to the party")
    services.post_comment(post=recent, author=other_user, body="Just in time")


def test_reply_to_a_comment_on_another_post_is_refused(post, other_user):
    elsewhere = CommentFactory()
    with pytest.raises(services.InvalidParent):
        services.post_comment(post=post, author=other_user, body="Hm", parent=elsewhere)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REMOVED, Comment.Status.SPAM])
def test_reply_to_a_comment_that_is_not_approved_is_refused(post, other_user, status):
    parent = CommentFactory(post=post, status=status)
    with pytest.raises(services.InvalidParent):
        services.post_comment(post=post, author=other_user, body="Hm", parent=parent)


def test_author_can_edit_their_comment_and_it_is_marked_edited(post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    services.edit_comment(comment=comment, user=other_user, body="Fixed a *typo*")
    comment.refresh_from_db()
    assert comment.body == "Fixed a *typo*"
    assert "<em>typo</em>" in comment.body_html
    assert comment.edited_at is not None


def test_reader_cannot_edit_someone_elses_comment(post, other_user, user):
    comment = CommentFactory(post=post, author=other_user)
    with pytest.raises(PermissionDenied):
        services.edit_comment(comment=comment, user=user, body="Hijacked")


def test_editing_links_into_an_approved_comment_sends_it_back_to_moderation(post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    services.edit_comment(
        comment=comment, user=other_user, body="https://a.example https://b.example https://c.example"
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_author_deleting_a_comment_without_replies_makes_it_disappear(post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    assert services.delete_comment(comment=comment, user=other_user) is True
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_author_deleting_a_comment_with_replies_leaves_a_placeholder(post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    reply = CommentFactory(post=post, parent=comment)
    assert services.delete_comment(comment=comment, user=other_user) is False
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert Comment.objects.filter(pk=reply.pk).exists()


def test_post_author_removing_a_comment_is_a_recorded_moderation(post, user, other_user):
    comment = CommentFactory(post=post, author=other_user)
    services.delete_comment(comment=comment, user=user)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    event = ModerationEvent.objects.get(comment=comment)
    assert event.action == ModerationEvent.Action.REMOVE
    assert event.source == ModerationEvent.Source.DASHBOARD
    assert event.moderator == user


def test_staff_can_remove_any_comment(post, staff_user):
    comment = CommentFactory(post=post)
    services.delete_comment(comment=comment, user=staff_user)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED


def test_another_reader_cannot_remove_a_comment(post):
    comment = CommentFactory(post=post)
    with pytest.raises(PermissionDenied):
        services.delete_comment(comment=comment, user=UserFactory())
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


@freeze_time(timezone.now().replace(second=1))
def test_a_comment_refused_for_the_rate_limit_can_be_sent_again_later(post, other_user, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 1
    services.post_comment(post=post, author=other_user, body="First")
    with pytest.raises(services.RateLimited):
        services.post_comment(post=post, author=other_user, body="Second")
    with freeze_time(timezone.now() + timedelta(minutes=1)):
        services.post_comment(post=post, author=other_user, body="Second")
    assert Comment.objects.filter(author=other_user).count() == 2


def test_a_second_identical_submission_in_flight_is_refused(post, other_user):
    from django.core.cache import cache

    cache.add(services._double_submit_key(post=post, author=other_user, body="Same words"), 1)
    with pytest.raises(services.DuplicateComment) as refused:
        services.post_comment(post=post, author=other_user, body="Same words")
    assert refused.value.existing is None
    assert not Comment.objects.exists()


def test_imported_comments_are_sanitized_and_keep_only_valid_guest_addresses(post, mailoutbox):
    from comments.signals import comment_posted

    heard = []
    comment_posted.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="test.imported")
    try:
        [kept, bad] = services.add_imported_comments(
            comments=[
                services.ImportedComment(
                    post_id=post.pk,
                    body="",
                    body_html='<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>',
                    status=Comment.Status.APPROVED,
                    guest_name="  Ada  ",
                    guest_email="ada@example.org",
                    guest_url="https://ada.example.org/",
                ),
                services.ImportedComment(
                    post_id=post.pk,
                    body="",
                    body_html="<p>Spam</p>",
                    status=Comment.Status.SPAM,
                    guest_name="x" * 300,
                    guest_email="not an address",
                    guest_url="javascript:alert(1)",
                ),
            ]
        )
    finally:
        comment_posted.disconnect(dispatch_uid="test.imported")
    kept.refresh_from_db()
    assert kept.body_html == "<p>Hi <b>there</b></p>"
    assert kept.body == "Hi there"
    assert (kept.guest_name, kept.guest_email, kept.guest_url) == (
        "Ada",
        "ada@example.org",
        "https://ada.example.org/",
    )
    bad.refresh_from_db()
    assert (len(bad.guest_name), bad.guest_email, bad.guest_url) == (100, "", "")
    assert heard == [] and mailoutbox == [], "an import tells no one"


def test_placed_imported_comments_count_on_their_thread_and_post(post):
    rows = services.add_imported_comments(
        comments=[
            services.ImportedComment(post_id=post.pk, body="", body_html=f"<p>{n}</p>", status=Comment.Status.APPROVED)
            for n in range(3)
        ]
    )
    root, reply, nested = rows
    when = timezone.now() - timedelta(days=400)
    services.place_imported_comments(
        places=[
            services.ImportedPlace(root.pk, None, tree_path(root.pk), 0, when),
            services.ImportedPlace(reply.pk, root.pk, tree_path(reply.pk, tree_path(root.pk)), 1, when),
            services.ImportedPlace(
                nested.pk,
                reply.pk,
                tree_path(nested.pk, tree_path(reply.pk, tree_path(root.pk))),
                2,
                when,
            ),
        ]
    )
    root.refresh_from_db()
    post.refresh_from_db()
    assert root.thread_reply_count == 2
    assert post.approved_comment_count == 3
    assert list(post.comments.values_list("depth", flat=True)) == [0, 1, 2]
    assert root.created_at == when
