"""Pictures of fediverse accounts beside their replies: fetched in the background through the guarded fetch,
checked and re-encoded as uploads are, kept here and shown from here; fetched again when the account's
picture changes, at most once a day; the initial when there is none to be had."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from accounts.models import RemoteAvatar
from accounts.remote_avatars import want_avatar
from accounts.tests.images import image_bytes, jpeg_with_gps, png_bomb
from comments.models import Comment
from federation.models import Instance, RemoteActor, RemoteNote
from posts.tests.factories import PostFactory

from .signing import follow, post_signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(blog, user):
    blog.comment_policy = "open"
    blog.save()
    return PostFactory(author=user, title="Beans")


def reply(fake, post, n=1) -> dict:
    note = {
        "id": f"{fake.base}/users/alice/statuses/{n}",
        "type": "Note",
        "attributedTo": fake.actor_id,
        "inReplyTo": "http://testserver" + post.get_absolute_url(),
        "content": f"<p>Reply number {n}</p>",
        "url": f"{fake.base}/@alice/{n}",
    }
    return {"id": f"{fake.base}/activities/{n}", "type": "Create", "actor": fake.actor_id, "object": note}


def profile_update(fake, icon_path: str, n=1) -> dict:
    person = {**fake.actor_document(), "icon": {"type": "Image", "url": f"{fake.base}{icon_path}"}}
    return {"id": f"{fake.base}/updates/{n}", "type": "Update", "actor": fake.actor_id, "object": person}


def deliver(client, fake, activity, capture):
    """Deliver `activity` to the shared inbox, running the tasks it queues (as the worker would)."""
    with capture(execute=True):
        response = post_signed(client, "/inbox", activity, fake)
    assert response.status_code == 202
    return response


def page(client, post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


def test_a_replys_author_picture_is_fetched_cleaned_and_shown_from_this_site(
    client, article, fake, django_capture_on_commit_callbacks
):
    fake.files["/alice.png"] = (200, "image/jpeg", jpeg_with_gps(size=(640, 480)))

    deliver(client, fake, reply(fake, article), django_capture_on_commit_callbacks)

    avatar = RemoteAvatar.objects.get()
    assert avatar.key == fake.actor_id and avatar.fetched_url == f"{fake.base}/alice.png"
    assert Comment.objects.get().remote_avatar == avatar and RemoteActor.objects.get().avatar == avatar
    for field, size in zip((avatar.image, avatar.image_2x), RemoteAvatar.SIZES, strict=True):
        with default_storage.open(field.name) as stored, Image.open(stored) as picture:
            assert picture.size == (size, size)
            assert not picture.getexif(), "the camera's EXIF (and its GPS position) is gone"
    html = page(client, article)
    assert f'src="{avatar.image.url}" srcset="{avatar.image.url} 96w, {avatar.image_2x.url} 192w"' in html
    assert "/alice.png" not in html, "the picture is never shown from its own site"
    assert fake.served == {"/alice.png": 1}


def test_a_new_repliers_picture_is_queued_once_and_a_followers_not_at_all(client, article, fake, settings):
    """On the database queue the fetch waits for a worker: the reply that first names the account queues one,
    not a second for the next day, and a follower, whose picture no page shows, queues none, not even when they
    tell of a new one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    fetches = DBTaskResult.objects.filter(task_path="accounts.tasks.fetch_remote_avatar")

    assert post_signed(client, "/@karen/inbox/", follow(fake), fake).status_code == 202
    assert post_signed(client, "/inbox", profile_update(fake, "/alice.png"), fake).status_code == 202
    assert not RemoteAvatar.objects.exists() and not fetches.exists()

    RemoteActor.objects.all().delete()
    assert post_signed(client, "/inbox", reply(fake, article), fake).status_code == 202
    avatar = RemoteAvatar.objects.get()
    assert [task.args_kwargs["args"] for task in fetches] == [[avatar.pk]]
    assert avatar.attempted_at <= timezone.now(), "no second fetch was claimed for the next day"


