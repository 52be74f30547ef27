"""How fast a post reaches the fediverse: a blog with 1,000 remote followers on 100 instances, each instance a
small HTTP server on its own loopback address (127.0.0.2 to 127.0.0.101).

Makes a fresh SQLite database in a temporary folder (or uses `--database-url`), on the database queue
(production's). Publishes a post, runs the task that tells the followers (counting its queries: the enqueue
cost, constant whatever the number of followers), then runs the queued deliveries one after another in this
process, as one worker would, and prints deliveries per second. Every instance must receive exactly one
signed `Create` in its shared inbox.
"""

import argparse
import os
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import fanout


def setup(database_url: str) -> None:
    os.environ.update({"SITE_URL": "https://blogs.bench", "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8"})
    fanout.setup(database_url)


received: Counter = Counter()
lock = threading.Lock()


class Inbox(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        signed = "Signature" in self.headers and "Digest" in self.headers
        with lock:
            received[(self.server.server_address[0], self.path, signed)] += 1
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def start_instances(count: int) -> list[tuple[ThreadingHTTPServer, str]]:
    servers = []
    for n in range(count):
        server = ThreadingHTTPServer((f"127.0.0.{n + 2}", 0), Inbox)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, f"http://127.0.0.{n + 2}:{server.server_address[1]}"))
    return servers


def measure(followers: int, instances: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from federation import delivery, outbox
    from federation.keys import actor_for
    from federation.models import Instance, RemoteActor, RemoteFollower
    from posts.models import Blog, Post

    servers = start_instances(instances)
    owner = User.objects.create_user("karen", "karen@example.com", "bench-password-1")
    actor = actor_for(Blog.objects.create(owner=owner, title="Small victories"))
    per_instance = followers // instances
    follows = []
    for n, (_, base) in enumerate(servers):
        instance = Instance.objects.create(domain=f"127.0.0.{n + 2}")
        remotes = RemoteActor.objects.bulk_create(
            RemoteActor(
                uri=f"{base}/users/u{m}",
                instance=instance,
                inbox=f"{base}/users/u{m}/inbox",
                shared_inbox=f"{base}/inbox",
            )
            for m in range(per_instance)
        )
        follows += [RemoteFollower(actor=actor, remote=remote) for remote in remotes]
    RemoteFollower.objects.bulk_create(follows)
    post = Post.objects.create(
        author=owner,
        title="Spring at last",
        slug="spring",
        body="Buds everywhere.",
        status="published",
        published_at=timezone.now(),
    )
    DBTaskResult.objects.all().delete()
    post.get_absolute_url()  # loads the URLconf, which a running site has done long before

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        start = time.perf_counter()
        outbox.send_post_activity(post.pk)
        enqueue_seconds = time.perf_counter() - start
    tasks = list(DBTaskResult.objects.filter(task_path="federation.tasks.deliver").order_by("pk"))
    start = time.perf_counter()
    outcomes = Counter(delivery.deliver(*task.args_kwargs["args"]) for task in tasks)
    deliver_seconds = time.perf_counter() - start
    for server, _ in servers:
        server.shutdown()
        server.server_close()
    assert outcomes == Counter({"delivered": instances}), outcomes
    assert len(received) == instances and all(signed and path == "/inbox" for (_, path, signed) in received)
    assert all(count == 1 for count in received.values())
    return {
        "followers": per_instance * instances,
        "instances": instances,
        "enqueue_queries": len(queries),
        "enqueue_ms": enqueue_seconds * 1000,
        "deliveries": len(tasks),
        "deliver_seconds": deliver_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--instances", type=int, default=100)
    parser.add_argument("--database-url", default="", help="an empty database to use instead of a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
        result = measure(args.followers, args.instances)
    rate = result["deliveries"] / result["deliver_seconds"]
    print(
        f"{result['followers']:,} followers on {result['instances']} instances: "
        f"enqueue {result['enqueue_queries']} queries in {result['enqueue_ms']:.0f} ms, "
        f"{result['deliveries']} deliveries (one per shared inbox) in {result['deliver_seconds']:.2f} s "
        f"= {rate:.0f} deliveries per second (one worker, signed, on loopback)"
    )


if __name__ == "__main__":
    main()
