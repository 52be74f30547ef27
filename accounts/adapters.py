"""Blogsite's hooks into django-allauth."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from background.mail import OutboxBackend

from .models import User
from .validators import validate_not_reserved


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth's default is the stock AbstractUser message; ours names the fix.
        "username_taken": User._meta.get_field("username").error_messages["unique"],
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts. Please wait a few minutes, or reset your password."
        ),
    }

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Refuse, besides allauth's checks, the names reserved for the site's own paths."""
        validate_not_reserved(username)
        return super().clean_username(username, shallow=shallow)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mail (address confirmations, password resets…) as it renders it, sent through the outbox:
        the request that asks for it returns without waiting for the mail server, and a server that is down
        gets it later (background/mail.py)."""
        user = context.get("user")
        # In the account's language; an address with no account yet (at sign-up) gets that of the person asking.
        with translation.override(getattr(user, "language", "") or translation.get_language()):
            message = super().render_mail(template_prefix, email, context, headers=headers)
        message.connection = OutboxBackend()
        return message

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """allauth's notices (password changed, address added…), with the account in the context so that
        `render_mail` knows whose language to write in."""
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email=email)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """The new account as the provider describes it, with the provider's name for the person as the display
        name. The username the provider suggests only fills in the sign-up form, which checks it as at sign-up."""
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))).strip()
        user.display_name = name[: User._meta.get_field("display_name").max_length]
        return user
