"""Posts and comments for the admin's tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.models import Comment, path_segment
from posts.models import Post


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    body = "Some words about something."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class CommentFactory(factory.django.DjangoModelFactory):
    """A top-level comment by a signed-in reader, awaiting moderation."""

    class Meta:
        model = Comment
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}, with an opinion.")
    status = Comment.Status.PENDING
    ip_address = "192.0.2.10"

    @factory.post_generation
    def thread_path(obj, create, extracted, **kwargs):
        if create and not obj.path:
            obj.path = path_segment(obj.pk)
            Comment.objects.filter(pk=obj.pk).update(path=obj.path)
