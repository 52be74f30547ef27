from django.dispatch import Signal

# Sent once when a post first becomes public (published now, or a scheduled post switched by
# `publish_due_posts`), after the transaction commits. Arguments: `sender` (the Post class), `post`.
# Notifications (followers, webmentions, cache purges) connect here.
post_published = Signal()

# Sent when `update_post` changes what a public post says (title, body, labels or excerpt), or makes a post
# that was made a draft public again, after the transaction commits; not when it first becomes public (that
# is `post_published`). Arguments: `sender` (the Post class), `post`. Webmentions are sent again from here.
post_updated = Signal()

# Sent when `update_post` makes a public post a draft again (its author, or a moderator unpublishing it),
# after the transaction commits. Arguments: `sender` (the Post class), `post`. The pages it linked to are
# told it is gone from here. A deleted post sends Django's `pre_delete`.
post_withdrawn = Signal()
