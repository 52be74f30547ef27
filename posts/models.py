import datetime
import math
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import own_time_zone, time_zone_names, validate_time_zone

from .highlight import highlight_code
from .languages import is_rtl, language_or_default, search_config_for, site_search_config, validate_written_language
from .markup import (
    IMPORTED_HTML,
    POST_HTML,
    count_words,
    extract_excerpt,
    html_to_text,
    render_markdown,
    sanitize_html,
)


class Blog(models.Model):
    """A blogger's blog: one per user, made the first time they write or change its settings."""

    class CommentPolicy(models.TextChoices):
        HOLD_ALL = "hold_all", _("Hold every comment for my approval")
        HOLD_FIRST = "hold_first", _("Hold a commenter's first comment; after one is approved, theirs appear at once")
        OPEN = "open", _("Publish comments at once")

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog")
    title = models.CharField(max_length=120, blank=True, help_text=_("Shown at the top of your blog."))
    description = models.CharField(max_length=300, blank=True)
    comment_policy = models.CharField(max_length=20, choices=CommentPolicy.choices, default=CommentPolicy.HOLD_FIRST)
    # Filled in from the owner's own settings, else the site's, when the blog is made (see `save`).
    language = models.CharField(
        max_length=16,
        blank=True,
        validators=[validate_written_language],
        help_text=_("The language your posts are written in: pages and feeds say so to browsers and readers."),
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Visitors see your blog's dates in this zone; signed-in readers see them in their own."),
    )
    has_webmentions = models.BooleanField(
        _("webmentions"),
        default=True,
        help_text=_("Tell sites my posts link to, and show their mentions of my posts (after my approval)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("blog")
        verbose_name_plural = _("blogs")
        constraints = [
            models.CheckConstraint(
                condition=Q(comment_policy__in=["hold_all", "hold_first", "open"]),
                name="posts_blog_comment_policy_valid",
            ),
        ]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        self.fill_defaults()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("posts:blog", kwargs={"username": self.owner.username})

    @classmethod
    def of(cls, owner) -> "Blog":
        """The owner's blog (no query when it was selected with them), or the defaults of one not made yet."""
        try:
            return owner.blog
        except cls.DoesNotExist:
            return cls.default_for(owner)

    @classmethod
    def default_for(cls, owner) -> "Blog":
        """The unsaved blog a blogger who never changed its settings has (no query)."""
        blog = cls(owner=owner)
        blog.fill_defaults()
        return blog

    def fill_defaults(self) -> None:
        """An empty language or time zone becomes the owner's own choice, else the site's."""
        if not self.language:
            self.language = language_or_default(self.owner.language)
        if not self.time_zone:
            self.time_zone = self.owner.time_zone or settings.TIME_ZONE

    @property
    def language_code(self) -> str:
        """The blog's language for `lang` attributes and feeds: the site's when the stored one is unknown."""
        return language_or_default(self.language)

    @property
    def is_rtl(self) -> bool:
        return is_rtl(self.language_code)

    @property
    def search_config(self) -> str:
        """The PostgreSQL text search configuration the blog's posts are indexed with."""
        return search_config_for(self.language_code)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The blog's time zone; the site's when the stored name is not one this machine knows."""
        name = self.time_zone if self.time_zone in time_zone_names() else settings.TIME_ZONE
        return zoneinfo.ZoneInfo(name)

    @property
    def display_title(self) -> str:
        return self.title or gettext("%(name)s's blog") % {"name": self.owner.name}


def show_times_for(reader, owner) -> None:
    """The zone times are shown and typed in on a blog's pages, in its owner's editor and on their dashboard:
    the reader's own when they chose one (PreferencesMiddleware has activated it), else the blog's, so that an
    anonymous page is cached in the blog's zone. No query when the owner's blog was looked up before, one
    otherwise. PreferencesMiddleware puts the site's zone back after the request."""
    if own_time_zone(reader) is None:
        timezone.activate(Blog.of(owner).zone)


class LabelQuerySet(models.QuerySet):
    def with_counts_for(self, posts):
        """Labels used by `posts` (a Post queryset), each with `post_count`, by name (one query)."""
        return (
            self.filter(posts__in=posts.order_by().values("pk"))
            .annotate(post_count=models.Count("posts"))
            .order_by("name")
        )


class Label(models.Model):
    """A label (Blogger's word for a tag). Labels are shared by all blogs; each blog lists its own."""

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]

    def __str__(self):
        return self.name


def published_q(prefix: str = "") -> Q:
    """The condition a post the public may see meets (see `PostQuerySet.published`), for a query on Post, or
    with `prefix` ("post__", say) on a model that points at a post, so that it joins rather than filters by a
    subquery."""
    return Q(
        **{
            f"{prefix}status__in": [Post.Status.PUBLISHED, Post.Status.SCHEDULED],
            f"{prefix}published_at__lte": timezone.now(),
            f"{prefix}author__is_active": True,
        }
    )


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts the public may see: published, or scheduled and due, by an account that is active (a
        banned or deactivated author's posts leave the site with their blog and profile, and come back
        with them). Costs no query of its own."""
        return self.filter(published_q())

    def by(self, user):
        return self.filter(author=user)

    def published_in(self, year: int, month: int | None = None):
        """Posts first published in that year (and month) of the site's time zone: the one permalinks and
        archives are dated in, whatever zone a reader sees times in. None for a year or month that does not
        exist. No query of its own."""
        if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            return self.none()
        zone = timezone.get_default_timezone()
        posts = self.filter(published_at__gte=datetime.datetime(year, month or 1, 1, tzinfo=zone))
        last_year, last_month = (year, month) if month is not None else (year, 12)
        if (last_year, last_month) == (9999, 12):
            return posts
        following = (last_year + 1, 1) if last_month == 12 else (last_year, last_month + 1)
        return posts.filter(published_at__lt=datetime.datetime(*following, 1, tzinfo=zone))

    def archive_tree(self) -> list[dict]:
        """Years, newest first, each `{"year", "count", "months": [{"month": date, "count"}]}`, in the site's
        time zone like the archives' addresses (one query)."""
        rows = (
            self.annotate(month=TruncMonth("published_at", tzinfo=timezone.get_default_timezone()))
            .values("month")
            .annotate(count=models.Count("pk"))
            .order_by("-month")
        )
        years: list[dict] = []
        for row in rows:
            month = row["month"]
            if not years or years[-1]["year"] != month.year:
                years.append({"year": month.year, "count": 0, "months": []})
            years[-1]["count"] += row["count"]
            years[-1]["months"].append(
                {"month": month.date() if hasattr(month, "date") else month, "count": row["count"]}
            )
        return years

    def for_listing(self):
        """Posts with what a list shows (author and their blog, labels; the comment count is stored), in two
        queries."""
        return (
            self.select_related("author", "author__blog").prefetch_related("labels").order_by("-published_at", "-pk")
        )


class SearchConfigField(models.CharField):
    """The name of a PostgreSQL text search configuration: a `regconfig` column there, which the generated
    search vector (migration 0012) may read as it may not read a name stored as text, and text elsewhere."""

    def db_type(self, connection):
        return "regconfig" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_placeholder(self, value, compiler, connection):
        return "%s::regconfig" if connection.vendor == "postgresql" else "%s"


@SearchConfigField.register_lookup
class SearchConfigExact(models.lookups.Exact):
    """`search_config = 'french'`: a name compared with a regconfig is read as an oid unless cast."""

    def process_rhs(self, compiler, connection):
        sql, params = super().process_rhs(compiler, connection)
        return (f"({sql})::regconfig" if connection.vendor == "postgresql" else sql), params


def cover_upload_to(instance, filename):
    return f"covers/{instance.author_id}/{filename}"


class Post(models.Model):
    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        # Posts brought in from other platforms keep their HTML as the source; it is sanitized the same way.
        HTML = "html", "HTML"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(max_length=200)
    # Fixed at first publication so that permalinks never break; free to follow the title until then.
    slug = models.SlugField(max_length=200, allow_unicode=True)
    body = models.TextField(
        help_text=_("In the body format: Markdown, or the HTML of a post brought in from elsewhere.")
    )
    body_format = models.CharField(max_length=10, choices=BodyFormat.choices, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(
        blank=True, max_length=1000, help_text=_("A short summary for lists and feeds; the first paragraph if empty.")
    )
    cover = models.ImageField(upload_to=cover_upload_to, blank=True)
    cover_alt = models.CharField(
        _("cover alt text"), max_length=300, blank=True, help_text=_("What the cover picture shows.")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # When a scheduled post should appear; kept as the author typed it.
    publish_at = models.DateTimeField(null=True, blank=True)
    # First publication (or, while scheduled, the time it will appear): the permalink's year and month.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    labels = models.ManyToManyField(Label, blank=True, related_name="posts")
    # Pictures of the media library the body shows, kept by `posts.services` on every save, so that the
    # library can say where each picture is used.
    pictures = models.ManyToManyField("library.Picture", blank=True, related_name="posts", editable=False)
    comments_enabled = models.BooleanField("allow comments", default=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # Kept by database triggers on the comments table (comments migration 0004), so that lists and the
    # post page show it without counting a post's comments on every view.
    approved_comment_count = models.PositiveIntegerField(default=0, editable=False)
    # The text search configuration of its blog's language, which PostgreSQL's search vector is built with:
    # given by `posts.services` when the post is made and again when the blog's language changes.
    search_config = SearchConfigField(max_length=40, default=site_search_config, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "slug"], name="posts_post_unique_slug_per_author"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scheduled", "published"]), name="posts_post_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="posts_post_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "status", "-published_at"], name="posts_post_author_listing"),
            models.Index(fields=["status", "-published_at"], name="posts_post_listing"),
            # For the few steps that list the configurations in use (posts.search.configs_in_use).
            models.Index(fields=["search_config"], name="posts_post_search_config"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # PostgreSQL cannot store NUL in text, and no writer means one: drop it rather than fail.
        self.title, self.body, self.excerpt = (v.replace("\x00", "") for v in (self.title, self.body, self.excerpt))
        # The stored HTML is always the sanitized rendering of the stored body (Markdown, or HTML brought in by
        # an import), whoever saves the row.
        self.body_html = self.render_body(self.body, self.body_format)
        self.word_count = count_words(html_to_text(self.body_html))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "word_count"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("posts:detail", kwargs=self.permalink_kwargs())

    @classmethod
    def render_body(cls, body: str, body_format: str = "markdown") -> str:
        """A body as sanitized HTML: what a published post shows, and so what the editor's preview shows."""
        if body_format == cls.BodyFormat.HTML:
            return sanitize_html(body, allow=IMPORTED_HTML)
        return render_markdown(body, allow=POST_HTML, highlight=highlight_code)

    def get_history_url(self):
        return reverse("posts:history", kwargs=self.permalink_kwargs())

    def get_edit_url(self):
        return reverse("posts:edit", kwargs=self.permalink_kwargs())

    def get_delete_url(self):
        return reverse("posts:delete", kwargs=self.permalink_kwargs())

    def get_comments_feed_url(self):
        return reverse("comments:feed", kwargs=self.permalink_kwargs())

    def permalink_kwargs(self) -> dict:
        """The permalink's parts: the year and month of first publication (of creation for drafts), in the
        site's time zone, so that the address is the same whatever zone the reader sees times in."""
        when = timezone.localtime(self.published_at or self.created_at, timezone.get_default_timezone())
        return {
            "username": self.author.username,
            "year": when.year,
            "month": f"{when.month:02d}",
            "slug": self.slug,
        }

    @property
    def is_public(self) -> bool:
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.author.is_active
        )

    @property
    def was_withdrawn(self) -> bool:
        """Whether this is a draft that was public once: a draft keeps its first publication date only then
        (see `services._apply_status`). Its address answers 410 Gone to readers."""
        return self.status == self.Status.DRAFT and self.published_at is not None

    @property
    def blog_title(self) -> str:
        """The title of the blog the post is on (no query when the author's blog was selected with it)."""
        return self.blog.display_title

    @property
    def blog(self) -> Blog:
        """The author's blog (no query when it was selected with the post), or its defaults."""
        return Blog.of(self.author)

    @cached_property
    def summary(self) -> str:
        """What lists and feeds show: the written excerpt, else the first paragraph as plain text."""
        return self.excerpt or extract_excerpt(self.body_html)

    @property
    def reading_time(self) -> int:
        """Minutes to read, at about 230 words a minute; at least one."""
        return max(1, math.ceil(self.word_count / 230))

    def content(self, label_names: list[str] | None = None) -> dict:
        """What the editor edits and a revision or autosave keeps: title, body, labels (comma-separated, as the
        form shows them) and excerpt. One query for the labels, none when `label_names` are given."""
        if label_names is None:
            label_names = [label.name for label in self.labels.all()]
        return {"title": self.title, "body": self.body, "labels": ", ".join(label_names), "excerpt": self.excerpt}


class RevisionQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-pk")


class Revision(models.Model):
    """What a post said after one save: its title, body, labels and excerpt, and who saved it when.

    Kept by `posts.services` on every save that changes one of those (at most `POST_REVISIONS_KEEP` per
    post, the oldest dropped); restoring one saves the post again, which keeps a new revision."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    # Who saved it: the author, or staff. A deleted account leaves its revisions without a name.
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # The label names as the form shows them, comma-separated.
    labels = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["post", "-created_at"], name="posts_revision_post_newest")]

    def __str__(self):
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_restore_url(self):
        return reverse("posts:restore_revision", kwargs={**self.post.permalink_kwargs(), "revision_id": self.pk})

    def content(self) -> dict:
        return {"title": self.title, "body": self.body, "labels": self.labels, "excerpt": self.excerpt}


class Autosave(models.Model):
    """What a writer typed and has not saved yet, kept while they type; readers never see it.

    One per writer and post, and one per writer for a post not saved yet (`post` empty). Saving the post
    (any action of the form) deletes it; the editor offers to restore it otherwise."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosaves")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="autosaves")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    labels = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "post"], condition=Q(post__isnull=False), name="posts_autosave_one_per_post"
            ),
            models.UniqueConstraint(
                fields=["author"], condition=Q(post__isnull=True), name="posts_autosave_one_new_post"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.title or 'a new post'} by {self.author_id}"

    def content(self) -> dict:
        return {"title": self.title, "body": self.body, "labels": self.labels, "excerpt": self.excerpt}


