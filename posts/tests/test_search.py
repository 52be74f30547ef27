import pytest
from django.db import connection

from posts.search import search_posts
from posts.services import update_post

from .factories import DraftFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_search_ranks_title_matches_above_body_matches(client, user):
    body_hit = PostFactory(author=user, title="Gardening notes", body="Tomatoes like the sun.")
    title_hit = PostFactory(author=user, title="Tomatoes", body="A post about a vegetable.")
    PostFactory(author=user, title="Unrelated", body="Nothing here.")
    response = client.get("/search/", {"q": "tomatoes"})
    assert response.status_code == 200
    assert [r["post"] for r in response.context["results"]] == [title_hit, body_hit]


def test_search_needs_every_word(user):
    both = PostFactory(author=user, title="Apples", body="and pears together")
    PostFactory(author=user, title="Apples", body="alone")
    assert list(search_posts("apples pears").posts) == [both]


def test_search_finds_only_public_posts(user):
    DraftFactory(author=user, title="Secret zebra")
    public = PostFactory(author=user, title="Public zebra")
    assert list(search_posts("zebra").posts) == [public]


def test_search_follows_edits_and_deletions(user):
    post = PostFactory(author=user, title="Original wording", body="x")
    update_post(post=post, title="Changed wording", body="giraffe")
    assert list(search_posts("giraffe").posts) == [post]
    assert list(search_posts("original").posts) == []
    post.delete()
    assert list(search_posts("giraffe").posts) == []


def test_snippets_highlight_matches_and_escape_everything_else(client, user):
    PostFactory(author=user, title="<b>Owls</b> at night", body="Plain text about owls & <script>bad()</script>")
    content = client.get("/search/", {"q": "owls"}).content.decode()
    assert "<mark>Owls</mark>" in content
    assert "&lt;b&gt;" in content
    assert "<script>bad" not in content
    assert "about <mark>owls</mark> &amp;" in content


def test_search_uses_the_databases_full_text_engine():
    expected = {"postgresql": "postgresql", "sqlite": "fts5"}[connection.vendor]
    assert search_posts("anything").engine == expected


def test_the_like_fallback_ranks_and_filters(user, monkeypatch):
    monkeypatch.setattr("posts.search._sqlite_has_fts", lambda: False)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    body_hit = PostFactory(author=user, title="Notes", body="badgers everywhere")
    title_hit = PostFactory(author=user, title="Badgers", body="x")
    results = search_posts("badgers")
    assert results.engine == "like"
    assert list(results.posts) == [title_hit, body_hit]


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "a AND OR NOT (",
        "title:foo OR body:*",
        "NEAR(a b, 3)",
        "x\x00y",
        "'; DROP TABLE posts_post; --",
        "!!! ??? ***",
        "&|!<->:*",
        "x" * 10_000,
        "word " * 3000,
        "",
        "日本語 Ünïcode",
    ],
)
def test_hostile_queries_never_fail(client, user, query):
    PostFactory(author=user, title="Something", body="text")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_the_sqlite_index_is_repaired_after_a_table_rebuild_drops_its_triggers(user):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only: PostgreSQL keeps its generated column through table changes")
    from posts.search import ensure_sqlite_index

    post = PostFactory(author=user, title="Before the rebuild")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER posts_post_fts_insert")
        cursor.execute("DROP TRIGGER posts_post_trigram_insert")
    later = PostFactory(author=user, title="Written while the trigger was gone")
    assert list(search_posts("gone").posts) == []
    ensure_sqlite_index(using="default")
    assert list(search_posts("gone").posts) == [later]
    assert list(search_posts("rebuild").posts) == [post]
