"""Reading ids out of query strings and forms, and dates out of what other sites and files send.

`str.isdigit()` accepts more than `int()` does (superscripts such as "²" are digits to one and not to the
other), and `int()` accepts more than an id is ("٣", "1_000", " 7"), so every id a visitor sends goes
through `parse_id`.
"""

import re
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value) -> int | None:
    """`value` as a positive id if it is one written in plain ASCII digits (at most 18), else None."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value) or None


def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 date-time keeping its instant; naive values are taken as UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
