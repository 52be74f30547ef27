"""Django's and allauth's authentication backends, reading a signed-in member's account from the cache.

Every page a member opens loads their account from the session's user id. The row is kept in the cache
under the member's version (`blogsite.versions.member_scope`), which any save or deletion of the account
moves on (pagecache.signals), so a changed password, a ban or a new name shows on the next request. An
account that may not sign in (deactivated, banned) is never kept: it is read each time, and refused.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends

from blogsite.versions import member_scope, remember


class CachedUserMixin:
    def get_user(self, user_id):
        """The active account with this id, or None (one query, none while the account is unchanged)."""
        return remember(
            f"user:{user_id}", (member_scope(user_id),), lambda: super(CachedUserMixin, self).get_user(user_id)
        )


class ModelBackend(CachedUserMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, auth_backends.AuthenticationBackend):
    pass
