from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery


class FollowForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("New posts reach me by"),
        choices=Delivery.choices,
        initial=Delivery.INSTANT,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the ways offered."), "required": _("Choose how.")},
    )


class GuestSubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={"invalid": _("Enter an email address such as name@example.org."), "required": _("Enter it.")},
    )
    delivery = forms.ChoiceField(
        label=_("Send me"),
        choices=[(Delivery.INSTANT, _("Each new post at once")), (Delivery.DIGEST, _("A weekly digest"))],
        initial=Delivery.INSTANT,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the ways offered.")},
    )
