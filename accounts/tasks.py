"""Accounts' background work: fetching pictures of people from elsewhere, off the request."""

from django_tasks import task

from . import remote_avatars


@task()
def fetch_remote_avatar(avatar_id: int) -> str:
    """Fetch, check and store one person's picture (see remote_avatars.refresh_avatar)."""
    return remote_avatars.refresh_avatar(avatar_id)
