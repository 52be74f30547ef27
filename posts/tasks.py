import logging

from django_tasks import task

from . import websub
from .services import reindex_posts

logger = logging.getLogger(__name__)


@task()
def reindex_blog_posts(owner_id: int) -> int:
    """Index a blog's posts in its language's text search configuration, after the language changed; returns
    how many posts changed. Idempotent."""
    done = reindex_posts(owner_id=owner_id)
    logger.info("Indexed %d posts of blog %s in its language", done, owner_id)
    return done


@task()
def ping_hub(topic: str, attempt: int = 1) -> str:
    """Tell the WebSub hub that the feed `topic` changed (see posts/websub.py); returns what became of it."""
    return websub.ping(topic, attempt=attempt)
