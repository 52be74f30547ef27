"""The checkout's `.env`: `make run` writes it once, manage.py reads it, production and tests never do.

Each test starts Python in a child process with the settings loaded from an environment of its own, as a shell
in the checkout would, and points ENV_FILE at a file in a temporary folder rather than at the checkout's `.env`.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SECRET_KEY, s.DATABASES['default']['ENGINE'], sep='\\n')"
)


def shell_environment(**environ) -> dict[str, str]:
    """The environment of a shell in the checkout: none of the settings' variables set, not inside pytest."""
    keep = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "DEBUG", "SECRET_KEY", "DATABASE_URL", "ENV_FILE", "ALLOWED_HOSTS"}
    }
    return {**keep, "DJANGO_SETTINGS_MODULE": "blogsite.settings", **environ}


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # nosec B603 # our own code with a fixed argument list
        [sys.executable, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def make_env_file(folder: Path) -> Path:
    """Runs the Makefile's `.env` target in `folder`, as `make run` does in the checkout."""
    subprocess.run(  # nosec B603 B607 # make with our own Makefile and a fixed target
        ["make", "--no-print-directory", "-f", str(settings.BASE_DIR / "Makefile"), "-C", str(folder), ".env"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return folder / ".env"


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_python("-c", PRINT_SETTINGS, env=env)


def test_make_writes_a_private_env_file_with_debug_and_a_generated_secret_key(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()

    lines = make_env_file(first).read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))

    assert values["DEBUG"] == "1"
    assert values["SECRET_KEY"].startswith("django-insecure-")
    assert len(values["SECRET_KEY"]) >= 50
    assert values["SECRET_KEY"] not in make_env_file(second).read_text()
    assert stat.S_IMODE((first / ".env").stat().st_mode) == 0o600


def test_make_leaves_an_existing_env_file_alone(tmp_path):
    (tmp_path / ".env").write_text("DEBUG=1\nSECRET_KEY=kept-as-the-developer-wrote-it\n")

    assert make_env_file(tmp_path).read_text() == "DEBUG=1\nSECRET_KEY=kept-as-the-developer-wrote-it\n"


def test_the_settings_read_the_env_file_that_make_wrote(tmp_path):
    env_file = make_env_file(tmp_path)

    result = load_settings(shell_environment(ENV_FILE=str(env_file)))

    assert result.returncode == 0, result.stderr
    debug, secret_key, _ = result.stdout.splitlines()
    assert debug == "True"
    assert f"SECRET_KEY={secret_key}\n" in env_file.read_text()


def test_manage_py_runs_a_command_with_the_env_file_alone(tmp_path):
    """What createsuperuser and the README's other commands need: the settings load with nothing exported."""
    result = run_python("manage.py", "check", env=shell_environment(ENV_FILE=str(make_env_file(tmp_path))))

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_an_env_file_the_site_refuses_to_start_without_a_secret_key(tmp_path):
    result = load_settings(shell_environment(ENV_FILE=str(tmp_path / "absent.env")))

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=from-the-file\n")

    result = load_settings(shell_environment(ENV_FILE=str(env_file), DEBUG="0", SECRET_KEY="from-the-environment"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["False", "from-the-environment"]


def test_values_are_taken_as_written(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=dollar-$HOME-and-${USER}-kept\n")

    result = load_settings(shell_environment(ENV_FILE=str(env_file)))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "dollar-$HOME-and-${USER}-kept"


def test_tests_and_the_processes_they_start_never_read_the_env_file(tmp_path):
    """A developer's .env with a DATABASE_URL must not move the suite, or a site it starts, off its database."""
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=from-the-file\nDATABASE_URL=postgres://nobody@127.0.0.1:9/nothing\n")

    result = load_settings(
        shell_environment(ENV_FILE=str(env_file), PYTEST_VERSION=os.environ["PYTEST_VERSION"], SECRET_KEY="t")
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["False", "t", "django.db.backends.sqlite3"]
