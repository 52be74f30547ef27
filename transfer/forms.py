from django import forms


class DeleteAccountForm(forms.Form):
    KEEP, DELETE = "keep", "delete"

    comments = forms.ChoiceField(
        label="Your comments on other people's posts",
        choices=[
            (KEEP, "Keep them, signed “Anonymous”"),
            (DELETE, "Delete them (a comment others replied to stays as an empty placeholder)"),
        ],
        widget=forms.RadioSelect,
        initial=KEEP,
    )
    password = forms.CharField(
        label="Your password, to confirm",
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
            raise forms.ValidationError("That is not your password. Your account has not been deleted.")
        return password
