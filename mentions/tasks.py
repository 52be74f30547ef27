"""Webmention work that fetches other sites, off the request."""

from django_tasks import task

from background.pruning import prune_now_and_then

from . import services


@task()
def verify_webmention(receipt_id: int) -> str:
    state = services.verify_webmention(receipt_id)
    prune_now_and_then()
    return state


@task()
def plan_webmentions(post_id: int) -> int:
    return services.plan_webmentions(post_id)


@task()
def send_webmention(outgoing_id: int) -> str:
    status = services.send_webmention(outgoing_id)
    prune_now_and_then()
    return status
