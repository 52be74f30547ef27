"""The background app's own tasks."""

from django_tasks import TaskContext, task

from . import mail
from .pruning import PRUNE_BATCH, prune_all, prune_now_and_then


@task(takes_context=True)
def deliver_mail(context: TaskContext, keys: list[str]) -> dict[str, int]:
    """Send the outbox rows named by `keys` that are still waiting (see mail.deliver), and prune sent mail
    (with the other records kept for a while) now and then."""
    outcome = mail.deliver(keys, token=context.task_result.id)
    prune_now_and_then()
    return outcome


@task
def prune_records() -> dict[str, int]:
    """Delete a batch of what every app prunes (see pruning.py)."""
    return prune_all(limit=PRUNE_BATCH)
