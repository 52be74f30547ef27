"""The refusal that the views that write (posts, comments) give a user without a confirmed address."""

import pytest
from django.core import mail

from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_an_unverified_reader_is_refused_a_comment_and_told_why_and_how_to_verify(client, user, unverified_user):
    post = PostFactory(author=user)
    client.force_login(unverified_user)

    response = client.post(post.get_absolute_url() + "comments/", {"body": "Hello", "parent": ""})

    html = response.content.decode()
    assert response.status_code == 403
    assert "To comment you need a confirmed email address" in html
    assert "newcomer@example.com" in html
    assert 'action="/accounts/email/"' in html
    assert 'name="action_send"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert not post.comments.exists()
    assert not mail.outbox, "the refusal itself sends nothing; resending is the user's choice"


def test_an_unverified_user_is_refused_writing_with_the_same_notice(client, unverified_user):
    client.force_login(unverified_user)

    response = client.get("/write/")

    assert response.status_code == 403
    assert "To write posts you need a confirmed email address" in response.content.decode()


@pytest.mark.parametrize(
    ("address", "sentence"),
    [
        ("/write/", "Pour écrire des articles, il vous faut une adresse e-mail confirmée"),
        ("/media-library/add/", "Pour ajouter des images, il vous faut une adresse e-mail confirmée"),
    ],
)
def test_the_notice_is_one_sentence_in_the_readers_language(client, unverified_user, address, sentence):
    """Each refusal says its whole sentence in the reader's language, with no English words set into it."""
    unverified_user.language = "fr"
    unverified_user.save(update_fields=["language"])
    client.force_login(unverified_user)

    response = client.get(address)

    assert response.status_code == 403
    assert sentence in response.content.decode()


def test_the_resend_button_of_the_notice_sends_a_new_link(client, unverified_user, django_capture_on_commit_callbacks):
    client.force_login(unverified_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/email/", {"email": "newcomer@example.com", "action_send": ""})

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["newcomer@example.com"]
