"""What follows a post's publication or change within the posts app: telling the WebSub hub."""

from django.dispatch import receiver

from . import websub
from .signals import post_published, post_updated


@receiver(post_published, dispatch_uid="posts.websub_published")
@receiver(post_updated, dispatch_uid="posts.websub_updated")
def announce_to_hub(sender, post, **kwargs):
    websub.announce(post)
