from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import valid_interval, valid_max_tasks, validate_worker_id

from background.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the tasks on the queue (mail and other slow work) until stopped: with TASKS_BACKEND=database, a "
        "database worker with a heartbeat; with TASKS_BACKEND=rq, an RQ worker with its scheduler. SIGTERM or "
        "Ctrl-C stop it once the task in hand is done."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name", default="*", help="Queues to work, comma-separated; '*' for all (default: all)."
        )
        parser.add_argument("--exclude-queues", default="", help="Queues to leave alone, with --queue-name='*'.")
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="Seconds between looks at an empty queue (default: 1).",
        )
        parser.add_argument("--batch", action="store_true", help="Run what is waiting, then exit.")
        parser.add_argument("--max-tasks", type=valid_max_tasks, help="Exit after this many tasks.")
        parser.add_argument(
            "--worker-id",
            type=validate_worker_id,
            help=(
                "A fixed id, unique among the running workers (e.g. HOST-1): a worker restarted under the same id "
                "takes back at once the task it was running when it died. Default: a new id for each process."
            ),
        )

    def handle(self, *args, **options):
        if settings.TASKS_BACKEND == "immediate":
            raise CommandError(
                "TASKS_BACKEND=immediate runs each task in the web process when its transaction commits: there is no "
                "queue to work. Set TASKS_BACKEND=database (or rq) to queue tasks for this worker."
            )
        queue_names = options["queue_name"].split(",")
        if "*" in queue_names:
            queue_names = ["*"]
        excluded = [name for name in options["exclude_queues"].split(",") if name]
        if excluded and queue_names != ["*"]:
            raise CommandError("--exclude-queues goes with --queue-name='*'.")
        if settings.TASKS_BACKEND == "rq":
            queues = settings.TASKS[DEFAULT_TASK_BACKEND_ALIAS]["QUEUES"] if queue_names == ["*"] else queue_names
            queues = [name for name in queues if name not in excluded]
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=options["batch"],
                max_jobs=options["max_tasks"],
            )
            return
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or get_random_string(32),
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
