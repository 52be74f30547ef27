"""Likes and boosts from the fediverse on the post's page: shown when there are any, in a fixed number of
queries, and never from a stale cached page."""

import pytest

from blocklist.models import BlockedSite
from federation.models import Instance, Reaction, RemoteActor
from posts.tests.factories import PostFactory

from .signing import post_signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(blog, user):
    return PostFactory(author=user, title="Beans")


def permalink(post):
    return "http://testserver" + post.get_absolute_url()


def like(fake, post, n=1):
    return {"id": f"{fake.base}/likes/{n}", "type": "Like", "actor": fake.actor_id, "object": permalink(post)}


def boost(fake, post, n=1):
    return {"id": f"{fake.base}/boosts/{n}", "type": "Announce", "actor": fake.actor_id, "object": permalink(post)}


def remote_people(n, domain="elsewhere.example"):
    instance = Instance.objects.get_or_create(domain=domain)[0]
    return RemoteActor.objects.bulk_create(
        RemoteActor(uri=f"https://{domain}/users/p{i}", instance=instance, inbox=f"https://{domain}/inbox")
        for i in range(n)
    )


def react(post, people, kind):
    Reaction.objects.bulk_create(Reaction(post=post, remote=person, kind=kind) for person in people)


def reactions_line(client, post) -> str:
    html = client.get(post.get_absolute_url()).content.decode()
    start = html.find('class="fediverse-reactions')
    return "" if start < 0 else " ".join(html[start : html.find("</p>", start)].split())


def test_a_post_without_likes_or_boosts_says_nothing_of_them(client, article):
    assert reactions_line(client, article) == ""


def test_likes_and_boosts_show_with_their_counts(client, article):
    people = remote_people(3)
    react(article, people, Reaction.Kind.LIKE)
    react(article, people[:1], Reaction.Kind.ANNOUNCE)

    line = reactions_line(client, article)

    assert "From the fediverse:" in line
    assert "3 likes" in line and "1 boost<" in line and " · " in line


def test_only_boosts_show_alone(client, article):
    react(article, remote_people(2), Reaction.Kind.ANNOUNCE)

    line = reactions_line(client, article)

    assert "2 boosts" in line and "like" not in line and " · " not in line


def test_likes_show_in_the_readers_language_with_its_plural_forms(client, article):
    react(article, remote_people(2), Reaction.Kind.LIKE)
    react(article, remote_people(1, "other.example"), Reaction.Kind.ANNOUNCE)
    client.cookies["django_language"] = "fr"

    line = reactions_line(client, article)

    assert "Depuis le fédivers" in line and "2 j\u2019aime" in line and "1 partage<" in line


def test_reactions_from_a_blocked_instance_do_not_count(client, article):
    react(article, remote_people(2), Reaction.Kind.LIKE)
    react(article, remote_people(4, "blocked.example"), Reaction.Kind.LIKE)
    # Blocked without the admin's save (which removes them): the count leaves them out on its own.
    BlockedSite.objects.bulk_create([BlockedSite(domain="blocked.example")])

    assert "2 likes" in reactions_line(client, article)


def test_the_site_off_the_fediverse_shows_no_reactions(client, article, settings):
    react(article, remote_people(2), Reaction.Kind.LIKE)
    settings.FEDERATION = False

    assert reactions_line(client, article) == ""


# An anonymous reader's post page, not cached: the post with its blog, its labels, its reactions (one query
# for both counts), its newer and older neighbours, its mentions, the thread's roots and its comments.
POST_PAGE_QUERIES = 8


@pytest.mark.parametrize("n", [1, 30])
def test_the_post_page_shows_reactions_in_the_same_queries_whatever_their_number(
    client, article, n, django_assert_num_queries
):
    people = remote_people(n)
    react(article, people, Reaction.Kind.LIKE)
    react(article, people, Reaction.Kind.ANNOUNCE)
    with django_assert_num_queries(POST_PAGE_QUERIES):
        html = client.get(article.get_absolute_url()).content.decode()
    assert f"{n} like" in html and f"{n} boost" in html


def test_a_like_or_boost_arriving_or_undone_shows_at_once_on_the_cached_page(client, article, fake, settings):
    settings.PAGE_CACHE_SECONDS = 600
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    post_signed(client, "/inbox", like(fake, article), fake)
    post_signed(client, "/inbox", boost(fake, article), fake)
    assert "1 like" in reactions_line(client, article) and "1 boost" in reactions_line(client, article)

    undo = {"id": f"{fake.base}/undo/1", "type": "Undo", "actor": fake.actor_id, "object": like(fake, article)}
    post_signed(client, "/inbox", undo, fake)
    line = reactions_line(client, article)
    assert "like" not in line and "1 boost" in line

    BlockedSite.objects.create(domain="127.0.0.1")
    assert reactions_line(client, article) == ""
