"""What happened, stored as a code and its parameters and put into words only when someone reads it.

A record that tells people what happened (an import's summary, why it stopped) keeps a code and its
parameters, never a sentence: whoever reads it later may read another language than the one active when it
was written. Each app lists its sentences, one per code, in a dict of `Message`s; `say` picks one and fills
it in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format

# A sentence for a count (the count is `%(count)s` in it; sentences without one ignore it).
Message = Callable[[int], str]


def say(
    messages: dict[str, Message], code: str, params: dict[str, Any] | None = None, count: int | None = None
) -> str:
    """The sentence for `code` in the active language, with `params` (and `count`, grouped as the language
    groups digits) filled in; a code or parameter this version doesn't know gives the code and parameters
    as they are, never an error."""
    params = dict(params or {})
    if "size_bytes" in params:
        params["size"] = filesizeformat(params["size_bytes"])
    n = 1 if count is None else count
    try:
        return messages[code](n) % {**params, "count": number(n)}
    except (KeyError, TypeError, ValueError):
        shown = ", ".join(f"{key}={value}" for key, value in sorted(params.items()))
        return code + (f" ({shown})" if shown else "") + (f": {number(count)}" if count is not None else "")


def number(n: int) -> str:
    return number_format(n, force_grouping=True)
