from django import forms

from .models import Delivery


class FollowForm(forms.Form):
    delivery = forms.ChoiceField(
        label="New posts reach me by",
        choices=Delivery.choices,
        initial=Delivery.INSTANT,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the ways offered.", "required": "Choose how."},
    )


class GuestSubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={"invalid": "Enter an email address such as name@example.org.", "required": "Enter it."},
    )
    delivery = forms.ChoiceField(
        label="Send me",
        choices=[(Delivery.INSTANT, "Each new post at once"), (Delivery.DIGEST, "A weekly digest")],
        initial=Delivery.INSTANT,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the ways offered."},
    )
