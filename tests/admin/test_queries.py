"""No admin list makes a query per row: each changelist renders 5 and 50 rows within the same budget."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.tests.factories import HeldCommentFactory
from moderation.models import ModerationEvent
from moderation.services import moderate_comments
from posts.models import Blog, Label
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

# Session, user, the two counts and the rows, plus what the list's filters and date hierarchy ask, each once
# per page whatever the number of rows. A moderator's permissions add two (the user's and the groups').
CHANGELIST_QUERIES = {
    "accounts_user": 6,
    "posts_blog": 5,
    "posts_label": 5,
    "posts_post": 8,
    "comments_comment": 7,
    "moderation_moderationevent": 7,
    "account_emailaddress": 6,
}
PERMISSION_QUERIES = 2


def make_users(n):
    for i in range(n):
        user = UserFactory(username=f"reader{i}")
        PostFactory(author=user)
        HeldCommentFactory(author=user)


def make_blogs(n):
    for i in range(n):
        Blog.objects.create(owner=UserFactory(username=f"blogger{i}"), title=f"Blog {i}")


def make_labels(n):
    for i in range(n):
        PostFactory().labels.add(Label.objects.create(name=f"Label {i}", slug=f"label-{i}"))


def make_posts(n):
    for comment in HeldCommentFactory.create_batch(n):
        HeldCommentFactory(post=comment.post)


def make_comments(n):
    HeldCommentFactory.create_batch(n)
    HeldCommentFactory.create_batch(n, author=None, guest_name="A guest")


def make_events(n):
    moderator = UserFactory(username="somemod", is_staff=True)
    moderate_comments(
        comments=HeldCommentFactory.create_batch(n), action=ModerationEvent.Action.APPROVE, moderator=moderator
    )


CHANGELISTS = {
    "accounts_user": make_users,
    "posts_blog": make_blogs,
    "posts_label": make_labels,
    "posts_post": make_posts,
    "comments_comment": make_comments,
    "moderation_moderationevent": make_events,
}


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(
    client, superuser, changelist, n, django_assert_max_num_queries
):
    CHANGELISTS[changelist](n)
    client.force_login(superuser)
    with django_assert_max_num_queries(CHANGELIST_QUERIES[changelist]):
        response = client.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= n


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize(
    "changelist", ["accounts_user", "posts_post", "comments_comment", "moderation_moderationevent"]
)
def test_moderator_changelist_query_count_does_not_grow_with_rows(
    client, moderator, changelist, n, django_assert_max_num_queries
):
    CHANGELISTS[changelist](n)
    client.force_login(moderator)
    with django_assert_max_num_queries(CHANGELIST_QUERIES[changelist] + PERMISSION_QUERIES):
        response = client.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= n


@pytest.mark.parametrize("n", [5, 50])
def test_email_address_changelist_query_count_does_not_grow_with_rows(
    client, superuser, n, django_assert_max_num_queries
):
    UserFactory.create_batch(n)
    client.force_login(superuser)
    with django_assert_max_num_queries(CHANGELIST_QUERIES["account_emailaddress"]):
        response = client.get(reverse("admin:account_emailaddress_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= n


# A change page: session, user, the object with its counts, its many-to-many and inline rows (once each),
# and the content types that the first admin request in a process caches.
CHANGE_PAGE_QUERIES = 9


@pytest.mark.parametrize("n", [5, 50])
def test_post_change_page_query_count_does_not_grow_with_comments(client, superuser, n, django_assert_max_num_queries):
    post = PostFactory()
    HeldCommentFactory.create_batch(n, post=post)
    client.force_login(superuser)
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES):
        response = client.get(reverse("admin:posts_post_change", args=[post.pk]))
    assert response.status_code == 200
    assert f"{n} comments, {n} awaiting moderation" in response.content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_user_change_page_query_count_does_not_grow_with_activity(client, superuser, n, django_assert_max_num_queries):
    user = UserFactory(username="busy")
    HeldCommentFactory.create_batch(n, author=user)
    client.force_login(superuser)
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES):
        response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
