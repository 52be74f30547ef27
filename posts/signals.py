from django.dispatch import Signal

# Sent once when a post first becomes public (published now, or a scheduled post switched by
# `publish_due_posts`), after the transaction commits. Arguments: `sender` (the Post class), `post`.
# Notifications (followers, webmentions, cache purges) connect here.
post_published = Signal()
