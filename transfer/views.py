from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .exporter import EXPORTERS
from .forms import DeleteAccountForm
from .services import delete_account, export_user_data


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _download(chunks, *, filename: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def export_blog(request, fmt):
    """The signed-in user's own blog as a file: WXR or JSON (there is no way to ask for someone else's)."""
    if fmt not in EXPORTERS:
        raise Http404("No such export format.")
    export, extension, content_type = EXPORTERS[fmt]
    stamp = timezone.now().strftime("%Y-%m-%d")
    return _download(
        export(author=request.user, site_url=_site_url(request)),
        filename=f"{request.user.username}-blog-{stamp}.{extension}",
        content_type=content_type,
    )


@require_GET
@login_required
def download_data(request):
    stamp = timezone.now().strftime("%Y-%m-%d")
    return _download(
        export_user_data(user=request.user, site_url=_site_url(request)),
        filename=f"{request.user.username}-data-{stamp}.json",
        content_type="application/json",
    )


def _has_no_password(request) -> bool:
    return not request.user.has_usable_password()


@login_required
# The form asks for the password; an account without one (signed up through another site, or with a passkey)
# confirms who it is through allauth's reauthentication instead.
@reauthentication_required(enabled=_has_no_password)
def delete_account_view(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        keep = form.cleaned_data["comments"] == DeleteAccountForm.KEEP
        logout(request)
        delete_account(user=user, keep_comments=keep)
        messages.success(request, "Your account and your blog have been deleted. Goodbye, and thank you.")
        return redirect("posts:front")
    return render(request, "transfer/delete_account.html", {"form": form})