def was_published_at(*, username: str, slug: str) -> bool:
    """Whether the address of `username`'s post `slug` belonged to a post that was public here and is not any
    more: deleted (a GonePost) or made a draft again. For an address no post answers to; at most two queries."""
    from django.contrib.auth import get_user_model

    authors = get_user_model().objects.named(username)
    withdrawn = Post.objects.filter(
        author__in=authors, slug=slug, status=Post.Status.DRAFT, published_at__isnull=False
    )
    return GonePost.objects.filter(author__in=authors, slug=slug).exists() or withdrawn.exists()


class GonePost(models.Model):
    """The address of a public post that was deleted: it answers 410 Gone (not 404) to readers, to fediverse
    servers and to sites verifying a webmention, until a new post takes the same address (that post wins)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=200, allow_unicode=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deleted post")
        verbose_name_plural = _("deleted posts")
        constraints = [models.UniqueConstraint(fields=["author", "slug"], name="posts_gonepost_one_per_address")]

    def __str__(self):
        return f"{self.author_id}/{self.slug} (gone)"


def next_scheduled_at() -> datetime.datetime | None:
    """When the next scheduled post becomes public, None when none is waiting (one query)."""
    upcoming = Post.objects.filter(status=Post.Status.SCHEDULED, published_at__gt=timezone.now())
    return upcoming.aggregate(at=models.Min("published_at"))["at"]
