"""Each person's language and time zone: the profile's settings, the browser's languages, the footer's switch."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import reverse

from comments.tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def profile_form(user, **changes):
    data = {
        "display_name": user.display_name,
        "bio": user.bio,
        "notify_replies": user.notify_replies,
        "notify_comments": user.notify_comments,
        "notify_moderation": user.notify_moderation,
        "language": user.language,
        "time_zone": user.time_zone,
    }
    return {**data, **changes}


def test_a_person_chooses_a_time_zone_and_a_language_in_the_profile(client, user):
    client.force_login(user)

    response = client.post(PROFILE, profile_form(user, time_zone="Asia/Tokyo", language="fr"))

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.time_zone, user.language) == ("Asia/Tokyo", "fr")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(PROFILE).content.decode()
    assert '<html lang="fr"' in page
    assert "Votre profil a été enregistré." in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("time_zone", "../../etc/passwd"),
        ("language", "xx"),
        ("language", "fr" * 9),
    ],
)
def test_a_time_zone_or_language_that_does_not_exist_is_refused_with_a_message(client, user, field, value):
    client.force_login(user)

    response = client.post(PROFILE, profile_form(user, **{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    user.refresh_from_db()
    assert getattr(user, field) == ""


@pytest.fixture
def late_comment(post):
    """A comment written at 23:30 UTC on 2 March: already 3 March in Tokyo."""
    comment = CommentFactory(post=post)
    type(comment).objects.filter(pk=comment.pk).update(created_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    return comment


@pytest.mark.parametrize("cached", [False, True])
def test_times_are_shown_in_the_readers_own_time_zone(client, other_user, post, late_comment, settings, cached):
    if cached:
        settings.PAGE_CACHE_SECONDS = 600
    assert "2 March 2026, 23:30" in client.get(post.get_absolute_url()).content.decode()
    other_user.time_zone = "Asia/Tokyo"
    other_user.save()
    client.force_login(other_user)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "3 March 2026, 08:30" in html
    assert "23:30" not in html
    client.logout()
    assert "2 March 2026, 23:30" in client.get(post.get_absolute_url()).content.decode()


def test_the_browsers_language_is_used_for_a_visitor(client):
    response = client.get("/", headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"})

    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Se connecter" in html
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]


def test_an_unknown_browser_language_falls_back_to_english(client):
    html = client.get("/", headers={"accept-language": "tlh,xx-YY;q=0.8"}).content.decode()
    assert '<html lang="en"' in html
    assert "Sign in" in html


def test_the_footer_switch_sets_the_language_and_returns_to_the_page(client, post):
    path = post.get_absolute_url()

    response = client.post(reverse("accounts:set_language"), {"language": "fr", "next": path})

    assert response.status_code == 302
    assert response.url == path
    assert "Se connecter" in client.get(path).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"language": "xx", "next": "/"},
        {"language": "fr", "next": "https://evil.example/"},
        {"language": "../fr", "next": "//evil.example"},
        {"language": "", "next": ""},
        {"language": "pt", "next": "/"},
    ],
)
def test_the_switch_ignores_unknown_languages_and_outside_addresses(client, query):
    response = client.post(reverse("accounts:set_language"), query)

    assert response.status_code == 302
    assert response.url.startswith("/") and not response.url.startswith("//")
    if query["language"] not in dict(settings.LANGUAGES):
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_get_of_the_switch_changes_nothing(client):
    """Link prefetchers and crawlers follow links; only the form's POST switches."""
    response = client.get(reverse("accounts:set_language"), {"language": "fr", "next": "/"})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_footer_switch_is_a_form_with_a_choice_and_a_button(client):
    html = client.get("/", headers={"accept-language": "fr"}).content.decode()

    form = html[html.index('<form class="language-switch') : html.index("</form>", html.index("language-switch"))]
    assert 'method="post"' in form
    assert '<select class="form-select form-select-sm w-auto" id="language-switch" name="language">' in form
    # Each language is named in itself, whatever language the page speaks.
    assert '<option value="en" lang="en">English</option>' in form
    assert '<option value="fr" lang="fr" selected>Français</option>' in form
    assert '<option value="de" lang="de">Deutsch</option>' in form
    assert '<option value="es" lang="es">Español</option>' in form
    assert '<option value="ar" lang="ar">العربيّة</option>' in form
    assert '<button class="btn btn-sm btn-outline-secondary" type="submit">Changer de langue</button>' in form
    assert '<input type="hidden" name="next" value="/">' in form


