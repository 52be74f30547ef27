from django import template
from django.conf import settings

from ..documents import handle
from ..models import RemoteFollower

register = template.Library()


@register.inclusion_tag("federation/_dashboard_summary.html", takes_context=True)
def fediverse_summary(context):
    """The blog's fediverse handle and its number of remote followers, for the dashboard (one query)."""
    user = context.get("user")
    if not settings.FEDERATION or user is None or not user.is_authenticated:
        return {"federation": False}
    count = RemoteFollower.objects.filter(actor__blog__owner=user, actor__is_federated=True).count()
    return {"federation": True, "handle": handle(user.username), "follower_count": count}
