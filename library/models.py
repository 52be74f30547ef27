"""Pictures a writer uploaded to use in posts, with the smaller copies (renditions) made of each."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q, Sum
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


def picture_upload_to(instance, filename):
    # `filename` is always a name the services made up (random), never the one the browser sent.
    return f"library/{instance.owner_id}/{filename}"


class PictureQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)

    def with_posts_seen_by(self, user):
        """Each picture with the posts that show it which `user` may see, and their authors (two queries more).

        Anyone may write a picture's address into a post, so the posts that show it are `user`'s own (in any
        state) and other people's public ones: someone else's draft is not named to the picture's owner."""
        # The posts app imports this one, so its model is reached through the relation, not imported.
        post_model = self.model._meta.get_field("posts").related_model
        visible = post_model.objects.filter(author=user) | post_model.objects.published()
        return self.prefetch_related(Prefetch("posts", queryset=visible), "posts__author")

    def for_library(self, user):
        """Newest first, each with the posts that show it which `user` may see and their authors (three
        queries in all)."""
        return self.with_posts_seen_by(user).order_by("-created_at", "-pk")

    def total_bytes(self) -> int:
        """Bytes stored for these pictures' originals (one query)."""
        return self.aggregate(total=Sum("bytes"))["total"] or 0


class Picture(models.Model):
    """One uploaded picture: the cleaned original (upright, no metadata) and the renditions made of it."""

    class ContentType(models.TextChoices):
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"
        WEBP = "image/webp", "WebP"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pictures")
    file = models.FileField(upload_to=picture_upload_to, max_length=200, unique=True)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveBigIntegerField(help_text=_("Size of the stored original; what counts against the quota."))
    # [{"width": 480, "type": "image/webp", "name": "library/3/…-480.webp", "bytes": 12345}, …], widest first;
    # written once by the renditions task, which then sets `has_renditions`.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    has_renditions = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PictureQuerySet.as_manager()

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "image/webp"]),
                name="library_picture_content_type_valid",
            ),
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="library_picture_has_pixels"),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="library_picture_owner_newest")]

    def __str__(self):
        return self.alt or self.file.name.rsplit("/", 1)[-1]

    def get_absolute_url(self):
        return reverse("library:detail", kwargs={"pk": self.pk})

    @property
    def url(self) -> str:
        return self.file.url

    def markdown(self) -> str:
        """The Markdown that shows the picture in a post: `![alt](url)`, the alt text kept on one line and
        its brackets escaped so that it cannot end the image early."""
        alt = re.sub(r"\s+", " ", self.alt).strip()
        alt = re.sub(r"([\\\[\]])", r"\\\1", alt)
        return f"![{alt}]({self.url})"

    @cached_property
    def _thumbnail(self) -> tuple[str, int, int]:
        """The smallest copy there is (a rendition once made, else the original): address, width, height."""
        if self.renditions:
            smallest = min(self.renditions, key=lambda r: (r["width"], r["type"] != self.content_type))
            width = smallest["width"]
            return self.file.storage.url(smallest["name"]), width, max(1, round(self.height * width / self.width))
        return self.url, self.width, self.height

    @property
    def thumbnail_url(self) -> str:
        return self._thumbnail[0]

    @property
    def thumbnail_width(self) -> int:
        return self._thumbnail[1]

    @property
    def thumbnail_height(self) -> int:
        return self._thumbnail[2]

    def rendition_names(self) -> list[str]:
        return [r["name"] for r in self.renditions]
