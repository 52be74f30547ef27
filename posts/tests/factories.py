import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.tests.factories import UserFactory
from posts.models import Blog, Label, Post


class BlogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blog
        django_get_or_create = ("owner",)

    owner = factory.SubFactory(UserFactory)
    title = factory.Faker("sentence", nb_words=3)


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"label {n}")
    slug = factory.LazyAttribute(lambda label: slugify(label.name, allow_unicode=True))


class PostFactory(factory.django.DjangoModelFactory):
    """A published post (a day old by default); use `status`/`published_at` for drafts and scheduled ones."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    # Its blog's, as `create_post` gives it.
    search_config = factory.LazyAttribute(lambda post: Blog.of(post.author).search_config)
    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.LazyAttributeSequence(lambda post, n: f"{slugify(post.title, allow_unicode=True)}-{n}")
    body = factory.LazyAttribute(lambda post: f"The first paragraph of *{post.title}*.\n\nA second paragraph.")
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def labels(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.labels.set(extracted)


class DraftFactory(PostFactory):
    status = Post.Status.DRAFT
    published_at = None
