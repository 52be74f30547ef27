"""The transfer app's background tasks."""

from django_tasks import task

from . import jobs


@task
def run_import_job(job_id: int) -> None:
    """Import the file of `ImportJob` `job_id` (see transfer.jobs.run_job); safe to run again."""
    jobs.run_job(job_id)
