from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    KEEP, DELETE = "keep", "delete"

    comments = forms.ChoiceField(
        label=_("Your comments on other people's posts"),
        choices=[
            (KEEP, _("Keep them, signed “Anonymous”")),
            (DELETE, _("Delete them (a comment others replied to stays as an empty placeholder)")),
        ],
        widget=forms.RadioSelect,
        initial=KEEP,
    )
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if not user.has_usable_password():
            # The view has had such an account reauthenticate through allauth instead.
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("That is not your password. Your account has not been deleted."))
        return password


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"),
        help_text=_(
            "A WordPress export (.xml), a Blogger export (.xml or .atom), a Blogger Takeout archive (.zip) "
            "or a Blogsite export (.xml or .json)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.atom,.zip,.json"}),
    )
    fetch_images = forms.BooleanField(
        label=_("Bring my pictures along"),
        required=False,
        initial=True,
        help_text=_(
            "Pictures your posts show from your old blog (Blogger's picture hosts, WordPress's uploads "
            "folder) are copied here, and the posts changed to show the copies. Pictures that can't be fetched "
            "keep their old address."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_MB * 2**20
        if upload.size > limit:
            raise forms.ValidationError(
                gettext("The file is larger than %(max_mb)s MB, the most this site takes.")
                % {"max_mb": settings.IMPORT_MAX_UPLOAD_MB}
            )
        upload.seek(0)
        head = upload.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        upload.seek(0)
        if not head:
            raise forms.ValidationError(gettext("The file is empty."))
        if not head.startswith((b"<", b"{", b"PK\x03\x04")):
            raise forms.ValidationError(
                gettext(
                    "This is not an export file: choose the .xml file WordPress or Blogger gave you, or Blogger's "
                    "Takeout .zip."
                )
            )
        return upload
