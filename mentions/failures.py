"""Why a webmention was refused, removed or not sent, stored as a code with its parameters
(`blogsite.sentences.reason`) and said in the reader's language when a page or the admin shows it. A fetch
that failed keeps `FetchError`'s code, said by `blogsite.sentences.FETCH_ERRORS`."""

from django.utils.translation import gettext

from blogsite.sentences import Reasons

# Why a received webmention was refused, or its mention removed (`Receipt.failure`).
RECEIPT_FAILURES = Reasons(
    {
        "target_closed": lambda n: gettext("The target no longer takes webmentions."),
        "source_blocked": lambda n: gettext("This site does not take webmentions from that source."),
        # Translators: %(status)s is an HTTP status code, such as 404.
        "answered": lambda n: gettext("The source answered %(status)s."),
        "not_html": lambda n: gettext("The source is not an HTML page."),
        "too_deep": lambda n: gettext("The source is nested too deeply to be read."),
        "no_link": lambda n: gettext("The source does not link to the target."),
    },
    not_fetched=lambda n: gettext("The source could not be fetched: %(reason)s."),
)

# Why a webmention this site sends failed or waits (`Outgoing.failure`).
SENDING_FAILURES = Reasons(
    {
        "site_blocked": lambda n: gettext("The site is blocked."),
        "post_gone": lambda n: gettext("The post is gone."),
        "endpoint_blocked": lambda n: gettext("The endpoint's site is blocked."),
        "too_deep": lambda n: gettext("The page is nested too deeply to be read."),
        # Translators: %(status)s is an HTTP status code, such as 503.
        "endpoint_answered": lambda n: gettext("The endpoint answered %(status)s."),
    },
    not_fetched=lambda n: gettext("The target or its endpoint could not be fetched: %(reason)s."),
)
