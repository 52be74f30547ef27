from django import template

register = template.Library()


@register.inclusion_tag("accounts/_verify_notice.html", takes_context=True)
def verify_email_notice(context, purpose="write posts or comments"):
    """The "verify your email address" notice for a signed-in, unverified user; no queries of its own."""
    return {
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "purpose": purpose,
    }


@register.inclusion_tag("accounts/_avatar.html")
def avatar(user, size=48):
    """A user's picture as a round `<img>`, or their initial when they have none; no queries."""
    return {"person": user, "size": size}
