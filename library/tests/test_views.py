"""The media library's pages: uploading (script and form), listing, deleting, and who may do what."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.images import SVG, image_bytes, png_bomb, truncated_jpeg, upload
from library.models import Picture
from posts.services import create_post, update_post
from tests.queries import page_queries

from .factories import make_picture
from .test_services import stored_files

pytestmark = pytest.mark.django_db

UPLOAD = reverse("library:upload")
LIBRARY = reverse("library:list")
JSON = {"HTTP_ACCEPT": "application/json"}


def post_picture(client, data=None, alt="A red square", **extra):
    data = image_bytes(size=(640, 480)) if data is None else data
    return client.post(UPLOAD, {"file": upload(data, name="photo.jpg"), "alt": alt}, **extra)


def test_the_editor_script_gets_the_pictures_address_and_markdown(client, user):
    client.force_login(user)

    response = post_picture(client, **JSON)

    assert response.status_code == 201
    picture = Picture.objects.get()
    assert response.json() == {
        "id": picture.pk,
        "url": picture.url,
        "alt": "A red square",
        "width": 640,
        "height": 480,
        "markdown": f"![A red square]({picture.url})",
        "page": picture.get_absolute_url(),
    }
    assert picture.owner == user


def test_the_form_without_javascript_leads_to_the_markdown_to_paste(client, user):
    client.force_login(user)
    assert "Add a picture" in client.get(UPLOAD).content.decode()

    response = post_picture(client, follow=True)

    picture = Picture.objects.get()
    assert response.redirect_chain[-1][0] == picture.get_absolute_url()
    assert f"![A red square]({picture.url})" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.4 not a picture", "not an image we can read"),
        (truncated_jpeg(), "damaged or incomplete"),
        (SVG, "not an image we can read"),
        (png_bomb(20_000, 20_000), "too many pixels"),
    ],
    ids=["non-image", "truncated", "svg", "20000x20000"],
)
def test_bad_uploads_get_a_clear_message_and_store_nothing(client, user, settings, data, words):
    client.force_login(user)

    as_json = post_picture(client, data, **JSON)
    as_form = post_picture(client, data)

    assert as_json.status_code == 400 and words in as_json.json()["error"]
    assert as_form.status_code == 400 and words in as_form.content.decode()
    assert not Picture.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_limit_is_refused(client, user, settings):
    settings.PICTURE_MAX_BYTES = 50_000
    client.force_login(user)

    response = post_picture(client, b"\xff\xd8" + b"\x00" * 60_000, **JSON)

    assert response.status_code == 400
    assert "larger than 48.8281 KB" in response.json()["error"]


def test_a_full_library_says_so(client, user, settings):
    client.force_login(user)
    first = make_picture(user)
    settings.PICTURE_QUOTA_BYTES = first.bytes + 10

    response = post_picture(client, **JSON)

    assert response.status_code == 400
    assert "Your media library is full" in response.json()["error"]
    assert Picture.objects.count() == 1


def test_an_alt_text_too_long_is_refused_on_its_field(client, user):
    client.force_login(user)

    response = post_picture(client, alt="x" * 301)

    assert response.status_code == 400
    assert "at most 300 characters" in response.content.decode()
    assert not Picture.objects.exists()


def test_an_upload_without_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = post_picture(client, **JSON)

    assert response.status_code == 403
    assert not Picture.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (LIBRARY, UPLOAD):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
    assert post_picture(client)["Location"].startswith(reverse("account_login"))
    assert not Picture.objects.exists()


def test_an_unverified_account_cannot_upload(client, unverified_user):
    client.force_login(unverified_user)

    assert post_picture(client, **JSON).status_code == 403
    assert not Picture.objects.exists()


def test_the_library_lists_only_ones_own_pictures_with_where_each_is_used(client, user, other_user):
    used = make_picture(user, alt="Used one")
    make_picture(user, alt="")
    make_picture(other_user, alt="Someone else's")
    create_post(author=user, title="Where it shows", body=f"![Used one]({used.url})", status="published")
    client.force_login(user)

    page = client.get(LIBRARY).content.decode()

    assert "Used one" in page and "Someone else" not in page
    assert "Used in: <a" in page and "Where it shows" in page
    assert "No alt text" in page
    assert "Not used in any post." in page


def test_where_a_picture_is_used_names_no_one_elses_draft(client, user, other_user):
    """Anyone may write a library picture's address into a post; the owner learns only of posts they may see."""
    picture = make_picture(user, alt="Borrowed")
    create_post(author=other_user, title="Secret plans", body=f"![x]({picture.url})")
    create_post(author=other_user, title="Out in the open", body=f"![x]({picture.url})", status="published")
    create_post(author=user, title="My own draft", body=f"![x]({picture.url})")
    client.force_login(user)

    for url in (LIBRARY, picture.get_absolute_url(), reverse("library:delete", kwargs={"pk": picture.pk})):
        page = client.get(url).content.decode()
        assert "Out in the open" in page and "My own draft" in page
        assert "Secret plans" not in page


