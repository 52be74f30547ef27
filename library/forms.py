from django import forms

from accounts.images import ALLOWED_CONTENT_TYPES

from .models import Picture
from .services import ALT_MAX_LENGTH


class PictureForm(forms.Form):
    """An upload to the media library: the picture and what it shows."""

    file = forms.FileField(
        label="Picture",
        widget=forms.ClearableFileInput(attrs={"accept": ALLOWED_CONTENT_TYPES}),
        help_text="JPEG, PNG, GIF or WebP. Location and camera details are removed.",
        error_messages={"required": "Choose a picture to upload.", "empty": "This file is empty."},
    )
    alt = forms.CharField(
        label="Alt text",
        required=False,
        max_length=ALT_MAX_LENGTH,
        help_text="What the picture shows, for people who cannot see it (e.g. “A heron on the frozen canal”).",
        error_messages={"max_length": f"Alt text has at most {ALT_MAX_LENGTH} characters."},
    )


class AltForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = ["alt"]
