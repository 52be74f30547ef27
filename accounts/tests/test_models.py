import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_user_is_found_by_name_in_any_letter_case_through_the_lower_index(user):
    assert User.objects.named("KaReN").get() == user
    assert User.objects.get_by_natural_key("KAREN") == user
    assert not User.objects.named("karen2").exists()
    # LOWER(username) is what the unique index is on; UPPER(), which iexact uses on PostgreSQL, is not.
    assert "LOWER(" in str(User.objects.named("karen").query).upper()
