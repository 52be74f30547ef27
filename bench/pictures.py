"""What a 12-megapixel photo costs: the upload request, and its renditions made in the background.

Makes a fresh SQLite database and media folder in a temporary directory and a 4000 x 3000 JPEG with detail in
it (a smooth gradient under camera-like noise, EXIF with a GPS position). Then, each in a fresh Python process
so that peak memory is the phase's own, BENCH_RUNS times (default 3):

- **upload**: a signed-in writer posts the file to `/media-library/add/` as the editor's script does, with the
  database task queue (production's). Timed from the request to the response; then it checks that the
  response came back before any rendition existed (the task still waiting on the queue).
- **renditions**: the waiting task's work, `make_renditions`, run as a worker runs it.

Prints the median time and the peak resident memory of each phase (the whole process's, and the rise over
the process as it stood before the work, Django and Pillow loaded), and the sizes written.

    make bench-pictures            # or: .venv/bin/python -m bench.pictures --runs 5
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 4000, 3000


def _env(workdir: Path) -> dict:
    return {
        **os.environ,
        "DEBUG": "1",  # static files unhashed; nothing measured depends on it
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "testserver,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "blogsite.settings",
    }


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _photo(path: Path) -> None:
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    noise = Image.effect_noise((WIDTH, HEIGHT), 40)
    picture = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    picture.save(path, format="JPEG", quality=92, exif=exif.tobytes())


def _setup(workdir: Path) -> dict:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.core.management import call_command

    from accounts.models import User

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("karen", "karen@example.com", "bench-password-1")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    _photo(workdir / "photo.jpg")
    return {"bytes": (workdir / "photo.jpg").stat().st_size}


def _upload(workdir: Path) -> dict:
    import django

    django.setup()
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from library.models import Picture

    client = Client()
    client.force_login(User.objects.get(username="karen"))
    client.get("/media-library/add/")  # warms templates and URL resolving, as a running server has them
    start_rss = _rss_mb()
    with open(workdir / "photo.jpg", "rb") as photo:
        started = time.perf_counter()
        response = client.post(
            "/media-library/add/", {"file": photo, "alt": "A field"}, HTTP_ACCEPT="application/json"
        )
        seconds = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"upload answered {response.status_code}: {response.content[:300]!r}")
    picture = Picture.objects.get(pk=response.json()["id"])
    waiting = DBTaskResult.objects.filter(task_path="library.tasks.make_renditions", status="READY").count()
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "rise_mb": _peak_mb() - start_rss,
        "picture": picture.pk,
        "stored_bytes": picture.bytes,
        "renditions_at_response": len(picture.renditions),
        "task_waiting": waiting,
    }


def _renditions(workdir: Path, picture_id: int) -> dict:
    import django

    django.setup()
    from library.models import Picture
    from library.tasks import make_renditions

    Picture.objects.filter(pk=picture_id).update(renditions=[], has_renditions=False)
    start_rss = _rss_mb()
    started = time.perf_counter()
    count = make_renditions.call(picture_id)
    seconds = time.perf_counter() - started
    picture = Picture.objects.get(pk=picture_id)
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "rise_mb": _peak_mb() - start_rss,
        "count": count,
        "rendition_bytes": sum(r["bytes"] for r in picture.renditions),
    }


def _phase(workdir: Path, name: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.pictures", "--phase", name, "--workdir", str(workdir), *args],
        cwd=ROOT,
        env=_env(workdir),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"phase {name} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--phase", choices=["setup", "upload", "renditions"], help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--picture", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        workdir = Path(args.workdir)
        result = {
            "setup": lambda: _setup(workdir),
            "upload": lambda: _upload(workdir),
            "renditions": lambda: _renditions(workdir, args.picture),
        }[args.phase]()
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="bench-pictures-") as tmp:
        workdir = Path(tmp)
        photo = _phase(workdir, "setup")
        print(
            f"A {WIDTH} x {HEIGHT} JPEG ({WIDTH * HEIGHT / 1e6:g} megapixels, {photo['bytes'] / 2**20:.1f} MB), "
            f"{args.runs} runs, median:"
        )
        uploads, renders = [], []
        for _ in range(args.runs):
            uploads.append(_phase(workdir, "upload"))
            renders.append(_phase(workdir, "renditions", "--picture", str(uploads[-1]["picture"])))

    def median(rows, key):
        return statistics.median(row[key] for row in rows)

    print()
    print("| phase | time | peak memory (process) | peak rise over the idle process | written |")
    print("|---|---|---|---|---|")
    print(
        f"| upload request (check, strip metadata, store; queue the task) | {median(uploads, 'seconds'):.2f} s "
        f"| {median(uploads, 'peak_mb'):.0f} MB | {median(uploads, 'rise_mb'):.0f} MB "
        f"| {median(uploads, 'stored_bytes') / 2**20:.1f} MB original |"
    )
    print(
        f"| renditions task ({renders[0]['count']} files: 480-2400 px, JPEG and WebP) "
        f"| {median(renders, 'seconds'):.2f} s | {median(renders, 'peak_mb'):.0f} MB "
        f"| {median(renders, 'rise_mb'):.0f} MB | {median(renders, 'rendition_bytes') / 2**20:.1f} MB |"
    )
    answered_first = all(u["renditions_at_response"] == 0 and u["task_waiting"] >= 1 for u in uploads)
    print()
    print(
        "The upload answered before any rendition existed, its task waiting on the queue: "
        + ("yes, every run." if answered_first else "NO.")
    )
    if not answered_first:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
