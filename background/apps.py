import sqlite3

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def use_sqlite_variable_limit(sender, connection, **kwargs) -> None:
    """Let bulk inserts on SQLite use as many query parameters as the library allows.

    Django 5.2 assumes SQLite's historical limit of 999 parameters, which splits a 1,000-task enqueue into 77
    INSERTs. SQLite raised its default to 32,766 in 3.32 (2020), and Python reports the real limit.
    """
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = max(limit, connection.features.max_query_params)


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = _("Background work")

    def ready(self):
        connection_created.connect(use_sqlite_variable_limit, dispatch_uid="background.sqlite_variable_limit")
        from . import mail  # noqa: F401  (registers its pruner)
