from django import forms

from .models import Actor


class FederationSettingsForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["is_federated"]


class BlockActorForm(forms.Form):
    uri = forms.URLField(
        label="Block a remote account",
        max_length=500,
        assume_scheme="https",
        help_text="The address of their profile, e.g. https://mastodon.example/users/someone.",
        error_messages={"invalid": "Give the address of a remote account, starting with https://."},
    )
