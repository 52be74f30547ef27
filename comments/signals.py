from django.dispatch import Signal

# Sent when comments change through a bulk update that model signals don't see (moderation decisions,
# bans). Arguments: `sender` (the Comment class), `post_ids` (the posts whose comments changed). The page
# cache listens to this.
comments_changed = Signal()

# Sent inside the transaction that saves a new comment (approved or held), so that what receivers write
# commits or rolls back with it. Arguments: `sender` (the Comment class), `comment`. Inboxes listen to this.
comment_posted = Signal()

# Sent inside the transaction of a moderation decision on comments (`services.decide_comments`). Arguments:
# `sender` (the Comment class), `comments` (those whose status changed, with their new status), `previous`
# ({comment id: status before}), `action` (a key of `services.DECISION_STATUS`), `moderator` (who decided) and
# `source` ("admin" or "dashboard"). The moderation log records each decision from this; inboxes listen too:
# a held comment approved or removed, a held reply that now reaches its parent's author.
comments_moderated = Signal()
