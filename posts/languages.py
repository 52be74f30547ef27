"""The languages a blog may be written in: every language Django has a name for, not only the ones the
interface is translated into, and which of them are written right to left."""

import functools

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


@functools.cache
def written_languages() -> dict[str, str]:
    """Language code → its name in that language, ordered by code (Django's LANG_INFO, without the entries
    that only point at another code, such as `zh-cn`)."""
    return {code: info["name_local"] for code, info in sorted(LANG_INFO.items()) if "name_local" in info}


def is_written_language(code: str) -> bool:
    return code in written_languages()


def validate_written_language(value: str) -> None:
    if value and not is_written_language(value):
        raise ValidationError(
            gettext("“%(value)s” is not a language code this site knows. Choose a language from the list."),
            params={"value": value},
            code="invalid_language",
        )


def language_or_default(code: str) -> str:
    """`code` when it is a known language, else the site's LANGUAGE_CODE (a stored value that no longer is)."""
    return code if is_written_language(code) else settings.LANGUAGE_CODE


def is_rtl(code: str) -> bool:
    """Whether the language is written right to left (Arabic, Hebrew, Persian, Urdu…)."""
    return bool(LANG_INFO.get(code, {}).get("bidi"))


# The PostgreSQL text search configuration for each language a blog may be written in that has one: the Snowball
# stemmers every PostgreSQL from 14 (the oldest Django 5.2 supports) ships, checked against `pg_ts_config` by
# the tests. Other languages get `simple`, which lowercases words and stems nothing.
SEARCH_CONFIGS = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
SIMPLE_SEARCH_CONFIG = "simple"


def search_config_for(code: str) -> str:
    """The text search configuration posts written in language `code` are indexed with (`pt-br` has
    Portuguese's; `simple` for a language PostgreSQL has no stemmer for)."""
    code = code.lower()
    return SEARCH_CONFIGS.get(code) or SEARCH_CONFIGS.get(code.split("-")[0], SIMPLE_SEARCH_CONFIG)


def site_search_config() -> str:
    """The configuration of the site's language: a new post's until it is given its blog's."""
    return search_config_for(settings.LANGUAGE_CODE)
