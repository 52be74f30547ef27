import pytest
from django.db import connection

from posts import search


@pytest.fixture
def index_tables_known(db):
    """Whether SQLite's index tables exist is asked once per process (`posts.search._sqlite_has_table`): asked
    here, so that a budget does not depend on which test ran first."""
    if connection.vendor == "sqlite":
        for table in (search.FTS_TABLE, search.TRIGRAM_TABLE):
            search._sqlite_has_table(table)
