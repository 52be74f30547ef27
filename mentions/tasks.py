"""Webmention work that fetches other sites, off the request."""

from django_tasks import task

from . import services


@task()
def verify_webmention(receipt_id: int) -> str:
    return services.verify_webmention(receipt_id)


@task()
def plan_webmentions(post_id: int) -> int:
    return services.plan_webmentions(post_id)


@task()
def send_webmention(outgoing_id: int) -> str:
    return services.send_webmention(outgoing_id)
