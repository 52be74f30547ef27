"""Who may write and comment. Views in every app ask these, so that the rules live in one place."""

from allauth.account.models import EmailAddress
from django.conf import settings

from blogsite.versions import member_scope, remember

BLOGGERS_GROUP = "Bloggers"


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


def can_write(user) -> bool:
    """Whether the user may write posts: verified, and (with OPEN_AUTHORING off) a Blogger or staff."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not settings.OPEN_AUTHORING and not (user.is_staff or user.groups.filter(name=BLOGGERS_GROUP).exists()):
        return False
    return has_verified_email(user)


def can_comment(user) -> bool:
    """Whether the user may comment and reply: signed in, active and verified."""
    return user.is_authenticated and user.is_active and has_verified_email(user)
