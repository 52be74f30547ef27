from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_session_seen

        # allauth records the new session's row as it signs someone in; the next write is due later.
        user_logged_in.connect(
            lambda sender, request, **kwargs: mark_session_seen(request), weak=False, dispatch_uid="accounts_seen"
        )
