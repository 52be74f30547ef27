"""A blog's language: where it comes from, the settings form, and where pages and feeds say it."""

import pytest
from defusedxml import ElementTree

from posts.models import Blog
from posts.tests.factories import BlogFactory, LabelFactory, PostFactory

pytestmark = pytest.mark.django_db

SETTINGS = "/dashboard/blog/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def settings_form(blog, **changes):
    data = {
        "title": blog.title,
        "description": blog.description,
        "comment_policy": blog.comment_policy,
        "language": blog.language,
        "time_zone": blog.time_zone,
    }
    return {**data, **changes}


def test_a_new_blog_takes_its_owners_language_and_time_zone(user):
    user.language, user.time_zone = "fr", "Europe/Paris"
    user.save()

    blog = Blog.objects.create(owner=user)

    assert (blog.language, blog.time_zone) == ("fr", "Europe/Paris")


def test_a_new_blog_of_an_owner_without_settings_takes_the_sites(user, settings):
    settings.TIME_ZONE = "America/Chicago"

    blog = Blog.objects.create(owner=user)

    assert (blog.language, blog.time_zone) == ("en", "America/Chicago")


def test_the_settings_form_offers_the_owners_defaults_before_the_blog_exists(client, user):
    user.language, user.time_zone = "fr", "Asia/Tokyo"
    user.save()
    client.force_login(user)

    form = client.get(SETTINGS).context["form"]

    assert (form["language"].value(), form["time_zone"].value()) == ("fr", "Asia/Tokyo")


def test_the_owner_sets_the_blogs_language_and_time_zone(client, user):
    blog = BlogFactory(owner=user)
    client.force_login(user)

    response = client.post(SETTINGS, settings_form(blog, language="ar", time_zone="Africa/Cairo"))

    assert response.status_code == 302
    blog.refresh_from_db()
    assert (blog.language, blog.time_zone) == ("ar", "Africa/Cairo")


def test_a_blog_may_be_written_in_a_language_the_interface_does_not_speak(client, user):
    blog = BlogFactory(owner=user)
    client.force_login(user)

    client.post(SETTINGS, settings_form(blog, language="ja"))

    blog.refresh_from_db()
    assert blog.language == "ja"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("language", "xx"),
        ("language", "klingon-but-longer-than-the-column"),
        ("language", "../en"),
        ("time_zone", "Mars/Olympus_Mons"),
        ("time_zone", "../../etc/localtime"),
        ("time_zone", "Europe/Paris\x00"),
    ],
)
def test_an_unknown_language_or_time_zone_is_refused_with_a_message(client, user, field, value):
    blog = BlogFactory(owner=user)
    before = (blog.language, blog.time_zone)
    client.force_login(user)

    response = client.post(SETTINGS, settings_form(blog, **{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    blog.refresh_from_db()
    assert (blog.language, blog.time_zone) == before


def test_a_form_without_language_or_zone_keeps_the_defaults(client, user):
    """Scripts that post the older form, without the two fields, get the owner's choices, not blanks."""
    user.language = "fr"
    user.save()
    client.force_login(user)

    client.post(SETTINGS, {"title": "Notes", "description": "", "comment_policy": "open"})

    blog = Blog.objects.get(owner=user)
    assert (blog.language, blog.time_zone) == ("fr", "UTC")


@pytest.fixture
def arabic_blog(user):
    return BlogFactory(owner=user, title="مدونة", language="ar")


@pytest.mark.parametrize("page", ["blog", "post", "label", "archive"])
def test_a_blogs_pages_carry_its_language(client, user, arabic_blog, page):
    post = PostFactory(author=user)
    label = LabelFactory(name="sky")
    post.labels.add(label)
    year = post.permalink_kwargs()["year"]
    url = {
        "blog": f"/@{user.username}/",
        "post": post.get_absolute_url(),
        "label": f"/@{user.username}/label/sky/",
        "archive": f"/@{user.username}/{year}/",
    }[page]

    html = client.get(url, headers={"accept-language": "en"}).content.decode()

    assert '<html lang="ar">' in html
    # The site's own frame stays in the reader's language, and says so.
    assert '<header class="site-header border-bottom" lang="en">' in html
    assert '<footer class="site-footer border-top py-4 mt-5" lang="en">' in html


def test_a_post_is_marked_with_its_blogs_language_and_direction_inside_another_interface(client, user, arabic_blog):
    post = PostFactory(author=user)

    html = client.get(post.get_absolute_url(), headers={"accept-language": "en"}).content.decode()

    assert '<article class="post" lang="ar" dir="rtl"' in html


def test_a_post_in_the_interfaces_language_needs_no_mark(client, user):
    BlogFactory(owner=user, language="en")
    post = PostFactory(author=user)

    html = client.get(post.get_absolute_url(), headers={"accept-language": "en"}).content.decode()

    assert '<html lang="en">' in html
    assert '<article class="post" itemscope' in html


def test_the_front_page_keeps_the_interface_language_and_marks_each_post(client, user, other_user, arabic_blog):
    BlogFactory(owner=other_user, language="fr")
    PostFactory(author=user)
    PostFactory(author=other_user)

    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert '<html lang="en">' in html
    assert '<article class="post-card mb-4" lang="ar" dir="rtl">' in html
    assert '<article class="post-card mb-4" lang="fr">' in html


def test_a_stored_language_that_no_longer_exists_falls_back_to_the_sites(client, user):
    BlogFactory(owner=user)
    Blog.objects.filter(owner=user).update(language="tlh")
    post = PostFactory(author=user)

    response = client.get(post.get_absolute_url(), headers={"accept-language": "en"})

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("kind", ["rss", "atom", "label"])
def test_a_blogs_feeds_carry_its_language(client, user, arabic_blog, kind):
    post = PostFactory(author=user)
    post.labels.add(LabelFactory(name="sky"))
    url = {
        "rss": f"/@{user.username}/feed/rss/",
        "atom": f"/@{user.username}/feed/",
        "label": f"/@{user.username}/label/sky/feed/",
    }[kind]

    root = ElementTree.fromstring(client.get(url, headers={"accept-language": "fr"}).content)

    if kind == "rss":
        assert root.find("channel/language").text == "ar"
    else:
        assert root.get(XML_LANG) == "ar"


def test_a_posts_comment_feed_carries_its_blogs_language(client, user, arabic_blog):
    post = PostFactory(author=user)

    root = ElementTree.fromstring(client.get(post.get_comments_feed_url(), headers={"accept-language": "fr"}).content)

    assert root.get(XML_LANG) == "ar"
