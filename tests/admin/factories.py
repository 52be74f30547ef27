"""Comments as the queue sees them: awaiting moderation, with the writer's address."""

from comments.models import Comment
from comments.tests.factories import CommentFactory as ApprovedCommentFactory
from posts.tests.factories import PostFactory

__all__ = ["CommentFactory", "PostFactory"]


class CommentFactory(ApprovedCommentFactory):
    status = Comment.Status.PENDING
    ip_address = "192.0.2.10"
