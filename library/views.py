"""The media library: one's own pictures, uploading (from the editor's script or a plain form), deleting."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.policy import can_write, has_verified_email
from accounts.views import verify_email_response

from . import services
from .forms import AltForm, PictureForm
from .models import Picture

PAGE_SIZE = 40


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _own_picture(request, pk) -> Picture:
    """The signed-in user's picture `pk`; someone else's is as missing as one that never was (404)."""
    return get_object_or_404(Picture.objects.owned_by(request.user).with_posts_seen_by(request.user), pk=pk)


def _library_context(request) -> dict:
    used = services.used_bytes(request.user)
    quota = services.quota_bytes()
    return {
        "used": used,
        "quota": quota,
        "used_percent": min(100, round(100 * used / quota)) if quota else 100,
        "max_upload": settings.PICTURE_MAX_BYTES,
    }


@login_required
@require_http_methods(["GET"])
def picture_list(request):
    pictures = Picture.objects.owned_by(request.user).for_library(request.user)
    page = Paginator(pictures, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"pictures": page.object_list, "page_obj": page, "form": PictureForm(), **_library_context(request)}
    return render(request, "library/picture_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """GET: the "Add a picture" form. POST: store the picture; a script asking for JSON gets the picture's
    address and Markdown, a form gets the picture's page with the Markdown to paste."""
    json = _wants_json(request)
    if not can_write(request.user):
        if json:
            return JsonResponse(
                {"error": gettext("You cannot add pictures: your account may not write posts.")}, status=403
            )
        if not has_verified_email(request.user):
            return verify_email_response(request, purpose="add pictures")
        raise PermissionDenied(gettext("Your account may not write posts."))
    form = PictureForm()
    if request.method == "POST":
        form = _store(request)
        if isinstance(form, Picture):
            picture = form
            if json:
                return JsonResponse(_as_json(picture), status=201)
            messages.success(request, gettext("Picture added. Copy its Markdown into your post."))
            return redirect(picture)
        if json:
            return JsonResponse({"error": " ".join(_messages(form))}, status=400)
    status = 400 if form.is_bound else 200
    return render(request, "library/picture_upload.html", {"form": form, **_library_context(request)}, status=status)


def _store(request) -> Picture | PictureForm:
    """The stored picture, or the form with what went wrong."""
    form = PictureForm(request.POST, request.FILES)
    if not form.is_valid():
        return form
    try:
        return services.store_picture(
            owner=request.user, file=form.cleaned_data["file"], alt=form.cleaned_data["alt"], uploader=request.user
        )
    except ValidationError as error:
        form.add_error("alt" if error.code == "alt_too_long" else "file", error)
        return form


def _messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def _as_json(picture: Picture) -> dict:
    return {
        "id": picture.pk,
        "url": picture.url,
        "alt": picture.alt,
        "width": picture.width,
        "height": picture.height,
        "markdown": picture.markdown(),
        "page": picture.get_absolute_url(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def picture_detail(request, pk):
    """A picture's page: its Markdown to paste, where it is used, its alt text to change."""
    picture = _own_picture(request, pk)
    form = AltForm(instance=picture)
    if request.method == "POST":
        form = AltForm(request.POST, instance=picture)
        if form.is_valid():
            try:
                services.change_alt(picture=picture, alt=form.cleaned_data["alt"], user=request.user)
            except ValidationError as error:
                form.add_error("alt", error)
            else:
                messages.success(
                    request, gettext("Alt text saved. Posts that show the picture keep the text they have.")
                )
                return redirect(picture)
    return render(request, "library/picture_detail.html", {"picture": picture, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    """Delete an unused picture at once; for one that posts show, say which and ask first."""
    picture = _own_picture(request, pk)
    used_in = list(picture.posts.all())
    if request.method == "POST" and (not used_in or request.POST.get("confirm") == "yes"):
        services.delete_picture(picture=picture, user=request.user)
        messages.success(request, gettext("Picture deleted."))
        return redirect("library:list")
    return render(request, "library/picture_confirm_delete.html", {"picture": picture, "used_in": used_in})
