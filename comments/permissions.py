"""Who may do what to a comment: one home for the rules the views, the services and the thread's links share."""


def may_remove(*, user, author_id: int | None, post) -> bool:
    """Whether `user` may remove a comment by `author_id` (None: anyone's) on `post`: its author, the
    post's author, or staff. No query."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.pk == post.author_id or (author_id is not None and user.pk == author_id)
