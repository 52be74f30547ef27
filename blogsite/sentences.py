"""What happened, stored as a code and its parameters and put into words only when someone reads it.

A record that tells people why something failed (a webmention refused, a delivery given up, an import
stopped) keeps a code such as `too_slow` and its parameters, never a sentence: whoever reads it later may read
another language than the one active when it was written. Each app lists its sentences, one per code, in a
dict of `Message`s; `say` picks one and fills it in. The reasons a guarded fetch fails (the codes of
`blogsite.fetch.FetchError`) are said here, once, for every app that fetches and for the fetch's own error
message: a family of reasons (`Reasons`) only says what failed around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import ngettext

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


def in_english(messages: dict[str, Message], code: str, params: dict[str, Any] | None = None) -> str:
    """The sentence for `code` as logs and other servers read it: in English, whatever language is active."""
    with translation.override("en"):
        return say(messages, code, params)


# Why a guarded fetch failed, by `FetchError.code`: a phrase that completes "… could not be fetched: ", said of
# one address, or of `n` (an import counts its pictures by reason).
FETCH_ERRORS: dict[str, Message] = {
    "private_address": lambda n: ngettext(
        "its address is a private or local one, which this site does not fetch from",
        "their addresses are private or local ones, which this site does not fetch from",
        n,
    ),
    "not_public": lambda n: ngettext("its address is not a public one", "their addresses are not public ones", n),
    "not_http": lambda n: ngettext("not an http(s) address", "not http(s) addresses", n),
    "no_such_host": lambda n: ngettext("its host name does not resolve", "their host names do not resolve", n),
    "too_slow": lambda n: ngettext("it took too long", "they took too long", n),
    "redirect_without_address": lambda n: ngettext(
        "a redirect without an address", "a redirect without an address", n
    ),
    # Translators: %(size)s is a size such as "1.0 MB", written as the language writes sizes.
    "too_large": lambda n: ngettext("larger than %(size)s", "larger than %(size)s", n),
    "unreachable": lambda n: ngettext("the server could not be reached", "the server could not be reached", n),
    "too_many_redirects": lambda n: ngettext("too many redirects", "too many redirects", n),
}


def reason(code: str, **params) -> dict[str, Any]:
    """A reason as stored: `{"code": …, "params": {…}}`."""
    return {"code": code, "params": params}


def fetch_failure(error) -> dict[str, Any]:
    """A `FetchError` as a stored reason: its code and parameters."""
    return reason(error.code or "unreachable", **error.params)


@dataclass(frozen=True)
class Reasons:
    """A family of stored reasons (`reason()`), such as why deliveries fail: a sentence for each of its own
    codes, and `not_fetched`, which says what could not be fetched around a fetch's reason (`%(reason)s`,
    from `FETCH_ERRORS`) for the codes of `FetchError`."""

    sentences: dict[str, Message]
    not_fetched: Message

    def text(self, stored: dict[str, Any], count: int | None = None) -> str:
        """`stored` in the active language, said of one thing or of `count` things (then `%(count)s`)."""
        code, params = stored.get("code", ""), stored.get("params") or {}
        if code in FETCH_ERRORS and code not in self.sentences:
            params = {"reason": say(FETCH_ERRORS, code, params, count)}
            return say({code: self.not_fetched}, code, params, count)
        return say(self.sentences, code, params, count)
