"""Receiving webmentions: the endpoint, verification in the background, moderation, and what the post shows."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import translation

from accounts.models import RemoteAvatar
from accounts.tests.images import image_bytes
from blocklist.models import BlockedSite
from mentions.models import Mention, Receipt
from posts.models import Blog

from .conftest import reply_page

pytestmark = pytest.mark.django_db


def send(client, source, target, capture):
    with capture(execute=True):
        return client.post("/webmention/", {"source": source, "target": target})


def test_a_reply_is_verified_parsed_and_held_until_the_owner_approves_it(
    client, user, post, target, elsewhere, django_capture_on_commit_callbacks
):
    elsewhere.routes["/reply"] = ("text/html; charset=utf-8", reply_page(target))
    source = f"{elsewhere.base}/reply"
    response = send(client, source, target, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    receipt = Receipt.objects.get()
    assert response["Location"] == f"http://testserver/webmention/{receipt.token}/"
    assert receipt.state == Receipt.State.ACCEPTED
    mention = Mention.objects.get()
    assert (mention.kind, mention.status, mention.author_name) == ("reply", "pending", "Ann Other")
    assert mention.author_url == f"{elsewhere.base}/about"
    assert mention.excerpt.startswith("What a good point.")
    assert "<script" not in mention.content_html and "onclick" not in mention.content_html
    assert mention.published_at.isoformat() == "2026-11-30T10:00:00+00:00"
    assert "What a good point." not in client.get(post.get_absolute_url()).content.decode()

    client.force_login(user)
    queue = client.get("/dashboard/comments/").content.decode()
    assert f'id="pending-mention-{mention.pk}"' in queue
    client.post(f"/dashboard/mentions/{mention.pk}/", {"action": "approve"})
    client.logout()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "What a good point." in page
    assert "Ann Other" in page
    assert f"{elsewhere.base}/ann.jpg" not in page, "photos from elsewhere are not shown"


def test_the_status_page_tells_the_sender_what_verification_found(
    client, target, elsewhere, django_capture_on_commit_callbacks
):
    elsewhere.routes["/plain"] = ("text/html", b"<p>No link here.</p>")
    response = send(client, f"{elsewhere.base}/plain", target, django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="refused"' in page
    assert "The source does not link to the target." in page


def test_a_source_that_does_not_link_to_the_target_is_not_stored(
    client, target, elsewhere, django_capture_on_commit_callbacks
):
    elsewhere.routes["/other"] = ("text/html", b'<a href="http://testserver/@karen/">the blog, not the post</a>')
    send(client, f"{elsewhere.base}/other", target, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists()
    receipt = Receipt.objects.get()
    assert (receipt.failure, receipt.reason) == ({"code": "no_link", "params": {}}, "")
    with translation.override("en"):
        assert receipt.reason_text == "The source does not link to the target."


def test_an_open_blog_shows_mentions_at_once(
    client, user, post, target, elsewhere, django_capture_on_commit_callbacks
):
    Blog.objects.update_or_create(owner=user, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    elsewhere.routes["/reply"] = ("text/html", reply_page(target))
    send(client, f"{elsewhere.base}/reply", target, django_capture_on_commit_callbacks)
    assert Mention.objects.get().status == Mention.Status.APPROVED
    assert "What a good point." in client.get(post.get_absolute_url()).content.decode()


def test_the_same_source_sending_again_updates_and_a_gone_source_removes_its_mention(
    client, target, elsewhere, django_capture_on_commit_callbacks
):
    source = f"{elsewhere.base}/reply"
    elsewhere.routes["/reply"] = ("text/html", reply_page(target))
    send(client, source, target, django_capture_on_commit_callbacks)
    elsewhere.routes["/reply"] = ("text/html", reply_page(target, text="Edited: an even better point."))
    send(client, source, target, django_capture_on_commit_callbacks)
    assert Mention.objects.get().excerpt.startswith("Edited")
    elsewhere.routes["/reply"] = ("text/html", b"<p>I took the link out.</p>")
    send(client, source, target, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists()
    send(client, source, target, django_capture_on_commit_callbacks)
    elsewhere.routes["/reply"] = ("text/html", reply_page(target))
    send(client, source, target, django_capture_on_commit_callbacks)
    elsewhere.routes["/reply"] = ("status", 410)
    send(client, source, target, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists()
    assert Receipt.objects.order_by("-pk").first().state == Receipt.State.DELETED


@pytest.mark.parametrize(
    ("markup", "kind"),
    [
        ('<a class="u-like-of" href="{t}">liked</a>', "like"),
        ('<a class="u-repost-of" href="{t}">reposted</a>', "repost"),
        ('<div class="e-content">See <a href="{t}">this post</a>.</div>', "mention"),
    ],
)
def test_likes_reposts_and_plain_links_are_told_apart(
    client, user, post, target, elsewhere, django_capture_on_commit_callbacks, markup, kind
):
    Blog.objects.update_or_create(owner=user, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    page = f'<div class="h-entry"><a class="p-author h-card" href="/b">Bo</a>{markup.format(t=target)}</div>'
    elsewhere.routes["/p"] = ("text/html", page.encode())
    send(client, f"{elsewhere.base}/p", target, django_capture_on_commit_callbacks)
    assert Mention.objects.get().kind == kind
    html = client.get(post.get_absolute_url()).content.decode()
    expected = {"like": "1 like</strong>", "repost": "1 repost</strong>", "mention": "Linked from"}[kind]
    assert expected in html


def test_a_source_over_the_size_limit_is_cut_off_and_not_stored(
    client, target, elsewhere, django_capture_on_commit_callbacks
):
    elsewhere.routes["/huge"] = ("endless", 40)  # 2.5 MB without a length
    send(client, f"{elsewhere.base}/huge", target, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists()
    receipt = Receipt.objects.get()
    assert receipt.failure == {"code": "too_large", "params": {"size_bytes": 2**20}}
    with translation.override("en"):
        assert receipt.reason_text == "The source could not be fetched: larger than 1.0\xa0MB."


def test_a_source_that_is_not_html_is_refused(client, target, elsewhere, django_capture_on_commit_callbacks):
    elsewhere.routes["/data"] = ("application/json", f'{{"url": "{target}"}}'.encode())
    send(client, f"{elsewhere.base}/data", target, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists()
    assert Receipt.objects.get().failure == {"code": "not_html", "params": {}}


@pytest.mark.parametrize(
    ("source", "target_path", "status"),
    [
        ("ftp://elsewhere.example/x", None, 400),
        ("not a url", None, 400),
        ("https://elsewhere.example/x", "/@karen/", 400),
        ("https://elsewhere.example/x", "/nowhere/", 400),
        (None, None, 400),
    ],
)
def test_bad_requests_are_refused_with_the_reason(client, post, target, source, target_path, status):
    target_url = "http://testserver" + target_path if target_path else target
    response = client.post("/webmention/", {"source": target if source is None else source, "target": target_url})
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    assert not Receipt.objects.exists()


def test_the_endpoint_answers_in_the_senders_language(client, post, target):
    response = client.post(
        "/webmention/", {"source": "ftp://elsewhere.example/x", "target": target}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.text == "La fuente debe ser una dirección http o https.\n"

    response = client.post(
        "/webmention/", {"source": "https://elsewhere.example/x", "target": target}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 201
    assert response.text == f"Acceptée\u00a0: la source va être vérifiée. État\u00a0: {response['Location']}\n"


def test_a_draft_or_another_sites_post_is_not_a_target(client, post, target):
    response = client.post(
        "/webmention/", {"source": "https://a.example/", "target": target.replace("testserver", "b.example")}
    )
    assert response.status_code == 400
    post.status = "draft"
    post.save()
    response = client.post("/webmention/", {"source": "https://a.example/", "target": target})
    assert response.status_code == 400


def test_the_endpoint_takes_only_post(client):
    assert client.get("/webmention/").status_code == 405


def test_a_blocked_domain_is_refused_and_what_it_sent_is_hidden(
    client, user, post, target, elsewhere, django_capture_on_commit_callbacks, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    Blog.objects.update_or_create(owner=user, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    elsewhere.routes["/reply"] = ("text/html", reply_page(target))
    send(client, f"{elsewhere.base}/reply", target, django_capture_on_commit_callbacks)
    assert "What a good point." in client.get(post.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        BlockedSite.objects.create(domain="127.0.0.1")
    assert "What a good point." not in client.get(post.get_absolute_url()).content.decode()
    response = client.post("/webmention/", {"source": f"{elsewhere.base}/again", "target": target})
    assert response.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        BlockedSite.objects.create(domain="Example.COM.")
    response = client.post("/webmention/", {"source": "https://www.example.com/p", "target": target})
    assert response.status_code == 403


def test_one_site_sending_too_many_is_told_to_wait(client, post, target, settings):
    settings.WEBMENTION_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post("/webmention/", {"source": "https://a.example/p", "target": target}).status_code == 201
    response = client.post("/webmention/", {"source": "https://a.example/q", "target": target})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert client.post("/webmention/", {"source": "https://b.example/p", "target": target}).status_code == 201


def test_post_pages_advertise_the_endpoint_in_a_header_and_a_link_also_when_cached(client, post, settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    first = client.get(post.get_absolute_url())
    second = client.get(post.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    for response in (first, second):
        assert response["Link"] == '<http://testserver/webmention/>; rel="webmention"'
        assert '<link rel="webmention" href="http://testserver/webmention/">' in response.content.decode()


def test_webmentions_off_for_the_site_or_the_blog(client, user, post, target, settings):
    Blog.objects.update_or_create(owner=user, defaults={"has_webmentions": False})
    assert not client.get(post.get_absolute_url()).has_header("Link")
    assert client.post("/webmention/", {"source": "https://a.example/p", "target": target}).status_code == 400
    Blog.objects.filter(owner=user).update(has_webmentions=True)
    settings.WEBMENTIONS = False
    response = client.get(post.get_absolute_url())
    assert not response.has_header("Link")
    assert 'rel="webmention"' not in response.content.decode()
    assert client.post("/webmention/", {"source": "https://a.example/p", "target": target}).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other", "owner", "staff"])
def test_only_the_posts_author_or_staff_may_moderate_a_mention(client, post, other_user, staff_user, who):
    mention = Mention.objects.create(post=post, source="https://a.example/p", source_host="a.example")
    people = {"anonymous": None, "other": other_user, "owner": post.author, "staff": staff_user}
    if people[who]:
        client.force_login(people[who])
    response = client.post(f"/dashboard/mentions/{mention.pk}/", {"action": "approve"})
    mention.refresh_from_db()
    allowed = who in ("owner", "staff")
    assert (mention.status == Mention.Status.APPROVED) is allowed
    if who == "other":
        assert response.status_code == 403
        assert "You may not moderate this mention." in response.content.decode()
        assert response.templates[0].name == "403.html"


def test_moderation_checks_the_csrf_token(post):
    from django.test import Client

    mention = Mention.objects.create(post=post, source="https://a.example/p", source_host="a.example")
    client = Client(enforce_csrf_checks=True)
    client.force_login(post.author)
    assert client.post(f"/dashboard/mentions/{mention.pk}/", {"action": "approve"}).status_code == 403
    mention.refresh_from_db()
    assert mention.status == Mention.Status.PENDING


def test_approving_or_removing_a_mention_moves_the_cached_post_page_on(
    client, user, post, target, elsewhere, django_capture_on_commit_callbacks, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    source = f"{elsewhere.base}/reply"
    elsewhere.routes["/reply"] = ("text/html", reply_page(target))
    send(client, source, target, django_capture_on_commit_callbacks)
    assert "What a good point." not in client.get(post.get_absolute_url()).content.decode()
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "hit"
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/dashboard/mentions/{Mention.objects.get().pk}/", {"action": "approve"})
    client.logout()
    assert "What a good point." in client.get(post.get_absolute_url()).content.decode()
    elsewhere.routes["/reply"] = ("status", 410)
    send(client, source, target, django_capture_on_commit_callbacks)
    assert "What a good point." not in client.get(post.get_absolute_url()).content.decode()


def test_the_moderation_page_says_how_many_mentions_wait_beyond_those_it_lists(client, post):
    from mentions.templatetags.mentions import MODERATION_PAGE_SIZE

    total = MODERATION_PAGE_SIZE + 1
    Mention.objects.bulk_create(
        Mention(post=post, source=f"https://a.example/{i}", source_host="a.example") for i in range(total)
    )
    client.force_login(post.author)
    html = client.get("/dashboard/comments/").content.decode()
    assert html.count('id="pending-mention-') == MODERATION_PAGE_SIZE
    assert f"Webmentions awaiting moderation ({total})" in html
    assert f"The oldest {MODERATION_PAGE_SIZE} of {total}; the others come up" in html


def test_the_authors_photo_is_fetched_kept_and_shown_from_this_site(
    client, post, target, elsewhere, django_capture_on_commit_callbacks
):
    elsewhere.routes["/ann.jpg"] = ("image/jpeg", image_bytes("JPEG", size=(200, 150)))
    elsewhere.routes["/reply"] = ("text/html; charset=utf-8", reply_page(target))
    elsewhere.routes["/another-reply"] = ("text/html; charset=utf-8", reply_page(target, text="Again."))

    send(client, f"{elsewhere.base}/reply", target, django_capture_on_commit_callbacks)
    send(client, f"{elsewhere.base}/another-reply", target, django_capture_on_commit_callbacks)

    avatar = RemoteAvatar.objects.get()
    assert avatar.key == f"{elsewhere.base}/about" and avatar.fetched_url == f"{elsewhere.base}/ann.jpg"
    assert {m.author_avatar for m in Mention.objects.all()} == {avatar}, "one picture for one author"
    Mention.objects.update(status=Mention.Status.APPROVED)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count(f'src="{avatar.image.url}" srcset="{avatar.image.url} 96w, {avatar.image_2x.url} 192w"') == 2
    assert f"{elsewhere.base}/ann.jpg" not in html


def test_an_authors_photo_arriving_later_moves_the_cached_page_on(
    client, post, target, elsewhere, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    Blog.objects.update_or_create(owner=post.author, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    elsewhere.routes["/reply"] = ("text/html; charset=utf-8", reply_page(target))
    send(client, f"{elsewhere.base}/reply", target, django_capture_on_commit_callbacks)
    url = post.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    html = client.get(url).content.decode()
    assert 'avatar-initial mention-avatar" aria-hidden="true">A</span>' in html

    elsewhere.routes["/ann.jpg"] = ("image/jpeg", image_bytes("JPEG", size=(200, 150)))
    RemoteAvatar.objects.update(attempted_at=RemoteAvatar.objects.get().attempted_at - timedelta(days=2))
    send(client, f"{elsewhere.base}/reply", target, django_capture_on_commit_callbacks)

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert f'src="{RemoteAvatar.objects.get().image.url}"' in response.content.decode()


def test_a_french_blogger_reads_why_a_webmention_was_refused_in_french(
    client, user, target, elsewhere, django_capture_on_commit_callbacks
):
    """What is stored is a code: the sentence is said in the reader's language, not the sender's."""
    elsewhere.routes["/huge"] = ("endless", 40)
    elsewhere.routes["/data"] = ("application/json", f'{{"url": "{target}"}}'.encode())
    send(client, f"{elsewhere.base}/huge", target, django_capture_on_commit_callbacks)
    send(client, f"{elsewhere.base}/data", target, django_capture_on_commit_callbacks)
    too_large, not_html = Receipt.objects.order_by("pk")
    assert (too_large.reason, not_html.reason) == ("", "")
    assert not_html.failure == {"code": "not_html", "params": {}}

    user.language = "fr"
    user.save(update_fields=["language"])
    client.force_login(user)
    page = client.get(too_large.get_absolute_url()).content.decode()
    assert "Refusée : La source n\u2019a pas pu être récupérée : plus de 1,0\xa0Mio." in page
    page = client.get(not_html.get_absolute_url()).content.decode()
    assert "Refusée : La source n\u2019est pas une page HTML." in page
    assert "not an HTML page" not in page


def test_staff_read_the_reasons_in_their_language_in_the_admin(admin_client, admin_user, post):
    admin_user.language = "de"
    admin_user.save(update_fields=["language"])
    Receipt.objects.create(
        post=post,
        source="https://a.example/",
        target="https://b.example/",
        state="refused",
        failure={"code": "answered", "params": {"status": 404}},
    )
    page = admin_client.get("/admin/mentions/receipt/").content.decode()
    assert "Die Quelle antwortete 404." in page


def test_a_receipt_written_before_reasons_were_codes_shows_its_text(client, post):
    old = Receipt.objects.create(
        post=post,
        source="https://a.example/",
        target="https://b.example/",
        state="refused",
        reason="The source answered 404.",
    )
    assert old.reason_text == "The source answered 404."
    page = client.get(old.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Refusée : The source answered 404." in page


def test_a_code_this_version_does_not_know_shows_as_it_is(post):
    receipt = Receipt(post=post, failure={"code": "from_a_newer_version", "params": {"n": 2}})
    assert receipt.reason_text == "from_a_newer_version (n=2)"
