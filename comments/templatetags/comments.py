from django import template

register = template.Library()


@register.inclusion_tag("comments/_thread.html", takes_context=True)
def comment_thread(context, post):
    """The comments section under a post."""
    return {"post": post, "request": context.get("request"), "user": context.get("user")}
