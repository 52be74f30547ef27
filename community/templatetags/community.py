from django import template

register = template.Library()


@register.inclusion_tag("community/_profile_panel.html", takes_context=True)
def community_panel(context):
    """The profile page's part about following and the inbox: the blogs the member follows and how, and the
    imported comments they may claim (three queries: their confirmed addresses, the claimable count, the
    follows)."""
    from ..models import Follow
    from ..services import claimable_comments, verified_addresses

    user = context["user"]
    addresses = verified_addresses(user)
    return {
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "claimable": claimable_comments(user, addresses).count(),
        "follows": list(Follow.objects.filter(follower=user).select_related("blog__owner")[:100]),
    }
