"""Logs as one JSON object per line (LOG_FORMAT=json, the default outside development), each carrying the
request id of the request or job it comes from.

The request id is the proxy's `X-Request-ID` when it sent a sane one, otherwise made here; the web layer
echoes it in the response, and a job queued by the request carries it, so one grep finds a click and all
the work it caused. This module imports nothing of Flask: gunicorn's master loads it for its own logs.
"""
import logging
import re
import sys
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

_request_id: ContextVar[str] = ContextVar("portal_request_id", default="")
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def new_request_id(given: str | None = None) -> str:
    """The proxy's id if it is one we can log safely, else a new one."""
    if given and _SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(request_id: str):
    """Returns the token that `reset_request_id` takes."""
    return _request_id.set(request_id)


def reset_request_id(token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """time, level, logger, message, request_id (+ whatever `extra` gave); gunicorn's access lines as fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        log_data.setdefault("request_id", getattr(record, "request_id", "") or _request_id.get())
        atoms = record.args if record.name == "gunicorn.access" and isinstance(record.args, dict) else None
        if atoms:  # gunicorn passes the access log's atoms: keep the useful ones as fields
            log_data.update(remote=atoms.get("h"), method=atoms.get("m"), path=atoms.get("U"),
                            status=atoms.get("s"), bytes=atoms.get("B"), ms=atoms.get("M"),
                            agent=atoms.get("a"), request_id=atoms.get("{x-request-id}o") or log_data["request_id"])


def configure(log_format: str = "json", level: str = "INFO") -> None:
    """Sets the root logger's one handler (stderr: the journal under systemd) in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "portal_handler", False)]:
        root.removeHandler(old)
    handler.portal_handler = True
    root.addHandler(handler)
    root.setLevel(level)
