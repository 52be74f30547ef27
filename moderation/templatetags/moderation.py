from django import template
from django.db.models import Count, Window

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("moderation/_queue.html", takes_context=True)
def moderation_queue(context, limit=20):
    """The signed-in blogger's comments awaiting moderation, for the dashboard (one query).

    The total rides along on every row as a window count, so the list and its size cost one query.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending": [], "pending_count": 0}
    pending = list(Comment.objects.awaiting_moderation_by(user).annotate(total=Window(Count("pk")))[:limit])
    return {
        "pending": pending,
        "pending_count": pending[0].total if pending else 0,
        "request": request,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
