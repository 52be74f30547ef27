"""The profile editor at /accounts/profile/ and the public page at /@<username>/about/."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from accounts.models import User

from .factories import UserFactory
from .images import SVG, image_bytes, jpeg_with_gps, png_bomb, truncated_jpeg, upload

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def profile_data(**overrides):
    data = {
        "display_name": "Karen K.",
        "bio": "I write about jobs.",
        "notify_replies": "instant",
        "notify_comments": "instant",
        "notify_moderation": "inbox",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_profile_editor_needs_a_sign_in(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_profile_editor_shows_labelled_fields_and_account_links(client, user):
    client.force_login(user)

    html = client.get(PROFILE).content.decode()

    for field in ["display_name", "bio", "avatar", "notify_replies", "notify_comments", "notify_moderation"]:
        assert f'for="id_{field}"' in html
    assert 'href="/accounts/email/"' in html
    assert 'href="/accounts/password/change/"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "style=" not in html


def test_a_user_edits_name_bio_and_notification_choices(client, user):
    client.force_login(user)

    response = client.post(PROFILE, profile_data(notify_replies="digest", notify_comments="off"))

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Karen K."
    assert user.bio == "I write about jobs."
    assert (user.notify_replies, user.notify_comments, user.notify_moderation) == ("digest", "off", "inbox")


def test_a_notification_choice_the_form_does_not_offer_is_refused(client, user):
    client.force_login(user)

    response = client.post(PROFILE, profile_data(notify_replies="hourly"))

    assert response.status_code == 200 and "notify_replies" in response.context["form"].errors
    user.refresh_from_db()
    assert user.notify_replies == "instant"


@pytest.mark.parametrize("missing", [None, ""])
def test_notification_choices_left_out_of_a_post_stay_as_they_were(client, user, missing):
    """A client that sends only some fields, or empty ones, changes nothing it did not send."""
    user.notify_replies, user.notify_moderation = "digest", "off"
    user.save()
    client.force_login(user)

    data = profile_data(display_name="Just the name", notify_replies=missing, notify_moderation=missing)
    response = client.post(PROFILE, data)

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.notify_replies, user.notify_moderation) == ("Just the name", "digest", "off")


def test_a_bio_over_the_limit_is_refused_and_nothing_is_saved(client, user):
    client.force_login(user)

    response = client.post(PROFILE, profile_data(bio="x" * 2001))

    assert response.status_code == 200
    assert "bio" in response.context["form"].errors
    user.refresh_from_db()
    assert user.display_name == "Karen"


def test_an_uploaded_avatar_is_stored_as_a_clean_square_jpeg(client, user):
    client.force_login(user)

    response = client.post(PROFILE, {**profile_data(), "avatar": upload(jpeg_with_gps((1200, 800)))})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar.name.startswith(f"avatars/{user.pk}/")
    assert user.avatar.name.endswith(".jpg")
    with default_storage.open(user.avatar.name) as stored:
        image = Image.open(BytesIO(stored.read()))
        assert image.size == (256, 256)
        assert not image.getexif()


def test_replacing_an_avatar_deletes_the_old_file(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    client.post(PROFILE, {**profile_data(), "avatar": upload(image_bytes("PNG"), name="one.png")})
    user.refresh_from_db()
    first = user.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**profile_data(), "avatar": upload(image_bytes("JPEG"), name="two.jpg")})

    user.refresh_from_db()
    assert user.avatar.name != first
    assert default_storage.exists(user.avatar.name)
    assert not default_storage.exists(first)


def test_removing_the_avatar_clears_it_and_deletes_the_file(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    client.post(PROFILE, {**profile_data(), "avatar": upload(image_bytes("PNG"), name="one.png")})
    user.refresh_from_db()
    old = user.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, {**profile_data(), "avatar-clear": "on"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.avatar
    assert not default_storage.exists(old)


def test_saving_without_a_new_picture_keeps_the_current_one(client, user):
    client.force_login(user)
    client.post(PROFILE, {**profile_data(), "avatar": upload(image_bytes("PNG"), name="one.png")})
    user.refresh_from_db()
    current = user.avatar.name

    client.post(PROFILE, profile_data(display_name="K"))

    user.refresh_from_db()
    assert user.avatar.name == current
    assert default_storage.exists(current)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (png_bomb(100_000, 100_000), "bomb.png", "too many pixels"),
        (png_bomb(6000, 5000), "big.png", "too many pixels"),
        (b"GIF89a? not really" * 100, "fake.gif", "not an image"),
        (b"plain text, renamed\n" * 100, "photo.png", "not an image"),
        (SVG, "logo.svg", "not an image"),
        (truncated_jpeg(), "cut.jpg", "damaged or incomplete"),
        (image_bytes("BMP", size=(30, 30)), "old.bmp", "BMP files are not accepted"),
    ],
    ids=["bomb", "over-pixel-bound", "fake-gif", "text-renamed-png", "svg", "truncated-jpeg", "bmp"],
)
def test_a_bad_avatar_gets_a_form_error_and_changes_nothing(client, user, data, name, message):
    client.force_login(user)

    response = client.post(PROFILE, {**profile_data(display_name="Changed"), "avatar": upload(data, name=name)})

    assert response.status_code == 200
    errors = response.context["form"].errors["avatar"]
    assert message in errors[0]
    assert message in response.content.decode()
    user.refresh_from_db()
    assert not user.avatar
    assert user.display_name == "Karen", "a refused form saves nothing"


def test_an_avatar_over_five_megabytes_is_refused(client, user):
    client.force_login(user)
    big = image_bytes("PNG", size=(64, 64)) + b"\0" * (5 * 1024 * 1024)

    response = client.post(PROFILE, {**profile_data(), "avatar": upload(big, name="huge.png")})

    assert response.status_code == 200
    assert "larger than 5 MB" in response.context["form"].errors["avatar"][0]


def test_the_about_page_shows_name_bio_avatar_blog_link_and_join_date(client):
    person = UserFactory(username="writer", display_name="Wren Writer", bio="Line one\nLine <b>two</b>")

    response = client.get("/@writer/about/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Wren Writer" in html
    assert "Line one<br>Line &lt;b&gt;two&lt;/b&gt;" in html, "the bio is escaped, never rendered as HTML"
    assert 'href="/@writer/"' in html
    assert person.date_joined.strftime("%B %Y") in html


def test_the_about_page_shows_the_avatar_when_there_is_one(client, user):
    client.force_login(user)
    client.post(PROFILE, {**profile_data(), "avatar": upload(image_bytes("PNG"), name="me.png")})
    user.refresh_from_db()

    html = client.get("/@karen/about/").content.decode()

    assert f'src="{user.avatar.url}"' in html


def test_the_about_page_redirects_other_spellings_to_the_canonical_one(client, user):
    response = client.get("/@Karen/about/")

    assert response.status_code == 301
    assert response.url == "/@karen/about/"


def test_the_about_page_of_an_unknown_or_inactive_user_is_not_found(client):
    UserFactory(username="gone", is_active=False)

    assert client.get("/@nobody/about/").status_code == 404
    assert client.get("/@gone/about/").status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_the_about_page_costs_three_queries_whatever_the_posts_and_comments(
    client, user, other_user, n, django_assert_num_queries
):
    """The person with their blog, their recent posts, their recent comments."""
    from comments.tests.factories import CommentFactory
    from posts.tests.factories import PostFactory

    for i in range(n):
        PostFactory(author=user, title=f"Post {i}")
        CommentFactory(post=PostFactory(author=other_user), author=user)
    with django_assert_num_queries(3):
        html = client.get("/@karen/about/").content.decode()
    assert html.count('<li class="mb-1">') == min(n, 5)


def test_the_about_page_shows_the_blog_recent_posts_and_recent_comments(client, user, other_user):
    from comments.models import Comment
    from comments.tests.factories import CommentFactory
    from posts.models import Blog
    from posts.tests.factories import DraftFactory, PostFactory

    Blog.objects.create(owner=user, title="Small victories", description="Work and weather.")
    PostFactory(author=user, title="Spring at last")
    DraftFactory(author=user, title="Not yet out")
    theirs = PostFactory(author=other_user, title="Their garden")
    CommentFactory(post=theirs, author=user, body="Lovely roses.")
    CommentFactory(post=theirs, author=user, body="Held back.", status=Comment.Status.PENDING)
    CommentFactory(post=DraftFactory(author=other_user, title="Secret draft"), author=user, body="On a draft.")
    html = client.get("/@karen/about/").content.decode()
    assert "Small victories" in html and "Work and weather." in html
    assert "Spring at last" in html and "Not yet out" not in html
    assert "Lovely roses." in html and "On “Their garden”" in html
    assert "Held back." not in html and "On a draft." not in html and "Secret draft" not in html


def test_user_absolute_url_is_the_about_page(user):
    assert user.get_absolute_url() == "/@karen/about/"
    assert User.objects.get(pk=user.pk).name == "Karen"
