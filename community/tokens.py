"""Signed tokens in links that work without signing in: confirming a guest's subscription, and leaving a
blog's mail with one click (RFC 8058). The signature is the credential; nothing is stored for them."""

from django.core import signing
from django.utils.translation import gettext as _

UNSUBSCRIBE_SALT = "community.unsubscribe"
CONFIRM_SALT = "community.confirm"
# Unsubscribe links keep working for a year; every new mail carries a fresh one.
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600
# A guest has a week to confirm a subscription.
CONFIRM_MAX_AGE = 7 * 24 * 3600


class BadToken(Exception):
    """A token that is forged, damaged or expired; `message` says which, for the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _load(token: str, *, salt: str, max_age: int) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(_("This link has expired.")) from None
    except signing.BadSignature:
        raise BadToken(_("This link is not valid: it may have been cut short or changed.")) from None
    if not isinstance(data, dict):
        raise BadToken(_("This link is not valid: it may have been cut short or changed."))
    return data


def unsubscribe_token(*, follow=None, guest=None, digest_of=None) -> str:
    """The token that ends a member's follow (mail only: they stay in the inbox), a guest's subscription, or a
    member's weekly digest."""
    if follow is not None:
        data = {"f": follow.pk}
    elif guest is not None:
        data = {"g": guest.pk}
    else:
        data = {"d": digest_of.pk}
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, int]:
    """("follow", "guest" or "digest", id) for a valid token; BadToken otherwise."""
    data = _load(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    for key, kind in (("f", "follow"), ("g", "guest"), ("d", "digest")):
        if isinstance(data.get(key), int):
            return kind, data[key]
    raise BadToken(_("This link is not valid: it may have been cut short or changed."))


def confirm_token(guest) -> str:
    return signing.dumps({"g": guest.pk, "e": guest.email}, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> tuple[int, str]:
    """(subscription id, email) for a valid confirmation token; BadToken otherwise."""
    data = _load(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if not isinstance(data.get("g"), int) or not isinstance(data.get("e"), str):
        raise BadToken("This link is not valid: it may have been cut short or changed.")
    return data["g"], data["e"]
