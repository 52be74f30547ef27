from django.utils.functional import SimpleLazyObject

from blogsite.versions import INBOXES, SITE, member_scope, remember

from .services import unread_count


def inbox(request):
    """The signed-in member's unread inbox count for the header, worked out only when a template shows it, and
    once a request however often it is shown; 0 for visitors.

    The count is kept in the cache (no query) until something it depends on changes: the member's inbox
    (`inbox_changed`), or whether an entry's post or comment may still be seen, which moves the site's
    versions on (any post or comment anywhere) or the global one (a ban, a scheduled post falling due)."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        scopes = (SITE, INBOXES, member_scope(user.pk))
        return remember(f"unread:{user.pk}", scopes, lambda: unread_count(user))

    return {"inbox_unread": SimpleLazyObject(count)}