@pytest.mark.parametrize(
    "answer",
    [
        (404, "text/html", b"<p>Not here</p>"),
        (200, "image/png", b"<html>not a picture</html>"),
        (200, "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        (200, "image/png", png_bomb()),
        (200, "image/png", image_bytes("PNG", size=(10, 10))[:40]),
    ],
    ids=["missing", "not-a-picture", "svg", "decompression-bomb", "truncated"],
)
def test_a_picture_that_cannot_be_had_leaves_the_initial(
    client, article, fake, answer, django_capture_on_commit_callbacks
):
    fake.files["/alice.png"] = answer

    deliver(client, fake, reply(fake, article), django_capture_on_commit_callbacks)

    avatar = RemoteAvatar.objects.get()
    assert not avatar.image and avatar.last_error
    html = page(client, article)
    assert '<span class="comment-avatar comment-avatar-initial" aria-hidden="true">A</span>' in html
    assert 'img class="comment-avatar"' not in html
    assert "Reply number 1" in html


def test_a_picture_larger_than_an_upload_may_be_is_cut_off(
    client, article, fake, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("accounts.remote_avatars.DEFAULT_MAX_BYTES", 2000)
    fake.files["/alice.png"] = (200, "image/png", image_bytes("PNG", size=(400, 400), color=None) + b"\0" * 3000)

    deliver(client, fake, reply(fake, article), django_capture_on_commit_callbacks)

    avatar = RemoteAvatar.objects.get()
    assert not avatar.image and "larger than" in avatar.last_error


def test_a_picture_on_a_private_address_is_never_fetched(settings, django_capture_on_commit_callbacks):
    settings.FETCH_ALLOWED_NETWORKS = []
    with django_capture_on_commit_callbacks(execute=True):
        avatar = want_avatar(key="https://social.example/users/bob", url="http://10.20.30.40/bob.png")

    avatar.refresh_from_db()
    assert not avatar.image and "private" in avatar.last_error


def test_a_new_picture_is_fetched_when_the_account_changes_it_and_at_most_once_a_day(
    client, article, fake, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    fake.files["/alice.png"] = (200, "image/png", image_bytes("PNG", size=(300, 300), color=(0, 0, 255)))
    fake.files["/alice-new.png"] = (200, "image/png", image_bytes("PNG", size=(300, 300), color=(0, 255, 0)))
    deliver(client, fake, reply(fake, article), capture)
    first = RemoteAvatar.objects.get()

    deliver(client, fake, profile_update(fake, "/alice.png"), capture)
    deliver(client, fake, reply(fake, article, n=2), capture)
    assert fake.served == {"/alice.png": 1}, "the same picture is not fetched again within the day"

    deliver(client, fake, profile_update(fake, "/alice-new.png", n=2), capture)
    assert fake.served == {"/alice.png": 1}, "nor a new one within the day of the last fetch"
    assert RemoteActor.objects.get().icon_url == f"{fake.base}/alice-new.png"

    RemoteAvatar.objects.update(attempted_at=first.attempted_at - timedelta(days=1, minutes=1))
    deliver(client, fake, profile_update(fake, "/alice-new.png", n=3), capture)
    assert fake.served == {"/alice.png": 1, "/alice-new.png": 1}
    avatar = RemoteAvatar.objects.get()
    assert avatar.fetched_url == f"{fake.base}/alice-new.png" and avatar.image.name != first.image.name
    with default_storage.open(avatar.image.name) as stored, Image.open(stored) as picture:
        red, green, blue = picture.convert("RGB").getpixel((48, 48))
        assert green > 240 and red < 10 and blue < 10, "the new picture (green), re-encoded as JPEG"
    assert not default_storage.exists(first.image.name), "the replaced picture's files are removed"
    html = page(client, article)
    assert html.count(f'src="{avatar.image.url}"') == 2, "both replies show the new picture"


def test_a_change_heard_within_the_day_is_queued_for_the_days_end(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    from accounts.tasks import fetch_remote_avatar

    fetch_remote_avatar.get_backend().clear()
    key = "https://social.example/users/bob"
    with django_capture_on_commit_callbacks(execute=True):
        first = want_avatar(key=key, url="https://social.example/bob.png")
        want_avatar(key=key, url="https://social.example/bob-2.png")
        want_avatar(key=key, url="https://social.example/bob-3.png")

    queued = fetch_remote_avatar.get_backend().results
    assert [r.task.run_after for r in queued] == [None, first.attempted_at + timedelta(days=1)]
    assert RemoteAvatar.objects.get().source_url == "https://social.example/bob-3.png"


def test_a_picture_arriving_moves_the_cached_page_on(
    client, article, fake, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    capture = django_capture_on_commit_callbacks
    fake.files["/alice.png"] = (503, "text/plain", b"busy")
    deliver(client, fake, reply(fake, article), capture)
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    fake.files["/alice-new.png"] = (200, "image/png", image_bytes("PNG", size=(120, 120)))
    RemoteAvatar.objects.update(attempted_at=RemoteAvatar.objects.get().attempted_at - timedelta(days=2))
    deliver(client, fake, profile_update(fake, "/alice-new.png"), capture)

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert f'src="{RemoteAvatar.objects.get().image.url}"' in response.content.decode()


def test_replies_stored_before_the_account_had_a_picture_get_it(
    client, article, fake, django_capture_on_commit_callbacks
):
    fake.files["/alice.png"] = (200, "image/png", image_bytes("PNG", size=(120, 120)))
    deliver(client, fake, reply(fake, article), django_capture_on_commit_callbacks)
    Comment.objects.update(remote_avatar=None)
    RemoteActor.objects.update(avatar=None)

    deliver(client, fake, profile_update(fake, "/alice.png"), django_capture_on_commit_callbacks)

    assert Comment.objects.get().remote_avatar == RemoteAvatar.objects.get()


# An anonymous reader's post page, not cached: the post with its blog, its labels, its reactions, its newer
# and older neighbours, its mentions, the thread's roots and its comments with their authors and pictures.
POST_PAGE_QUERIES = 8


@pytest.mark.parametrize("n", [1, 20])
def test_the_post_page_shows_remote_pictures_in_the_same_queries_whatever_their_number(
    client, article, n, django_assert_num_queries
):
    instance = Instance.objects.create(domain="social.example")
    for i in range(n):
        uri = f"https://social.example/users/p{i}"
        avatar = RemoteAvatar.objects.create(
            key=uri, image=f"remote-avatars/p{i}.jpg", image_2x=f"remote-avatars/p{i}-2x.jpg"
        )
        remote = RemoteActor.objects.create(uri=uri, instance=instance, inbox=f"{uri}/inbox", avatar=avatar)
        comment = Comment.objects.create_in_thread(
            post=article,
            guest_name=f"P{i}",
            remote_url=f"{uri}/1",
            remote_handle=f"@p{i}@social.example",
            remote_avatar=avatar,
            body="Hi",
            body_html="<p>Hi</p>",
            status=Comment.Status.APPROVED,
        )
        RemoteNote.objects.create(comment=comment, note_id=f"{uri}/1", remote=remote)

    with django_assert_num_queries(POST_PAGE_QUERIES):
        html = page(client, article)

    assert html.count('img class="comment-avatar" src="/media/remote-avatars/') == n
