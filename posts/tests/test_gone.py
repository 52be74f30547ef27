"""A post that was public here and is not any more (deleted, or made a draft again) answers 410 Gone at its
address, so that readers, fediverse servers and webmention receivers learn it is gone; a new post that takes
the address wins."""

import pytest

from posts.models import GonePost, Post
from posts.services import create_post, delete_post, update_post
from posts.tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


def test_a_deleted_public_post_answers_410_with_a_page_that_says_so(client, user, post):
    url = post.get_absolute_url()
    client.force_login(user)
    client.post(post.get_delete_url())
    client.logout()

    response = client.get(url)

    assert response.status_code == 410
    assert "This post is gone" in response.content.decode()
    assert GonePost.objects.filter(author=user, slug=post.slug).exists()


def test_an_address_that_never_held_a_public_post_is_still_not_found(client, user):
    draft = DraftFactory(author=user, title="Never shown")
    url = draft.get_absolute_url()
    delete_post(post=draft)

    assert client.get(url).status_code == 404
    assert client.get(url.replace("never-shown", "no-such-post")).status_code == 404
    assert not GonePost.objects.exists()


def test_a_public_post_made_a_draft_again_is_gone_for_readers_but_not_for_its_author(client, user, post):
    update_post(post=post, status=Post.Status.DRAFT)

    assert client.get(post.get_absolute_url()).status_code == 410
    client.force_login(user)
    assert client.get(post.get_absolute_url()).status_code == 200


def test_a_new_post_at_the_same_address_wins_over_the_tombstone(client, user):
    first = create_post(author=user, title="Garden news", body="First.", status="published")
    url = first.get_absolute_url()
    delete_post(post=first)
    assert client.get(url).status_code == 410

    again = create_post(author=user, title="Garden news", body="Back again.", status="published")

    assert again.get_absolute_url() == url
    response = client.get(url)
    assert response.status_code == 200 and "Back again." in response.content.decode()


def test_deleting_a_post_in_the_admin_leaves_a_tombstone_too(admin_client, client, post):
    url = post.get_absolute_url()

    admin_client.post(f"/admin/posts/post/{post.pk}/delete/", {"post": "yes"})

    assert not Post.objects.filter(pk=post.pk).exists()
    assert client.get(url).status_code == 410
