"""Staff accounts may use the admin and the moderation queue only once a second factor protects them."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


def needs_second_factor(user) -> bool:
    """Whether `user` is staff (moderators are) without a second factor while MFA_REQUIRED_FOR_STAFF is on
    (one query for staff, none for anyone else)."""
    return bool(
        settings.MFA_REQUIRED_FOR_STAFF and user.is_authenticated and user.is_staff and not is_mfa_enabled(user)
    )


class StaffSecondFactorMiddleware:
    """Sends staff without two-factor authentication from the admin and the comment queue to the page that
    turns it on. Signing in to the admin goes through allauth's own sign-in (blogsite/admin.py), where the
    second factor is asked for; this covers the accounts that have none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR_STAFF or not request.path.startswith(self.guarded_prefixes()):
            return None
        if needs_second_factor(request.user):
            messages.warning(
                request,
                "Staff accounts need two-factor authentication to use the admin and moderate comments. "
                "Set up an authenticator app or a security key first.",
            )
            return redirect("mfa_index")
        return None

    @staticmethod
    def guarded_prefixes() -> tuple[str, ...]:
        return (reverse("admin:index"), reverse("comments:queue"))
