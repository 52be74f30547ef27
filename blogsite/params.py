"""Reading ids out of query strings and forms.

`str.isdigit()` accepts more than `int()` does (superscripts such as "²" are digits to one and not to the
other), and `int()` accepts more than an id is ("٣", "1_000", " 7"), so every id a visitor sends goes
through `parse_id`.
"""

import re

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value) -> int | None:
    """`value` as a positive id if it is one written in plain ASCII digits (at most 18), else None."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value) or None
