"""Each blog's posts are stemmed in the blog's language on PostgreSQL, and one search over every blog matches
each post in its own; SQLite stems every post by English rules (README, "Reading and searching")."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from posts import services
from posts.languages import SEARCH_CONFIGS, search_config_for
from posts.models import Post
from posts.search import configs_in_use, search_posts
from posts.tasks import reindex_blog_posts

from .factories import BlogFactory, PostFactory
from .test_blog_language import SETTINGS, settings_form
from .test_search_finds import CONFIGS_QUERY

pytestmark = pytest.mark.django_db


def titles(query: str) -> set[str]:
    return {post.title for post in search_posts(query).posts}


@pytest.fixture
def french(db):
    return BlogFactory(owner=UserFactory(username="amelie"), language="fr").owner


@pytest.fixture
def english(db):
    return BlogFactory(owner=UserFactory(username="karen"), language="en").owner


@pytest.fixture
def mixed(french, english):
    PostFactory(author=french, title="Au potager", body="Le jardin de ma grand-mère, au printemps.")
    PostFactory(author=french, title="Course du dimanche", body="Un run de dix kilomètres au milieu des chevaux.")
    PostFactory(author=english, title="Spring borders", body="The gardens were at their best.")
    PostFactory(author=english, title="Morning miles", body="A short run before work.")


def test_a_blogs_language_chooses_its_posts_configuration():
    assert search_config_for("fr") == "french"
    assert search_config_for("de") == "german"
    assert search_config_for("es") == "spanish"
    assert search_config_for("ar") == "arabic"
    assert search_config_for("en") == "english"
    assert search_config_for("pt-br") == "portuguese"
    # No stemmer for Japanese or Klingon: words are only lowercased.
    assert search_config_for("ja") == "simple"
    assert search_config_for("tlh") == "simple"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="text search configurations are PostgreSQL's")
def test_postgresql_has_every_configuration_a_language_chooses():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        installed = {row[0] for row in cursor.fetchall()}
    assert set(SEARCH_CONFIGS.values()) | {"simple"} <= installed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's index has one stemmer for every post")
def test_postgresql_lists_the_configurations_posts_have(mixed):
    PostFactory(author=BlogFactory(language="ja").owner)
    assert sorted(configs_in_use()) == ["english", "french", "simple"]


def test_a_new_post_is_indexed_in_its_blogs_language(french, english):
    post = services.create_post(author=french, title="Au potager", body="Des jardins.", status="published")
    assert Post.objects.get(pk=post.pk).search_config == "french"
    post = services.create_post(author=english, title="Borders", body="Gardens.", status="published")
    assert Post.objects.get(pk=post.pk).search_config == "english"


def test_a_french_blogs_post_is_found_by_another_form_of_its_words(mixed):
    assert titles("jardins") == {"Au potager"}
    assert titles("grand-mères") == {"Au potager"}


def test_an_english_blogs_post_is_still_found_by_english_word_forms(mixed):
    assert titles("garden") == {"Spring borders"}
    assert titles("borders") == {"Spring borders"}


def test_one_search_finds_posts_of_both_languages(mixed):
    assert titles("jardins OR garden") == {"Au potager", "Spring borders"}
    assert titles("printemps OR gardening") == {"Au potager", "Spring borders"}


def test_each_post_is_matched_in_its_own_language(mixed):
    """English stems "running" to `run`, French leaves it whole: the English post's "run" matches it and
    the French post's does not; French stems "cheval" and "chevaux" alike."""
    if connection.vendor == "postgresql":
        assert titles("running") == {"Morning miles"}
        assert titles("cheval") == {"Course du dimanche"}
    else:
        # One stemmer for every post: Porter's English rules, whatever the blog's language.
        assert titles("running") == {"Morning miles", "Course du dimanche"}
        assert titles("cheval") == set()


def test_titles_still_rank_above_bodies_in_every_language(french, english):
    body = PostFactory(author=english, title="Notes", body="Our garden in May.")
    title = PostFactory(author=french, title="Jardins d'hiver", body="Peu de choses.")
    assert list(search_posts("jardin OR garden").posts) == [title, body]


