"""Bad input never yields a 500: it gets a form error, a 4xx, or is stored and shown harmlessly."""

from io import BytesIO

import pytest
from django.test import Client
from PIL import Image

from accounts.tests.images import GPS_IFD, SVG, image_bytes, jpeg_with_gps, png_bomb, truncated_jpeg, upload
from comments.models import Comment
from comments.tests.factories import CommentFactory
from posts.tests.factories import PostFactory

from .htmlcheck import feed_problems
from .xss_payloads import shows_template_marker

pytestmark = pytest.mark.django_db


def test_control_characters_in_a_comment_do_not_break_the_comments_feed(owner, reader):
    post = PostFactory(author=owner, title="Vertical\x0btab title")
    CommentFactory(post=post, author=reader, body="x", body_html="<p>form\x0cfeed and \x01start</p>")
    response = Client().get(post.get_absolute_url() + "comments/feed/")
    assert response.status_code == 200
    assert b"formfeed and start" in response.content
    assert feed_problems(response.content) == []


# Uploads ------------------------------------------------------------------------------------------------


BAD_UPLOADS = {
    "decompression bomb": lambda: upload(png_bomb(), "bomb.png", "image/png"),
    "not an image": lambda: upload(b"just some text, not a picture\n" * 50, "notes.jpg"),
    "svg with script": lambda: upload(SVG, "face.svg", "image/svg+xml"),
    "svg named as png": lambda: upload(SVG, "face.png", "image/png"),
    "truncated jpeg": lambda: upload(truncated_jpeg(), "cut.jpg"),
    "html named as gif": lambda: upload(b"GIF89a<script>alert(1)</script>", "x.gif", "image/gif"),
    "huge file": lambda: upload(image_bytes(size=(64, 48)) + b"\x00" * (6 * 1024 * 1024), "huge.jpg"),
    "empty file": lambda: upload(b"", "empty.jpg"),
}


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
def test_a_bad_avatar_upload_gets_a_form_error_and_stores_nothing(client, owner, kind):
    client.force_login(owner)
    response = client.post(
        "/accounts/profile/", {"display_name": "Kept name", "bio": "Kept bio", "avatar": BAD_UPLOADS[kind]()}
    )
    assert response.status_code in (200, 400, 413), response.status_code
    owner.refresh_from_db()
    assert not owner.avatar
    if response.status_code == 200:
        assert b"Kept bio" in response.content, "the reader's text was lost on a failed upload"


def test_an_uploaded_jpeg_loses_its_gps_location(client, owner):
    original = jpeg_with_gps(size=(64, 48))
    assert Image.open(BytesIO(original)).getexif().get_ifd(GPS_IFD), "the test image has GPS data"
    client.force_login(owner)
    response = client.post(
        "/accounts/profile/", {"display_name": "O", "bio": "", "avatar": upload(original, "me.jpg")}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.avatar
    with owner.avatar.open("rb") as stored:
        data = stored.read()
    image = Image.open(BytesIO(data))
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD), "GPS data survived the upload"
    assert b"ExampleCam" not in data
    served = client.get(f"/@{owner.username}/about/")
    assert served.status_code == 200


# Text fields --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "x" * 10_000),
        ("bio", "y" * 100_000),
        ("display_name", "nul\x00byte"),
        ("bio", "nul\x00byte"),
        ("display_name", "\u202eevil\u202c"),
    ],
    ids=["long name", "long bio", "nul in name", "nul in bio", "bidi override"],
)
def test_hostile_profile_text_gets_a_form_error_or_is_stored_safely(client, owner, field, value):
    client.force_login(owner)
    data = {"display_name": "Olive", "bio": "Kept bio", field: value}
    response = client.post("/accounts/profile/", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert b"Kept bio" in response.content or field == "bio"
    assert Client().get("/@owner/about/").status_code == 200


def test_invalid_utf8_in_a_form_body_is_not_a_500(client, owner):
    client.force_login(owner)
    response = client.post(
        "/accounts/profile/", b"display_name=%FF%FE%C0&bio=%ED%A0%80", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(
    "query",
    [
        "q=%FF%FE%FD",
        "q=%00",
        "q=%C0%AE%C0%AE%2F",
        "page=-1",
        "page=abc",
        "page=99999999999999999999999",
        "cpage=0&comment=abc",
        "cstart=abc&cbefore=-1&clatest=x",
        "cstart=99999999999999999999999&cbefore=0",
        # Digits to str.isdigit() that int() refuses (superscript two) or reads (Arabic-Indic three).
        "p=%C2%B2",
        "p=%D9%A3",
        "page=%C2%B2",
        "cstart=%C2%B2&cbefore=%D9%A3&comment=%C2%B2",
        "q=" + "a" * 5000,
    ],
)
@pytest.mark.parametrize("path", ["/", "/search/", "/@owner/", "/feed/", "/@owner/2024/"])
def test_odd_query_strings_are_not_a_500(client, owner, path, query):
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code < 500, f"{path}?{query} -> {response.status_code}"


HOSTILE_SEARCHES = [
    "'",
    '"',
    '"unterminated',
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "'; DROP TABLE posts_post; --",
    "NEAR(a b",
    "a AND OR NOT",
    "*",
    "-",
    "title:*",
    "^a",
    "a & | ! b",
    "():*",
    "<script>alert(1)</script>",
    "{{ 7191*7 }}",
    "日本語 тест العربية",
    "a" * 2000,
    " ".join(["word"] * 300),
    "\x00",
    "\u202e",
]


def test_hostile_search_strings_are_answered_without_an_error(client, owner):
    from posts.tests.factories import PostFactory

    PostFactory(author=owner, title="Findable words", body="Some findable words here.")
    failures = []
    for q in HOSTILE_SEARCHES:
        response = client.get("/search/", {"q": q})
        if response.status_code >= 500:
            failures.append(q)
        elif response.status_code == 200:
            assert not shows_template_marker(response.content)
    assert failures == []


# Ids, slugs and usernames in the path -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/comments/99999999999999999999999/",
        "/comments/99999999999999999999999/edit/",
        "/comments/9223372036854775808/reply/",
        "/comments/0/",
        "/comments/-1/",
        "/@owner/99999/",
        "/@owner/0/00/",
        "/@owner/2024/13/",
        "/@owner/2024/00/slug/",
        "/@owner/99999999999999999999/01/slug/",
        "/@owner/2024/05/%E6%97%A5%E6%9C%AC%E8%AA%9E/",
        "/@owner/2024/05/%00/",
        "/@owner/2024/05/..%2F..%2Fetc%2Fpasswd/",
        "/@%C3%BCn%C3%AFcode/",
        "/@%C3%BCn%C3%AFcode/about/",
        "/@owner/label/%E6%97%A5%E6%9C%AC/",
        "/@owner/label/%FF/",
        "/@" + "a" * 500 + "/",
        "/admin/comments/comment/abc/change/",
        "/admin/comments/comment/99999999999999999999999/change/",
        "/admin/accounts/user/%00/change/",
    ],
)
def test_malformed_ids_slugs_and_usernames_are_not_a_500(owner, superuser, path):
    for who in (None, owner, superuser):
        client = Client(raise_request_exception=False)
        if who:
            client.force_login(who)
        response = client.get(path)
        assert response.status_code < 500, f"{path} as {who} -> {response.status_code}"