@pytest.mark.parametrize("n", [1, 12])
def test_the_library_page_query_count_is_flat(client, user, n, django_assert_num_queries):
    for i in range(n):
        picture = make_picture(user, size=(40, 30))
        create_post(author=user, title=f"Post {i}", body=f"![]({picture.url})", status="published")
    client.force_login(user)

    # The user, the quota's sum, the count for the pages, the pictures, their posts, those posts' authors,
    # and the header's unread inbox count (the session comes from the cache).
    with django_assert_num_queries(7):
        response = client.get(LIBRARY)
    assert response.content.decode().count('class="library-item"') == n


def test_an_unused_picture_is_deleted_at_once(client, user, settings, django_capture_on_commit_callbacks):
    picture = make_picture(user)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("library:delete", kwargs={"pk": picture.pk}))

    assert response["Location"] == LIBRARY
    assert not Picture.objects.exists()
    assert stored_files(settings) == []


def test_a_used_picture_asks_first_and_names_the_posts(client, user):
    picture = make_picture(user)
    post = create_post(author=user, title="Still showing it", body=f"![x]({picture.url})", status="published")
    client.force_login(user)
    url = reverse("library:delete", kwargs={"pk": picture.pk})

    asked = client.post(url)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Still showing it" in page and post.get_absolute_url() in page and 'name="confirm"' in page
    assert Picture.objects.exists()

    assert client.post(url, {"confirm": "yes"})["Location"] == LIBRARY
    assert not Picture.objects.exists()
    assert client.get(post.get_absolute_url()).status_code == 200


def test_someone_elses_picture_cannot_be_seen_changed_or_deleted_by_id(client, user, other_user):
    picture = make_picture(user)
    client.force_login(other_user)

    assert client.get(picture.get_absolute_url()).status_code == 404
    assert client.post(picture.get_absolute_url(), {"alt": "Mine now"}).status_code == 404
    delete_url = reverse("library:delete", kwargs={"pk": picture.pk})
    assert client.post(delete_url, {"confirm": "yes"}).status_code == 404
    picture.refresh_from_db()
    assert picture.alt == "A red square"


def test_staff_do_not_manage_other_peoples_pictures_either(client, user, staff_user):
    picture = make_picture(user)
    client.force_login(staff_user)

    assert client.post(reverse("library:delete", kwargs={"pk": picture.pk}), {"confirm": "yes"}).status_code == 404
    assert Picture.objects.exists()


def test_the_owner_changes_the_alt_text(client, user):
    picture = make_picture(user, alt="")
    client.force_login(user)
    assert "has no alt text" in client.get(picture.get_absolute_url()).content.decode()

    response = client.post(picture.get_absolute_url(), {"alt": "A red square at noon"})

    assert response["Location"] == picture.get_absolute_url()
    picture.refresh_from_db()
    assert picture.alt == "A red square at noon"


def test_the_editor_offers_the_picture_tools_and_flags_pictures_without_alt(client, user):
    client.force_login(user)
    post = create_post(author=user, title="Pictures", body="![](/media/x.jpg)\n\n![ ](/media/y.jpg)\n\n![ok](/z.jpg)")

    page = client.get(post.get_edit_url()).content.decode()

    assert "data-picture-uploader" in page and f'data-upload-url="{UPLOAD}"' in page
    assert "<span data-picture-alt-count>2</span> picture(s) without alt text" in page
    assert "js/pictures.js" in page
    fresh = client.get(reverse("posts:write")).content.decode()
    assert "data-picture-alt-warning hidden" in fresh


def test_the_editor_page_query_count_does_not_grow_with_ones_uploads(client, user):
    client.force_login(user)
    post = create_post(author=user, title="Pictures", body="Words.")
    counts = []
    for more in (1, 15):
        for _ in range(more):
            picture = make_picture(user, size=(40, 30))
        update_post(post=post, body=f"![x]({picture.url})")
        n, _ = page_queries(client, post.get_edit_url())
        counts.append(n)
    assert counts[0] == counts[1]


def test_a_long_library_comes_in_pages(client, user, monkeypatch):
    from library import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        make_picture(user, size=(20, 20), alt=f"Picture {n}")
    client.force_login(user)

    first = client.get(LIBRARY).content.decode()
    second = client.get(LIBRARY, {"page": 2}).content.decode()

    assert "Picture 2" in first and "Picture 1" in first and "Picture 0" not in first
    assert "Picture 0" in second and "Page 2 of 2" in second
    assert client.get(LIBRARY, {"page": "x"}).status_code == 200
