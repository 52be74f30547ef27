"""The dashboard's moderation queue: a blogger's decisions on the comments awaiting them, each one recorded."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Window
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from blogsite.params import parse_id
from comments.models import Comment

from .forms import ModerationForm
from .models import ModerationEvent
from .services import DONE, moderate_comments

QUEUE_PAGE_SIZE = 100


@require_http_methods(["GET", "POST"])
def queue(request):
    """The signed-in blogger's comments awaiting moderation; POST approves, marks spam or removes them."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        ids = [pk for v in request.POST.getlist("comments") if (pk := parse_id(v)) is not None]
        if (one := parse_id(request.POST.get("one", "").partition(":")[2])) is not None:
            ids.append(one)
        candidates = list(Comment.objects.awaiting_moderation_by(request.user).filter(pk__in=ids))
        form = ModerationForm(request.POST, queue=candidates)
        if form.is_valid():
            action = form.cleaned_data["action"]
            selected = form.cleaned_data["selected"]
            changed = moderate_comments(
                comments=selected, action=action, moderator=request.user, source=ModerationEvent.Source.DASHBOARD
            )
            messages.success(request, DONE[action] % {"count": changed})
        else:
            for error in form.non_field_errors():
                messages.error(request, error)
        return redirect(_safe_next(request) or reverse("moderation:queue"))
    # The total rides along on every row as a window count: the page and its size cost one query.
    pending = list(
        Comment.objects.awaiting_moderation_by(request.user).annotate(total=Window(Count("pk")))[:QUEUE_PAGE_SIZE]
    )
    return render(
        request,
        "moderation/queue.html",
        {"pending": pending, "pending_count": pending[0].total if pending else 0},
    )


def _safe_next(request) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None
