from django import template
from django.db.models import Count, Window
from django.urls import reverse
from django.utils.html import format_html

from ..models import Mention
from ..services import blog_takes_webmentions

register = template.Library()
# The most pending mentions the moderation page lists at once.
MODERATION_PAGE_SIZE = 100


@register.simple_tag(takes_context=True)
def webmention_endpoint(context, post):
    """`<link rel="webmention">` for a public post whose blog takes webmentions, and the same as an HTTP
    `Link` header (see middleware.py). No query: the post's author and blog are selected with it."""
    request = context.get("request")
    if request is None or not post.is_public or not blog_takes_webmentions(post.author):
        return ""
    url = request.build_absolute_uri(reverse("mentions:endpoint"))
    request.webmention_endpoint = url
    return format_html('<link rel="webmention" href="{}">', url)


@register.inclusion_tag("mentions/_mentions.html")
def post_mentions(post):
    """A post's approved mentions: replies with their author and excerpt, likes and reposts as names, other
    links as a list. One query, whatever their number (none when the blog takes no webmentions)."""
    groups = {kind: [] for kind in Mention.Kind.values}
    if post.is_public and blog_takes_webmentions(post.author):
        mentions = Mention.objects.filter(post=post).approved().select_related("author_avatar")
        for mention in mentions.order_by("created_at", "pk"):
            groups[mention.kind].append(mention)
    return {
        "replies": groups[Mention.Kind.REPLY],
        "likes": groups[Mention.Kind.LIKE],
        "reposts": groups[Mention.Kind.REPOST],
        "links": groups[Mention.Kind.MENTION],
        "total": sum(len(g) for g in groups.values()),
    }


@register.inclusion_tag("mentions/_moderation_list.html", takes_context=True)
def pending_mentions(context):
    """The oldest mentions of the signed-in user's posts awaiting moderation, with approve/reject buttons, and
    how many wait in all (one query: the total rides along on every row as a window count)."""
    request = context["request"]
    pending = list(
        Mention.objects.awaiting_moderation_by(request.user).annotate(total=Window(Count("pk")))[:MODERATION_PAGE_SIZE]
    )
    return {
        "pending": pending,
        "pending_count": pending[0].total if pending else 0,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
