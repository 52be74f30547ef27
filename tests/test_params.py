import pytest

from blogsite.params import parse_id, parse_iso


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        ("000123", 123),
        ("999999999999999999", 999999999999999999),
        ("0", None),
        ("", None),
        (" 7", None),
        ("7 ", None),
        ("-7", None),
        ("+7", None),
        ("1_000", None),
        ("1e3", None),
        ("²", None),  # a digit to str.isdigit(), refused by int()
        ("٣", None),  # Arabic-Indic three, which int() would read as 3
        ("\uff11", None),  # fullwidth one
        ("9999999999999999999", None),  # more than 18 digits
        (None, None),
        (7, None),
    ],
)
def test_only_plain_ascii_ids_are_read(value, expected):
    assert parse_id(value) == expected


def test_parse_iso_keeps_the_instant_takes_naive_times_as_utc_and_refuses_the_rest():
    from datetime import UTC, datetime, timedelta, timezone

    assert parse_iso("2026-12-01T10:00:00Z") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse_iso(" 2026-12-01T10:00:00+02:00 ") == datetime(2026, 12, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    assert parse_iso("2026-12-01 10:00:00") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    for value in ("", None, "yesterday", "2026-13-45T99:00:00"):
        assert parse_iso(value) is None
