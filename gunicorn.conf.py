"""gunicorn settings for Blogsite (`make serve`, or `gunicorn -c gunicorn.conf.py`).

Environment: BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers, default 2 x CPUs + 1),
GUNICORN_TIMEOUT (seconds, default 30), ACCESS_LOG=1 to log each request (a proxy in front usually does).
"""

import multiprocessing
import os
import runpy
import sys

from django.core.exceptions import ImproperlyConfigured

# Refuse to start in one line, as manage.py does, when the settings refuse (DEBUG=0 without SECRET_KEY or
# ALLOWED_HOSTS). Left to the workers, the same error would come back as a worker's traceback and a "failed
# to boot" from the master. The settings module runs here in a namespace of its own rather than being
# imported, so that the workers still load it for themselves. It reads the process environment, as
# `make serve` passes it: gunicorn's own `--env` is applied only after this file has run.
try:
    runpy.run_module(os.environ.get("DJANGO_SETTINGS_MODULE", "blogsite.settings"))
except ImproperlyConfigured as error:
    sys.exit(f"Error: {error}")

wsgi_app = "blogsite.wsgi"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so that a slow leak can never take a machine down.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-" if os.environ.get("ACCESS_LOG", "").strip().lower() in {"1", "true", "yes", "on"} else None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# gunicorn's own messages in the same JSON lines as the application's, on stdout.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "blogsite.logs.JSONFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
