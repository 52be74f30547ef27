import pytest

from blogsite.params import parse_id


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
