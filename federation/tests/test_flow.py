"""The whole path against a fake instance on 127.0.0.1: WebFinger, actor, Follow, Accept, then what the blog
publishes, edits and deletes arrives there, signed with the blog's key."""

import pytest

from federation.models import Delivery, RemoteFollower
from posts.services import create_post, delete_post, update_post

from .signing import follow, post_signed

pytestmark = pytest.mark.django_db(transaction=False)

AP = "application/activity+json"


def test_a_fake_instance_follows_a_blog_and_receives_its_posts(
    client, blog, user, fake, django_capture_on_commit_callbacks
):
    link = client.get("/.well-known/webfinger", {"resource": "acct:karen@testserver"}).json()["links"][0]
    actor = client.get(link["href"].removeprefix("http://testserver"), HTTP_ACCEPT=AP).json()
    fake.blog_public_keys[actor["publicKey"]["id"]] = actor["publicKey"]["publicKeyPem"]
    inbox = actor["inbox"].removeprefix("http://testserver")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(client, inbox, follow(fake), fake)

    assert response.status_code == 202
    follower = RemoteFollower.objects.get()
    assert follower.remote.uri == fake.actor_id
    assert follower.remote.shared_inbox == f"{fake.base}/inbox"
    accept = fake.received[-1]
    assert accept["path"] == "/users/alice/inbox"
    assert accept["signature"] == "ok"
    assert accept["activity"]["type"] == "Accept"
    assert accept["activity"]["object"]["id"] == f"{fake.base}/follows/1"

    with django_capture_on_commit_callbacks(execute=True):
        post = create_post(author=user, title="News from the garden", body="Beans.", status="published")

    create = fake.received[-1]
    assert create["path"] == "/inbox"
    assert create["signature"] == "ok"
    assert create["activity"]["type"] == "Create"
    assert create["activity"]["actor"] == "http://testserver/@karen/"
    assert create["activity"]["object"]["name"] == "News from the garden"
    assert create["activity"]["object"]["id"] == "http://testserver" + post.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        update_post(post=post, title="News from the garden, again")
    assert fake.received[-1]["activity"]["type"] == "Update"
    assert fake.received[-1]["activity"]["object"]["name"] == "News from the garden, again"

    with django_capture_on_commit_callbacks(execute=True):
        delete_post(post=post)
    delete = fake.received[-1]["activity"]
    assert delete["type"] == "Delete"
    assert delete["object"] == {"id": "http://testserver" + post.get_absolute_url(), "type": "Tombstone"}
    assert fake.received[-1]["signature"] == "ok"
    assert len(fake.received) == 4
    # A server that fetches the object now learns it is gone.
    gone = client.get(post.get_absolute_url(), HTTP_ACCEPT="application/activity+json")
    assert gone.status_code == 410
    assert gone.json()["type"] == "Tombstone" and gone.json()["id"] == delete["object"]["id"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_undo_follow_removes_the_follower(client, blog, fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, "/@karen/inbox/", follow(fake), fake)
    undo = {"id": f"{fake.base}/undo/1", "type": "Undo", "actor": fake.actor_id, "object": follow(fake)}

    assert post_signed(client, "/inbox", undo, fake).status_code == 202
    assert not RemoteFollower.objects.exists()


def test_a_draft_and_an_unfollowed_blog_send_nothing(client, blog, user, fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, "/@karen/inbox/", follow(fake), fake)
        create_post(author=user, title="Not yet", body="Soon.", status="draft")

    assert [r["activity"]["type"] for r in fake.received] == ["Accept"]
