"""The rule itself: a blocked domain covers its subdomains and nothing else, asked in one query."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from blocklist.models import BlockedSite
from federation.models import Instance

pytestmark = pytest.mark.django_db


def test_a_blocked_domain_covers_itself_and_its_subdomains_only(django_assert_num_queries):
    BlockedSite.objects.create(domain="blocked.example")

    with django_assert_num_queries(1):
        assert BlockedSite.objects.blocks("blocked.example")
    assert BlockedSite.objects.blocks("social.blocked.example")
    assert BlockedSite.objects.blocks("A.B.Blocked.Example.")
    assert not BlockedSite.objects.blocks("notblocked.example")
    assert not BlockedSite.objects.blocks("blocked.example.org")
    assert not BlockedSite.objects.blocks("example")
    assert not BlockedSite.objects.blocks("")


def test_several_hosts_are_asked_in_one_query(django_assert_num_queries):
    BlockedSite.objects.create(domain="blocked.example")

    with django_assert_num_queries(1):
        assert BlockedSite.objects.blocks("fine.example", "keys.blocked.example")
    with django_assert_num_queries(1):
        assert not BlockedSite.objects.blocks("fine.example", "other.example")


def test_the_subquery_form_agrees_with_the_lookup():
    BlockedSite.objects.create(domain="blocked.example")
    for domain in ["blocked.example", "social.blocked.example", "notblocked.example", "blocked.example.org"]:
        Instance.objects.create(domain=domain)

    covered = Instance.objects.filter(Exists(BlockedSite.objects.covering(OuterRef("domain"))))

    assert sorted(covered.values_list("domain", flat=True)) == ["blocked.example", "social.blocked.example"]


def test_a_domain_is_stored_in_lower_case_and_a_pasted_address_gives_its_host():
    assert BlockedSite.objects.create(domain=" Example.COM. ").domain == "example.com"
    site = BlockedSite(domain="https://Spam.Example/some/page")
    site.full_clean()
    assert site.domain == "spam.example"


@pytest.mark.parametrize("junk", ["", "not a domain", "spam_site.example", "https://", "-x.example"])
def test_what_is_not_a_domain_is_refused_with_a_message(junk):
    with pytest.raises(ValidationError) as error:
        BlockedSite(domain=junk).full_clean()
    assert "example.com" in str(error.value.message_dict["domain"])
