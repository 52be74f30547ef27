"""Replies, likes and boosts from the fediverse: a signed reply becomes a held comment in the thread, its
author may edit or delete it, and blocks hide what was sent."""

import pytest

from blocklist.models import BlockedSite
from comments.models import Comment
from federation.models import Instance, Reaction, RemoteActor, RemoteNote
from posts.tests.factories import PostFactory

from .signing import follow, post_signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(blog, user):
    return PostFactory(author=user, title="Beans")


def note(fake, reply_to, *, n=1, content="<p>Lovely <strong>beans</strong><script>alert(1)</script></p>"):
    return {
        "id": f"{fake.base}/users/alice/statuses/{n}",
        "type": "Note",
        "attributedTo": fake.actor_id,
        "inReplyTo": reply_to,
        "content": content,
        "url": f"{fake.base}/@alice/{n}",
    }


def create(fake, obj, n=1):
    return {"id": f"{fake.base}/activities/{n}", "type": "Create", "actor": fake.actor_id, "object": obj}


def permalink(post):
    return "http://testserver" + post.get_absolute_url()


def test_a_signed_reply_arrives_held_sanitized_and_linked_to_its_original(client, article, fake):
    response = post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)

    assert response.status_code == 202
    comment = Comment.objects.get()
    assert comment.post == article and comment.parent is None
    assert comment.status == Comment.Status.PENDING
    assert comment.author is None and comment.guest_name == "Alice"
    assert comment.remote_handle == "@alice@127.0.0.1"
    assert comment.remote_url == f"{fake.base}/@alice/1"
    assert "<strong>beans</strong>" in comment.body_html and "script" not in comment.body_html
    assert RemoteNote.objects.get().comment == comment


def test_an_approved_reply_shows_its_author_handle_and_original(client, article, fake):
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    Comment.objects.update(status=Comment.Status.APPROVED)

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Alice" in page and "@alice@127.0.0.1" in page
    assert f'href="{fake.base}/@alice/1"' in page


def test_an_open_blog_shows_a_reply_at_once(client, article, blog, fake):
    blog.comment_policy = "open"
    blog.save()

    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)

    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_a_reply_to_a_comment_goes_under_it(client, article, other_user, fake):
    parent = Comment.objects.create_in_thread(post=article, author=other_user, body="First", status="approved")

    post_signed(client, "/inbox", create(fake, note(fake, f"{permalink(article)}#c{parent.pk}")), fake)

    assert Comment.objects.get(remote_url__isnull=False).parent == parent


def test_a_reply_to_something_else_is_left(client, article, fake):
    post_signed(client, "/inbox", create(fake, note(fake, "https://elsewhere.example/notes/1")), fake)

    assert not Comment.objects.exists()


def test_the_same_reply_delivered_twice_is_kept_once(client, article, fake):
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    post_signed(client, "/@karen/inbox/", create(fake, note(fake, permalink(article)), n=2), fake)

    assert Comment.objects.count() == 1


def test_its_author_edits_and_deletes_a_reply(client, article, fake):
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    edited = {**note(fake, permalink(article), content="<p>Even better beans</p>")}

    post_signed(client, "/inbox", {"id": "u1", "type": "Update", "actor": fake.actor_id, "object": edited}, fake)
    comment = Comment.objects.get()
    assert "Even better beans" in comment.body_html and comment.edited_at is not None

    tombstone = {"id": edited["id"], "type": "Tombstone"}
    post_signed(client, "/inbox", {"id": "d1", "type": "Delete", "actor": fake.actor_id, "object": tombstone}, fake)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED


def test_someone_else_cannot_edit_a_reply(client, article, fake):
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    bob = RemoteActor.objects.create(
        uri="https://other.example/u/bob",
        instance=Instance.objects.create(domain="other.example"),
        inbox="https://other.example/u/bob/inbox",
    )
    RemoteNote.objects.update(remote=bob)

    edited = note(fake, permalink(article), content="<p>Hijacked</p>")
    post_signed(client, "/inbox", {"id": "u1", "type": "Update", "actor": fake.actor_id, "object": edited}, fake)

    assert "Hijacked" not in Comment.objects.get().body_html


def test_likes_and_boosts_are_counted_once_each_and_undone(client, article, fake):
    like = {"id": f"{fake.base}/likes/1", "type": "Like", "actor": fake.actor_id, "object": permalink(article)}
    boost = {"id": f"{fake.base}/boosts/1", "type": "Announce", "actor": fake.actor_id, "object": permalink(article)}
    for activity in (like, {**like, "id": f"{fake.base}/likes/2"}, boost):
        assert post_signed(client, "/inbox", activity, fake).status_code == 202

    document = client.get(article.get_absolute_url(), HTTP_ACCEPT="application/activity+json").json()
    assert document["likes"]["totalItems"] == 1
    assert document["shares"]["totalItems"] == 1

    undo = {"id": f"{fake.base}/undo/9", "type": "Undo", "actor": fake.actor_id, "object": boost}
    post_signed(client, "/inbox", undo, fake)
    assert not Reaction.objects.filter(kind="announce").exists()


