"""Where an action comes from: the client's address and browser, as the web layer (or a job) sets it.

Services read it through `current_origin()` to record it (audit events, signatures); they never look at the
request themselves. Outside a request it names the command line.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str = "cli"
    user_agent: str = ""


_current: ContextVar[Origin] = ContextVar("portal_origin", default=Origin())


def current_origin() -> Origin:
    return _current.get()


def set_origin(origin: Origin):
    """Sets the origin for the rest of this context; returns the token that `reset_origin` takes."""
    return _current.set(origin)


def reset_origin(token) -> None:
    _current.reset(token)


@contextmanager
def acting_from(origin: Origin):
    token = set_origin(origin)
    try:
        yield origin
    finally:
        reset_origin(token)
