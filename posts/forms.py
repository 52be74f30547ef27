from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import time_zone_choices
from accounts.images import ALLOWED_CONTENT_TYPES, process_upload
from library.forms import AltTextField

from .languages import written_languages
from .models import Blog, Post
from .services import (
    BODY_MAX_LENGTH,
    COVER_ALT_MAX_LENGTH,
    EXCERPT_MAX_LENGTH,
    LABELS_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    parse_labels,
)

# A cover is shown at most this wide (and tall); larger uploads are scaled down, smaller ones kept.
COVER_MAX_SIZE = (1600, 1600)
COVER_MAX_BYTES = 8 * 1024 * 1024


class PostForm(forms.Form):
    """A post as a writer (or any HTTP client) sends it; field names are part of the public contract."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Please give the post a title."),
            "max_length": ngettext_lazy(
                "Titles have at most %(limit_value)s character.",
                "Titles have at most %(limit_value)s characters.",
                "limit_value",
            ),
        },
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        strip=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace editor-body", "data-editor-body": ""}),
        help_text=_(
            "Markdown: **bold**, *italic*, [links](https://example.org), # headings, lists, > quotes, "
            "```code```, tables."
        ),
        error_messages={
            "max_length": ngettext_lazy(
                "Posts have at most %(limit_value)s character (this one has %(show_value)s).",
                "Posts have at most %(limit_value)s characters (this one has %(show_value)s).",
                "limit_value",
            )
        },
    )
    labels = forms.CharField(
        label=_("Labels"),
        required=False,
        max_length=LABELS_MAX_LENGTH,
        help_text=_("Separate labels with commas, e.g. travel, photos, 日本."),
    )
    # Sent by the form's buttons (Save draft, Publish, Schedule, Update, Unpublish), each carrying its value.
    status = forms.ChoiceField(
        choices=Post.Status.choices,
        initial=Post.Status.DRAFT,
        error_messages={
            "required": _("Choose what to do with the post: save it as a draft, publish it or schedule it."),
            "invalid_choice": _("Choose draft, scheduled or published."),
        },
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time such as 2030-01-31T09:30.")},
    )
    cover = forms.FileField(
        label=_("Cover"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ALLOWED_CONTENT_TYPES}),
        help_text=_("Optional picture shown above the post and in link previews (JPEG, PNG, GIF or WebP)."),
    )
    cover_alt = AltTextField(
        label=_("Cover alt text"),
        max_length=COVER_ALT_MAX_LENGTH,
        help_text=_("What the cover picture shows, for people who cannot see it."),
    )
    remove_cover = forms.BooleanField(required=False, label=_("Remove the current cover"))
    excerpt = forms.CharField(
        label=_("Excerpt"),
        required=False,
        max_length=EXCERPT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A short summary for lists and feeds. Leave empty to use the first paragraph."),
    )
    # Named for the exception so that a client that leaves it out gets comments on, as by default.
    comments_disabled = forms.BooleanField(required=False, label=_("Turn comments off for this post"))

    def __init__(self, *args, post: Post | None = None, **kwargs):
        self.post = post
        super().__init__(*args, **kwargs)
        # Read in the zone active for the writer (posts.models.show_times_for), and named here.
        self.fields["publish_at"].help_text = gettext(
            "For a scheduled post: when it should appear, in your time zone, %(zone)s."
        ) % {"zone": timezone.get_current_timezone_name()}
        if post is None or not post.cover:
            del self.fields["remove_cover"]

    def clean_labels(self):
        try:
            return parse_labels(self.cleaned_data["labels"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        if not upload:
            return None
        return process_upload(upload, max_bytes=COVER_MAX_BYTES, size=COVER_MAX_SIZE, square=False)

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        publish_at = cleaned.get("publish_at")
        if status == Post.Status.SCHEDULED:
            if publish_at is None and "publish_at" not in self.errors:
                self.add_error("publish_at", gettext("Give the date and time at which the post should appear."))
            elif publish_at is not None and publish_at <= timezone.now():
                already = self.post is not None and self.post.publish_at == publish_at
                if not already:
                    self.add_error("publish_at", gettext("This time is in the past. Choose a time still to come."))
        return cleaned

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments for `create_post` / `update_post`."""
        data = self.cleaned_data
        kwargs = {
            "title": data["title"],
            "body": data["body"],
            "labels": data["labels"],
            "status": data["status"],
            "publish_at": data["publish_at"] if data["status"] == Post.Status.SCHEDULED else None,
            "excerpt": data["excerpt"],
            "comments_enabled": not data["comments_disabled"],
            "cover_alt": data["cover_alt"],
        }
        if data.get("cover"):
            kwargs["cover"] = data["cover"]
        elif data.get("remove_cover"):
            kwargs["cover"] = None
        return kwargs

    @classmethod
    def initial_from(cls, data, *, post: Post | None = None, submitted: bool = True) -> dict:
        """Initial values from submitted form data (`submitted`) or an autosave's content over the post's
        own, so that the form shows what the writer typed without judging it yet."""
        initial = cls.initial_for(post) if post is not None else {}
        for name in ("title", "body", "labels", "excerpt", "publish_at"):
            if name in data:
                initial[name] = data[name]
        if submitted:
            # An unticked box is absent from submitted data.
            initial["comments_disabled"] = bool(data.get("comments_disabled"))
        return initial

    @classmethod
    def initial_for(cls, post: Post) -> dict:
        return {
            **post.content(),
            "status": post.status,
            "publish_at": timezone.localtime(post.publish_at) if post.publish_at else None,
            "cover_alt": post.cover_alt,
            "comments_disabled": not post.comments_enabled,
        }


def blog_language_choices():
    return [(code, f"{name} ({code})") for code, name in written_languages().items()]


def blog_time_zone_choices():
    # Without the profile's empty choice: a blog always has a zone of its own.
    return [choice for choice in time_zone_choices() if choice[0]]


class BlogSettingsForm(forms.ModelForm):
    """A blog's settings. A language or time zone left out keeps the owner's own, else the site's."""

    language = forms.TypedChoiceField(
        label=_("Language"),
        required=False,
        choices=blog_language_choices,
        help_text=Blog._meta.get_field("language").help_text,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a language this site knows. Choose one from the list.")
        },
    )
    time_zone = forms.TypedChoiceField(
        label=_("Time zone"),
        required=False,
        choices=blog_time_zone_choices,
        help_text=Blog._meta.get_field("time_zone").help_text,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a time zone. Choose one from the list, such as Europe/Paris.")
        },
    )

    class Meta:
        model = Blog
        fields = ["title", "description", "comment_policy", "language", "time_zone", "has_webmentions"]
        labels = {"title": _("Title"), "description": _("Description"), "comment_policy": _("Comment policy")}
        widgets = {"comment_policy": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "description": _("A line or two under the title."),
            "comment_policy": _("How new comments on your posts appear."),
        }


class AutosaveForm(forms.Form):
    """What the editor's script sends as the writer types: the text so far, never judged beyond its size."""

    post = forms.IntegerField(required=False, min_value=1)
    title = forms.CharField(required=False, strip=False, max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(required=False, strip=False, max_length=BODY_MAX_LENGTH)
    labels = forms.CharField(required=False, max_length=LABELS_MAX_LENGTH)
    excerpt = forms.CharField(required=False, strip=False, max_length=EXCERPT_MAX_LENGTH)


class PreviewForm(forms.Form):
    """The body to render for the live preview, and the post it belongs to (for imported HTML posts)."""

    post = forms.IntegerField(required=False, min_value=1)
    body = forms.CharField(required=False, strip=False, max_length=BODY_MAX_LENGTH)
