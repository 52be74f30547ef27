"""Feed generators that drop the characters XML 1.0 cannot carry.

Text from users and imports may hold C0 control characters (a stray form feed, a vertical tab), which
Django's XML writer refuses with an exception, so one such comment or title would take the whole feed
down with a 500. These generators remove them from every string before writing.
"""

import re

from django.utils import feedgenerator

# C0 controls but tab and newlines, the two non-characters, and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value):
    """`value` without the characters XML 1.0 forbids; anything that isn't a string is returned as it is."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def _clean(kwargs: dict) -> dict:
    return {
        key: [xml_text(v) for v in value] if isinstance(value, list | tuple) else xml_text(value)
        for key, value in kwargs.items()
    }


class _XmlSafe:
    def __init__(self, title, link, description, **kwargs):
        super().__init__(xml_text(title), xml_text(link), xml_text(description), **_clean(kwargs))

    def add_item(self, title, link, description, **kwargs):
        super().add_item(xml_text(title), xml_text(link), xml_text(description), **_clean(kwargs))


class Atom1Feed(_XmlSafe, feedgenerator.Atom1Feed):
    pass


class Rss201rev2Feed(_XmlSafe, feedgenerator.Rss201rev2Feed):
    pass
