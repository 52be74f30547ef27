from django import template

from ..views import entry_title as _entry_title

register = template.Library()


@register.simple_tag
def entry_title(entry):
    """An inbox entry's one-line description (no query: the entry comes with its post and actor)."""
    return _entry_title(entry)
