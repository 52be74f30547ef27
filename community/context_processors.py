from django.utils.functional import lazy


def inbox(request):
    """The signed-in member's unread inbox count for the header, counted (one query) only when a template shows
    it; 0 for visitors."""
    cached = []

    def count() -> int:
        if not cached:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                cached.append(0)
            else:
                from .services import unread_count

                cached.append(unread_count(user))
        return cached[0]

    return {"inbox_unread": lazy(count, int)()}
