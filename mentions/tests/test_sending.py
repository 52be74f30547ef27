"""Sending webmentions for the links of a post when it is published or changed, from tasks only."""

from urllib.parse import parse_qs

import pytest
from django.utils import translation

from comments.notifications import site_url
from mentions.models import Outgoing
from posts.models import Blog
from posts.services import create_post, delete_post, update_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(elsewhere):
    """Pages on the other site: one advertising its endpoint in a Link header, one in its markup."""
    elsewhere.routes.update(
        {
            "/article": ("page", (200, {"Link": '</endpoint>; rel="webmention"', "Content-Type": "text/html"}, b"")),
            "/note": ("text/html", b'<html><head><link rel="webmention" href="endpoint?from=html"></head></html>'),
            "/plain": ("text/html", b"<p>No endpoint here.</p>"),
            "/endpoint": ("page", (202, {}, b"")),
        }
    )
    return elsewhere


def posted(site):
    return [(path, {k: v[0] for k, v in parse_qs(body).items()}) for path, body in site.posted]


def publish(user, body, capture):
    with capture(execute=True):
        return create_post(author=user, title="Links", body=body, status="published")


def test_publishing_a_post_sends_a_webmention_to_each_linked_page_that_takes_them(
    user, linked, django_capture_on_commit_callbacks
):
    base = linked.base
    post = publish(
        user,
        f"See [an article]({base}/article), [a note]({base}/note#top), [a page]({base}/plain) and [home](/).",
        django_capture_on_commit_callbacks,
    )
    source = site_url() + post.get_absolute_url()
    assert sorted(posted(linked)) == [
        ("/endpoint", {"source": source, "target": f"{base}/article"}),
        ("/endpoint?from=html", {"source": source, "target": f"{base}/note"}),
    ]
    statuses = dict(Outgoing.objects.values_list("target", "status"))
    assert statuses == {f"{base}/article": "sent", f"{base}/note": "sent", f"{base}/plain": "no_endpoint"}


def test_an_edit_notifies_the_links_it_keeps_and_the_ones_it_removed_but_not_twice(
    user, linked, django_capture_on_commit_callbacks
):
    base = linked.base
    post = publish(user, f"[a]({base}/article) and [n]({base}/note)", django_capture_on_commit_callbacks)
    linked.posted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update_post(post=post, body=f"Only [n]({base}/note) now.")
    assert sorted(p[1]["target"] for p in posted(linked)) == [f"{base}/article", f"{base}/note"]
    linked.posted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update_post(post=post, body=f"Still only [n]({base}/note), reworded.")
    assert [p[1]["target"] for p in posted(linked)] == [f"{base}/note"], "a removed link is told once"


def test_an_endpoint_that_fails_is_tried_again_and_a_refusal_is_final(
    user, linked, django_capture_on_commit_callbacks, settings
):
    linked.routes["/endpoint"] = ("status", 503)
    publish(user, f"[a]({linked.base}/article)", django_capture_on_commit_callbacks)
    row = Outgoing.objects.get()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.failure == {"code": "endpoint_answered", "params": {"status": 503}}
    with translation.override("en"):
        assert row.error_text == "The endpoint answered 503."

    from mentions.services import send_webmention

    settings.WEBMENTION_MAX_ATTEMPTS = 2
    assert send_webmention(row.pk) == "failed"
    linked.routes["/endpoint"] = ("status", 400)
    Outgoing.objects.filter(pk=row.pk).update(status="queued", attempts=0)
    assert send_webmention(row.pk) == "failed"
    assert Outgoing.objects.get().failure == {"code": "endpoint_answered", "params": {"status": 400}}


def test_endpoints_on_private_addresses_are_never_posted_to(user, linked, django_capture_on_commit_callbacks):
    linked.routes["/article"] = ("page", (200, {"Link": '<http://10.0.0.1/wm>; rel="webmention"'}, b""))
    publish(user, f"[a]({linked.base}/article)", django_capture_on_commit_callbacks)
    row = Outgoing.objects.get()
    assert row.failure == {"code": "private_address", "params": {}}
    assert not linked.posted


