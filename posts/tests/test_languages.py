import datetime

import pytest
from django.urls import reverse

from posts.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated_post(post):
    Post.objects.filter(pk=post.pk).update(published_at=datetime.datetime(2026, 12, 3, 10, 42, tzinfo=datetime.UTC))
    post.refresh_from_db()
    return post


def _speaking(client, person, language):
    person.language = language
    person.save(update_fields=["language"])
    client.force_login(person)
    return client


@pytest.mark.parametrize(("language", "written"), [("en", "3 December 2026"), ("fr", "3 décembre 2026")])
def test_post_page_writes_its_date_in_the_readers_language(client, other_user, dated_post, language, written):
    """English keeps day, month, year (not Django's "Dec. 3, 2026"); the machine-readable date never changes."""
    html = _speaking(client, other_user, language).get(dated_post.get_absolute_url()).content.decode()
    assert f'<time datetime="2026-12-03T10:42:00+00:00" itemprop="datePublished">{written}</time>' in html


@pytest.mark.parametrize(("language", "written"), [("en", "3 Dec 2026"), ("fr", "03/12/2026")])
def test_dashboard_writes_short_dates_in_the_writers_language(client, user, dated_post, language, written):
    html = _speaking(client, user, language).get(reverse("posts:dashboard")).content.decode()
    assert f'<time datetime="2026-12-03T10:42:00+00:00">{written}</time>' in html


def test_editor_loads_the_scripts_words_before_its_scripts(client, user):
    html = _speaking(client, user, "fr").get(reverse("posts:write")).content.decode()
    catalogue = f'<script src="{reverse("posts:javascript_catalog")}" defer></script>'
    assert catalogue in html
    assert html.index(catalogue) < html.index("js/pictures") < html.index("js/editor")


def test_script_catalogue_gives_the_scripts_gettext(client):
    response = client.get(reverse("posts:javascript_catalog"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "django.gettext = function" in response.content.decode()
