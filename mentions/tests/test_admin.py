"""Staff moderate webmentions and read what was sent from the admin, in their own language."""

import pytest

from mentions.models import Mention, Outgoing

pytestmark = pytest.mark.django_db


def test_staff_approve_the_selected_mentions_and_read_how_many_in_their_language(admin_client, admin_user, post):
    admin_user.language = "fr"
    admin_user.save(update_fields=["language"])
    mentions = [
        Mention.objects.create(post=post, source=f"https://a.example/{n}", source_host="a.example") for n in range(2)
    ]
    page = admin_client.get("/admin/mentions/mention/").content.decode()
    assert "Approuver les mentions sélectionnées" in page
    assert "Rejeter les mentions sélectionnées" in page

    response = admin_client.post(
        "/admin/mentions/mention/",
        {"action": "approved", "_selected_action": [str(m.pk) for m in mentions], "index": "0"},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == ["2 mentions approuvées."]
    assert set(Mention.objects.values_list("status", flat=True)) == {Mention.Status.APPROVED}


def test_staff_reject_one_mention_and_the_report_counts_one(admin_client, post):
    mention = Mention.objects.create(post=post, source="https://a.example/p", source_host="a.example")

    response = admin_client.post(
        "/admin/mentions/mention/", {"action": "rejected", "_selected_action": [str(mention.pk)]}, follow=True
    )

    assert [str(message) for message in response.context["messages"]] == ["1 mention rejected."]
    mention.refresh_from_db()
    assert mention.status == Mention.Status.REJECTED


def test_staff_read_the_status_of_sent_webmentions_in_their_language(admin_client, admin_user, post):
    admin_user.language = "de"
    admin_user.save(update_fields=["language"])
    Outgoing.objects.create(post=post, target="https://a.example/", status=Outgoing.Status.NO_ENDPOINT)
    Outgoing.objects.create(post=post, target="https://b.example/", status=Outgoing.Status.FAILED)

    page = admin_client.get("/admin/mentions/outgoing/").content.decode()

    assert "Das Ziel hat keinen Webmention-Endpoint" in page
    assert "Fehlgeschlagen" in page
    assert "Failed" not in page
