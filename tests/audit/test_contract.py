"""The public contract, checked the way an outside client would use it."""

from urllib.parse import quote

from posts.services import create_post


def test_a_label_page_is_found_by_its_name_and_redirects_to_its_address(client, user):
    create_post(author=user, title="A good day", body="Yes.", labels="Small Victories", status="published")

    response = client.get(f"/@{user.username}/label/{quote('small victories')}/")

    assert response.status_code == 301
    assert response["Location"] == f"/@{user.username}/label/small-victories/"
    assert "A good day" in client.get(response["Location"]).content.decode()


def test_a_label_feed_is_found_by_the_labels_name(client, user):
    create_post(author=user, title="Summer", body="Warm.", labels="Été", status="published")

    response = client.get(f"/@{user.username}/label/{quote('Été')}/feed/")

    assert response.status_code == 200
    assert "Summer" in response.content.decode()


def test_an_unknown_label_is_still_not_found(client, user):
    assert client.get(f"/@{user.username}/label/nothing-here/").status_code == 404
