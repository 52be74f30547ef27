import re

from django import template
from django.utils.safestring import mark_safe

from library.html import with_renditions as _with_renditions

register = template.Library()

# `![](…)` or `![  ](…)`: a Markdown picture with nothing between its brackets.
_NO_ALT = re.compile(r"!\[[ \t]*\]\(")


@register.filter
def with_renditions(body_html: str):
    """Sanitized stored HTML (a post's `body_html`) with the library's pictures offered at their renditions'
    sizes. One query when the HTML shows library pictures, none otherwise. Only for sanitized HTML."""
    # The input is sanitized stored HTML, and every attribute added to it is escaped (library/html.py).
    html = _with_renditions(body_html or "")
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


@register.filter
def missing_alt(markdown: str | None) -> int:
    """How many pictures the Markdown shows without alt text (the editor flags them)."""
    return len(_NO_ALT.findall(markdown or ""))


@register.inclusion_tag("library/_picture_uploader.html")
def picture_uploader(body_field):
    """The editor's picture tools for the Markdown textarea `body_field` (a bound form field)."""
    return {"body_id": body_field.id_for_label, "missing_alt": missing_alt(body_field.value())}
