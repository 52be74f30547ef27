"""Structured logging: each record as one JSON object on one line."""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record came from `extra=` and is worth keeping.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    """Time, level, logger, message, the request's method/path/status when Django logged one, any `extra=`
    fields, and the traceback as text under `exc_info`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRS or key.startswith("_"):
                continue
            if key == "request":
                entry["method"] = getattr(value, "method", None)
                entry["path"] = getattr(value, "path", None)
            elif key == "status_code" or isinstance(value, str | int | float | bool | type(None)):
                entry[key] = value
            else:
                entry[key] = repr(value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


class RefusalsAtInfo(logging.Filter):
    """Django logs every 4xx at WARNING, and a refusal raised as an exception (PermissionDenied, Http404)
    with its traceback. A 403, 404 or 405 is the site doing its job (a reader at someone else's edit page,
    a crawler at a removed post), so it goes down to INFO without the traceback; WARNING and ERROR stay
    for what an operator should look at. Attached to the `django.request` logger."""

    STATUSES = frozenset({403, 404, 405})

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING or getattr(record, "status_code", None) not in self.STATUSES:
            return True
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info = record.exc_text = None
        # The logger let the record through at WARNING; at INFO it must pass the logger's level again.
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)
