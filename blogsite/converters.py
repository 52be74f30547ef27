"""Path converters for the site's addresses, registered once for every app's URLconf that imports this.

`/@<username:username>/<yyyy:year>/<mm:month>/<str:slug>/` is a post's permalink (CONTRACT.md); the
comments app hangs its own pages below it, and its URLconf loads before the posts app's.
"""

from django.urls import register_converter


class UsernameConverter:
    regex = r"[A-Za-z0-9_-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class YearConverter:
    """A four-digit year, read as a number."""

    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    """A two-digit month: 6 is written `06`, and read back as 6."""

    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(UsernameConverter, "username")
register_converter(YearConverter, "yyyy")
register_converter(MonthConverter, "mm")

PERMALINK = "@<username:username>/<yyyy:year>/<mm:month>/<str:slug>/"
