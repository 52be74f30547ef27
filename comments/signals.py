from django.dispatch import Signal

# Sent when comments change through a bulk update that model signals don't see (moderation decisions,
# bans). Arguments: `sender` (the Comment class), `post_ids` (the posts whose comments changed). The page
# cache listens to this.
comments_changed = Signal()
