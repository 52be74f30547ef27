import datetime

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.tests.images import image_bytes
from posts.services import create_post

from .factories import DraftFactory, LabelFactory, PostFactory

pytestmark = pytest.mark.django_db


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.mark.parametrize("url", ["/feed/", "/feed/rss/", "/@karen/feed/", "/@karen/feed/rss/"])
def test_feeds_parse_and_carry_full_sanitized_content_and_absolute_links(client, user, url):
    PostFactory(author=user, title="Hello & <welcome>", body="Some **bold** [link](/@karen/) <script>x()</script>")
    feed = _parse(client, url)
    entry = feed.entries[0]
    assert entry.title == "Hello & <welcome>"
    assert entry.link.startswith("http://testserver/@karen/")
    content = entry.content[0].value if "content" in entry else entry.summary
    assert "<strong>bold</strong>" in content
    assert 'href="http://testserver/@karen/"' in content
    assert "<script" not in content
    assert entry.author == user.name


def test_feeds_show_only_public_posts_of_that_blog(client, user, other_user):
    PostFactory(author=user, title="Mine")
    PostFactory(author=other_user, title="Theirs")
    DraftFactory(author=user, title="Draft")
    PostFactory(author=user, title="Later", status="scheduled", published_at=timezone.now() + datetime.timedelta(1))
    assert [e.title for e in _parse(client, "/@karen/feed/").entries] == ["Mine"]
    assert {e.title for e in _parse(client, "/feed/").entries} == {"Mine", "Theirs"}


def test_atom_entries_have_published_updated_and_categories(client, user):
    when = timezone.now() - datetime.timedelta(days=5)
    PostFactory(author=user, published_at=when, labels=[LabelFactory(name="Cats")])
    entry = _parse(client, "/@karen/feed/").entries[0]
    assert entry.published_parsed[:5] == when.utctimetuple()[:5]
    assert entry.updated_parsed >= entry.published_parsed
    assert [tag.term for tag in entry.tags] == ["Cats"]


def test_a_scheduled_post_appears_in_feeds_dated_its_scheduled_time(client, user):
    when = timezone.now() - datetime.timedelta(minutes=5)
    PostFactory(author=user, status="scheduled", published_at=when)
    entry = _parse(client, "/feed/").entries[0]
    assert entry.published_parsed[:5] == when.utctimetuple()[:5]
    assert entry.updated_parsed >= entry.published_parsed


def test_label_feeds_list_that_labels_posts(client, user):
    label = LabelFactory(name="Ünïcode")
    PostFactory(author=user, title="Labelled", labels=[label])
    PostFactory(author=user, title="Not labelled")
    for url in (f"/@karen/label/{label.slug}/feed/", f"/@karen/label/{label.slug}/feed/rss/"):
        assert [e.title for e in _parse(client, url).entries] == ["Labelled"]
    assert client.get("/@karen/label/missing/feed/").status_code == 404


def test_a_label_feed_describes_itself_in_the_readers_language(client, user):
    label = LabelFactory(name="Jardin")
    PostFactory(author=user, labels=[label])
    url = f"/@karen/label/{label.slug}/feed/"
    english = feedparser.parse(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content).feed
    french = feedparser.parse(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content).feed
    assert english.subtitle == f"Posts by {user.name} labelled “Jardin”"
    assert french.subtitle == f"Articles de {user.name} avec le libellé « Jardin »"


def test_covers_are_in_feeds(client, user):
    cover = ContentFile(image_bytes("PNG", size=(20, 10)), "c.png")
    create_post(author=user, title="Pic", body="x", status="published", cover=cover)
    atom = _parse(client, "/feed/").entries[0]
    assert any(link.rel == "enclosure" and link.href.startswith("http://testserver/") for link in atom.links)
    rss = _parse(client, "/feed/rss/").entries[0]
    assert rss.media_content[0]["url"].startswith("http://testserver/")


def test_sitemap_lists_blogs_and_public_posts_with_lastmod(client, user, other_user):
    post = PostFactory(author=user)
    draft = DraftFactory(author=other_user)
    content = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver{post.get_absolute_url()}</loc>" in content
    assert "<loc>http://testserver/@karen/</loc>" in content
    assert draft.title not in content and "/@sp/" not in content
    assert content.count("<lastmod>") == 2


def test_robots_txt_points_to_the_sitemap(client):
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


@pytest.mark.parametrize("url", ["/feed/", "/feed/rss/", "/@karen/feed/", "/@karen/feed/rss/"])
def test_characters_xml_cannot_carry_are_dropped_not_fatal(client, user, url):
    label = LabelFactory(name="Odd\x0blabel")
    PostFactory(author=user, title="Vertical\x0btab", labels=[label])
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].title == "Verticaltab"


def test_a_sitemap_too_long_for_one_file_becomes_an_index_of_its_pages(client, user, monkeypatch):
    from posts.sitemaps import PostSitemap

    monkeypatch.setattr(PostSitemap, "limit", 2)
    posts = [PostFactory(author=user, title=f"Post {n}") for n in range(5)]
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    assert "<loc>http://testserver/sitemap-posts.xml</loc>" in index
    for page in (2, 3):
        assert f"<loc>http://testserver/sitemap-posts.xml?p={page}</loc>" in index
    assert "<loc>http://testserver/sitemap-blogs.xml</loc>" in index
    listed = "".join(client.get(f"/sitemap-posts.xml?p={page}").content.decode() for page in (1, 2, 3))
    for post in posts:
        assert f"<loc>http://testserver{post.get_absolute_url()}</loc>" in listed
    assert "/@karen/</loc>" in client.get("/sitemap-blogs.xml").content.decode()
    assert client.get("/sitemap-nothing.xml").status_code == 404
