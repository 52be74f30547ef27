"""Why a delivery failed or was given up, stored as a code with its parameters (`blogsite.sentences.reason`)
and said in the reader's language when the admin shows it. A fetch that failed keeps `FetchError`'s code,
said by `blogsite.sentences.FETCH_ERRORS`."""

from django.utils.translation import gettext

from blogsite.sentences import Reasons

DELIVERY_FAILURES = Reasons(
    {
        "site_blocked": lambda n: gettext("The site is blocked."),
        "instance_gone": lambda n: gettext("The instance is gone: it has not answered for days."),
        # Translators: %(status)s is an HTTP status code, such as 503.
        "answered": lambda n: gettext("The inbox answered %(status)s."),
    },
    not_fetched=lambda n: gettext("The inbox could not be reached: %(reason)s."),
)
