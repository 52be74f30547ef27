"""The background app's own tasks."""

from django_tasks import TaskContext, task

from . import mail


@task(takes_context=True)
def deliver_mail(context: TaskContext, keys: list[str]) -> dict[str, int]:
    """Send the outbox rows named by `keys` that are still waiting (see mail.deliver)."""
    return mail.deliver(keys, token=context.task_result.id)
