"""What a blog's followers are told of its posts: Create when a post becomes public, Update when a public post
changes, Delete when it is deleted or goes back to draft. The last activity sent for a post (and the post's
version it carried) decides, so that a change heard twice sends once."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import delivery, documents
from .models import Actor, OutgoingActivity

POST_KINDS = ("Create", "Update", "Delete")
# How recently a post must have become public for its first activity to be sent.
ANNOUNCE_WITHIN = timedelta(days=2)


def send_post_activity(post_id: int) -> str:
    """Send what the followers of the post's blog have not been told yet; returns the kind sent, or why none.
    Constant queries, whatever the number of followers; runs inside a transaction (the task's)."""
    if not settings.FEDERATION:
        return "federation is off"
    post = documents.federated_posts().filter(pk=post_id).first()
    last = OutgoingActivity.objects.filter(post_id=post_id, kind__in=POST_KINDS).order_by("-pk").first()
    if post is None:
        if last is None or last.kind == "Delete":
            return "nothing to tell"
        actor = Actor.objects.select_for_update().select_related("blog__owner").get(pk=last.actor_id)
        if not actor.is_federated:
            return "not federated"
        username = actor.blog.owner.username
        obj = documents.tombstone(last.payload["object"]["id"])
        payload = documents.activity("Delete", username, obj, activity_id=f"{obj['id']}#delete-{last.pk}")
        delivery.send(actor=actor, payload=payload, kind="Delete", post_id=post_id)
        return "Delete"
    actor = Actor.objects.select_for_update().filter(blog__owner_id=post.author_id, is_federated=True).first()
    if actor is None:
        # A blog nobody ever looked up on the fediverse has no followers there either.
        return "not federated"
    if last is not None and last.kind != "Delete" and last.version == post.updated_at:
        return "unchanged"
    if last is None and post.published_at < timezone.now() - ANNOUNCE_WITHIN:
        # An old post followers never heard of (brought in by an import, say) is not news: editing it now
        # does not put it in their timelines.
        return "too old to announce"
    kind = "Update" if last is not None and last.kind != "Delete" else "Create"
    delivery.send(actor=actor, payload=documents.wrap(kind, post), kind=kind, post_id=post_id, version=post.updated_at)
    return kind
