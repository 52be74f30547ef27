import json

import pytest
from django.urls import reverse

from accounts.models import User
from comments.models import Comment
from comments.tests.factories import CommentFactory
from posts.models import Post
from posts.services import create_post, save_autosave, update_post
from posts.tests.factories import PostFactory
from transfer.readers import JSON_FORMAT

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


# Downloads ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["wxr", "json"])
def test_a_blogger_downloads_their_own_blog(client, user, other_user, fmt):
    PostFactory(author=user, title="Mine")
    PostFactory(author=other_user, title="Theirs")
    client.force_login(user)
    response = client.get(reverse("transfer:export_blog", kwargs={"fmt": fmt}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="karen-blog-')
    text = body(response)
    assert "Mine" in text and "Theirs" not in text


def test_the_blog_download_needs_a_sign_in(client, user):
    response = client.get(reverse("transfer:export_blog", kwargs={"fmt": "wxr"}))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_unknown_export_format_is_a_404(client, user):
    client.force_login(user)
    assert client.get(reverse("transfer:export_blog", kwargs={"fmt": "pdf"})).status_code == 404


def test_the_blog_download_is_read_only(client, user):
    client.force_login(user)
    assert client.post(reverse("transfer:export_blog", kwargs={"fmt": "wxr"})).status_code == 405


def test_the_blog_download_reads_a_flat_number_of_queries(client, user, django_assert_max_num_queries):
    for _ in range(30):
        CommentFactory(post=PostFactory(author=user))
    client.force_login(user)
    with django_assert_max_num_queries(12):
        body(client.get(reverse("transfer:export_blog", kwargs={"fmt": "json"})))


def test_a_user_downloads_all_their_data(client, user, other_user):
    PostFactory(author=user, title="My post")
    elsewhere = PostFactory(author=other_user, title="Someone else's")
    CommentFactory(post=elsewhere, author=user, body="My remark")
    CommentFactory(post=elsewhere, author=other_user, body="Not mine")
    client.force_login(user)
    response = client.get(reverse("transfer:download_data"))
    data = json.loads(body(response))
    assert data["profile"]["username"] == "karen"
    assert data["profile"]["email"] == "karen@example.com"
    assert [p["title"] for p in data["posts"]] == ["My post"]
    assert [c["body"] for c in data["comments"]] == ["My remark"]
    assert data["comments"][0]["post_title"] == "Someone else's"


def test_downloading_data_needs_a_sign_in(client):
    assert client.get(reverse("transfer:download_data")).status_code == 302


def test_the_blog_download_is_an_import_blog_file(client, user):
    PostFactory(author=user)
    client.force_login(user)
    data = json.loads(body(client.get(reverse("transfer:export_blog", kwargs={"fmt": "json"}))))
    assert data["format"] == JSON_FORMAT


def test_the_dashboard_links_to_the_blog_downloads(client, user):
    client.force_login(user)
    html = client.get(reverse("posts:dashboard")).content.decode()
    for fmt in ("wxr", "json"):
        assert reverse("transfer:export_blog", kwargs={"fmt": fmt}) in html


def test_the_profile_page_links_to_the_data_pages(client, user):
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    for name in ("transfer:download_data", "transfer:delete_account"):
        assert reverse(name) in html
    assert reverse("transfer:export_blog", kwargs={"fmt": "wxr"}) in html


# Deleting an account -----------------------------------------------------------------------------------


@pytest.fixture
def conversation(user, other_user):
    """karen commented on sp's post; sp replied to one of her comments; karen has a post of her own."""
    theirs = PostFactory(author=other_user)
    answered = CommentFactory(post=theirs, author=user, body="Answered remark")
    reply = CommentFactory(post=theirs, author=other_user, parent=answered, body="A reply by sp")
    own_chain = CommentFactory(post=theirs, author=user, body="Lonely remark")
    CommentFactory(post=theirs, author=user, parent=own_chain, body="Talking to myself")
    mine = PostFactory(author=user)
    on_mine = CommentFactory(post=mine, author=other_user, body="On karen's post")
    CommentFactory(post=mine, author=user, parent=on_mine, body="Karen answers on her post")
    return {"theirs": theirs, "answered": answered, "reply": reply, "mine": mine}


def test_deleting_an_account_needs_the_password(client, user, conversation):
    client.force_login(user)
    response = client.post(reverse("transfer:delete_account"), {"comments": "keep", "password": "wrong"})
    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_an_account_needs_post(client, user):
    client.force_login(user)
    response = client.get(reverse("transfer:delete_account"))
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_an_account_needs_a_sign_in(client, user):
    response = client.post(reverse("transfer:delete_account"), {"comments": "keep", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_an_account_keeping_comments_signs_them_anonymous(client, user, other_user, conversation):
    client.force_login(user)
    response = client.post(reverse("transfer:delete_account"), {"comments": "keep", "password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Post.objects.filter(pk=conversation["mine"].pk).exists()
    kept = Comment.objects.filter(post=conversation["theirs"]).order_by("path")
    assert [(c.author_name, c.body, c.status) for c in kept] == [
        ("Anonymous", "Answered remark", "approved"),
        ("sp", "A reply by sp", "approved"),
        ("Anonymous", "Lonely remark", "approved"),
        ("Anonymous", "Talking to myself", "approved"),
    ]
    assert "_auth_user_id" not in client.session


def test_deleting_an_account_with_its_comments_keeps_others_replies(client, user, other_user, conversation):
    client.force_login(user)
    client.post(reverse("transfer:delete_account"), {"comments": "delete", "password": PASSWORD})
    left = Comment.objects.filter(post=conversation["theirs"]).order_by("path")
    assert [(c.author_name, c.body, c.status, c.depth) for c in left] == [
        ("Anonymous", "", "removed", 0),
        ("sp", "A reply by sp", "approved", 1),
    ]
    assert Comment.objects.get(pk=conversation["reply"].pk).parent_id == conversation["answered"].pk


@pytest.mark.parametrize("keep_comments", [True, False])
def test_deleting_an_account_costs_the_same_queries_however_many_comments_it_wrote(keep_comments):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.tests.factories import UserFactory
    from comments.tests.factories import CommentFactory
    from posts.tests.factories import PostFactory
    from transfer.services import delete_account

    def queries_to_delete(comments: int) -> int:
        writer, host = UserFactory(), UserFactory()
        post = PostFactory(author=host)
        CommentFactory.create_batch(comments, post=post, author=writer)
        writer_pk = writer.pk
        with CaptureQueriesContext(connection) as captured:
            delete_account(user=writer, keep_comments=keep_comments)
        assert not post.comments.filter(author_id=writer_pk).exists()
        assert post.comments.count() == (comments if keep_comments else 0)
        return len(captured)

    assert queries_to_delete(2) == queries_to_delete(20)


def test_the_blog_download_and_the_data_download_carry_each_posts_revisions(client, user, admin_user):
    post = create_post(author=user, title="Versions", body="First.", labels="a, b", excerpt="e")
    update_post(post=post, body="Second.", editor=admin_user)
    client.force_login(user)
    for url in (reverse("transfer:export_blog", kwargs={"fmt": "json"}), reverse("transfer:download_data")):
        (exported,) = json.loads(body(client.get(url)))["posts"]
        revisions = exported["revisions"]
        assert [r["body"] for r in revisions] == ["First.", "Second."]
        assert [r["editor"] for r in revisions] == ["karen", admin_user.username]
        assert revisions[0]["labels"] == ["a", "b"] and revisions[0]["title"] == "Versions"
        assert revisions[0]["excerpt"] == "e" and revisions[0]["created_at"].endswith("Z")


def test_the_blog_download_reads_a_flat_number_of_queries_however_many_revisions(
    client, user, django_assert_max_num_queries
):
    for n in range(10):
        post = create_post(author=user, title=f"Post {n}", body="v0")
        for i in range(1, 5):
            update_post(post=post, body=f"v{i}")
    client.force_login(user)
    with django_assert_max_num_queries(12):
        body(client.get(reverse("transfer:export_blog", kwargs={"fmt": "json"})))


def test_the_data_download_carries_the_users_unsaved_versions(client, user, other_user):
    post = create_post(author=user, title="Saved", body="Saved words.")
    save_autosave(author=user, post=post, title="Saved", body="Typed, not saved.", labels="", excerpt="")
    save_autosave(author=user, post=None, title="A new one", body="Begun.", labels="x", excerpt="")
    save_autosave(author=other_user, post=None, title="Not hers", body="Theirs.", labels="", excerpt="")
    client.force_login(user)
    data = json.loads(body(client.get(reverse("transfer:download_data"))))
    unsaved = data["unsaved_versions"]
    assert [(u["title"], u["body"]) for u in unsaved] == [("Saved", "Typed, not saved."), ("A new one", "Begun.")]
    assert unsaved[0]["post"].endswith(post.get_absolute_url()) and unsaved[1]["post"] is None
