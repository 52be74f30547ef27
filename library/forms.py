from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.images import ALLOWED_CONTENT_TYPES

from .models import Picture
from .services import ALT_MAX_LENGTH


class AltTextField(forms.CharField):
    """A picture's alt text, optional, with a message that says how long it may be (pass `max_length`, the
    model field's)."""

    default_error_messages = {
        "max_length": ngettext_lazy(
            "Alt text has at most %(limit_value)s character.",
            "Alt text has at most %(limit_value)s characters.",
            "limit_value",
        )
    }

    def __init__(self, *, required=False, **kwargs):
        super().__init__(required=required, **kwargs)


class PictureForm(forms.Form):
    """An upload to the media library: the picture and what it shows."""

    file = forms.FileField(
        label=_("Picture"),
        widget=forms.ClearableFileInput(attrs={"accept": ALLOWED_CONTENT_TYPES}),
        help_text=_("JPEG, PNG, GIF or WebP. Location and camera details are removed."),
        error_messages={"required": _("Choose a picture to upload."), "empty": _("This file is empty.")},
    )
    alt = AltTextField(
        label=_("Alt text"),
        max_length=ALT_MAX_LENGTH,
        help_text=_("What the picture shows, for people who cannot see it (e.g. “A heron on the frozen canal”)."),
    )


class AltForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = ["alt"]
