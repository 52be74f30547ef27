"""Pictures come along: fetched from the old blog's own hosts under guard, stored here, posts rewritten."""

import time
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from PIL import Image

from library.models import Picture
from posts.models import Post
from tests.fakesite import fake_site
from transfer import pictures
from transfer.pictures import FetchError, fetch, is_old_blog_picture

pytestmark = pytest.mark.django_db


def png_bytes(size=(40, 30)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def old_site(settings):
    """The old WordPress site, on 127.0.0.1: a picture, a page that is not one, a slow one, redirects."""
    routes = {
        "/wp-content/uploads/2020/05/garden.png": ("image/png", png_bytes()),
        "/wp-content/uploads/2020/05/not-a-picture.png": ("image/png", b"<html>surprise</html>"),
        "/wp-content/uploads/2020/05/huge.png": ("image/png", b"\x89PNG" + b"\0" * (2 * 2**20)),
        "/wp-content/uploads/2020/05/slow.png": ("slow", 3),
        "/wp-content/uploads/2020/05/moved.png": ("redirect", "/wp-content/uploads/2020/05/garden.png"),
        "/wp-content/uploads/2020/05/to-elsewhere.png": ("redirect", "http://127.0.0.2:9/secret.png"),
        "/wp-content/uploads/2020/05/gone.png": ("status", 404),
    }
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.IMPORT_FETCH_MAX_MB = 1
    settings.IMPORT_FETCH_TIMEOUT = 1.5
    with fake_site(routes) as site:
        yield site


@pytest.fixture
def old_blog(old_site):
    return old_site.base


def wxr_with_pictures(tmp_path, base, names, outside="https://pictures.example.net/other.png"):
    images = "".join(f'<img src="{base}/wp-content/uploads/2020/05/{name}" alt="{name}" />\n' for name in names)
    text = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
 <title>Garden</title><link>{base}</link>
 <wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>{base}</wp:base_blog_url>
 <item>
  <title>Pictures</title><link>{base}/2020/05/pictures/</link>
  <dc:creator><![CDATA[gardener]]></dc:creator>
  <content:encoded><![CDATA[Look:

{images}<img src="{outside}" alt="not ours" />]]></content:encoded>
  <wp:post_id>7</wp:post_id>
  <wp:post_date_gmt>2020-05-01 10:00:00</wp:post_date_gmt>
  <wp:post_name>pictures</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
 </item>
</channel>
</rss>
"""
    path = tmp_path / "garden.xml"
    path.write_text(text, encoding="utf-8")
    return path


def run_import(path, *extra):
    out = StringIO()
    call_command("import_blog", str(path), "--author", "karen", *extra, stdout=out)
    return out.getvalue()


def test_pictures_on_the_old_blog_go_into_the_media_library_and_the_post_is_rewritten(user, old_blog, tmp_path):
    out = run_import(wxr_with_pictures(tmp_path, old_blog, ["garden.png", "moved.png"]), "--fetch-images")
    post = Post.objects.get(slug="pictures")
    assert post.status == Post.Status.PUBLISHED
    assert old_blog not in post.body_html
    stored = list(Picture.objects.filter(owner=user))
    assert len(stored) == 2
    for picture in stored:
        assert picture.url in post.body_html
        assert (picture.width, picture.height) == (40, 30)
    assert "https://pictures.example.net/other.png" in post.body_html, "other people's pictures stay where they are"
    assert "pictures: 2 brought into this site, 0 kept at their old address" in out


def test_the_media_library_knows_which_imported_post_shows_each_picture(user, old_blog, tmp_path):
    """As for a post written here (`posts.services.record_pictures`), so that the library can say where a
    picture is used."""
    run_import(wxr_with_pictures(tmp_path, old_blog, ["garden.png"]), "--fetch-images")
    post = Post.objects.get(slug="pictures")
    assert list(post.pictures.all()) == list(Picture.objects.filter(owner=user))
    assert post.pictures.count() == 1


def test_without_the_option_pictures_keep_their_old_address(user, old_blog, tmp_path):
    run_import(wxr_with_pictures(tmp_path, old_blog, ["garden.png"]))
    assert f"{old_blog}/wp-content/uploads/2020/05/garden.png" in Post.objects.get(slug="pictures").body_html


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not-a-picture.png", "1 picture: not a JPEG, PNG, GIF or WebP picture the media library takes"),
        ("huge.png", "1 picture: larger than 1.0\xa0MB"),
        ("slow.png", "it took too long"),
        ("gone.png", "the old site answered 404"),
        ("to-elsewhere.png", "its address is a private or local one"),
    ],
)
def test_a_picture_that_cannot_be_fetched_keeps_its_address_and_is_counted(user, old_blog, tmp_path, name, reason):
    out = run_import(wxr_with_pictures(tmp_path, old_blog, [name]), "--fetch-images")
    post = Post.objects.get(slug="pictures")
    assert f"{old_blog}/wp-content/uploads/2020/05/{name}" in post.body_html
    assert post.status == Post.Status.PUBLISHED
    assert "pictures: 0 brought into this site, 1 kept at its old address" in out
    assert reason in out


def test_loopback_is_refused_unless_the_setting_allows_it(user, old_blog, settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(FetchError, match="private or local"):
        fetch(f"{old_blog}/wp-content/uploads/2020/05/garden.png")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x.png",
        "http://[::ffff:127.0.0.1]/x.png",
        "http://0.0.0.0/x.png",
        "http://192.168.1.1/x.png",
    ],
)
def test_private_link_local_and_loopback_addresses_are_never_fetched(settings, url):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(FetchError):
        fetch(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x.png", "gopher://x/", "data:image/png,x"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(FetchError, match="not an http"):
        fetch(url)


def test_a_redirect_to_loopback_is_refused_even_from_an_allowed_host(old_blog, settings):
    with pytest.raises(FetchError, match="private or local"):
        fetch(f"{old_blog}/wp-content/uploads/2020/05/to-elsewhere.png")


def test_a_body_trickling_in_is_cut_off_at_the_time_limit_for_the_whole_fetch(old_site, old_blog):
    """Each byte arrives well within a read's timeout; the fetch as a whole still may not take longer."""
    old_site.routes["/drip.png"] = ("drip", 200)
    started = time.monotonic()
    with pytest.raises(FetchError, match="it took too long"):
        fetch(f"{old_blog}/drip.png")
    # The limit is 1.5 s and the body would take 20 s; the margin is for a loaded machine.
    assert time.monotonic() - started < 10


def test_redirect_chains_are_bounded(old_site, old_blog):
    old_site.routes["/loop.png"] = ("redirect", "/loop.png")
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(f"{old_blog}/loop.png")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://1.bp.blogspot.com/-abc/s1600/photo.jpg", True),
        ("https://blogger.googleusercontent.com/img/b/R29v/s1600/photo.jpg", True),
        ("http://margins.blogspot.com/2011/03/photo.jpg", True),
        ("https://roadnotes.example.org/wp-content/uploads/2011/03/photo.jpg", True),
        ("https://roadnotes.example.org/images/photo.jpg", False),
        ("https://pictures.example.net/wp-content/uploads/photo.jpg", False),
        ("javascript:alert(1)", False),
    ],
)
def test_only_the_old_blogs_own_pictures_are_fetched(url, expected):
    assert is_old_blog_picture(url, wordpress_base="https://roadnotes.example.org") is expected


def test_the_dashboard_checkbox_brings_pictures(client, user, old_blog, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = wxr_with_pictures(tmp_path, old_blog, ["garden.png"])
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/dashboard/import/",
            {"file": SimpleUploadedFile("garden.xml", path.read_bytes()), "fetch_images": "on"},
        )
    picture = Picture.objects.get(owner=user)
    assert picture.url in Post.objects.get(slug="pictures").body_html


def test_a_stop_after_pictures_were_stored_removes_them_with_the_posts(user, old_blog, tmp_path, monkeypatch):
    """A picture stored, then the import stops: the library is as it was, like the blog."""
    from transfer.importer import ImportCancelled

    real = pictures.store_picture
    stored = []

    def store_then_stop(**kwargs):
        if stored:
            raise ImportCancelled("stop")
        stored.append(real(**kwargs))
        return stored[-1]

    monkeypatch.setattr(pictures, "store_picture", store_then_stop)
    with pytest.raises(ImportCancelled):
        run_import(wxr_with_pictures(tmp_path, old_blog, ["garden.png", "moved.png", "slow.png"]), "--fetch-images")
    assert len(stored) == 1
    assert not Post.objects.exists()
    assert not Picture.objects.exists()