def test_a_visitors_page_with_the_switch_stays_cacheable(client, settings, post):
    settings.PAGE_CACHE_SECONDS = 600
    path = post.get_absolute_url()

    first = client.get(path)
    again = client.get(path)

    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")


def test_the_switch_is_refused_from_another_site(client):
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}):
        response = client.post(reverse("accounts:set_language"), {"language": "fr", "next": "/"}, headers=headers)

        assert response.status_code == 403
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def refusal_page(request, reason=""):
    return HttpResponseForbidden(f"refused: {reason}")


def test_a_switch_from_another_site_gets_the_sites_csrf_failure_page(client, settings):
    """The refusal is the one every CSRF failure gets (CSRF_FAILURE_VIEW), not a page of its own."""
    settings.CSRF_FAILURE_VIEW = "accounts.tests.test_preferences.refusal_page"

    response = client.post(
        reverse("accounts:set_language"), {"language": "fr", "next": "/"}, headers={"sec-fetch-site": "cross-site"}
    )

    assert response.status_code == 403
    assert response.content.decode() == "refused: The language switch was sent from another site."


def test_the_switch_is_accepted_from_the_sites_own_pages(client):
    response = client.post(
        reverse("accounts:set_language"),
        {"language": "fr", "next": "/"},
        headers={"sec-fetch-site": "same-origin", "origin": "http://testserver"},
    )

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_a_members_switch_saves_their_language_with_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        reverse("accounts:set_language"), {"language": "ar", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()


def test_a_members_switch_without_the_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(reverse("accounts:set_language"), {"language": "fr", "next": "/"})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.language == ""


@pytest.mark.parametrize("value", ["xx", "../../fr", "fr\x00", "a" * 300, "zz-ZZ-garbage"])
def test_a_language_cookie_that_is_not_a_site_language_falls_back(client, value):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = value

    response = client.get("/", headers={"accept-language": "en"})

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_an_arabic_interface_is_right_to_left_with_bootstraps_mirrored_styles(client):
    html = client.get("/", headers={"accept-language": "ar"}).content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap/css/bootstrap.rtl.min.css" in html


def test_an_english_interface_keeps_the_left_to_right_styles(client):
    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert "dir=" not in html.split("<head>", 1)[0]
    assert "bootstrap/css/bootstrap.min.css" in html


def test_the_profiles_language_wins_over_the_browsers(client, user):
    user.language = "fr"
    user.save()
    client.force_login(user)

    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert '<html lang="fr"' in html
    assert "Déconnexion" in html


def test_anonymous_pages_are_cached_once_per_language(client, settings, post):
    settings.PAGE_CACHE_SECONDS = 600
    english = client.get("/", headers={"accept-language": "en"})
    french = client.get("/", headers={"accept-language": "fr"})
    again = client.get("/", headers={"accept-language": "fr"})

    assert "Sign in" in english.content.decode()
    assert "Se connecter" in french.content.decode()
    assert again["X-Page-Cache"] == "hit"
    assert "Se connecter" in again.content.decode()


@pytest.mark.parametrize("header", ["en;q=abc,,;", "*", "x" * 1000, "ar-\x7f;q=1"])
def test_an_accept_language_header_that_makes_no_sense_gives_a_page(client, header):
    response = client.get("/", headers={"accept-language": header})

    assert response.status_code == 200


def test_a_stored_time_zone_that_no_longer_exists_falls_back_to_the_sites(client, user, post, late_comment):
    type(user).objects.filter(pk=user.pk).update(time_zone="Mars/Olympus_Mons")
    client.force_login(user)

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert "2 March 2026, 23:30" in response.content.decode()


def test_the_language_cookie_keeps_its_own_copy_of_a_cached_page(client, settings, post):
    settings.PAGE_CACHE_SECONDS = 600
    path = post.get_absolute_url()
    assert "Sign in" in client.get(path, headers={"accept-language": "en"}).content.decode()
    client.post(reverse("accounts:set_language"), {"language": "fr", "next": path})

    french = client.get(path, headers={"accept-language": "en"})
    again = client.get(path, headers={"accept-language": "en"})

    assert french["X-Page-Cache"] == "miss"
    assert "Se connecter" in french.content.decode()
    assert again["X-Page-Cache"] == "hit"
    assert "Se connecter" in again.content.decode()
