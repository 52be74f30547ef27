from django.conf import settings


def site(request):
    """The site's name and authoring rule, for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "OPEN_AUTHORING": settings.OPEN_AUTHORING}
