"""What an import did is stored as codes and counts, and said in the reader's language when read."""

import pytest
from django.core import mail
from django.utils import translation

from transfer.models import ImportJob
from transfer.report import SKIPPED, say, summary_lines

from .test_dashboard_import import _tasks_run_on_commit, upload  # noqa: F401  (the fixture runs the task)

pytestmark = pytest.mark.django_db


def import_as(client, user, fixture_path, language, content=None, name="roadnotes.xml"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    upload(client, content if content is not None else fixture_path("wordpress.xml").read_bytes(), name)
    job = ImportJob.objects.get()
    return job, client.get(job.get_absolute_url()).content.decode()


def test_a_french_bloggers_summary_and_warnings_are_in_french_on_the_page_and_in_the_mail(client, user, fixture_path):
    _, page = import_as(client, user, fixture_path, "fr")

    french = [
        "Importé depuis WordPress (WXR) :",
        "articles : 2 publiés ou programmés, 2 brouillons",
        "commentaires : 7 (5 approuvés, 1 en attente, 1 indésirable)",
        "1 page : les pages ne sont pas importées",
        "1 article privé sur WordPress a été importé comme brouillon, non public",
    ]
    for line in french:
        assert line in page
        assert line in mail.outbox[0].body
    assert "Imported from" not in page and "pages are not imported" not in mail.outbox[0].body


def test_an_arabic_bloggers_summary_uses_arabic_plural_forms(client, user, fixture_path):
    _, page = import_as(client, user, fixture_path, "ar")

    assert "استُورد من ووردبريس (WXR):" in page
    # Two drafts take the dual; the list is joined with the Arabic comma.
    assert "المقالات: 2 منشور أو مجدول، 2 مسودتان" in page
    assert "1 صفحة: الصفحات لا تُستورد" in page
    assert "1 مقال خاص في ووردبريس: استُورد كمسودة غير منشورة للعموم" in mail.outbox[0].body


def test_arabic_has_a_sentence_for_each_of_its_six_plural_forms():
    with translation.override("ar"):
        said = [say(SKIPPED, "page", count=n) for n in (0, 1, 2, 3, 11, 100)]
    assert said == [
        "0 صفحات: الصفحات لا تُستورد",
        "1 صفحة: الصفحات لا تُستورد",
        "2 صفحتان: الصفحات لا تُستورد",
        "3 صفحات: الصفحات لا تُستورد",
        "11 صفحة: الصفحات لا تُستورد",
        "100 صفحة: الصفحات لا تُستورد",
    ]


def test_the_summary_is_said_in_the_readers_language_of_today_not_the_importers_of_then(client, user, fixture_path):
    job, page = import_as(client, user, fixture_path, "en")
    assert "posts: 2 published or scheduled, 2 drafts" in page
    assert "1 page: pages are not imported" in page

    user.language = "de"
    user.save(update_fields=["language"])
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Importiert aus WordPress (WXR):" in page
    assert "Beiträge: 2 veröffentlicht oder geplant, 2 Entwürfe" in page
    assert "1 Seite: Seiten werden nicht importiert" in page


def test_what_is_stored_is_codes_and_counts_not_sentences(client, user, fixture_path):
    job, _ = import_as(client, user, fixture_path, "fr")

    assert (job.summary, job.error, job.failure) == ("", "", {})
    report = job.report
    assert report["format"] == "wxr"
    assert (report["posts"], report["drafts"], report["labels"], report["new_labels"]) == (2, 2, 2, 2)
    assert report["comments"] == {"approved": 5, "pending": 1, "spam": 1}
    assert {"code": "page", "params": {}, "count": 1} in report["skipped"]
    assert {"code": "wp_trash", "params": {"status": "trash"}, "count": 1} in report["skipped"]
    assert {"code": "wp_item", "params": {"type": "nav_menu_item"}, "count": 1} in report["skipped"]
    assert report["notes"] == [{"code": "wp_private", "params": {}, "count": 1}]
    assert "pages are not imported" not in str(report) and "pages ne sont pas" not in str(report)


def test_a_refused_file_is_stored_as_a_code_and_said_with_its_name_and_line(client, user, fixture_path):
    text = fixture_path("wordpress.xml").read_bytes()
    job, page = import_as(client, user, fixture_path, "fr", content=text[: len(text) * 3 // 4], name="vieux.xml")

    assert job.status == ImportJob.Status.FAILED and job.error == ""
    assert job.failure["code"] == "xml_malformed" and job.failure["line"] > 1
    line = job.failure["line"]
    assert f"vieux.xml : ligne {line} : XML mal formé (" in page
    assert "(rien n\u2019a été importé)" in page
    assert f"vieux.xml : ligne {line} : XML mal formé (" in mail.outbox[0].body
    with translation.override("en"):
        assert job.error_text.startswith(f"vieux.xml: line {line}: not well-formed XML (")


def test_an_import_from_before_reports_keeps_showing_its_stored_text(client, user):
    old_summary = "Imported from Blogger:\n  posts: 3 published or scheduled, 0 drafts"
    done = ImportJob.objects.create(owner=user, status=ImportJob.Status.DONE, summary=old_summary)
    failed = ImportJob.objects.create(
        owner=user, status=ImportJob.Status.FAILED, original_name="x.xml", error="x.xml: the file is empty"
    )
    user.language = "fr"
    user.save(update_fields=["language"])
    client.force_login(user)

    assert old_summary in client.get(done.get_absolute_url()).content.decode()
    assert "x.xml: the file is empty" in client.get(failed.get_absolute_url()).content.decode()


def test_a_code_this_version_does_not_know_is_shown_as_it_is(client, user):
    report = {"format": "tumblr", "skipped": [{"code": "frobnicated", "params": {"why": "x"}, "count": 2}]}
    job = ImportJob.objects.create(owner=user, status=ImportJob.Status.DONE, report=report)
    client.force_login(user)

    response = client.get(job.get_absolute_url())

    assert response.status_code == 200
    assert "Imported from tumblr:" in response.content.decode()
    assert "frobnicated (why=x): 2" in response.content.decode()


def test_counts_are_grouped_as_the_language_groups_digits():
    with translation.override("en"):
        assert "  posts: 1,234 published or scheduled, 0 drafts" in summary_lines({"posts": 1234})


@pytest.mark.parametrize(
    ("language", "count", "line"),
    [
        ("en", 1, "1 picture: its host name does not resolve"),
        ("en", 3, "3 pictures: their host names do not resolve"),
        ("fr", 3, "3 images : leurs noms d\u2019hôte ne se résolvent pas"),
        ("de", 1, "1 Bild: Der Hostname lässt sich nicht auflösen"),
        ("es", 3, "3 imágenes: sus nombres de host no se resuelven"),
        ("ar", 1, "1 صورة: اسم المضيف لا يُحلّ إلى عنوان"),
    ],
)
def test_a_picture_that_could_not_be_fetched_is_said_with_the_fetchs_own_sentence(language, count, line):
    """The import counts pictures by the guarded fetch's codes and says them with `FETCH_ERRORS`, for any count."""
    report = {"pictures": {"fetched": 0, "failed": [{"code": "no_such_host", "params": {}, "count": count}]}}
    with translation.override(language):
        assert "    " + line in summary_lines(report)
