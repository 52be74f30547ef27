"""Atom and RSS feeds of public posts: the whole site, one blog, one blog's label.

Items carry the full sanitized HTML with absolute URLs, the author, labels as categories, the first
publication time and the last change, and the cover picture (an Atom enclosure link, an RSS media:content).
"""

import copy
import mimetypes
from functools import wraps

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from blogsite.feedgen import Atom1Feed, Rss201rev2Feed

from . import websub
from .markup import POST_HTML, sanitize_html
from .models import Blog, Post
from .views import canonical_redirect, find_label, get_blogger

FEED_SIZE = 20


class _FeedExtras:
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        self.add_extra_elements(handler, item)


class PostAtomFeedGenerator(_FeedExtras, Atom1Feed):
    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            # Beside the `rel="self"` link Django writes from `feed_url`.
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub"]})

    def add_extra_elements(self, handler, item):
        handler.addQuickElement("content", item["content_html"], {"type": "html"})
        if item.get("cover_url"):
            handler.addQuickElement(
                "link", "", {"rel": "enclosure", "href": item["cover_url"], "type": item["cover_type"]}
            )


class PostRssFeedGenerator(_FeedExtras, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": "http://search.yahoo.com/mrss/"}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            # Beside the `<atom:link rel="self">` Django writes from `feed_url`.
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.feed["hub"]})

    def add_extra_elements(self, handler, item):
        if item.get("cover_url"):
            handler.addQuickElement(
                "media:content", "", {"url": item["cover_url"], "type": item["cover_type"], "medium": "image"}
            )


class PostFeed(Feed):
    """The site's newest public posts; subclasses narrow `base_items` and name the feed."""

    feed_type = PostAtomFeedGenerator
    description_template = None

    @method_decorator(require_safe)
    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: keep the request on a copy, never on the shared one.
        feed = copy.copy(self)
        feed.request = request
        response = Feed.__call__(feed, request, *args, **kwargs)
        if hub := websub.hub():
            # WebSub discovery by headers too, for subscribers that read no XML before subscribing.
            response["Link"] = f'<{hub}>; rel="hub", <{websub.feed_url(request.path)}>; rel="self"'
        return response

    def feed_extra_kwargs(self, obj):
        return {"hub": websub.hub()}

    def base_items(self, obj):
        return Post.objects.published()

    def items(self, obj):
        return self.base_items(obj).select_related("author").prefetch_related("labels")[:FEED_SIZE]

    def title(self, obj):
        return settings.SITE_NAME

    def subtitle(self, obj):
        return gettext("The newest posts on every blog of %(site_name)s") % {"site_name": settings.SITE_NAME}

    description = subtitle

    def link(self, obj):
        return reverse("posts:front")

    def feed_url(self, obj):
        # With a WebSub hub, the address the hub is told of (SITE_URL's), whichever host the reader asked.
        return websub.feed_url(self.request.path) if websub.hub() else self.request.path

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        if self.feed_type is PostAtomFeedGenerator:
            # Atom's <summary type="html"> holds HTML; the summary is plain text, so it is escaped once here.
            return escape(item.summary)
        return self._content(item)

    def _content(self, item):
        base = self.request.build_absolute_uri(item.get_absolute_url())
        return sanitize_html(item.body_html, allow=POST_HTML, base_url=base)

    def item_extra_kwargs(self, item):
        # Atom carries the full text beside the summary; RSS already has it as the description.
        extra = {"content_html": self._content(item)} if self.feed_type is PostAtomFeedGenerator else {}
        if item.cover:
            extra["cover_url"] = self.request.build_absolute_uri(item.cover.url)
            extra["cover_type"] = mimetypes.guess_type(item.cover.name)[0] or "image/jpeg"
        return extra

    def item_author_name(self, item):
        return item.author.name

    def item_author_link(self, item):
        return self.request.build_absolute_uri(reverse("posts:blog", kwargs={"username": item.author.username}))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # A post scheduled ahead was last saved before it appeared; its entry was not updated before then.
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [label.name for label in item.labels.all()]

    def item_guid(self, item):
        return self.request.build_absolute_uri(item.get_absolute_url())

    item_guid_is_permalink = True


class SiteAtomFeed(PostFeed):
    pass


class SiteRssFeed(PostFeed):
    feed_type = PostRssFeedGenerator


class BlogAtomFeed(PostFeed):
    def get_object(self, request, username):
        return request.blogger

    def get_feed(self, obj, request):
        # The feed says what language the blog is written in (RSS <language>, Atom xml:lang); `self` is this
        # request's own copy (see PostFeed.__call__).
        self.language = Blog.of(self.blogger(obj)).language_code
        return super().get_feed(obj, request)

    def blogger(self, obj):
        return obj

    def base_items(self, obj):
        return Post.objects.published().by(obj)

    def title(self, obj):
        return Blog.of(obj).display_title

    def subtitle(self, obj):
        return Blog.of(obj).description or gettext("Posts by %(name)s") % {"name": obj.name}

    description = subtitle

    def link(self, obj):
        return reverse("posts:blog", kwargs={"username": obj.username})


class BlogRssFeed(BlogAtomFeed):
    feed_type = PostRssFeedGenerator


class LabelAtomFeed(BlogAtomFeed):
    def get_object(self, request, username, label):
        return request.blogger, find_label(label)

    def blogger(self, obj):
        return obj[0]

    def base_items(self, obj):
        author, label = obj
        return Post.objects.published().by(author).filter(labels=label)

    def title(self, obj):
        author, label = obj
        return f"{super().title(author)}: {label.name}"

    def subtitle(self, obj):
        author, label = obj
        return gettext("Posts by %(name)s labelled “%(label)s”") % {"name": author.name, "label": label.name}

    description = subtitle

    def link(self, obj):
        author, label = obj
        return reverse("posts:label", kwargs={"username": author.username, "label": label.slug})


class LabelRssFeed(LabelAtomFeed):
    feed_type = PostRssFeedGenerator


def blog_feed(feed):
    """A blog's feed view: finds the blogger (any case of the username; other spellings redirect)."""

    @wraps(feed)
    def view(request, username, **kwargs):
        blogger = get_blogger(username)
        if blogger.username != username:
            return canonical_redirect(request, username=blogger.username)
        request.blogger = blogger
        return feed(request, username=username, **kwargs)

    return view
