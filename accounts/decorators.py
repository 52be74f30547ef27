"""Guards for views that write (posts, comments): signed in, and with a verified email address.

allauth's own `verified_email_required` answers an unverified user with a 200 page and sends a verification
email as a side effect of a GET. Writing views need a refusal instead (403), and the resend to be the user's
explicit choice (a POST to allauth's email page, offered by `accounts/_verify_notice.html`).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import has_verified_email


def verify_email_response(request: HttpRequest, *, purpose: str = "write posts or comments") -> HttpResponse:
    """A 403 page telling a signed-in user without a verified email address why they are refused and how to
    verify (with a button that re-sends the verification email). `purpose` completes "To … you need …"."""
    return render(request, "accounts/verify_email_required.html", {"purpose": purpose}, status=403)


def verified_email_required_for_writing(view_func=None, *, purpose: str = "write posts or comments"):
    """Decorate a view so that anonymous users are sent to sign in (like `login_required`) and signed-in users
    without a verified email address get `verify_email_response` (403). Costs one query per request.

    Use bare (`@verified_email_required_for_writing`) or with a purpose
    (`@verified_email_required_for_writing(purpose="comment")`).
    """

    def decorator(func):
        @wraps(func)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_verified_email(request.user):
                return verify_email_response(request, purpose=purpose)
            return func(request, *args, **kwargs)

        return wrapped

    if view_func is not None:
        return decorator(view_func)
    return decorator
