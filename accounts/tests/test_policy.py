"""Every rule of accounts.policy asked for every kind of account: the table says who gets yes, everyone else
gets no. The post and the comment belong to `owner` and `reader`."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, Group

from accounts import policy
from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from library.models import Picture
from posts.tests.factories import DraftFactory, PostFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "reader",  # a verified member; the comment's author
    "unverified",  # signed up, address not confirmed
    "other",  # another verified member, with nothing of theirs here
    "owner",  # the post's author
    "blogger",  # in the Bloggers group
    "staff",  # staff status and no permission, like the `staff_user` fixture
    "moderator",  # staff in the Moderators group
    "superuser",
    "inactive",  # a banned or deactivated member
]
EVERYONE = set(ROLES)
MEMBERS = EVERYONE - {"anonymous", "inactive", "unverified"}
STAFF = {"staff", "moderator", "superuser"}


@pytest.fixture
def people():
    """One account of each role, by name (`anonymous` is not saved)."""
    accounts = {
        "anonymous": AnonymousUser(),
        "reader": UserFactory(username="reader"),
        "unverified": UserFactory(username="unverified", verified_email=False),
        "other": UserFactory(username="other"),
        "owner": UserFactory(username="owner"),
        "blogger": UserFactory(username="blogger"),
        "staff": UserFactory(username="staff", is_staff=True),
        "moderator": UserFactory(username="moderator", is_staff=True),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        "inactive": UserFactory(username="inactive", is_active=False),
    }
    accounts["blogger"].groups.add(Group.objects.get(name=policy.BLOGGERS_GROUP))
    accounts["moderator"].groups.add(Group.objects.get(name="Moderators"))
    assert not EmailAddress.objects.filter(user=accounts["unverified"], verified=True).exists()
    return accounts


@pytest.fixture
def post(people):
    return PostFactory(author=people["owner"])


@pytest.fixture
def draft(people):
    return DraftFactory(author=people["owner"])


@pytest.fixture
def comment(people, post):
    return Comment(post=post, author=people["reader"], status=Comment.Status.APPROVED)


@pytest.fixture
def picture(people):
    return Picture(owner=people["owner"])


@pytest.fixture
def held(people, post):
    return Comment(post=post, author=people["reader"], status=Comment.Status.PENDING)


# rule name -> (how to ask it of `user`, the roles that get yes)
RULES = {
    "has_verified_email": (lambda user, f: policy.has_verified_email(user), EVERYONE - {"anonymous", "unverified"}),
    "can_write": (lambda user, f: policy.can_write(user), MEMBERS),
    "can_comment": (lambda user, f: policy.can_comment(user), MEMBERS),
    "can_edit_post": (lambda user, f: policy.can_edit_post(user, f["post"]), {"owner", "superuser"}),
    "can_see_post (public)": (lambda user, f: policy.can_see_post(user, f["post"]), EVERYONE),
    "can_see_post (draft)": (lambda user, f: policy.can_see_post(user, f["draft"]), {"owner", "superuser"}),
    "can_moderate_post": (lambda user, f: policy.can_moderate_post(user, f["post"]), {"owner"} | STAFF),
    "can_edit_comment": (lambda user, f: policy.can_edit_comment(user, f["comment"]), {"reader"}),
    "can_see_comment (approved)": (lambda user, f: policy.can_see_comment(user, f["comment"]), EVERYONE),
    "can_see_comment (held)": (lambda user, f: policy.can_see_comment(user, f["held"]), {"reader"}),
    "can_remove_comment": (
        lambda user, f: policy.can_remove_comment(user, author_id=f["comment"].author_id, post=f["post"]),
        {"reader", "owner"} | STAFF,
    ),
    "can_remove_comment (anyone's)": (
        lambda user, f: policy.can_remove_comment(user, author_id=None, post=f["post"]),
        {"owner"} | STAFF,
    ),
    "can_manage_blog": (lambda user, f: policy.can_manage_blog(user, f["post"].author), {"owner"}),
    "can_export": (lambda user, f: policy.can_export(user, f["post"].author), {"owner"}),
    "can_edit_profile": (lambda user, f: policy.can_edit_profile(user, f["people"]["reader"]), {"reader"}),
    "can_manage_picture": (lambda user, f: policy.can_manage_picture(user, f["picture"]), {"owner"}),
    "can_follow": (lambda user, f: policy.can_follow(user, f["post"].author), EVERYONE - {"owner"}),
    "can_see_moderation_queue": (lambda user, f: policy.can_see_moderation_queue(user), {"moderator", "superuser"}),
    "can_ban_users": (lambda user, f: policy.can_ban_users(user), {"moderator", "superuser"}),
    "can_ban (a reader)": (lambda user, f: policy.can_ban(user, f["people"]["reader"]), EVERYONE - {"reader"}),
    "can_ban (staff)": (lambda user, f: policy.can_ban(user, f["people"]["staff"]), {"superuser"}),
    "can_ban (a superuser)": (lambda user, f: policy.can_ban(user, f["people"]["superuser"]), set()),
    "can_use_admin": (lambda user, f: policy.can_use_admin(user), STAFF),
    "requires_mfa": (lambda user, f: policy.requires_mfa(user), STAFF),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", RULES)
def test_each_rule_answers_each_role(rule, role, people, post, draft, comment, held, picture, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    ask, allowed = RULES[rule]
    answer = ask(
        people[role],
        {"people": people, "post": post, "draft": draft, "comment": comment, "held": held, "picture": picture},
    )
    assert answer is (role in allowed)


# With OPEN_AUTHORING off, only Bloggers and staff may write.
CLOSED_WRITERS = {"blogger"} | STAFF


@pytest.mark.parametrize("role", ROLES)
def test_with_open_authoring_off_only_bloggers_and_staff_may_write(role, people, settings):
    settings.OPEN_AUTHORING = False
    assert policy.can_write(people[role]) is (role in CLOSED_WRITERS)


def test_mfa_is_asked_of_nobody_when_the_setting_is_off(people, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert not any(policy.requires_mfa(user) for user in people.values())


def test_a_superuser_without_staff_status_may_still_edit_any_post(post):
    """`has_perm` says yes to every active superuser, and the staff flag is not asked of them."""
    assert policy.can_edit_post(UserFactory(username="root2", is_superuser=True), post)


def test_an_inactive_superuser_may_not_edit_someone_elses_post(post):
    assert not policy.can_edit_post(
        UserFactory(username="gone", is_staff=True, is_superuser=True, is_active=False), post
    )


def test_the_verified_answer_is_remembered_until_the_members_addresses_change(
    people, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    reader = people["reader"]
    assert policy.has_verified_email(reader)
    with django_assert_num_queries(0):
        assert policy.has_verified_email(reader)
    address = EmailAddress.objects.get(user=reader)
    address.verified = False
    address.save()
    assert not policy.has_verified_email(reader)


@pytest.mark.parametrize("role", ROLES)
def test_the_filter_of_seen_comments_keeps_what_can_see_comment_allows(role, people, post):
    """Threads filter comments in the database with `seen_comments_q`; it must agree with the rule."""
    user = people[role]
    comments = [
        CommentFactory(post=post, author=author, status=status)
        for author in (people["reader"], people["owner"])
        for status in Comment.Status.values
    ]
    user_id = user.pk if user.is_authenticated else None
    kept = set(Comment.objects.filter(policy.seen_comments_q(user_id)).values_list("pk", flat=True))
    assert kept == {c.pk for c in comments if policy.can_see_comment(user, c)}
    assert kept != {c.pk for c in comments}