@pytest.mark.parametrize("query", ["cstart=%C2%B2", "cbefore=%C2%B2", "comment=%C2%B2", "cstart=%D9%A3"])
def test_odd_digits_in_comment_page_links_give_a_page(client, owner, query):
    post = PostFactory(author=owner)
    CommentFactory(post=post, body_html="<p>Still here</p>")
    response = client.get(f"{post.get_absolute_url()}?{query}")
    assert response.status_code == 200
    assert b"Still here" in response.content


def test_odd_digits_in_a_moderation_post_are_ignored(client, owner):
    client.force_login(owner)
    response = client.post("/dashboard/comments/", {"one": "approve:²", "comments": ["²", "٣"], "action": "approve"})
    assert response.status_code < 500


@pytest.mark.parametrize(
    "parent", ["abc", "-1", "0", "99999999999999999999999", "1.5", "1e3", " ", "\x00", "1,2", "[1]", "²", "\u0661"]
)
def test_a_malformed_parent_is_a_form_error_and_keeps_the_text(site, owner, reader, parent):
    from posts.tests.factories import PostFactory

    post = PostFactory(author=owner)
    client = Client()
    client.force_login(reader)
    response = site.post_comment(client, post, "My carefully written reply", parent=parent)
    assert response.status_code in (200, 302, 400, 404, 409)
    if response.status_code != 302:
        assert b"My carefully written reply" in response.content, "the reader's text was lost"


def test_an_overlong_comment_is_refused_with_the_text_kept(site, owner, reader):
    from posts.tests.factories import PostFactory

    post = PostFactory(author=owner)
    client = Client()
    client.force_login(reader)
    body = "Long thoughts. " * 1400
    response = site.post_comment(client, post, body)
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert not Comment.objects.filter(post=post).exists()
    assert b"Long thoughts. Long thoughts." in response.content


@pytest.mark.parametrize(
    ("username", "email"),
    [
        ("ünïcode", "u1@example.com"),
        ("日本語", "u2@example.com"),
        ("a" * 300, "u3@example.com"),
        ("nul\x00name", "u4@example.com"),
        ("admin", "u5@example.com"),
        ("../../etc", "u6@example.com"),
        ("ok_name", "not-an-email"),
        ("ok_name2", "x@" + "a" * 300 + ".com"),
    ],
)
def test_odd_sign_ups_get_a_form_error_not_a_500(client, db, username, email):
    response = client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": "A-strong-Passw0rd!", "password2": "A-strong-Passw0rd!"},
    )
    assert response.status_code in (200, 302, 400)


def test_a_small_fuzz_over_every_url_pattern_never_answers_500(owner):
    """Each URL parameter is replaced with odd values; every answer must be below 500. Bounded: one pass."""
    from django.urls import NoReverseMatch, reverse

    from .test_csrf_and_errors import _patterns, _sample_kwargs

    odd_values = ["..", "%00", "a" * 300, "99999999999999999999", "ü", "%ff"]
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    failures, tried = [], 0
    from django.urls import get_resolver

    for name, pattern in _patterns(get_resolver()):
        base = _sample_kwargs(pattern)
        if not base:
            continue
        for key in base:
            for value in odd_values:
                try:
                    url = reverse(name, kwargs={**base, key: value})
                except NoReverseMatch:
                    continue
                tried += 1
                response = client.get(url)
                if response.status_code >= 500:
                    failures.append(f"{url} -> {response.status_code}")
    assert tried > 100, f"only {tried} URLs were tried"
    assert failures == []


@pytest.mark.parametrize(
    ("url", "status"),
    [("/@owner/2024/05/%00/", 404), ("/@owner/label/a%00b/", 404), ("/search/?q=a%00b", 200), ("/?page=%00", 200)],
)
def test_a_nul_in_an_address_or_parameter_is_not_a_500_on_any_database(client, owner, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert "Content-Security-Policy" in response
