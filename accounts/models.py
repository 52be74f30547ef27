from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import username_format_validator, validate_language, validate_time_zone


class UserQuerySet(models.QuerySet):
    def named(self, username: str):
        """The user called `username`, in any letter case, found through the unique index on
        LOWER(username) (`username__iexact` compiles to UPPER() on PostgreSQL, which no index serves)."""
        return self.alias(username_lower=Lower("username")).filter(username_lower=username.lower())


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        return self.named(username).get()

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """Create a superuser whose email address counts as verified, so that it can sign in at once."""
        user = super().create_superuser(username, email, password, **extra_fields)
        if user.email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
            )
        return user


class Notify(models.TextChoices):
    """How a member hears of one kind of event: it always lands in their inbox unless off."""

    INSTANT = "instant", _("Inbox and email at once")
    DIGEST = "digest", _("Inbox and the weekly digest email")
    INBOX = "inbox", _("Inbox only")
    OFF = "off", pgettext_lazy("notifications", "Off")


def avatar_upload_to(instance, filename):
    return f"avatars/{instance.pk or 'new'}/{filename}"


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=30,
        unique=True,
        help_text=_("Your blog's address: /@username/. Letters, digits, hyphens and underscores; 3 to 30 characters."),
        # Reserved names are refused at sign-up (AccountAdapter.clean_username), not here: an operator may
        # still name a staff account `admin` with createsuperuser.
        validators=[username_format_validator],
        error_messages={"unique": _("That username is already taken.")},
    )
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(blank=True, max_length=2000, help_text=_("A few words about you, shown on your profile."))
    avatar = models.ImageField(upload_to=avatar_upload_to, blank=True)
    notify_replies = models.CharField(
        _("replies to my comments"), max_length=10, choices=Notify.choices, default=Notify.INSTANT
    )
    notify_comments = models.CharField(
        _("comments on my posts"), max_length=10, choices=Notify.choices, default=Notify.INSTANT
    )
    notify_moderation = models.CharField(
        _("my held comments approved or removed"), max_length=10, choices=Notify.choices, default=Notify.INBOX
    )
    # Empty: the visitor's (the browser's languages, the site's time zone).
    language = models.CharField(max_length=16, blank=True, validators=[validate_language])
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        permissions = [("ban_user", _("Can ban and unban users"))]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self):
        return self.username

    def get_absolute_url(self):
        return reverse("accounts:about", kwargs={"username": self.username})

    @classmethod
    def normalize_username(cls, username):
        # Usernames are addresses (`/@name/`), so they are unique regardless of case; storing them in
        # lower case keeps one spelling of each address.
        return super().normalize_username(username).lower()

    @property
    def name(self) -> str:
        """The name shown beside the user's posts and comments."""
        return self.display_name or self.username


def remote_avatar_upload_to(instance, filename):
    # `filename` is always one the pipeline made up (random), never one from elsewhere.
    return f"remote-avatars/{filename}"


class RemoteAvatar(models.Model):
    """The picture of someone from another site (a fediverse account, a webmention's author), kept here so
    that no page shows a picture from elsewhere: fetched in the background from `source_url`, checked and
    re-encoded as uploads are, and stored as two squares (see accounts/remote_avatars.py)."""

    # The sides of the stored squares, `image` then `image_2x`, in pixels: pages show them at 40 px at most, so
    # 96 serves screens up to 2x, 192 the rest.
    SIZES = (96, 192)

    # Whose picture it is: the fediverse actor's id, or the address of the webmention's author.
    key = models.URLField(max_length=500, unique=True)
    # Where their picture is, as last heard (empty: they have none), and where the stored one came from.
    source_url = models.URLField(max_length=2000, blank=True)
    fetched_url = models.URLField(max_length=2000, blank=True)
    image = models.FileField(upload_to=remote_avatar_upload_to, max_length=200, blank=True)
    image_2x = models.FileField(upload_to=remote_avatar_upload_to, max_length=200, blank=True)
    # When the last fetch was claimed (in the future: one waits for then); at most one a day.
    attempted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remote avatar")
        verbose_name_plural = _("remote avatars")

    def __str__(self):
        return self.key

    @property
    def srcset(self) -> str:
        """Both stored squares for an `<img srcset>`, each with its width (no query)."""
        files = (self.image, self.image_2x)
        return ", ".join(f"{file.url} {size}w" for file, size in zip(files, self.SIZES, strict=True))
