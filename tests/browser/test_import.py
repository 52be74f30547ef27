"""Moving in from the dashboard: a blogger uploads a WordPress export and watches the import finish."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from transfer import jobs
from transfer.models import ImportJob

from .test_journeys import signed_in_page

WORDPRESS_EXPORT = Path(__file__).resolve().parents[2] / "transfer" / "tests" / "fixtures" / "wordpress.xml"


@pytest.fixture
def imports_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "imports", "base_url": None},
        },
    }


def test_a_blogger_imports_a_wordpress_file_from_the_dashboard_and_watches_it_finish(
    transactional_db, new_context, imports_folder, monkeypatch
):
    UserFactory(username="karen", display_name="Karen")
    # The queue holds the task until the test works it, so that the page is seen waiting, then done.
    queued = []
    monkeypatch.setattr(jobs, "enqueue_on_commit", lambda task, job_id: queued.append(job_id))
    page = signed_in_page(new_context, "karen")
    page.goto("/dashboard/")
    page.get_by_role("link", name="Import your old blog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import your blog")
    page.locator("main form [name=file]").set_input_files(str(WORDPRESS_EXPORT))
    page.locator("main form").get_by_role("button", name="Import").click()
    expect(page.locator(".import-status")).to_contain_text("Waiting to start")
    expect(page.get_by_role("button", name="Cancel the import")).to_be_visible()

    jobs.run_job(queued[0])

    # The page refreshes itself (a meta refresh, no JavaScript) and shows the summary.
    expect(page.locator(".import-status")).to_contain_text("Done", timeout=15_000)
    expect(page.locator(".import-summary")).to_contain_text("posts: 2 published or scheduled, 2 drafts")
    expect(page.locator(".import-summary")).to_contain_text("comments: 7")
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    page.get_by_role("link", name="See your blog").click()
    expect(page.get_by_role("link", name=re.compile("Ça marche"))).to_be_visible()
