from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command

from posts.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(user, fixture_path):
    for name in ("wordpress.xml", "blog-03-20-2011.xml"):
        call_command("import_blog", str(fixture_path(name)), "--author", user.username, stdout=StringIO())
    return user


def test_a_wordpress_dated_permalink_redirects_permanently_to_the_new_one(client, imported):
    post = Post.objects.get(slug="ca-marche-日本")
    response = client.get("/@karen/2011/03/14/" + quote("ca-marche-日本") + "/")
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_a_wordpress_post_id_address_redirects_to_the_post(client, imported):
    post = Post.objects.get(slug="ca-marche-日本")
    response = client.get("/@karen/", {"p": "101"})
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_a_blogger_address_redirects_to_the_post(client, imported):
    post = Post.objects.get(slug="reading-writing")
    response = client.get("/@karen/2011/03/reading-writing.html")
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_an_old_address_of_a_draft_does_not_redirect(client, imported):
    assert client.get("/@karen/", {"p": "102"}).status_code == 200
    assert client.get("/@karen/2012/01/02/only-for-me/").status_code == 404


def test_old_addresses_belong_to_their_own_blog(client, imported, other_user):
    assert client.get("/@sp/2011/03/reading-writing.html", follow=True).status_code == 404
    # sp's blog has no posts (a 404 for others), and never answers with karen's post.
    response = client.get("/@sp/", {"p": "101"})
    assert response.status_code == 404 and "Location" not in response


def test_an_unknown_old_address_stays_a_404(client, imported):
    assert client.get("/@karen/2011/03/never-was.html", follow=True).status_code == 404


def test_a_404_costs_one_query_for_the_lookup(client, imported, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/@karen/2011/never/was/here/").status_code == 404


def test_an_old_address_lands_on_the_post_with_its_imported_thread(client, imported):
    response = client.get("/@karen/2011/03/14/" + quote("ca-marche-日本") + "/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "桜 everywhere" in html
    assert "Zoë Ángel" in html and "Fifth level, listed before its parent." in html
    assert "Buy now!!!" not in html and "Still in the moderation queue." not in html
