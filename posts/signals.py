from django.dispatch import Signal

# Sent once when a post first becomes public (published now, or a scheduled post switched by
# `publish_due_posts`), after the transaction commits. Arguments: `sender` (the Post class), `post`.
# Notifications (followers, webmentions, cache purges) connect here.
post_published = Signal()

# Sent when `update_post` changes what a public post says (title, body, labels or excerpt), after the
# transaction commits; not when it first becomes public (that is `post_published`). Arguments: `sender`
# (the Post class), `post`. Webmentions are sent again from here.
post_updated = Signal()
