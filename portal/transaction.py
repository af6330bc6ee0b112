"""One unit of work per request: the web layer's side of transactions.

Before each request the web layer tells the services where the action comes from (`portal.origin`) and
whether SQLite's write lock is taken at BEGIN (not for reads, nor for POSTs marked `reads_only`). A view runs
each rule through `attempt()`: a refusal undoes only that rule's work (a savepoint) and is shown next to the
form field it names, or as a message. After the view, one commit; if that commit fails, the answer becomes
409 (a conflicting change), 503 (the database is busy: try again) or 500, never the view's success page.
Helpers and services only flush.
"""
import logging
from dataclasses import dataclass
from typing import Any, Callable

from flask import flash, request, session
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import FieldList

from .database import begin_writing, reset_writing
from .errors import RuleViolation
from .extensions import db
from .origin import Origin, reset_origin, set_origin

log = logging.getLogger("portal")

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Attempt:
    """What became of a rule: `ok` (also its truth value), the rule's return `value`, or the `refusal`."""

    ok: bool
    value: Any = None
    refusal: RuleViolation | None = None

    def __bool__(self) -> bool:
        return self.ok


def attempt(action: Callable[[], Any], *, form=None, field: str | None = None, success=None) -> Attempt:
    """Runs `action` in a savepoint. If it refuses (RuleViolation), its writes are undone and the reason is
    shown next to the field of `form` it names (or `field` when it names none), otherwise as a flash message;
    if it succeeds, `success` (a message, or a function of the rule's result) is flashed.
    NotAllowed and NotFound pass through to the error handlers (403, 404)."""
    try:
        with db.session.begin_nested():
            value = action()
    except RuleViolation as refused:
        for write in refused.standing:
            write()
        _show_refusal(refused, form, field)
        return Attempt(False, refusal=refused)
    if success is not None:
        flash(str(success(value) if callable(success) else success), "success")
    return Attempt(True, value)


def _show_refusal(refused: RuleViolation, form, default_field: str | None) -> None:
    messages = refused.field_messages or {default_field: refused.message}
    for name, message in messages.items():
        target = _field_named(form, name) if form is not None and name else None
        if target is None and form is not None and default_field:
            target = _field_named(form, default_field)
        if target is not None and not isinstance(target, FieldList):
            if not target.errors:  # a field that failed its own validation keeps that one message
                target.errors = [str(message)]
        else:
            flash(str(message), "error")


def _field_named(form, name: str):
    """The form's field `name`, also inside a list of subforms ("clauses-2-heading")."""
    head, _, rest = name.partition("-")
    field = getattr(form, head, None)
    if rest and isinstance(field, FieldList):
        index, _, inner = rest.partition("-")
        if index.isdigit() and int(index) < len(field.entries):
            return getattr(field.entries[int(index)].form, inner, None)
    return field


def outside_the_write_lock(prepare: Callable[[], Any]) -> Any:
    """Runs `prepare` (slow work that only reads, such as rendering a PDF) before the unit of work writes: the
    transaction so far, which must hold no writes, ends; `prepare` reads in a transaction of its own that does
    not take SQLite's write lock, so nobody waits for it; what follows begins a new (writing) transaction."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("outside_the_write_lock: the transaction has writes that would be lost")
    db.session.rollback()
    token = begin_writing(False)
    try:
        return prepare()
    finally:
        db.session.rollback()
        reset_writing(token)


def reads_only(view):
    """Marks a POST view that writes nothing (e.g. checking an upload): SQLite's write lock is not taken."""
    view.reads_only = True
    return view


def is_database_busy(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "locked" in str(error.orig).lower()


def _get_that_writes() -> bool:
    """The two GETs that write: an API token's request notes the token's last use, and a logged-in person's
    ?lang= is saved to their profile (portal.i18n)."""
    if request.path.startswith("/api/"):
        return "Authorization" in request.headers
    return "lang" in request.args and "_user_id" in session


def register(app, render_error) -> None:
    """`render_error(status)` makes the error page (portal.web)."""

    def _begin():
        view = app.view_functions.get(request.endpoint)
        writes = (request.method not in READ_ONLY_METHODS and not getattr(view, "reads_only", False)) \
            or _get_that_writes()
        request.environ["portal.tokens"] = (
            set_origin(Origin(ip=request.remote_addr or "", user_agent=(request.user_agent.string or "")[:300])),
            begin_writing(writes),
        )

    # First of all hooks: a logged-in person is loaded by the session limits' hook, and the transaction that
    # load begins must already know that a GET writes nothing (otherwise SQLite's BEGIN IMMEDIATE takes the one
    # write lock for every member's page, and the workers' pages wait for each other).
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)

    @app.teardown_request
    def _end(_error=None):
        tokens = request.environ.pop("portal.tokens", None)
        if tokens is not None:
            origin_token, writing_token = tokens
            reset_writing(writing_token)
            reset_origin(origin_token)

    @app.after_request
    def _commit(response):
        try:
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            if is_database_busy(error):
                log.warning("database busy at commit on %s %s", request.method, request.path)
                response = app.make_response(render_error(503))
                response.headers["Retry-After"] = "2"
            elif isinstance(error, (IntegrityError, StaleDataError)):
                log.warning("conflicting commit on %s %s: %s", request.method, request.path, error)
                response = app.make_response(render_error(409))
            else:
                log.exception("commit failed on %s %s", request.method, request.path)
                response = app.make_response(render_error(500))
        return response
