"""Bad input never yields a 500: it gets a form error, a 4xx, or is stored and shown harmlessly."""

import pytest
from django.test import Client

from comments.models import Comment
from posts.tests.factories import PostFactory

from .htmlcheck import feed_problems

pytestmark = pytest.mark.django_db


def test_control_characters_in_a_comment_do_not_break_the_comments_feed(owner, reader):
    post = PostFactory(author=owner, title="Vertical\x0btab title")
    Comment.objects.create(
        post=post, author=reader, body="x", body_html="<p>form\x0cfeed and \x01start</p>", status="approved", path="1"
    )
    response = Client().get(post.get_absolute_url() + "comments/feed/")
    assert response.status_code == 200
    assert b"formfeed and start" in response.content
    assert feed_problems(response.content) == []
