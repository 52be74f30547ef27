from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Actor


class FederationSettingsForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["is_federated"]


class BlockActorForm(forms.Form):
    uri = forms.URLField(
        label=_("Block a remote account"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of their profile, e.g. https://mastodon.example/users/someone."),
        error_messages={"invalid": _("Give the address of a remote account, starting with https://.")},
    )
