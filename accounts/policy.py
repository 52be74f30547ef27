"""Who may do what: every permission rule of the site, in one place.

Each rule is a function of the user asking (a `User` or `AnonymousUser`) and, for rules about one thing, of
that thing. The model-level part asks `user.has_perm()` (the roles migration gives the Moderators group its
permissions) and the object-level part (is it theirs?) sits beside it in the same function. Services ask
these and raise `PermissionDenied`; views ask them to choose what to show, and between 404 and 403; templates
ask through the `policy` template library. This is the lowest app layer, so that every app may ask it.

Django's `has_perm()` answers True for any active superuser, and the rules below rely on it. Unless a rule
says otherwise, it costs no query.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Q

from blogsite.versions import member_scope, remember

BLOGGERS_GROUP = "Bloggers"


# People ---------------------------------------------------------------------------------------------------


def has_verified_email(user) -> bool:
    """Whether the user has confirmed an email address: one query, or none while their addresses and their
    account are as when it was last asked (it is kept under their member version, see pagecache.signals)."""
    if not user.is_authenticated:
        return False
    return remember(
        f"verified:{user.pk}",
        (member_scope(user.pk),),
        lambda: EmailAddress.objects.filter(user=user, verified=True).exists(),
    )


def can_use_admin(user) -> bool:
    """Whether the site's menus offer the user the Django admin: staff accounts (the admin itself also asks
    that the account be active)."""
    return bool(user.is_staff)


def requires_mfa(user) -> bool:
    """Whether the user must set up two-factor authentication before anything else (MFA_REQUIRED_FOR_STAFF,
    for staff accounts)."""
    return bool(settings.MFA_REQUIRED_FOR_STAFF and user.is_authenticated and user.is_staff)


def can_ban_users(user) -> bool:
    """Whether the user may ban and unban members at all (the Moderators group holds the permission); which
    members, `can_ban` says. Asks the user's permissions (two queries, once per user object)."""
    return user.has_perm("accounts.ban_user")


def can_ban(moderator, user) -> bool:
    """Whether `moderator`, who holds the permission to ban, may ban (or unban) `user`: never themselves;
    staff and superusers only by a superuser."""
    if user.pk == moderator.pk:
        return False
    if user.is_staff or user.is_superuser:
        return moderator.is_superuser
    return True


def _user_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def is_self(user, member) -> bool:
    """Whether `member` is the user themselves: what is theirs (their blog's settings and followers, their
    profile) is theirs alone to manage."""
    return user.is_authenticated and user.pk == member.pk


# Blogs ----------------------------------------------------------------------------------------------------


def can_manage_blog(user, owner) -> bool:
    """Whether the user runs `owner`'s blog: its settings, its followers, its first post. Its owner only."""
    return is_self(user, owner)


def can_export(user, owner) -> bool:
    """Whether the user may download `owner`'s blog (posts and comments) as a file: its owner only. (The
    `export_blog` command, run by whoever runs the site, exports any blog.)"""
    return can_manage_blog(user, owner)


def can_edit_profile(user, member) -> bool:
    """Whether the user may change `member`'s profile: their own only."""
    return is_self(user, member)


def can_follow(user, owner) -> bool:
    """Whether the user may follow `owner`'s blog (a visitor by email): anyone but its owner, who always knows
    when they publish."""
    return not is_self(user, owner)


def can_manage_picture(user, picture) -> bool:
    """Whether the user may change the alt text of, or delete, a picture of the media library: its owner
    only (to anyone else it is not there)."""
    return user.is_authenticated and user.pk == picture.owner_id


# Posts ----------------------------------------------------------------------------------------------------


def can_write(user) -> bool:
    """Whether the user may write posts (and import a blog): active and verified, and with OPEN_AUTHORING off
    a member of the Bloggers group or staff. One query for the group, and the verified-address lookup."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not settings.OPEN_AUTHORING and not (user.is_staff or user.groups.filter(name=BLOGGERS_GROUP).exists()):
        return False
    return has_verified_email(user)


def can_edit_post(user, post) -> bool:
    """Whether the user may edit, delete or restore a revision of `post`: its author, or a staff account
    allowed to change any post (superusers; not comment moderators). No query for the author or an account
    without staff status: only staff may edit others' posts, and asking a reader's permissions would cost
    every post page they read two queries."""
    if not user.is_authenticated:
        return False
    if user.pk == post.author_id:
        return True
    return (user.is_staff or user.is_superuser) and user.has_perm("posts.change_post")


def can_see_post(user, post) -> bool:
    """Whether the user may read `post`: anyone once it is public; its drafts and scheduled posts only those
    who may edit it (to anyone else they do not exist: 404)."""
    return post.is_public or can_edit_post(user, post)


def can_moderate_post(user, post) -> bool:
    """Whether the user moderates what readers add to `post` (its comments and webmentions): its author, or
    staff. Their own comments there are never held for approval."""
    return user.is_authenticated and (user.is_staff or user.pk == post.author_id)


# Comments -------------------------------------------------------------------------------------------------


def can_comment(user) -> bool:
    """Whether the user may comment and reply: signed in, active and verified."""
    return user.is_authenticated and user.is_active and has_verified_email(user)


def is_comment_author(user_id: int | None, author_id: int | None) -> bool:
    """Whether the account `user_id` (None: a visitor) wrote the comment by `author_id` (None: a guest's or
    a reply from another server). Code that walks a thread asks it with ids, once a comment, at no cost."""
    return user_id is not None and author_id == user_id


def can_edit_comment(user, comment) -> bool:
    """Whether the user may change the text of `comment`: its author only."""
    return is_comment_author(_user_id(user), comment.author_id)


def sees_comment(user_id: int | None, comment) -> bool:
    """`can_see_comment` for code that walks a thread with the viewer's id (None: a visitor). No query."""
    if comment.status == comment.Status.APPROVED:
        return True
    return comment.status == comment.Status.PENDING and is_comment_author(user_id, comment.author_id)


def can_see_comment(user, comment) -> bool:
    """Whether the user may read `comment`: anyone once it is approved; while it awaits moderation, its author
    only (to anyone else it is a placeholder, or not there)."""
    return sees_comment(_user_id(user), comment)


def seen_comments_q(user_id: int | None) -> Q:
    """`can_see_comment` as a filter on comments, for the viewer's id (None: a visitor). The statuses are
    `Comment.Status` values (this layer does not import the comments app)."""
    q = Q(status="approved")
    if user_id is not None:
        q |= Q(status="pending", author_id=user_id)
    return q


def can_remove_comment(user, *, author_id: int | None, post) -> bool:
    """Whether the user may remove a comment by `author_id` (None: anyone's) on `post`: its author, the
    post's author, or staff."""
    if not user.is_authenticated:
        return False
    return can_moderate_post(user, post) or (author_id is not None and user.pk == author_id)


def can_see_moderation_queue(user) -> bool:
    """Whether the user moderates every blog's comments from the admin's queue: staff allowed to see
    comments there. Asks the user's permissions (two queries, once a request) only for staff."""
    return user.is_staff and user.has_perm("comments.view_comment")
