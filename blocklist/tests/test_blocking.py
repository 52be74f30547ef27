"""A site blocked once, in the one list, is blocked everywhere: its webmentions and its signed activities
(from any subdomain) are refused, what it sent before leaves the post page, and nothing is delivered to it."""

import json

import pytest

from blocklist.models import BlockedSite
from comments.models import Comment
from federation import delivery
from federation.keys import actor_for, new_key_pair
from federation.models import Delivery, Instance, RemoteActor, RemoteFollower, RemoteNote
from federation.tests.signing import AP, cavage_headers
from mentions.models import Mention, Outgoing
from mentions.services import send_webmention
from posts.services import create_post
from posts.tests.factories import BlogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _open_web(settings):
    settings.FEDERATION = True
    settings.WEBMENTIONS = True
    settings.SITE_URL = "http://testserver"
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def blog(user):
    return BlogFactory(owner=user, title="Small victories")


def remote_on(domain: str) -> tuple[RemoteActor, str]:
    """A known account on `domain`, its key cached (no fetch needed), and its private key."""
    public, private = new_key_pair()
    uri = f"https://{domain}/users/bob"
    remote = RemoteActor.objects.create(
        uri=uri,
        instance=Instance.objects.create(domain=domain),
        username="bob",
        name="Bob",
        inbox=f"{uri}/inbox",
        shared_inbox=f"https://{domain}/inbox",
        key_id=f"{uri}#main-key",
        public_key_pem=public,
    )
    return remote, private


def signed_reply(client, remote, private_key, *, reply_to: str, n: int, text: str):
    activity = {
        "id": f"{remote.uri}/activities/{n}",
        "type": "Create",
        "actor": remote.uri,
        "object": {
            "id": f"{remote.uri}/statuses/{n}",
            "type": "Note",
            "attributedTo": remote.uri,
            "inReplyTo": reply_to,
            "content": f"<p>{text}</p>",
        },
    }
    body = json.dumps(activity).encode()
    headers = cavage_headers(path="/inbox", body=body, key_id=remote.key_id, private_key_pem=private_key)
    return client.post("/inbox", body, content_type=AP, **headers)


def test_a_site_blocked_once_is_refused_hidden_and_sent_nothing_on_both_protocols(
    client, admin_client, user, blog, post, django_capture_on_commit_callbacks
):
    permalink = "http://testserver" + post.get_absolute_url()
    remote, private_key = remote_on("social.blocked.example")
    # Before the block: a reply from the fediverse and a webmention, both shown under the post.
    assert (
        signed_reply(client, remote, private_key, reply_to=permalink, n=1, text="Before the block.").status_code == 202
    )
    Comment.objects.update(status=Comment.Status.APPROVED)
    Mention.objects.create(
        post=post,
        source="https://www.blocked.example/p",
        source_host="www.blocked.example",
        kind=Mention.Kind.REPLY,
        status=Mention.Status.APPROVED,
        author_name="Spammer",
        excerpt="Mentioned before the block.",
    )
    actor = actor_for(blog)
    fine, _ = remote_on("fine.example")
    RemoteFollower.objects.bulk_create([RemoteFollower(actor=actor, remote=r) for r in (remote, fine)])
    queued = delivery.send(actor=actor, payload={"type": "Create"}, kind="Create", inboxes=[remote.delivery_inbox])
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Before the block." in page and "Mentioned before the block." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/blocklist/blockedsite/add/", {"domain": "Blocked.Example", "note": "spam"}
        )
    assert response.status_code == 302
    assert BlockedSite.objects.get().domain == "blocked.example"

    # What it sent before is gone from the (cached) post page.
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Before the block." not in page and "Mentioned before the block." not in page
    assert Comment.objects.get().status == Comment.Status.REMOVED
    # Its webmentions and its activities, from any subdomain, are refused and nothing is stored.
    response = client.post("/webmention/", {"source": "https://news.blocked.example/x", "target": permalink})
    assert response.status_code == 403
    response = signed_reply(client, remote, private_key, reply_to=permalink, n=2, text="After the block.")
    assert response.status_code == 403
    assert RemoteNote.objects.count() == 1 and Comment.objects.count() == 1
    # A delivery queued before the block goes no further; a new post goes to the other follower only.
    assert delivery.deliver(queued.deliveries.get().pk) == "given up"
    assert Delivery.objects.get(activity=queued).failure["code"] == "site_blocked"
    with django_capture_on_commit_callbacks(execute=True):
        create_post(author=user, title="News", body="[a page](https://blocked.example/page)", status="published")
    created = Delivery.objects.exclude(activity=queued)
    assert sorted(created.values_list("inbox", flat=True)) == ["https://fine.example/inbox"]
    # Nor is it sent a webmention for the link to it.
    outgoing = Outgoing.objects.get(target="https://blocked.example/page")
    assert (outgoing.status, outgoing.failure["code"]) == (Outgoing.Status.FAILED, "site_blocked")


def test_a_page_whose_endpoint_is_on_a_blocked_site_is_not_posted_to(
    user, elsewhere, django_capture_on_commit_callbacks
):
    elsewhere.routes["/article"] = (
        "page",
        (200, {"Link": '<https://hooks.blocked.example/wm>; rel="webmention"', "Content-Type": "text/html"}, b""),
    )
    BlockedSite.objects.create(domain="blocked.example")

    with django_capture_on_commit_callbacks(execute=True):
        create_post(author=user, title="Links", body=f"[an article]({elsewhere.base}/article)", status="published")

    outgoing = Outgoing.objects.get()
    assert (outgoing.status, outgoing.failure["code"]) == (Outgoing.Status.FAILED, "endpoint_blocked")
    assert send_webmention(outgoing.pk) == Outgoing.Status.FAILED


def test_staff_see_one_list_and_the_instances_it_covers(admin_client):
    BlockedSite.objects.create(domain="blocked.example", note="spam")
    Instance.objects.create(domain="social.blocked.example")
    Instance.objects.create(domain="fine.example")

    sites = admin_client.get("/admin/blocklist/blockedsite/").content.decode()
    instances = admin_client.get("/admin/federation/instance/").content.decode()

    assert "blocked.example" in sites and "spam" in sites
    assert admin_client.get("/admin/mentions/").status_code == 200
    assert "blockeddomain" not in admin_client.get("/admin/").content.decode()
    assert instances.count('alt="True"') == 1 and instances.count('alt="False"') == 1


def test_blocking_from_the_instance_list_adds_to_the_one_list(admin_client, django_capture_on_commit_callbacks):
    instance = Instance.objects.create(domain="social.bad.example")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/federation/instance/", {"action": "block", "_selected_action": [instance.pk]}
        )

    assert response.status_code == 302
    assert BlockedSite.objects.get().domain == "social.bad.example"
    assert BlockedSite.objects.blocks("social.bad.example")


@pytest.fixture
def elsewhere(settings):
    from tests.fakesite import fake_site

    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    with fake_site() as site:
        yield site
