"""The owner's fediverse page: remote followers, opting out, blocking accounts."""

import pytest

from federation.keys import actor_for
from federation.models import Actor, BlockedActor, Instance, RemoteActor, RemoteFollower

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(blog):
    instance = Instance.objects.create(domain="social.example")
    remote = RemoteActor.objects.create(
        uri="https://social.example/users/alice",
        instance=instance,
        username="alice",
        name="Alice",
        inbox="https://social.example/users/alice/inbox",
    )
    return RemoteFollower.objects.create(actor=actor_for(blog), remote=remote)


def test_the_dashboard_counts_remote_followers_and_links_to_them(client, user, follower):
    client.force_login(user)

    page = client.get("/dashboard/").content.decode()
    assert "@karen@testserver" in page
    assert "1 follower on other sites" in page

    listing = client.get("/dashboard/fediverse/").content.decode()
    assert "Alice" in listing and "@alice@social.example" in listing


def test_the_fediverse_page_needs_a_sign_in(client):
    assert client.get("/dashboard/fediverse/").status_code == 302


def test_the_owner_can_take_the_blog_off_the_fediverse(client, user, blog):
    client.force_login(user)

    response = client.post("/dashboard/fediverse/", {})

    assert response.status_code == 302
    assert Actor.objects.get(blog=blog).is_federated is False
    assert client.get("/.well-known/webfinger", {"resource": "acct:karen@testserver"}).status_code == 404


def test_blocking_an_account_removes_it_from_the_followers(client, user, follower):
    client.force_login(user)

    client.post("/dashboard/fediverse/block/", {"uri": "https://social.example/users/alice"})

    assert not RemoteFollower.objects.exists()
    block = BlockedActor.objects.get()
    client.post(f"/dashboard/fediverse/block/{block.pk}/unblock/")
    assert not BlockedActor.objects.exists()


def test_someone_else_cannot_unblock_for_a_blog(client, other_user, follower):
    block = BlockedActor.objects.create(actor=follower.actor, uri="https://social.example/users/bob")
    client.force_login(other_user)

    assert client.post(f"/dashboard/fediverse/block/{block.pk}/unblock/").status_code == 404
    assert BlockedActor.objects.exists()


def test_a_bad_address_to_block_is_explained(client, user, blog):
    client.force_login(user)

    response = client.post("/dashboard/fediverse/block/", {"uri": "not an address"}, follow=True)

    assert "Give the address of a remote account" in response.content.decode()
    assert not BlockedActor.objects.exists()


def test_blocking_needs_a_csrf_token(user, blog):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post("/dashboard/fediverse/block/", {"uri": "https://x.example/u"}).status_code == 403
