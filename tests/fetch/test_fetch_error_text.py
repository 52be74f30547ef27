"""A guarded fetch's failure reads in one sentence per code: in English in logs, in the reader's language on pages."""

import pytest
from django.utils import translation

from blogsite.fetch import FetchError
from blogsite.sentences import FETCH_ERRORS, Reasons, say


def test_a_fetch_error_reads_as_its_codes_sentence_in_english_whatever_the_language():
    with translation.override("fr"):
        assert str(FetchError(code="no_such_host")) == "its host name does not resolve"
        assert str(FetchError(code="too_large", size_bytes=2**20)) == "larger than 1.0\xa0MB"


def test_a_callers_own_words_are_kept():
    assert str(FetchError("it answered 500")) == "it answered 500"


@pytest.mark.parametrize("code", sorted(FETCH_ERRORS))
def test_every_fetch_code_is_said_around_the_familys_sentence(code):
    reasons = Reasons({}, not_fetched=lambda n: "The inbox could not be reached: %(reason)s.")
    stored = {"code": code, "params": {"size_bytes": 1024}}
    assert reasons.text(stored) == f"The inbox could not be reached: {say(FETCH_ERRORS, code, stored['params'])}."
