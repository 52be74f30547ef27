"""WebSub: with WEBSUB_HUB set, feeds name the hub and themselves, and publishing or changing a post pings the
hub (a fake one on 127.0.0.1) for every feed the post is in, on the task queue, with retries."""

import subprocess
import sys
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from defusedxml import ElementTree
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from posts import services, websub
from posts.tasks import ping_hub
from tests.fakesite import fake_site

from .factories import LabelFactory, PostFactory

pytestmark = pytest.mark.django_db

SITE = "https://blogs.example"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hub(settings):
    """A WebSub hub on 127.0.0.1 (allowed for the guarded fetch in these tests only) that accepts pings."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    settings.SITE_URL = SITE
    with fake_site({"/hub": ("status", 204)}) as site:
        settings.WEBSUB_HUB = f"{site.base}/hub"
        site.url = settings.WEBSUB_HUB
        yield site


def pinged(site) -> list[str]:
    """The feeds the hub was told of, in order, checking that each ping is a publish ping."""
    topics = []
    for path, body in site.posted:
        form = parse_qs(body)
        assert (path, form["hub.mode"]) == ("/hub", ["publish"])
        topics += form["hub.url"]
    return topics


def atom_links(content: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(content)
    return {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}


def test_feeds_name_no_hub_when_none_is_set(client, post, settings):
    settings.WEBSUB_HUB = ""

    response = client.get("/feed/")

    assert "hub" not in atom_links(response.content)
    assert not response.has_header("Link")
    assert b'rel="hub"' not in client.get("/feed/rss/").content


def test_every_atom_feed_names_the_hub_and_itself(client, hub, user):
    label = LabelFactory(name="Garden")
    PostFactory(author=user, labels=[label])
    for path in ("/feed/", f"/@{user.username}/feed/", f"/@{user.username}/label/{label.slug}/feed/"):
        response = client.get(path)

        assert atom_links(response.content)["hub"] == hub.url
        assert atom_links(response.content)["self"] == SITE + path
        assert response["Link"] == f'<{hub.url}>; rel="hub", <{SITE}{path}>; rel="self"'


def test_every_rss_feed_names_the_hub_and_itself(client, hub, user):
    PostFactory(author=user)
    for path in ("/feed/rss/", f"/@{user.username}/feed/rss/"):
        channel = ElementTree.fromstring(client.get(path).content).find("channel")

        links = {link.get("rel"): link.get("href") for link in channel.findall(f"{ATOM}link")}
        assert links == {"hub": hub.url, "self": SITE + path}


def test_publishing_a_post_pings_the_hub_for_each_of_its_feeds(hub, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(author=user, title="Leeks", body="In rows.", labels="Garden", status="published")

    blog = f"{SITE}/@{user.username}"
    assert sorted(pinged(hub)) == sorted(
        [
            f"{SITE}/feed/",
            f"{SITE}/feed/rss/",
            f"{blog}/feed/",
            f"{blog}/feed/rss/",
            f"{blog}/label/garden/feed/",
            f"{blog}/label/garden/feed/rss/",
        ]
    )


def test_changing_a_published_post_pings_the_hub_again(hub, user, django_capture_on_commit_callbacks):
    post = PostFactory(author=user)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_post(post=post, title="A better title", body=post.body, editor=user)

    assert f"{SITE}/@{user.username}/feed/" in pinged(hub)


def test_a_draft_pings_nothing(hub, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(author=user, title="Not yet", body="Soon.")

    assert hub.posted == []


def test_without_a_hub_publishing_pings_nothing(user, settings, django_capture_on_commit_callbacks):
    settings.WEBSUB_HUB = ""
    with fake_site() as site, django_capture_on_commit_callbacks(execute=True):
        services.create_post(author=user, title="Leeks", body="In rows.", status="published")

    assert site.posted == []


def test_a_hub_that_fails_for_a_while_is_pinged_again_later(hub, settings, database_queue):
    settings.WEBSUB_RETRY_SECONDS = 60
    hub.routes["/hub"] = ("status", 503)
    topic = f"{SITE}/feed/"

    assert ping_hub.call(topic) == "retrying"

    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [topic, 2]
    assert retry.run_after - timezone.now() == pytest.approx(timedelta(seconds=60), abs=timedelta(seconds=5))
    hub.routes["/hub"] = ("status", 202)
    assert ping_hub.call(topic, 2) == "sent"
    assert pinged(hub) == [topic, topic]


def test_an_unreachable_hub_is_pinged_again_later(hub, settings, database_queue):
    settings.FETCH_ALLOWED_NETWORKS = []  # 127.0.0.1 refused by the guard, as a hub that cannot be reached

    assert ping_hub.call(f"{SITE}/feed/") == "retrying"
    assert DBTaskResult.objects.count() == 1


def test_pinging_gives_up_after_the_last_attempt(hub, settings, database_queue):
    settings.WEBSUB_MAX_ATTEMPTS = 3
    hub.routes["/hub"] = ("status", 500)

    assert ping_hub.call(f"{SITE}/feed/", 3) == "failed"
    assert not DBTaskResult.objects.exists()


def test_a_hub_that_refuses_the_ping_is_not_asked_again(hub, database_queue):
    hub.routes["/hub"] = ("status", 400)

    assert ping_hub.call(f"{SITE}/feed/") == "refused"
    assert not DBTaskResult.objects.exists()


def test_retries_double_up_to_six_hours(settings):
    settings.WEBSUB_RETRY_SECONDS = 60
    assert [websub.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert websub.retry_delay(20) == timedelta(hours=6)


@pytest.mark.parametrize("value", ["hub.example", "ftp://hub.example/", "https://"])
def test_a_hub_address_that_is_not_one_stops_start_up_with_a_clear_message(value):
    check = subprocess.run(
        [sys.executable, "-c", "import blogsite.settings"],
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "t", "DEBUG": "1", "WEBSUB_HUB": value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode != 0
    assert f"WEBSUB_HUB={value!r}: give the hub's address" in check.stderr
