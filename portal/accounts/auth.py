"""Flask-Login wiring: the cookie names a user *and* their current session token."""
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..database import utcnow
from ..extensions import db
from ..notifications.services import remember_unread, unread_count_of
from . import person_row
from .models import User


# The idle limit is counted from the last request to within this many seconds.
SEEN_AT_RESOLUTION = 30
LARGEST_ID = 2**63 - 1  # a cookie naming a larger one names no one (and would not fit the query's integer)

# Values other packages read on every page, as uncorrelated scalar subqueries read in the person's statement
# (one round trip for all): name → subquery. Registered at import; the statement is compiled at the first
# request (portal.accounts.person_row).
_READ_WITH_THE_PERSON: dict[str, object] = {}
_READ_ALONG = "read_with_the_person"  # session.info keys: (_READ_ALONG, name)
_frozen = False  # True from the first request on: the statement is compiled with what was registered by then


def register_read_with_the_person(name: str, scalar_subquery) -> None:
    """Have `scalar_subquery` read with every logged-in person's load; its value is then
    `value_read_with_the_person(session, name)` until that transaction ends."""
    if _frozen:
        raise RuntimeError(f"{name}: registered after the first request")
    _READ_WITH_THE_PERSON[name] = scalar_subquery


def value_read_with_the_person(session, name: str):
    """The value read with the person in this transaction, or None (no one logged in, or it ended)."""
    return session.info.get((_READ_ALONG, name))


def _person_statement(dialect) -> person_row.PersonStatement:
    global _frozen
    _frozen = True
    return person_row.statement_for(dialect, lambda: [unread_count_of(User.id), *_READ_WITH_THE_PERSON.values()])


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_what_was_read_with_the_person(session):
    for key in [key for key in session.info if isinstance(key, tuple) and key[:1] == (_READ_ALONG,)]:
        del session.info[key]


def configure_login_manager(login_manager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(cookie_id: str):
        user_id, _, token = cookie_id.partition(":")
        if not user_id.isdigit() or not token or int(user_id) > LARGEST_ID:
            return None
        # One statement: the person, their organization (is_active reads it), the bell's count and the rest.
        connection = db.session.connection()
        found = _person_statement(connection.dialect).read(connection, int(user_id))
        if found is None or found[0]["session_token"] != token:
            return None
        user_values, org_values, (unread, *read_along) = found
        user = person_row.in_session(db.session, user_values, org_values)
        if not user.is_active:
            return None
        remember_unread(db.session, user.id, unread)
        for name, value in zip(_READ_WITH_THE_PERSON, read_along):
            db.session.info[(_READ_ALONG, name)] = value
        return user


def start_session(user: User) -> None:
    """A fresh session at login: nothing from before it survives (no fixation)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.permanent = True
    now = utcnow().timestamp()
    session["started_at"] = now
    session["seen_at"] = now
    login_user(user)
    if language:  # chosen with the switch just before logging in: the person's language from now on
        from .services import choose_language

        choose_language(user, language)


def end_session() -> None:
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language


def enforce_session_limits():
    """before_request: idle and absolute session limits."""
    if not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    config = current_app.config
    started = session.get("started_at", 0)
    seen = session.get("seen_at", 0)
    if now - seen > config["SESSION_IDLE_TIMEOUT"].total_seconds() or \
            now - started > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds():
        end_session()
        flash(_l("Your session has ended. Please log in again."), "info")
        if request.method == "GET":
            return redirect(url_for("accounts.login", next=request.full_path))
        return redirect(url_for("accounts.login"))
    if now - seen >= SEEN_AT_RESOLUTION:  # not on every request: an unchanged session is not sent back
        session["seen_at"] = now
    return None
