"""Rules for usernames, which appear in public addresses as `/@<username>/`, and for the language and time
zone a person chooses."""

import functools

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

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
    message=_(
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


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zone names this machine knows (zoneinfo, or the tzdata package)."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def own_time_zone(user):
    """The zoneinfo.ZoneInfo a signed-in person chose in their profile, or None when they chose none (or the
    stored name is not one this machine knows) or nobody is signed in (no query)."""
    import zoneinfo

    name = getattr(user, "time_zone", "") if user.is_authenticated else ""
    return zoneinfo.ZoneInfo(name) if name in time_zone_names() else None


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone. Choose one from the list, such as Europe/Paris."),
            params={"value": value},
            code="invalid_time_zone",
        )


def is_site_language(code: str) -> bool:
    """Whether `code` is one of the languages the interface is offered in (settings.LANGUAGES)."""
    from django.conf import settings

    return any(code == known for known, _name in settings.LANGUAGES)


def validate_language(value: str) -> None:
    if value and not is_site_language(value):
        raise ValidationError(
            _("“%(value)s” is not one of the site's languages."), params={"value": value}, code="invalid_language"
        )
