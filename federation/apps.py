from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = _("Federation")

    def ready(self):
        from . import pruning, receivers  # noqa: F401  (connects the receivers, registers the pruners)
