from django import template
from django.conf import settings

from ..documents import handle
from ..models import Reaction, RemoteFollower

register = template.Library()


@register.inclusion_tag("federation/_dashboard_summary.html", takes_context=True)
def fediverse_summary(context):
    """The blog's fediverse handle and its number of remote followers, for the dashboard (one query)."""
    user = context.get("user")
    if not settings.FEDERATION or user is None or not user.is_authenticated:
        return {"federation": False}
    count = RemoteFollower.objects.filter(actor__blog__owner=user, actor__is_federated=True).count()
    return {"federation": True, "handle": handle(user.username), "follower_count": count}


@register.inclusion_tag("federation/_reactions.html")
def fediverse_reactions(post):
    """How many likes and boosts from the fediverse count on a public post, for its page: one query whatever
    their number, none when the site is off the fediverse."""
    if not settings.FEDERATION or not post.is_public:
        return {"likes": 0, "boosts": 0}
    counts = Reaction.objects.counts_for(post)
    return {"likes": counts[Reaction.Kind.LIKE], "boosts": counts[Reaction.Kind.ANNOUNCE]}
