"""What makes reading comfortable: lists that say where a post is from, no empty archive pages, and a
label page that knows where it is."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes
from posts.models import Blog

from .factories import LabelFactory, PostFactory

SITE_CSS = settings.BASE_DIR / "static" / "css" / "site.css"

pytestmark = pytest.mark.django_db


@pytest.fixture
def karen(db):
    user = UserFactory(username="karen", display_name="Karen")
    Blog.objects.create(owner=user, title="Small victories")
    return user


def test_the_front_page_names_each_posts_blog(client, karen):
    PostFactory(author=karen, title="Spring at last")
    PostFactory(author=UserFactory(username="tomasz", display_name="Tomasz"), title="No blog settings yet")
    html = client.get("/").content.decode()
    assert re.search(r'in <a class="post-blog" href="/@karen/">Small victories</a>', html)
    assert re.search(r'in <a class="post-blog" href="/@tomasz/">Tomasz&#x27;s blog</a>', html)


def test_the_front_page_names_blogs_without_a_query_per_post(client, karen, django_assert_num_queries):
    for i in range(12):
        PostFactory(author=UserFactory(), title=f"Post {i}")
    # The page of posts with their authors and blogs, their labels, and the count for the pages.
    with django_assert_num_queries(3):
        client.get("/")


def test_covers_in_lists_are_shown_at_a_modest_size(client, karen):
    post = PostFactory(author=karen)
    post.cover.save("c.png", ContentFile(image_bytes("PNG")))
    html = client.get("/").content.decode()
    assert 'class="post-card-cover rounded mb-2"' in html
    text = SITE_CSS.read_text()
    rule = re.search(r"\.post-card \.post-card-cover \{([^}]*)\}", text)[1]
    assert "max-height: 10rem" in rule and "object-fit: cover" in rule


def test_an_archive_with_no_posts_is_not_found(client, karen):
    PostFactory(author=karen, published_at=datetime.datetime(2024, 5, 3, tzinfo=datetime.UTC))
    assert client.get(reverse("posts:archive_year", args=["karen", 2024])).status_code == 200
    assert client.get(reverse("posts:archive_month", args=["karen", 2024, 5])).status_code == 200
    assert client.get(reverse("posts:archive_year", args=["karen", 2023])).status_code == 404
    assert client.get(reverse("posts:archive_month", args=["karen", 2024, 6])).status_code == 404


def test_the_current_months_archive_is_a_page_even_before_its_first_post(client, karen):
    now = timezone.localtime()
    PostFactory(author=karen, published_at=now - datetime.timedelta(days=400))
    response = client.get(reverse("posts:archive_month", args=["karen", now.year, now.month]))
    assert response.status_code == 200
    assert "No posts here yet." in response.content.decode()


def test_a_blog_with_no_posts_is_not_found_except_by_its_owner(client, karen):
    assert client.get("/@karen/").status_code == 404
    client.force_login(karen)
    response = client.get("/@karen/")
    assert response.status_code == 200
    assert 'href="/write/"' in response.content.decode()


def test_a_label_page_marks_its_label_and_links_back_to_all_posts(client, karen):
    garden, travel = LabelFactory(name="Garden"), LabelFactory(name="Travel")
    PostFactory(author=karen, labels=[garden])
    PostFactory(author=karen, labels=[travel])
    html = client.get(reverse("posts:label", args=["karen", "garden"])).content.decode()
    assert re.search(r'<li class="current-label"><a href="/@karen/label/garden/" rel="tag" aria-current="page">', html)
    assert 'aria-current="page">Travel' not in html
    assert '<a href="/@karen/">← All posts</a>' in html
    assert '<li><a href="/@karen/">All posts</a></li>' in html
    home = client.get("/@karen/").content.decode()
    assert "current-label" not in home and "All posts</a>" not in home


def test_a_label_this_blog_never_used_is_not_found_on_it(client, karen):
    PostFactory(author=UserFactory(), labels=[LabelFactory(name="Garden")])
    PostFactory(author=karen)
    assert client.get(reverse("posts:label", args=["karen", "garden"])).status_code == 404


def test_older_and_newer_links_sit_in_the_text_column(client, karen):
    PostFactory(author=karen, published_at=timezone.now() - datetime.timedelta(days=2))
    middle = PostFactory(author=karen, published_at=timezone.now() - datetime.timedelta(days=1))
    PostFactory(author=karen)
    html = client.get(middle.get_absolute_url()).content.decode()
    assert 'class="post-pager' in html
    text = SITE_CSS.read_text()
    rule = re.search(r"\.post,\s*\.post-detail,\s*\.post-pager \{([^}]*)\}", text)[1]
    assert "max-width: calc(var(--reading-measure) + 2rem)" in rule and "margin-inline: auto" in rule