def test_a_label_or_an_authors_name_still_finds_posts_of_any_language(mixed):
    assert titles("amelie") == {"Au potager", "Course du dimanche"}


def test_changing_the_blogs_language_indexes_its_posts_again(client, french, english, mixed):
    client.force_login(french)

    response = client.post(SETTINGS, settings_form(french.blog, language="en"))

    assert response.status_code == 302
    assert set(Post.objects.filter(author=french).values_list("search_config", flat=True)) == {"english"}
    assert set(Post.objects.filter(author=english).values_list("search_config", flat=True)) == {"english"}
    if connection.vendor == "postgresql":
        # English leaves "mangeons" as `mangeon`, which "manger" (`manger`) no longer finds.
        assert titles("cheval") == set()
        assert titles("running") == {"Morning miles", "Course du dimanche"}


def test_a_blog_with_many_posts_is_indexed_again_on_the_queue(
    client, french, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "REINDEX_IN_REQUEST", 2)
    monkeypatch.setattr(services, "REINDEX_BATCH", 2)
    PostFactory.create_batch(5, author=french, body="Des jardins.")
    client.force_login(french)

    with django_capture_on_commit_callbacks() as after_commit:
        client.post(SETTINGS, settings_form(french.blog, language="de"))

    # The request changed no post; the task, queued once the settings are committed, changes them all.
    assert set(Post.objects.filter(author=french).values_list("search_config", flat=True)) == {"french"}
    for callback in after_commit:
        callback()
    assert set(Post.objects.filter(author=french).values_list("search_config", flat=True)) == {"german"}
    assert reindex_blog_posts.call(french.pk) == 0


def test_the_reindexing_task_follows_the_language_the_blog_has_when_it_runs(french):
    PostFactory.create_batch(3, author=french)
    french.blog.language = "es"
    french.blog.save()

    assert reindex_blog_posts.call(french.pk) == 3
    assert set(Post.objects.filter(author=french).values_list("search_config", flat=True)) == {"spanish"}


def test_settings_saved_without_a_new_language_index_nothing_again(client, french, mixed):
    client.force_login(french)
    Post.objects.filter(author=french).update(search_config="simple")

    client.post(SETTINGS, settings_form(french.blog, title="Mon potager"))

    assert set(Post.objects.filter(author=french).values_list("search_config", flat=True)) == {"simple"}


@pytest.mark.usefixtures("index_tables_known")
def test_search_queries_do_not_grow_with_the_number_of_languages(client, django_assert_num_queries):
    for i, language in enumerate(["en", "fr", "de", "es", "ar", "ja"]):
        author = BlogFactory(owner=UserFactory(username=f"writer{i}"), language=language).owner
        PostFactory(author=author, title=f"Note {i}", body="Beans and leeks.")
    # As with one language (test_search_finds): names, the configurations in use on PostgreSQL, whether
    # anything matches, the results and their count, and the blogs and labels to filter by.
    with django_assert_num_queries(7 + CONFIGS_QUERY):
        response = client.get(reverse("posts:search"), {"q": "beans"})
    assert response.context["count"] == 6


def test_existing_posts_are_given_their_blogs_configuration_by_the_migration(french, english, mixed):
    fill = importlib.import_module("posts.migrations.0013_fill_post_search_config").forward
    Post.objects.update(search_config="english")

    fill(django_apps, None)

    configs = dict(Post.objects.values_list("title", "search_config"))
    assert configs["Au potager"] == configs["Course du dimanche"] == "french"
    assert configs["Spring borders"] == "english"
    if connection.vendor == "postgresql":
        assert titles("cheval") == {"Course du dimanche"}


def test_staff_changing_a_blogs_language_in_the_admin_indexes_its_posts_again(admin_client, french, mixed):
    blog = french.blog
    data = {**settings_form(blog, language="es"), "owner": french.pk, "has_webmentions": "on"}

    response = admin_client.post(reverse("admin:posts_blog_change", args=[blog.pk]), data)

    assert response.status_code == 302
    assert set(Post.objects.filter(author=french).values_list("search_config", flat=True)) == {"spanish"}