def test_nothing_is_sent_with_webmentions_off_for_the_site_or_the_blog(
    user, linked, django_capture_on_commit_callbacks, settings
):
    Blog.objects.update_or_create(owner=user, defaults={"has_webmentions": False})
    publish(user, f"[a]({linked.base}/article)", django_capture_on_commit_callbacks)
    Blog.objects.filter(owner=user).update(has_webmentions=True)
    settings.WEBMENTIONS = False
    publish(user, f"[a]({linked.base}/article)", django_capture_on_commit_callbacks)
    assert not linked.posted
    assert not Outgoing.objects.exists()


def test_a_draft_sends_nothing(user, linked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create_post(author=user, title="Draft", body=f"[a]({linked.base}/article)", status="draft")
    assert not linked.posted


def test_the_command_tries_the_webmentions_still_waiting(user, linked, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    linked.routes["/endpoint"] = ("status", 503)
    publish(user, f"[a]({linked.base}/article)", django_capture_on_commit_callbacks)
    assert Outgoing.objects.get().status == "queued"
    linked.routes["/endpoint"] = ("page", (202, {}, b""))
    out = StringIO()
    call_command("send_webmentions", stdout=out)
    assert out.getvalue().strip() == "Sent 1, no endpoint 0, to be tried again 0, failed 0."
    assert Outgoing.objects.get().status == "sent"


def test_deleting_a_public_post_tells_every_link_again_and_its_source_answers_410(
    client, user, linked, django_capture_on_commit_callbacks
):
    base = linked.base
    post = publish(user, f"[a]({base}/article) and [n]({base}/note)", django_capture_on_commit_callbacks)
    source = site_url() + post.get_absolute_url()
    path = post.get_absolute_url()
    linked.posted.clear()

    with django_capture_on_commit_callbacks(execute=True):
        delete_post(post=post)

    assert sorted(posted(linked)) == [
        ("/endpoint", {"source": source, "target": f"{base}/article"}),
        ("/endpoint?from=html", {"source": source, "target": f"{base}/note"}),
    ]
    assert set(Outgoing.objects.values_list("post", "status")) == {(None, "sent")}
    # What a receiver finds when it checks the source, as the spec has it (3.2.2): the post is gone.
    assert client.get(path).status_code == 410


def test_making_a_public_post_a_draft_tells_its_links_once_and_publishing_it_again_tells_them_again(
    client, user, linked, django_capture_on_commit_callbacks
):
    base = linked.base
    post = publish(user, f"[a]({base}/article)", django_capture_on_commit_callbacks)
    linked.posted.clear()

    with django_capture_on_commit_callbacks(execute=True):
        update_post(post=post, status="draft")
    assert [p[1]["target"] for p in posted(linked)] == [f"{base}/article"]
    assert client.get(post.get_absolute_url()).status_code == 410
    linked.posted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update_post(post=post, body=f"[a]({base}/article), reworded while a draft.")
    assert posted(linked) == [], "a draft's later saves tell nobody"
    with django_capture_on_commit_callbacks(execute=True):
        update_post(post=post, status="published")
    assert [p[1]["target"] for p in posted(linked)] == [f"{base}/article"]


def test_deleting_a_draft_that_never_was_public_sends_nothing(user, linked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = create_post(author=user, title="Draft", body=f"[a]({linked.base}/article)", status="draft")
        delete_post(post=post)

    assert posted(linked) == []


def test_a_send_that_could_not_reach_its_target_keeps_the_fetch_code(user, linked, django_capture_on_commit_callbacks):
    linked.routes["/article"] = ("page", (200, {"Link": '<http://10.0.0.1/wm>; rel="webmention"'}, b""))
    publish(user, f"[a]({linked.base}/article)", django_capture_on_commit_callbacks)
    row = Outgoing.objects.get()
    assert (row.failure, row.last_error) == ({"code": "private_address", "params": {}}, "")
    with translation.override("es"):
        assert row.error_text == (
            "No se pudo contactar con el destino o su punto de acceso: "
            "su dirección es privada o local, y este sitio no descarga nada de ahí."
        )
    assert Outgoing(last_error="the endpoint answered 400").error_text == "the endpoint answered 400"


def test_a_send_for_a_deleted_post_is_named_by_the_address_it_tells_is_gone():
    row = Outgoing(post=None, source="https://blog.example/@ann/gone/", target="https://x.example/a", status="sent")
    assert str(row) == "https://blog.example/@ann/gone/ → https://x.example/a (sent)"
