from django import template

register = template.Library()


@register.inclusion_tag("accounts/_avatar.html")
def avatar(user, size=48):
    """A user's picture as a round `<img>`, or their initial when they have none; no queries."""
    return {"person": user, "size": size}
