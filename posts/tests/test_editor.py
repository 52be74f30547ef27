"""The writer's desk: the form's action buttons, preview, autosave, and the history page of revisions."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posts import services
from posts.models import Autosave, Post

from .factories import DraftFactory, PostFactory

pytestmark = pytest.mark.django_db

AUTOSAVE = "/write/autosave/"
DISCARD = "/write/autosave/discard/"
PREVIEW = "/write/preview/"


def _form(**overrides):
    data = {"title": "My title", "body": "Hello *world*.", "labels": "one, two", "status": "published"}
    return {**data, **overrides}


def _buttons(html: str) -> list[tuple[str, str, str]]:
    """(name, value, text) of each submit button of the post form, in order."""
    form = html[html.index('id="post-form"') : html.index("</form>", html.index('id="post-form"'))]
    found = re.findall(r'<button class="[^"]*" type="submit" name="(\w+)" value="(\w+)"[^>]*>([^<]+)<', form)
    return [(name, value, text.strip()) for name, value, text in found]


@pytest.fixture
def draft(user):
    return services.create_post(author=user, title="A draft", body="First words.", labels="notes")


# The form's buttons


def test_a_new_post_offers_save_draft_publish_schedule_and_preview_buttons_carrying_the_status(client, user):
    client.force_login(user)
    html = client.get("/write/").content.decode()
    assert _buttons(html) == [
        ("status", "draft", "Save draft"),
        ("status", "published", "Publish"),
        ("preview", "1", "Preview"),
        ("status", "scheduled", "Schedule"),
    ]
    assert 'type="radio"' not in html
    assert '<details class="editor-schedule">' in html  # the date field shows once "Schedule…" is opened
    assert re.search(r'<textarea name="excerpt"[^>]*>', html) and 'data-editor-body=""' not in re.search(
        r'<textarea name="excerpt"[^>]*>', html
    ).group(0)


def test_a_published_post_offers_update_and_unpublish(client, user, post):
    client.force_login(user)
    html = client.get(post.get_edit_url()).content.decode()
    assert _buttons(html) == [
        ("status", "published", "Update"),
        ("status", "draft", "Unpublish"),
        ("preview", "1", "Preview"),
    ]
    assert "editor-schedule" not in html


def test_a_scheduled_post_opens_its_time_and_offers_publish_now(client, user):
    later = timezone.now() + datetime.timedelta(days=2)
    post = services.create_post(author=user, title="Later", body="x", status="scheduled", publish_at=later)
    client.force_login(user)
    html = client.get(post.get_edit_url()).content.decode()
    assert [b[2] for b in _buttons(html)] == ["Update", "Publish now", "Back to draft", "Preview", "Schedule"]
    assert '<details class="editor-schedule" open>' in html


def test_unpublish_makes_a_published_post_a_draft(client, user, post):
    client.force_login(user)
    response = client.post(post.get_edit_url(), _form(title=post.title, status="draft"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT and not post.is_public


def test_a_form_sent_without_any_action_is_told_what_to_choose(client, user):
    client.force_login(user)
    response = client.post("/write/", {"title": "T", "body": "B"})
    assert response.status_code == 200
    assert "Choose what to do with the post" in response.content.decode()
    assert not Post.objects.exists()


def test_scheduling_without_javascript_sends_the_time_with_the_schedule_button(client, user):
    client.force_login(user)
    when = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/write/", _form(status="scheduled", publish_at=when))
    assert response.status_code == 302
    assert Post.objects.get().status == Post.Status.SCHEDULED


def test_the_editor_page_loads_its_script_and_styles_from_files(client, user):
    client.force_login(user)
    html = client.get("/write/").content.decode()
    assert "js/editor.js" in html and "css/editor.css" in html
    assert "<script>" not in html and "style=" not in html
    assert 'data-editor-action="picture"' in html


# Preview


def test_the_preview_button_shows_the_rendered_post_without_saving(client, user, draft):
    client.force_login(user)
    data = _form(title="Changed title", body="# Heading\n\n**Strong** <script>alert(1)</script>", preview="1")
    del data["status"]
    response = client.post(draft.get_edit_url(), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Heading</h2>" in html and "<strong>Strong</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert 'value="Changed title"' in html  # the form keeps what was typed
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("A draft", "First words.")
    assert draft.revisions.count() == 1


def test_the_preview_button_on_a_new_post_saves_nothing(client, user):
    client.force_login(user)
    response = client.post("/write/", {"title": "New", "body": "Some *text*", "preview": "1"})
    assert response.status_code == 200
    assert "<em>text</em>" in response.content.decode()
    assert not Post.objects.exists()


def test_the_live_preview_renders_with_the_publishing_pipeline(client, user):
    client.force_login(user)
    body = "Text with [a link](https://example.org) <img src=x onerror=alert(1)>"
    response = client.post(PREVIEW, {"body": body})
    assert response.status_code == 200
    assert response.json()["html"] == Post.render_body(body)
    assert "onerror" not in response.json()["html"]


def test_the_live_preview_refuses_strangers_and_requests_without_csrf(client, user, other_user, draft):
    assert client.post(PREVIEW, {"body": "x"}).status_code == 403
    client.force_login(other_user)
    assert client.post(PREVIEW, {"body": "x", "post": draft.pk}).status_code == 404
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(user)
    assert checked.post(PREVIEW, {"body": "x"}).status_code == 403


def test_a_preview_too_long_is_refused_with_a_message(client, user):
    client.force_login(user)
    response = client.post(PREVIEW, {"body": "x" * (services.BODY_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert "at most" in response.json()["error"]


# Autosave


def test_autosave_keeps_the_typed_text_without_changing_what_readers_see(client, user, post):
    client.force_login(user)
    before = post.body_html
    response = client.post(AUTOSAVE, {"post": post.pk, "title": "Half", "body": "Half-written *text*"})
    assert response.status_code == 200
    assert re.fullmatch(r"Unsaved changes kept at \d\d:\d\d\.", response.json()["message"])
    autosave = Autosave.objects.get()
    assert (autosave.post, autosave.author, autosave.body) == (post, user, "Half-written *text*")
    post.refresh_from_db()
    assert post.body_html == before and post.revisions.count() == 0
    assert "Half-written" not in Client().get(post.get_absolute_url()).content.decode()


def test_autosaving_again_replaces_the_writers_autosave(client, user, draft):
    client.force_login(user)
    client.post(AUTOSAVE, {"post": draft.pk, "title": "A draft", "body": "one"})
    client.post(AUTOSAVE, {"post": draft.pk, "title": "A draft", "body": "two"})
    assert list(Autosave.objects.values_list("body", flat=True)) == ["two"]


def test_coming_back_offers_the_unsaved_version_with_its_time(client, user, draft):
    client.force_login(user)
    client.post(AUTOSAVE, {"post": draft.pk, "title": "A draft", "body": "Unsaved words", "labels": "notes"})
    when = timezone.localtime(Autosave.objects.get().updated_at).strftime("%H:%M")
    html = client.get(draft.get_edit_url()).content.decode()
    assert f"Restore the unsaved version from {when}?" in html
    assert "Unsaved words" not in html  # offered, not put in the form

    html = client.get(draft.get_edit_url() + "?restore=autosave").content.decode()
    assert "Unsaved words</textarea>" in html and "Restore the unsaved version" not in html
    assert "This is your unsaved version" in html


def test_an_autosave_that_says_what_the_post_says_is_not_offered(client, user, draft):
    client.force_login(user)
    client.post(AUTOSAVE, {"post": draft.pk, "title": "A draft", "body": "First words.", "labels": "notes"})
    assert "Restore the unsaved version" not in client.get(draft.get_edit_url()).content.decode()


def test_saving_the_post_replaces_the_autosave(client, user, draft):
    client.force_login(user)
    client.post(AUTOSAVE, {"post": draft.pk, "title": "A draft", "body": "Unsaved words"})
    response = client.post(draft.get_edit_url(), _form(title="A draft", body="Unsaved words", status="draft"))
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_discarding_the_autosave_deletes_it_and_returns_to_the_editor(client, user, draft):
    client.force_login(user)
    client.post(AUTOSAVE, {"post": draft.pk, "title": "A draft", "body": "Unsaved words"})
    response = client.post(DISCARD, {"post": draft.pk})
    assert response.status_code == 302 and response["Location"] == draft.get_edit_url()
    assert not Autosave.objects.exists()


def test_a_new_post_autosaves_for_its_writer_alone_and_publishing_replaces_it(client, user, other_user):
    client.force_login(user)
    assert client.post(AUTOSAVE, {"title": "Not yet", "body": "A beginning"}).status_code == 200
    autosave = Autosave.objects.get()
    assert autosave.post is None and autosave.author == user
    assert not Post.objects.exists()
    assert "Restore the unsaved version" in client.get("/write/").content.decode()
    assert "A beginning</textarea>" in client.get("/write/?restore=autosave").content.decode()

    client.force_login(other_user)
    assert "Restore the unsaved version" not in client.get("/write/").content.decode()

    client.force_login(user)
    assert client.post("/write/", _form(title="Not yet", body="A beginning")).status_code == 302
    assert not Autosave.objects.exists()


def test_discarding_a_new_posts_autosave_returns_to_the_empty_form(client, user):
    client.force_login(user)
    client.post(AUTOSAVE, {"title": "Not yet", "body": "A beginning"})
    response = client.post(DISCARD, {"post": ""})
    assert response["Location"] == reverse("posts:write")
    assert not Autosave.objects.exists()


def test_autosave_without_csrf_is_refused_and_keeps_nothing(user, draft):
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(user)
    assert checked.post(AUTOSAVE, {"post": draft.pk, "body": "x"}).status_code == 403
    assert checked.post(DISCARD, {"post": draft.pk}).status_code == 403
    assert not Autosave.objects.exists()


@pytest.mark.parametrize("forged", ["999999", "-1", "abc", "1.5", "1e3"])
def test_autosave_of_a_forged_post_id_is_refused(client, user, forged):
    client.force_login(user)
    response = client.post(AUTOSAVE, {"post": forged, "body": "x"})
    assert response.status_code in (400, 404)
    assert not Autosave.objects.exists()


def test_nobody_autosaves_into_someone_elses_post(client, user, other_user, draft, post):
    client.force_login(other_user)
    for target in (draft, post):
        assert client.post(AUTOSAVE, {"post": target.pk, "body": "mine now"}).status_code == 404
        assert client.post(DISCARD, {"post": target.pk}).status_code == 404
    assert not Autosave.objects.exists()


def test_anonymous_autosave_and_discard_are_refused(client, draft):
    assert client.post(AUTOSAVE, {"post": draft.pk, "body": "x"}).status_code == 403
    assert client.post(DISCARD, {"post": draft.pk}).status_code == 403
    assert client.get(AUTOSAVE).status_code == 405


def test_autosave_of_a_body_too_long_is_refused_with_a_message(client, user, draft):
    client.force_login(user)
    response = client.post(AUTOSAVE, {"post": draft.pk, "body": "x" * (services.BODY_MAX_LENGTH + 1)})
    assert response.status_code == 400 and "at most" in response.json()["error"]


def test_discard_with_a_malformed_post_is_a_bad_request(client, user):
    client.force_login(user)
    assert client.post(DISCARD, {"post": "nope"}).status_code == 400


# History


def _history(post):
    return reverse("posts:history", kwargs=post.permalink_kwargs())


def test_the_history_lists_revisions_and_shows_what_changed_between_the_newest_two(client, user, draft):
    services.update_post(post=draft, body="First words.\nA second line.", editor=user)
    client.force_login(user)
    response = client.get(_history(draft))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="old"') == 2
    assert '<ins class="diff-text">A second line.</ins>' in html
    assert "Text" in html and "Changes from" in html


def test_any_two_revisions_can_be_compared(client, user, draft):
    services.update_post(post=draft, body="Second.")
    services.update_post(post=draft, body="Third.")
    first, _, third = draft.revisions.order_by("created_at", "pk")
    client.force_login(user)
    html = client.get(_history(draft), {"old": first.pk, "new": third.pk}).content.decode()
    assert '<del class="diff-text">First words.</del>' in html
    assert '<ins class="diff-text">Third.</ins>' in html


@pytest.mark.parametrize("query", [{"old": "x"}, {"new": "1; drop"}])
def test_a_malformed_revision_number_is_a_bad_request(client, user, draft, query):
    client.force_login(user)
    assert client.get(_history(draft), query).status_code == 400


def test_a_revision_of_another_post_cannot_be_compared_or_restored_here(client, user, other_user, draft):
    theirs = services.create_post(author=other_user, title="Theirs", body="Secret draft words.")
    mine_too = services.create_post(author=user, title="Mine", body="Other.")
    client.force_login(user)
    for foreign in (theirs.revisions.get(), mine_too.revisions.get()):
        assert client.get(_history(draft), {"old": foreign.pk}).status_code == 404
        url = reverse("posts:restore_revision", kwargs={**draft.permalink_kwargs(), "revision_id": foreign.pk})
        assert client.post(url).status_code == 404
    draft.refresh_from_db()
    assert draft.body == "First words."


def test_restoring_an_older_revision_makes_a_new_one(client, user, draft):
    services.update_post(post=draft, body="Second.")
    first = draft.revisions.order_by("created_at", "pk").first()
    client.force_login(user)
    response = client.post(first.get_restore_url())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "First words."
    assert draft.revisions.count() == 3
    assert "It is now the post" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", ["anonymous", "other"])
def test_only_who_may_edit_the_post_sees_its_history_or_restores(client, other_user, user, draft, post, who):
    services.update_post(post=post, body="Changed.")
    if who == "other":
        client.force_login(other_user)
    for target, refused in ((draft, 404), (post, 403)):
        old = target.revisions.order_by("created_at", "pk").first()
        history, restore = client.get(_history(target)), client.post(old.get_restore_url())
        if who == "anonymous":
            assert history.status_code == 302 and restore.status_code == 302
            assert "/accounts/login/" in history["Location"]
        else:
            assert (history.status_code, restore.status_code) == (refused, refused)
    post.refresh_from_db()
    assert post.body == "Changed."


def test_a_superuser_restores_in_their_own_name(client, admin_user, user, post):
    services.update_post(post=post, body="Changed.")
    client.force_login(admin_user)
    old = post.revisions.order_by("created_at", "pk").first()
    assert client.post(old.get_restore_url()).status_code == 302
    assert post.revisions.newest_first().first().editor == admin_user


def test_restore_needs_a_post_request(client, user, draft):
    client.force_login(user)
    assert client.get(draft.revisions.get().get_restore_url()).status_code == 405


def test_a_post_without_revisions_has_an_empty_history(client, user):
    post = PostFactory(author=user)
    client.force_login(user)
    response = client.get(_history(post))
    assert response.status_code == 200 and "No revisions yet" in response.content.decode()


def test_the_editor_links_to_the_history_with_its_count(client, user, draft):
    services.update_post(post=draft, body="Second.")
    client.force_login(user)
    html = client.get(draft.get_edit_url()).content.decode()
    assert f'href="{_history(draft)}"' in html and "(2 revisions)" in html


def test_an_imported_html_post_previews_as_html(client, user):
    post = DraftFactory(author=user, body="<p>Imported <b>bold</b></p>", body_format=Post.BodyFormat.HTML)
    client.force_login(user)
    response = client.post(PREVIEW, {"body": "<p>Imported <b>bold</b></p>", "post": post.pk})
    assert response.json()["html"] == "<p>Imported <b>bold</b></p>"


# Query budgets

# Editor (the session comes from the cache): user, post with author, its labels (form), autosave, the labels
# again (to compare the autosave), the revision count, the writer's blog (its time zone, for a writer who chose
# none) and the header's unread inbox count.
EDITOR_PAGE_QUERIES = 8
# History: user, post with author, the revisions with who saved them, the header's unread inbox count.
HISTORY_PAGE_QUERIES = 4


def _with_revisions(user, n):
    post = services.create_post(author=user, title="Many versions", body="v0", labels="a, b", status="published")
    for i in range(1, n):
        services.update_post(post=post, body=f"v{i}")
    services.save_autosave(author=user, post=post, title="Many versions", body="unsaved", labels="", excerpt="")
    return post


@pytest.mark.parametrize("n", [1, 20])
def test_the_editor_page_query_count_is_flat_with_the_number_of_revisions(client, user, n, django_assert_num_queries):
    post = _with_revisions(user, n)
    client.force_login(user)
    with django_assert_num_queries(EDITOR_PAGE_QUERIES):
        assert client.get(post.get_edit_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_the_history_page_query_count_is_flat(client, user, n, django_assert_num_queries):
    post = _with_revisions(user, n)
    client.force_login(user)
    with django_assert_num_queries(HISTORY_PAGE_QUERIES):
        assert client.get(_history(post)).status_code == 200
