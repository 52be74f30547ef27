from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from blogsite.params import parse_id


class ModerationForm(forms.Form):
    """The dashboard's moderation: one action on the ticked comments, or one comment's own button."""

    ACTIONS = [
        ("approve", _("Approve")),
        ("spam", _("Mark as spam")),
        ("remove", pgettext_lazy("button: remove a comment", "Remove")),
    ]

    action = forms.ChoiceField(choices=ACTIONS, required=False)
    comments = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    # A single comment's button sends "<action>:<id>".
    one = forms.CharField(required=False)

    def __init__(self, *args, queue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue = {c.pk: c for c in queue or []}
        self.fields["comments"].choices = [(pk, pk) for pk in self.queue]

    def clean(self):
        data = super().clean()
        one = data.get("one")
        if one:
            action, _, pk = one.partition(":")
            if action not in dict(self.ACTIONS) or (pk := parse_id(pk)) not in self.queue:
                raise forms.ValidationError(gettext("That comment is no longer waiting for moderation."))
            data["action"], data["selected"] = action, [self.queue[pk]]
            return data
        if not data.get("action"):
            raise forms.ValidationError(gettext("Choose what to do with the selected comments."))
        if not data.get("comments"):
            raise forms.ValidationError(gettext("Select at least one comment."))
        data["selected"] = [self.queue[pk] for pk in data["comments"]]
        return data
