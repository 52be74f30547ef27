import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.models import Comment, tree_path
from posts.tests.factories import PostFactory


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment by a registered reader, with its path set as `post_comment` would."""

    class Meta:
        model = Comment
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    parent = None
    depth = factory.LazyAttribute(lambda c: c.parent.depth + 1 if c.parent else 0)
    body = factory.Sequence(lambda n: f"A thoughtful remark, number {n}.")
    body_html = factory.LazyAttribute(lambda c: f"<p>{c.body}</p>")
    status = Comment.Status.APPROVED

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        obj.path = tree_path(obj.pk, obj.parent.path if obj.parent else "")
        if create:
            Comment.objects.filter(pk=obj.pk).update(path=obj.path)


class HeldCommentFactory(CommentFactory):
    """A comment awaiting moderation, with the writer's address, as the moderation queue sees it."""

    status = Comment.Status.PENDING
    ip_address = "192.0.2.10"


def bulk_threads(post, *, threads: int, replies: int = 0, authors=None, start_pk: int | None = None) -> int:
    """Insert `threads` approved top-level comments, each with a chain of `replies` nested replies, in
    bulk with explicit ids (so that paths are known before the insert). Returns how many were made.
    """
    authors = authors or [UserFactory()]
    if start_pk is None:
        last = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        start_pk = last + 1
    now = timezone.now()
    rows = []
    pk = start_pk
    for t in range(threads):
        parent = None
        for level in range(replies + 1):
            path = tree_path(pk, parent.path if parent else "")
            comment = Comment(
                pk=pk,
                post=post,
                author=authors[(t + level) % len(authors)],
                parent=parent,
                path=path,
                depth=level,
                body=f"Comment {pk}",
                body_html=f"<p>Comment {pk}</p>",
                status=Comment.Status.APPROVED,
                created_at=now,
            )
            rows.append(comment)
            parent = comment
            pk += 1
    Comment.objects.bulk_create_with_ids(rows)
    return len(rows)


def bulk_replies(parent: Comment, n: int) -> list[int]:
    """Insert `n` approved direct replies to `parent` in bulk, with explicit ids; returns their ids."""
    first = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    Comment.objects.bulk_create_with_ids(
        Comment(
            pk=pk,
            post_id=parent.post_id,
            author_id=parent.author_id,
            parent=parent,
            path=tree_path(pk, parent.path),
            depth=parent.depth + 1,
            body=f"Reply {pk}",
            body_html=f"<p>Reply {pk}</p>",
            status=Comment.Status.APPROVED,
            created_at=now,
        )
        for pk in range(first, first + n)
    )
    return list(range(first, first + n))
