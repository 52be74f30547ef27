from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policy import BLOGGERS_GROUP, can_export, can_write

from .exporter import EXPORTERS
from .forms import DeleteAccountForm, ImportForm
from .importer import ImportBusy
from .jobs import cancel_import, start_import
from .models import ImportJob
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
    if not can_export(request.user, request.user):
        raise PermissionDenied
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
        messages.success(request, gettext("Your account and your blog have been deleted. Goodbye, and thank you."))
        return redirect("posts:front")
    return render(request, "transfer/delete_account.html", {"form": form})


# Import from the dashboard ------------------------------------------------------------------------------


def _may_import(request):
    if not can_write(request.user):
        return render(request, "posts/cannot_write.html", {"bloggers_group": BLOGGERS_GROUP}, status=403)
    return None


def _import_page(request, form, *, status=200, error=""):
    jobs = ImportJob.objects.filter(owner=request.user)[:5]
    active = next((job for job in jobs if job.is_active), None)
    context = {
        "form": form,
        "error": error,
        "jobs": jobs,
        "active": active,
        "max_mb": settings.IMPORT_MAX_UPLOAD_MB,
    }
    return render(request, "transfer/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_blog(request):
    """The dashboard's import: a form to upload an export file, and the latest imports with their state.
    Uploads are size-limited as they are read (transfer.middleware.ImportUploadLimitMiddleware)."""
    refused = _may_import(request)
    if refused is not None:
        return refused
    if request.method != "POST":
        return _import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    limit = getattr(request, "upload_limit", None)
    if limit is not None and limit.exceeded:
        too_large = gettext("The file is larger than %(max_mb)s MB, the most this site takes.") % {
            "max_mb": settings.IMPORT_MAX_UPLOAD_MB
        }
        return _import_page(request, ImportForm(), status=413, error=too_large)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    try:
        job = start_import(
            owner=request.user, upload=form.cleaned_data["file"], fetch_images=form.cleaned_data["fetch_images"]
        )
    except ImportBusy:
        busy = gettext("You already have an import waiting or running: let it finish, or cancel it, first.")
        return _import_page(request, form, status=409, error=busy)
    return redirect(job.get_absolute_url())


@login_required
@require_GET
def import_status(request, pk):
    """One import's progress (the page refreshes itself while it runs, without JavaScript) or outcome."""
    job = get_object_or_404(ImportJob.objects.select_related("owner"), pk=pk, owner=request.user)
    return render(request, "transfer/import_status.html", {"job": job, "refresh": job.is_active})


@login_required
@require_POST
def import_cancel(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, owner=request.user)
    cancel_import(job=job)
    return redirect(job.get_absolute_url())
