from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_callable
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from .forms import ProfileForm
from .models import User
from .services import update_profile
from .validators import is_site_language


def verify_email_response(request, *, purpose: str) -> HttpResponse:
    """The 403 page for a signed-in user without a confirmed email address, from any view that writes:
    why they are refused, and a button that sends the link again. Nothing is sent until they press it
    (allauth's own `verified_email_required` sends a mail as a side effect of a GET). `purpose` picks the
    sentence that says why ("comment", "follow a blog", "write posts" or "add pictures"; see
    accounts/_verify_notice.html), each translated whole."""
    return render(request, "accounts/verify_email_required.html", {"purpose": purpose}, status=403)


@login_required
def profile_edit(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            update_profile(form=form)
            translation.activate(request.user.language or translation.get_language_from_request(request))
            messages.success(request, _("Your profile has been saved."))
            response = redirect("accounts:profile")
            # The profile's language becomes this browser's too, over an earlier choice in the footer.
            if request.user.language:
                remember_language(response, request.user.language)
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
            return response
        # The failed form's instance already carries the rejected values; show the stored ones beside it.
        request.user.refresh_from_db()
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "accounts/profile_form.html", {"form": form, "profile": request.user})


@require_safe
def about(request, username):
    """A user's public profile page: the person with their blog (one query), and their recent posts and
    comments (one query each, from the posts and comments apps' template tags)."""
    profile = get_object_or_404(User.objects.select_related("blog").named(username), is_active=True)
    if profile.username != username:
        return redirect("accounts:about", username=profile.username, permanent=True)
    return render(request, "accounts/about.html", {"profile": profile})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def set_language(request):
    """The footer's language switch (a form that POSTs `language` and `next`): keeps the choice in Django's
    language cookie, which LocaleMiddleware reads before the browser's languages, and for a signed-in member
    saves it in their profile too; then goes back to `next`. An unknown language changes nothing; a GET
    only goes back.

    The form sits on pages the page cache shares between visitors, which must carry no CSRF token (a token
    sets a cookie, and one visitor's token would be served to the next). So a visitor's switch, which
    changes only that browser's cookie, is refused when the browser says it comes from another site
    (`Sec-Fetch-Site`, `Origin`); a member's pages are never shared, carry the token, and the change to
    their profile is checked with it as everywhere else."""
    if request.method == "POST" and request.user.is_authenticated:
        return _switch_member_language(request)
    if request.method == "POST" and not is_same_site(request):
        # The page every CSRF failure gets, found as CsrfViewMiddleware finds it.
        refuse = get_callable(settings.CSRF_FAILURE_VIEW)
        return refuse(request, reason="The language switch was sent from another site.")
    return _switch_language(request)


@csrf_protect
def _switch_member_language(request):
    code = request.POST.get("language", "")
    if is_site_language(code):
        # Only this field is written; no page the cache shares shows it (see pagecache.signals).
        request.user.language = code
        request.user.save(update_fields=["language"])
    return _switch_language(request)


def _switch_language(request):
    target = request.POST.get("next", request.GET.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    add_never_cache_headers(response)
    code = request.POST.get("language", "")
    if request.method == "POST" and is_site_language(code):
        remember_language(response, code)
    return response


def is_same_site(request) -> bool:
    """Whether a request comes from this site's own pages, as far as the browser tells: by `Sec-Fetch-Site`
    (every current browser sends it), else by `Origin`. A request that says neither (not from a browser's
    cross-site form) passes."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


def remember_language(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
