from allauth.account import app_settings as account_settings
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .images import ALLOWED_CONTENT_TYPES, process_upload
from .models import User
from .validators import time_zone_names


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, whose one field takes a username or an email address, and says so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, with a honeypot field that needs no inline style to stay out of sight."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.honeypot_field_name = account_settings.SIGNUP_FORM_HONEYPOT_FIELD
        if self.honeypot_field_name:
            field = self.fields[self.honeypot_field_name]
            field.label = _("Leave this field empty")
            field.widget.attrs = {"tabindex": "-1", "autocomplete": "off"}
        self.fields["username"].help_text = User._meta.get_field("username").help_text


class SocialSignupForm(AllauthSocialSignupForm):
    """The one question a first sign-in through another site asks: the username (the blog's address), checked
    as at sign-up (AccountAdapter.clean_username), and the email address when the provider gave none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = User._meta.get_field("username").help_text


class AvatarInput(forms.ClearableFileInput):
    clear_checkbox_label = _("Remove my picture")


def time_zone_choices():
    return [("", _("The site's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE})] + [
        (name, name.replace("_", " ")) for name in sorted(time_zone_names())
    ]


def language_choices():
    return [("", _("The browser's language")), *settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    language = forms.TypedChoiceField(
        label=_("Language"),
        required=False,
        choices=language_choices,
        help_text=_("The language the site speaks to you in. Empty: your browser's."),
    )
    time_zone = forms.TypedChoiceField(
        label=_("Time zone"),
        required=False,
        choices=time_zone_choices,
        help_text=_("Dates and times are shown in this zone."),
    )
    avatar = forms.FileField(
        required=False,
        label=_("Picture"),
        help_text=_(
            "JPEG, PNG, GIF or WebP, at most 5 MB. It is cropped to a square; photo location data is removed."
        ),
        widget=AvatarInput(attrs={"accept": ALLOWED_CONTENT_TYPES}),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "avatar",
            "notify_replies",
            "notify_comments",
            "notify_moderation",
            "language",
            "time_zone",
        ]
        labels = {
            "display_name": _("Display name"),
            "bio": _("About you"),
            "notify_replies": _("Replies to my comments"),
            "notify_comments": _("Comments on my posts"),
            "notify_moderation": _("My held comments approved or removed"),
        }
        help_texts = {"display_name": _("Shown beside your posts and comments. Leave empty to use your username.")}
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    NOTIFY_FIELDS = ("notify_replies", "notify_comments", "notify_moderation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.NOTIFY_FIELDS:
            self.fields[name].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("display_name", autocomplete="name"),
            "bio",
            "avatar",
            Fieldset(
                _("Notifications"),
                HTML('{% include "accounts/_notifications_help.html" %}'),
                "notify_replies",
                "notify_comments",
                "notify_moderation",
            ),
            Fieldset(_("Language and time"), "language", "time_zone"),
        )

    def clean(self):
        cleaned = super().clean()
        for name in self.NOTIFY_FIELDS:
            if name in cleaned and not cleaned[name]:
                # A client that posts only some fields (the display name, say) leaves these as they were.
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        # A new upload is checked and replaced by its clean re-encoding; the current file (unchanged) and
        # False (the "remove" box) pass through.
        if isinstance(avatar, UploadedFile):
            return process_upload(avatar)
        return avatar
