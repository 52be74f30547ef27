"""Blogsite's hooks into django-allauth."""

from allauth.account.adapter import DefaultAccountAdapter

from background.mail import OutboxBackend

from .models import User
from .validators import validate_not_reserved


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth's default is the stock AbstractUser message; ours names the fix.
        "username_taken": User._meta.get_field("username").error_messages["unique"],
        "too_many_login_attempts": (
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
        message = super().render_mail(template_prefix, email, context, headers=headers)
        message.connection = OutboxBackend()
        return message
