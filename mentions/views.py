"""The webmention endpoint, the status page of each request, and moderation from the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from accounts.policy import can_moderate_post

from . import services
from .models import Mention, Receipt

MODERATION_STATUS = {"approve": Mention.Status.APPROVED, "reject": Mention.Status.REJECTED}


@csrf_exempt  # Other sites post here: a webmention is a request from a server, with no session to forge.
@require_POST
def endpoint(request):
    """Receive a webmention (form fields `source` and `target`): 201 with the status page in `Location`,
    the verification queued; or a 4xx with the reason as text."""
    try:
        receipt = services.receive_webmention(
            source=request.POST.get("source", ""),
            target=request.POST.get("target", ""),
            request_host=request.get_host(),
        )
    except services.Refused as refused:
        response = HttpResponse(refused.reason + "\n", status=refused.status, content_type="text/plain")
        if refused.retry_after is not None:
            response["Retry-After"] = str(refused.retry_after)
        return response
    status_url = request.build_absolute_uri(receipt.get_absolute_url())
    text = _("Accepted: the source will be checked. Status: %(url)s") % {"url": status_url}
    response = HttpResponse(text + "\n", status=201, content_type="text/plain")
    response["Location"] = status_url
    return response


@require_safe
def status(request, token):
    receipt = get_object_or_404(Receipt.objects.select_related("post", "post__author", "mention"), token=token)
    return render(request, "mentions/status.html", {"receipt": receipt})


@login_required
@require_POST
def moderate(request, pk):
    """Approve or reject one mention (`action`): its post's author, or staff."""
    mention = get_object_or_404(Mention.objects.select_related("post"), pk=pk)
    status = MODERATION_STATUS.get(request.POST.get("action", ""))
    if not can_moderate_post(request.user, mention.post):
        raise PermissionDenied(_("You may not moderate this mention."))
    if status is None:
        messages.error(request, _("Choose to approve or reject the mention."))
    else:
        services.moderate_mentions(mentions=[mention], status=status, moderator=request.user)
        messages.success(
            request, _("Mention from %(name)s: %(status)s.") % {"name": mention.display_name, "status": status.label}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("moderation:queue")
    return redirect(target)
