from django.utils.functional import SimpleLazyObject

from .services import unread_count


def inbox(request):
    """The signed-in member's unread inbox count for the header, counted (one query) only when a template shows
    it, and once a request however often it is shown; 0 for visitors."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user)

    return {"inbox_unread": SimpleLazyObject(count)}
