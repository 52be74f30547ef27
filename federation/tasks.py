"""Federation's background tasks: telling followers about a post, and delivering one activity to one inbox."""

from django.db import transaction
from django_tasks import task

from background.pruning import prune_now_and_then

from . import delivery, outbox, replies


@task
def send_post(post_id: int) -> str:
    """Tell the post's blog's followers what changed (see outbox.send_post_activity)."""
    with transaction.atomic():
        return outbox.send_post_activity(post_id)


@task
def deliver(delivery_id: int) -> str:
    """Deliver one activity to one inbox (see delivery.deliver), and prune finished ones now and then."""
    outcome = delivery.deliver(delivery_id)
    prune_now_and_then()
    return outcome


@task
def send_answer(comment_id: int) -> str:
    """Deliver a local reply to a fediverse reply back to its author (see replies.send_answer)."""
    with transaction.atomic():
        return replies.send_answer(comment_id)
