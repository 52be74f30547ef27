# The staff accounts of the admin's tests: a moderator (in the Moderators group) and a superuser.
from tests.admin.conftest import moderator, superuser

__all__ = ["moderator", "superuser"]
