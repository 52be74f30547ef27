"""The writer's desk around the post form: preview, autosave, and a post's revisions (history, compare,
restore).

The form's own pages (`/write/`, `…/edit/`) are in `views.py` and build their page with `editor_page`.
Everything here changes state only on POST, with a CSRF token, for a writer who may edit the post; a post
the user may not edit is not found (a draft) or forbidden (a public post), as on its edit page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.policy import can_edit_post, can_write

from . import services
from .diffs import compare
from .forms import AutosaveForm, PostForm, PreviewForm
from .models import Autosave, Post, show_times_for


def _when(value) -> str:
    """A time as the writer reads it: "10:42" today, "3 December 2026, 10:42" another day (their zone),
    in the formats of the active language, as the templates write it."""
    local = timezone.localtime(value)
    return (
        time_format(local, "TIME_FORMAT")
        if local.date() == timezone.localdate()
        else date_format(local, "DATETIME_FORMAT")
    )


def editor_page(request, *, form, post: Post | None, preview_html: str | None = None, status: int = 200):
    """The editor: the form, the preview beside it, and the offer to restore an unsaved version.

    Costs three queries beyond the form's own: the autosave, the revision count and (for a post) its labels,
    however many revisions the post has."""
    autosave = Autosave.objects.filter(author=request.user, post=post).first()
    restoring = request.GET.get("restore") == "autosave" and autosave is not None and request.method == "GET"
    offer = None
    if autosave is not None and not restoring and request.method == "GET":
        current = post.content() if post else {"title": "", "body": "", "labels": "", "excerpt": ""}
        if autosave.content() != current:
            offer = autosave
    context = {
        "form": form,
        "post": post,
        "preview_html": preview_html,
        "autosave_offer": offer,
        "autosave_time": _when(autosave.updated_at) if autosave else "",
        "restoring_autosave": restoring,
        "revision_count": post.revisions.count() if post else 0,
        "editor_url": post.get_edit_url() if post else reverse("posts:write"),
    }
    return render(request, "posts/post_form.html", context, status=status)


def autosave_form(request, *, post: Post | None):
    """The editor's form filled with the writer's autosave of `post` (`?restore=autosave`), else None."""
    if request.GET.get("restore") != "autosave":
        return None
    autosave = Autosave.objects.filter(author=request.user, post=post).first()
    if autosave is None:
        return None
    return PostForm(initial=PostForm.initial_from(autosave.content(), post=post, submitted=False), post=post)


def preview_form(request, *, post: Post | None):
    """For the form's Preview button (without JavaScript): the form again with what was typed, and the body
    rendered as it would be published. Nothing is saved; a chosen cover is not kept."""
    form = PostForm(initial=PostForm.initial_from(request.POST, post=post), post=post)
    body = request.POST.get("body", "")[: services.BODY_MAX_LENGTH]
    preview_html = Post.render_body(body, post.body_format if post else Post.BodyFormat.MARKDOWN)
    return form, preview_html


def _writer_or_refuse(request):
    """A JSON refusal for script requests from someone who may not write; None when they may."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": gettext("Please sign in again: your session has ended.")}, status=403)
    if not can_write(request.user):
        return JsonResponse({"error": gettext("You may not write posts.")}, status=403)
    return None


def _post_for_script(request, post_id) -> Post | None:
    """The post a script names by id, if this user may edit it; a forged or foreign id is not found."""
    if post_id is None:
        return None
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None or not can_edit_post(request.user, post):
        raise Http404("No such post.")
    return post


def _form_errors(form) -> JsonResponse:
    message = " ".join(str(error) for errors in form.errors.values() for error in errors)
    return JsonResponse({"error": message}, status=400)


@require_POST
def preview(request):
    """The body rendered by the pipeline that publishes (`Post.render_body`), as JSON `{"html": …}`."""
    if refusal := _writer_or_refuse(request):
        return refusal
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return _form_errors(form)
    post = _post_for_script(request, form.cleaned_data["post"])
    body_format = post.body_format if post else Post.BodyFormat.MARKDOWN
    return JsonResponse({"html": Post.render_body(form.cleaned_data["body"], body_format)})


@require_POST
def autosave(request):
    """Keeps what the writer has typed in their autosave of the post (or of a new post); the post is not
    changed. Answers JSON `{"saved_at": "10:42", "message": …}`."""
    if refusal := _writer_or_refuse(request):
        return refusal
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        return _form_errors(form)
    data = form.cleaned_data
    post = _post_for_script(request, data["post"])
    saved = services.save_autosave(
        author=request.user,
        post=post,
        title=data["title"],
        body=data["body"],
        labels=data["labels"],
        excerpt=data["excerpt"],
    )
    show_times_for(request.user, request.user)
    when = _when(saved.updated_at)
    return JsonResponse({"saved_at": when, "message": gettext("Unsaved changes kept at %(when)s.") % {"when": when}})


@require_POST
def discard_autosave(request):
    """Deletes the writer's autosave of a post (field `post`; empty for a new post) and goes back to it."""
    if not request.user.is_authenticated:
        raise PermissionDenied(gettext("Please sign in."))
    raw = request.POST.get("post", "")
    if raw and not raw.isdigit():
        return HttpResponseBadRequest(gettext("The post must be given by its number."))
    post = _post_for_script(request, int(raw) if raw else None)
    services.discard_autosave(author=request.user, post=post)
    messages.info(request, gettext("The unsaved version was discarded."))
    return redirect(post.get_edit_url() if post else reverse("posts:write"))


def _revision_id(request, name):
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError(gettext("“%(name)s” must be a revision number.") % {"name": name})
    return int(raw)


def history(request, post: Post):
    """A post's revisions, newest first, and the difference between two of them (`?old=<id>&new=<id>`;
    by default the two newest). Three queries however many revisions there are."""
    # Through the post's own manager, each revision's `post` is this instance: their restore links cost nothing.
    revisions = list(post.revisions.newest_first().select_related("editor"))
    by_id = {revision.pk: revision for revision in revisions}
    try:
        old_id, new_id = _revision_id(request, "old"), _revision_id(request, "new")
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0])
    if (old_id is not None and old_id not in by_id) or (new_id is not None and new_id not in by_id):
        raise Http404("This post has no such revision.")
    new = by_id[new_id] if new_id else (revisions[0] if revisions else None)
    if old_id:
        old = by_id[old_id]
    else:
        following = revisions[revisions.index(new) + 1 :] if new else []
        old = following[0] if following else None
    changes = compare(old.content(), new.content()) if old and new else []
    context = {"post": post, "revisions": revisions, "old": old, "new": new, "changes": changes}
    return render(request, "posts/post_history.html", context)


def restore(request, post: Post, revision_id: int):
    """Gives the post the revision's title, body, labels and excerpt again (a new revision)."""
    revision = get_object_or_404(post.revisions, pk=revision_id)
    try:
        post = services.restore_revision(revision=revision, editor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(post.get_history_url())
    messages.success(
        request,
        gettext("Restored the version of %(when)s. It is now the post's text.") % {"when": _when(revision.created_at)},
    )
    return redirect(post.get_history_url())
