"""What happened, stored as a code and its parameters and put into words only when someone reads it.

A record that tells people why something failed (a webmention refused, a delivery given up, an import
stopped) keeps a code such as `too_slow` and its parameters, never a sentence: whoever reads it later may read
another language than the one active when it was written. Each app lists its sentences, one per code, in a
dict of `Message`s; `say` picks one and fills it in. The reasons a guarded fetch fails (the codes of
`blogsite.fetch.FetchError`) are said here, once, for every app that fetches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext

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


# Why a guarded fetch failed, by `FetchError.code`: a phrase that completes "… could not be fetched: ".
FETCH_ERRORS: dict[str, Message] = {
    "private_address": lambda n: gettext("its address is a private or local one, which this site does not fetch from"),
    "not_public": lambda n: gettext("its address is not a public one"),
    "not_http": lambda n: gettext("not an http(s) address"),
    "no_such_host": lambda n: gettext("its host name does not resolve"),
    "too_slow": lambda n: gettext("it took too long"),
    "redirect_without_address": lambda n: gettext("a redirect without an address"),
    # Translators: %(size)s is a size such as "1.0 MB", written as the language writes sizes.
    "too_large": lambda n: gettext("larger than %(size)s"),
    "unreachable": lambda n: gettext("the server could not be reached"),
    "too_many_redirects": lambda n: gettext("too many redirects"),
}


def reason(code: str, **params) -> dict[str, Any]:
    """A reason as stored: `{"code": …, "params": {…}}`."""
    return {"code": code, "params": params}


def fetch_failure(error) -> dict[str, Any]:
    """A `FetchError` as a stored reason: its code and parameters."""
    return reason(error.code or "unreachable", **error.params)


def reason_text(messages: dict[str, Message], stored: dict[str, Any], *, fetch_failed: Callable[[], str]) -> str:
    """A stored reason (`reason()`) in the active language: by `messages`, or for a fetch's failure as
    `fetch_failed()` (a sentence with `%(reason)s`) around the fetch's own reason."""
    code, params = stored.get("code", ""), stored.get("params") or {}
    if code in FETCH_ERRORS and code not in messages:
        return fetch_failed() % {"reason": say(FETCH_ERRORS, code, params)}
    return say(messages, code, params)
