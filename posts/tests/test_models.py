import pytest

from posts.models import Post

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def test_saving_renders_sanitized_html_and_counts_words(user):
    post = PostFactory(author=user, body="Two *words* <img src=x onerror=alert(1)>")
    assert "<em>words</em>" in post.body_html
    assert "onerror" not in post.body_html
    assert post.word_count == 2


def test_nul_characters_are_dropped_on_save_on_every_database(user):
    post = PostFactory(author=user, title="A\x00B", body="x\x00y", excerpt="e\x00")
    post.refresh_from_db()
    assert (post.title, post.body, post.excerpt) == ("AB", "xy", "e")


def test_html_format_posts_are_sanitized_not_rendered(user):
    post = PostFactory(author=user, body="<p>*not markdown*</p><script>x()</script>", body_format="html")
    assert post.body_html == "<p>*not markdown*</p>"
    assert Post.objects.get(pk=post.pk).summary == "*not markdown*"