def test_blocking_an_instance_hides_its_replies_and_reactions(client, article, fake):
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    like = {"id": f"{fake.base}/likes/1", "type": "Like", "actor": fake.actor_id, "object": permalink(article)}
    post_signed(client, "/inbox", like, fake)
    Comment.objects.update(status=Comment.Status.APPROVED)

    BlockedSite.objects.create(domain="127.0.0.1")

    assert Comment.objects.get().status == Comment.Status.REMOVED
    assert not Reaction.objects.exists()
    assert post_signed(client, "/inbox", follow(fake), fake).status_code == 403


def test_a_blog_blocking_an_account_hides_its_replies_there(client, user, article, fake):
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    client.force_login(user)

    client.post("/dashboard/fediverse/block/", {"uri": fake.actor_id})

    assert Comment.objects.get().status == Comment.Status.REMOVED
    client.logout()
    reply = create(fake, note(fake, permalink(article), n=5), n=5)
    assert post_signed(client, "/@karen/inbox/", reply, fake).status_code == 403
    assert Comment.objects.count() == 1


def test_a_blocked_accounts_likes_and_boosts_through_the_shared_inbox_do_not_count(client, user, article, fake):
    client.force_login(user)
    client.post("/dashboard/fediverse/block/", {"uri": fake.actor_id})
    client.logout()

    like = {"id": f"{fake.base}/likes/1", "type": "Like", "actor": fake.actor_id, "object": permalink(article)}
    boost = {"id": f"{fake.base}/boosts/1", "type": "Announce", "actor": fake.actor_id, "object": permalink(article)}
    assert post_signed(client, "/inbox", like, fake).status_code == 202
    assert post_signed(client, "/inbox", boost, fake).status_code == 202

    assert not Reaction.objects.exists()


def test_the_owners_answer_to_a_fediverse_reply_goes_back_to_its_author(
    client, user, article, fake, django_capture_on_commit_callbacks
):
    from comments.services import post_comment

    actor = client.get("/@karen/", HTTP_ACCEPT="application/activity+json").json()
    fake.blog_public_keys[actor["publicKey"]["id"]] = actor["publicKey"]["publicKeyPem"]
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    reply = Comment.objects.get()
    Comment.objects.update(status=Comment.Status.APPROVED)
    reply.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        answer = post_comment(post=article, author=user, body="Thank *you*.", parent=reply)

    received = fake.received[-1]
    assert received["path"] == "/users/alice/inbox"
    assert received["signature"] == "ok"
    sent = received["activity"]["object"]
    assert received["activity"]["type"] == "Create"
    assert sent["type"] == "Note"
    assert sent["inReplyTo"] == note(fake, "")["id"]
    assert sent["id"] == "http://testserver" + answer.get_absolute_url()
    assert "<em>you</em>" in sent["content"] and "Karen" in sent["content"]


def test_a_held_answer_to_a_fediverse_reply_goes_back_once_approved(
    client, user, other_user, article, fake, django_capture_on_commit_callbacks
):
    from moderation.services import moderate_comments

    actor = client.get("/@karen/", HTTP_ACCEPT="application/activity+json").json()
    fake.blog_public_keys[actor["publicKey"]["id"]] = actor["publicKey"]["publicKeyPem"]
    post_signed(client, "/inbox", create(fake, note(fake, permalink(article))), fake)
    Comment.objects.update(status=Comment.Status.APPROVED)
    reply = Comment.objects.get()
    answer = Comment.objects.create_in_thread(
        post=article, author=other_user, body="Same here.", status="pending", parent=reply
    )

    with django_capture_on_commit_callbacks(execute=True):
        moderate_comments(comments=[answer], action="approve", moderator=user)

    sent = fake.received[-1]["activity"]
    assert sent["type"] == "Create"
    assert sent["object"]["inReplyTo"] == note(fake, "")["id"]


def test_a_comment_on_a_local_thread_sends_nothing(
    client, user, other_user, article, fake, django_capture_on_commit_callbacks
):
    from comments.services import post_comment

    parent = Comment.objects.create_in_thread(post=article, author=other_user, body="Hi", status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(post=article, author=user, body="Hello.", parent=parent)

    assert fake.received == []
