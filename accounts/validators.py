"""Rules for usernames, which appear in public addresses as `/@<username>/`."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

# Names that are, or may one day be, paths of the site itself, or that would mislead readers.
RESERVED_USERNAMES = frozenset(
    {
        "about",
        "account",
        "accounts",
        "admin",
        "administrator",
        "api",
        "blog",
        "blogs",
        "dashboard",
        "edit",
        "feed",
        "feeds",
        "healthz",
        "help",
        "label",
        "labels",
        "login",
        "logout",
        "me",
        "media",
        "moderator",
        "new",
        "null",
        "root",
        "robots.txt",
        "rss",
        "search",
        "settings",
        "signup",
        "sitemap.xml",
        "staff",
        "static",
        "support",
        "system",
        "unsubscribe",
        "write",
        "www",
    }
)

username_format_validator = RegexValidator(
    regex=r"^[a-zA-Z0-9](?:[a-zA-Z0-9_-]*[a-zA-Z0-9])?\Z",
    message=(
        "Use letters, digits, hyphens and underscores only (no spaces or dots), "
        "starting and ending with a letter or digit."
    ),
    code="invalid_username",
)


@deconstructible
class ReservedUsernameValidator:
    message = "“%(value)s” is reserved for the site itself. Please choose another username."
    code = "reserved_username"

    def __call__(self, value: str) -> None:
        if value.lower() in RESERVED_USERNAMES:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return isinstance(other, ReservedUsernameValidator)


validate_not_reserved = ReservedUsernameValidator()
