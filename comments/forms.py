from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blogsite.params import parse_id

from .models import Comment
from .services import BODY_MAX_LENGTH, InvalidParent, check_parent

BODY_HELP = _(
    "Markdown works: *emphasis*, **bold**, [a link](https://example.com), > quotes, `code`. No images or HTML."
)


class CommentForm(forms.Form):
    """A new comment or reply. `parent` is the id of the comment replied to, empty for a top-level one."""

    body = forms.CharField(
        label=_("Your comment"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=BODY_HELP,
        error_messages={
            "required": _("Please write something before posting."),
            "max_length": _("Comments can be at most %(limit_value)d characters long (this one has %(show_value)d)."),
        },
    )
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people by CSS, filled in by robots that fill in everything.
    homepage = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        self.parent_comment = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The templates carry the CSRF token beside the form tag.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("body"),
            Field("parent"),
            Field("homepage", wrapper_class="comment-hp", tabindex="-1", autocomplete="off"),
        )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(gettext("Please write something before posting."))
        return body

    def clean(self):
        data = super().clean()
        if data.get("homepage"):
            self.add_error(None, gettext("This comment looks automated and was not posted."))
        raw = (self.data.get(self.add_prefix("parent")) or "").strip()
        if raw:
            parent = None
            if (parent_pk := parse_id(raw)) is not None:
                parent = Comment.objects.filter(pk=parent_pk).select_related("author").first()
            if parent is None or (self.post is not None and parent.post_id != self.post.pk):
                self.add_error(None, gettext("The comment you're replying to doesn't exist on this post."))
            else:
                # The service's own rule, so that the form and posting never disagree.
                try:
                    self.parent_comment = check_parent(post=self.post or parent.post, parent=parent)
                except InvalidParent as refusal:
                    self.add_error(None, refusal.message)
        return data


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The templates carry the CSRF token beside the form tag.
        self.helper.disable_csrf = True

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(gettext("Please write something before saving."))
        return body
