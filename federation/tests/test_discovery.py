"""How the fediverse finds a blog: WebFinger, NodeInfo, the actor and its posts by content negotiation, the
outbox."""

import json

import pytest
from cryptography.hazmat.primitives import serialization

from federation.models import Actor
from posts.services import create_post, update_post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def test_webfinger_finds_a_blog_by_its_handle(client, blog):
    response = client.get("/.well-known/webfinger", {"resource": "acct:karen@testserver"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jrd+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["subject"] == "acct:karen@testserver"
    assert {"rel": "self", "type": AP, "href": "http://testserver/@karen/"} in document["links"]


def test_webfinger_also_takes_the_actor_address(client, blog):
    response = client.get("/.well-known/webfinger", {"resource": "http://testserver/@karen/"})

    assert response.json()["subject"] == "acct:karen@testserver"


@pytest.mark.parametrize(
    ("resource", "status"),
    [
        ("acct:nobody@testserver", 404),
        ("acct:karen@elsewhere.example", 404),
        ("https://elsewhere.example/@karen/", 404),
        ("", 400),
        ("karen", 400),
        ("mailto:karen@testserver", 400),
    ],
)
def test_webfinger_answers_unknown_with_404_and_malformed_with_400(client, blog, resource, status):
    assert client.get("/.well-known/webfinger", {"resource": resource}).status_code == status


def test_an_opted_out_blog_is_not_found(client, blog):
    Actor.objects.create(blog=blog, is_federated=False, public_key_pem="-", private_key_pem="-")

    assert client.get("/.well-known/webfinger", {"resource": "acct:karen@testserver"}).status_code == 404
    assert client.get("/@karen/", HTTP_ACCEPT=AP).status_code == 404
    assert client.get("/@karen/outbox/").status_code == 404


def test_federation_off_turns_every_address_off(client, blog, post, settings):
    settings.FEDERATION = False

    for url in [
        "/.well-known/webfinger?resource=acct:karen@testserver",
        "/.well-known/nodeinfo",
        "/nodeinfo/2.1",
        "/@karen/outbox/",
        "/@karen/followers/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get("/@karen/", HTTP_ACCEPT=AP).status_code == 404
    assert client.post("/inbox", b"{}", content_type=AP).status_code == 404


def test_nodeinfo_links_to_its_document_which_counts_users_and_posts(client, blog, post):
    index = client.get("/.well-known/nodeinfo").json()
    href = index["links"][0]["href"]
    assert index["links"][0]["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1"

    document = client.get(href.removeprefix("http://testserver")).json()

    assert document["version"] == "2.1"
    assert document["protocols"] == ["activitypub"]
    assert document["usage"]["users"]["total"] == 1
    assert document["usage"]["localPosts"] == 1


def test_nodeinfo_usage_is_counted_once_then_cached(client, blog, post, django_assert_num_queries):
    client.get("/nodeinfo/2.1")
    with django_assert_num_queries(0):
        client.get("/nodeinfo/2.1")


@pytest.mark.parametrize("accept", [AP, LD, "application/activity+json, application/ld+json"])
def test_the_blog_address_serves_its_actor_to_activitypub_clients(client, blog, accept):
    response = client.get("/@karen/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] in (AP, LD)
    assert "Accept" in response["Vary"]
    actor = json.loads(response.content)
    assert actor["id"] == "http://testserver/@karen/"
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == "karen"
    assert actor["name"] == "Small victories"
    assert "Good days" in actor["summary"]
    assert actor["inbox"] == "http://testserver/@karen/inbox/"
    assert actor["outbox"] == "http://testserver/@karen/outbox/"
    assert actor["followers"] == "http://testserver/@karen/followers/"
    assert actor["endpoints"]["sharedInbox"] == "http://testserver/inbox"
    assert actor["publicKey"]["id"] == "http://testserver/@karen/#main-key"
    serialization.load_pem_public_key(actor["publicKey"]["publicKeyPem"].encode())
    assert "PRIVATE" not in response.content.decode()


@pytest.mark.parametrize(
    ("accept", "document"),
    [
        ("*/*", False),
        ("application/json", False),
        ('application/ld+json; profile="https://example.com/other"', False),
        ("text/html, application/activity+json;q=0.9", False),
        ("text/html;q=0.5, application/activity+json", True),
        ("application/ld+json", True),
    ],
)
def test_the_blog_address_answers_what_the_accept_header_prefers(client, blog, accept, document):
    response = client.get("/@karen/", HTTP_ACCEPT=accept)

    assert response["Content-Type"].startswith("application/") is document


def test_the_key_pair_is_made_once_and_kept(client, blog):
    first = client.get("/@karen/", HTTP_ACCEPT=AP).json()["publicKey"]["publicKeyPem"]
    second = client.get("/@karen/", HTTP_ACCEPT=AP).json()["publicKey"]["publicKeyPem"]

    assert first == second
    assert Actor.objects.count() == 1


def test_a_browser_still_gets_the_page_which_varies_on_accept(client, blog, post):
    response = client.get("/@karen/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


def test_the_page_cache_keeps_pages_and_documents_apart(client, blog, post, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert client.get("/@karen/").status_code == 200
    assert client.get("/@karen/")["X-Page-Cache"] == "hit"

    document = client.get("/@karen/", HTTP_ACCEPT=AP)
    assert document["Content-Type"] == AP
    page = client.get(post.get_absolute_url())
    assert json.loads(client.get(post.get_absolute_url(), HTTP_ACCEPT=AP).content)["type"] == "Article"
    assert client.get(post.get_absolute_url())["Content-Type"].startswith("text/html")
    assert page["Content-Type"].startswith("text/html")


def test_a_post_is_an_article_with_labels_as_hashtags(client, blog, user):
    post = create_post(
        author=user,
        title="A good day",
        body="Sun *and* <script>x</script> rain.",
        labels="Small Victories, garden",
        status="published",
        excerpt="Short.",
    )

    article = client.get(post.get_absolute_url(), HTTP_ACCEPT=AP).json()

    url = "http://testserver" + post.get_absolute_url()
    assert article["id"] == url and article["url"] == url
    assert article["type"] == "Article"
    assert article["name"] == "A good day"
    assert article["summary"] == "Short."
    assert "<em>and</em>" in article["content"] and "<script" not in article["content"]
    assert article["attributedTo"] == "http://testserver/@karen/"
    assert "https://www.w3.org/ns/activitystreams#Public" in article["to"]
    assert article["cc"] == ["http://testserver/@karen/followers/"]
    assert {tag["name"] for tag in article["tag"]} == {"#SmallVictories", "#garden"}
    assert all(
        tag["type"] == "Hashtag" and tag["href"].startswith("http://testserver/@karen/label/")
        for tag in article["tag"]
    )
    assert article["published"]


def test_a_draft_is_not_served_and_a_post_made_a_draft_again_is_a_tombstone(client, blog, user):
    draft = create_post(author=user, title="Not yet", body="Soon.", status="draft")
    client.force_login(user)

    assert client.get(draft.get_absolute_url(), HTTP_ACCEPT=AP).status_code == 404
    published = create_post(author=user, title="Gone", body="Soon.", status="published")
    update_post(post=published, status="draft")
    gone = client.get(published.get_absolute_url(), HTTP_ACCEPT=AP)
    assert gone.status_code == 410
    assert gone.json()["type"] == "Tombstone"
    assert gone.json()["id"] == "http://testserver" + published.get_absolute_url()


def test_the_outbox_pages_through_the_blogs_public_posts(client, blog, user):
    PostFactory.create_batch(25, author=user)
    PostFactory(author=user, status="draft", published_at=None)

    outbox = client.get("/@karen/outbox/").json()
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == 25

    first = client.get("/@karen/outbox/?page=1").json()
    assert first["type"] == "OrderedCollectionPage"
    assert len(first["orderedItems"]) == 20
    assert first["orderedItems"][0]["type"] == "Create"
    assert first["orderedItems"][0]["object"]["type"] == "Article"
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert len(second["orderedItems"]) == 5
    assert "next" not in second
    assert client.get("/@karen/outbox/?page=9").status_code == 404
    assert client.get("/@karen/outbox/?page=x").status_code == 404


@pytest.mark.parametrize("n", [1, 20])
def test_an_outbox_page_costs_the_same_queries_for_any_number_of_posts(
    client, blog, user, n, django_assert_num_queries
):
    client.get("/@karen/outbox/?page=1")
    PostFactory.create_batch(n, author=user)
    with django_assert_num_queries(6):
        client.get("/@karen/outbox/?page=1")


def test_the_followers_collection_gives_only_a_count(client, blog):
    document = client.get("/@karen/followers/").json()

    assert document == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "http://testserver/@karen/followers/",
        "type": "OrderedCollection",
        "totalItems": 0,
    }


def test_webfinger_says_what_is_wrong_with_a_resource_in_the_askers_language(client, blog):
    response = client.get("/.well-known/webfinger", {"resource": "karen"}, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    assert response.text == "Die Ressource muss acct:username@host oder die Adresse eines Blogs sein."
