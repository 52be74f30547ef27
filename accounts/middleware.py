"""Staff accounts may use the admin and the moderation queue only once a second factor protects them; each
signed-in session's row on the sessions page stays current; an unreachable sign-in provider gets a page;
a signed-in person's language and time zone apply."""

import time

from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .policy import requires_mfa
from .validators import is_site_language, own_time_zone


def needs_second_factor(user) -> bool:
    """Whether `user` is staff (moderators are) without a second factor while MFA_REQUIRED_FOR_STAFF is on
    (one query for staff, none for anyone else)."""
    return requires_mfa(user) and not is_mfa_enabled(user)


class StaffSecondFactorMiddleware:
    """Sends staff without two-factor authentication from the admin and the comment queue to the page that
    turns it on. Signing in to the admin goes through allauth's own sign-in (blogsite/admin.py), where the
    second factor is asked for; this covers the accounts that have none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Staff first: the two reverse() calls of the prefixes cost more than the rest, and most requests
        # are not staff's.
        user = request.user
        if not requires_mfa(user):
            return None
        if request.path.startswith(self.guarded_prefixes()) and needs_second_factor(user):
            messages.warning(
                request,
                _(
                    "Staff accounts need two-factor authentication to use the admin and moderate comments. "
                    "Set up an authenticator app or a security key first."
                ),
            )
            return redirect("mfa_index")
        return None

    @staticmethod
    def guarded_prefixes() -> tuple[str, ...]:
        return (reverse("admin:index"), reverse("moderation:queue"))


SEEN_AT_KEY = "accounts.session_seen_at"
# How stale a session's "last seen" may get: the row is written at most this often, not on every request.
SEEN_EVERY_SECONDS = 300


def mark_session_seen(request) -> None:
    request.session[SEEN_AT_KEY] = int(time.time())


class SessionActivityMiddleware:
    """Keeps each signed-in session's row (allauth.usersessions: address, browser, last seen) up to date for
    the sessions page, writing it at most every SEEN_EVERY_SECONDS per session: allauth's own middleware
    writes it on every request, which would add queries to every page and a write to every read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.session_key:
            seen_at = request.session.get(SEEN_AT_KEY, 0)
            if not isinstance(seen_at, int) or time.time() - seen_at > SEEN_EVERY_SECONDS:
                UserSession.objects.create_from_request(request)
                mark_session_seen(request)
        return self.get_response(request)


class SocialProviderErrorMiddleware:
    """A sign-in provider that cannot be reached (down, too slow: SOCIALACCOUNT_REQUESTS_TIMEOUT) as the sign-in
    starts gets the sign-in error page with 502, not a server error. allauth handles failures later in the
    exchange itself; this one happens before, when it fetches an OpenID Connect server's configuration.
    A provider with no app configured answers 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from allauth.socialaccount.models import SocialApp
        from requests import RequestException

        if isinstance(exception, SocialApp.DoesNotExist):
            # allauth's addresses for a provider that has no app configured (in the environment or the admin).
            raise Http404("No such sign-in provider here.") from exception
        if not isinstance(exception, RequestException):
            return None
        return render(request, "socialaccount/authentication_error.html", {"provider_unreachable": True}, status=502)


class PreferencesMiddleware:
    """Shows a signed-in person the site in their own language and time zone (from their profile): the language
    over the browser's (but not over a choice made in this browser with the footer's switch, which saving
    the profile brings in step), the time zone over the site's TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if zone := own_time_zone(user):
            timezone.activate(zone)
        chosen_here = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if user.is_authenticated and user.language and not chosen_here and is_site_language(user.language):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
