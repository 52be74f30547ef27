"""Posts show the library's pictures at their renditions' sizes; feeds get plain absolute pictures."""

import re

import pytest
from django.urls import reverse

from library.html import picture_names, with_renditions
from library.models import Picture
from posts.markup import POST_HTML, render_markdown
from posts.services import create_post, update_post

from .factories import make_picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(user, django_capture_on_commit_callbacks):
    """A 2000 x 1000 JPEG of `user`'s with its renditions made."""
    with django_capture_on_commit_callbacks(execute=True):
        picture = make_picture(user, size=(2000, 1000), alt="A field")
    picture.refresh_from_db()
    return picture


def test_a_picture_with_renditions_gets_srcset_sizes_dimensions_and_lazy_loading(ready):
    html = with_renditions(render_markdown(f"![A wide field]({ready.url})", allow=POST_HTML))

    assert html.startswith('<p><picture><source type="image/webp" srcset="')
    stem = ready.url.rsplit(".", 1)[0]
    assert f'srcset="{stem}-1600.webp 1600w, {stem}-960.webp 960w, {stem}-480.webp 480w"' in html
    assert f'srcset="{ready.url} 2000w, {stem}-1600.jpg 1600w, {stem}-960.jpg 960w, {stem}-480.jpg 480w"' in html
    assert 'sizes="(min-width: 48rem) 42rem, 100vw"' in html
    assert 'width="2000" height="1000"' in html
    assert 'loading="lazy"' in html
    assert 'alt="A wide field"' in html


def test_a_picture_whose_renditions_are_not_made_shows_the_original_with_its_size(user):
    picture = make_picture(user, size=(800, 600))

    html = with_renditions(render_markdown(f"![Waiting]({picture.url})", allow=POST_HTML))

    assert f'<img src="{picture.url}" alt="Waiting" width="800" height="600" loading="lazy"' in html
    assert "srcset" not in html


def test_pictures_from_elsewhere_and_unknown_library_names_are_left_alone(ready, django_assert_num_queries):
    source = render_markdown(
        "![Remote](https://example.org/library/1/aaaaaaaaaaaaaaaaaaaaaaaa.jpg)\n\n"
        "![Made up](/media/library/1/bbbbbbbbbbbbbbbbbbbbbbbb.jpg)\n\n![Plain](/static/img/og-default.png)",
        allow=POST_HTML,
    )

    assert picture_names(source) == {"library/1/bbbbbbbbbbbbbbbbbbbbbbbb.jpg"}
    with django_assert_num_queries(1):
        assert with_renditions(source) == source


def test_html_without_library_pictures_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert with_renditions("<p>Words only.</p>") == "<p>Words only.</p>"


def test_the_alt_text_written_in_the_post_stays_escaped(ready):
    html = with_renditions(render_markdown(f'![Fish & "chips" <b>]({ready.url})', allow=POST_HTML))

    assert 'alt="Fish &amp; &quot;chips&quot; &lt;b&gt;"' in html


def test_saving_a_post_records_the_pictures_it_shows(user, ready):
    other = make_picture(user, size=(100, 100))
    post = create_post(author=user, title="Field", body=f"![A field]({ready.url})", status="published")
    assert list(post.pictures.all()) == [ready]

    update_post(post=post, body=f"![Other]({other.url})\n\n![Again]({ready.url})")
    assert set(post.pictures.all()) == {ready, other}

    update_post(post=post, body="No pictures now.")
    assert not post.pictures.exists()


def test_the_post_page_offers_the_renditions_and_the_feed_plain_absolute_pictures(client, user, ready):
    post = create_post(author=user, title="Field", body=f"![A field]({ready.url})", status="published")

    page = client.get(post.get_absolute_url()).content.decode()
    feed = client.get(reverse("posts:feed_atom")).content.decode()

    assert f'srcset="{ready.url} 2000w' in page
    [img] = re.findall(r"&lt;img [^&]*&gt;", feed)
    assert sorted(re.findall(r'\w+="[^"]*"', img)) == ['alt="A field"', f'src="http://testserver{ready.url}"']
    assert "srcset" not in feed


def test_the_cached_page_moves_on_once_the_renditions_exist(
    client, user, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    picture = make_picture(user, size=(1200, 600))
    post = create_post(author=user, title="Soon sharp", body=f"![Soon]({picture.url})", status="published")
    first = client.get(post.get_absolute_url())
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "hit"
    assert "srcset" not in first.content.decode()

    from library.tasks import make_renditions

    with django_capture_on_commit_callbacks(execute=True):
        make_renditions.call(picture.pk)

    again = client.get(post.get_absolute_url())
    assert again["X-Page-Cache"] != "hit"
    assert f'srcset="{picture.url} 1200w' in again.content.decode()
    assert Picture.objects.get(pk=picture.pk).has_renditions
