"""Account rules: logging in with lockout, one-time links, passwords and profiles."""
import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..audit.services import record
from ..database import utcnow
from ..errors import RuleViolation
from ..extensions import db
from ..urls import absolute_url
from .models import INVITATION, PASSWORD_RESET, UNLOCK, OneTimeToken, User, email_key
from .passwords import hash_password, needs_rehash, password_problem, verify_password

__all__ = [
    "INVITATION", "PASSWORD_RESET", "hash_password", "email_taken", "account_for_email",
    "authenticate", "issue_token", "token_url", "redeem_token", "change_password", "check_password",
    "count_wrong_password", "password_problem",
]


def account_for_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email_key(email)))


def email_taken(email: str) -> bool:
    user = account_for_email(email)
    return user is not None and user.removed_at is None


def new_account(org, email: str, **fields) -> User:
    """A new person, or the row of a removed one with the same e-mail brought back."""
    user = account_for_email(email)
    if user is None:
        user = User(email=email_key(email))
        db.session.add(user)
    elif user.removed_at is None:
        raise RuleViolation(_l("An account with this e-mail address already exists."))
    user.org = org
    user.removed_at = None
    user.is_coordinator = False
    user.failed_logins = 0
    user.locked_until = None
    user.end_all_sessions()
    user.password_hash = None
    for key, value in fields.items():
        setattr(user, key, value)
    return user


@dataclass
class LoginResult:
    """A login: the user, or why not. `refusal` is said only after the right password: "pending" (the
    organization's application waits), "rejected" (it was not approved), "removed" (the account was closed).
    Without it, the answer is the same for an unknown address, a wrong password and a paused account."""

    user: User | None
    refusal: str | None = None
    account: User | None = None


def password_paused(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > utcnow())


def count_wrong_password(user: User, purpose: str) -> None:
    """One more wrong password for this account (at login, signing, changing it), counted with an UPDATE so
    parallel attempts cannot overwrite each other's count, and audited. At the limit, password checks pause
    for LOGIN_LOCK_DURATION and the owner is e-mailed a one-time link that lets them in at once: a stranger
    who knows the address can slow the account down, never keep its owner out."""
    config = current_app.config
    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    db.session.refresh(user)
    record("auth.password_refused", actor=user, outcome="refused", purpose=purpose)
    if user.failed_logins < config["LOGIN_ATTEMPTS_BEFORE_LOCK"]:
        return
    user.failed_logins = 0
    user.locked_until = utcnow() + config["LOGIN_LOCK_DURATION"]
    db.session.flush()
    record("auth.paused", actor=user, outcome="refused", purpose=purpose)
    if user.is_active:
        from ..mail.services import enqueue_template

        token = issue_token(user, UNLOCK)
        enqueue_template(user, "account_paused", link=token_url(token, UNLOCK, user.locale),
                         minutes=int(config["LOGIN_LOCK_DURATION"].total_seconds() // 60))


def check_password(user: User, password: str, purpose: str) -> bool:
    """Whether `password` is the user's, for an action after login (signing, changing the password): wrong
    ones count with the login failures and pause the account the same way. Raises RuleViolation while paused."""
    if password_paused(user):
        verify_password(None, password)
        record("auth.password_refused", actor=user, outcome="refused", purpose=purpose, reason="paused")
        raise RuleViolation(_l("Too many wrong passwords: password checks are paused for a few minutes. We have "
                               "e-mailed you a link that lets you in at once."), field="password")
    return verify_password(user.password_hash, password)


def _closed_account_reason(user: User) -> str:
    return "pending" if user.org.state == "applied" else "rejected" if user.org.state == "rejected" else "removed"


def authenticate(email: str, password: str) -> LoginResult:
    """Check a login; the caller's transaction keeps the counters and the audit events."""
    user = account_for_email(email)
    if user is None or not user.password_hash:
        verify_password(None, password)
        record("auth.login", outcome="refused", email=email_key(email)[:254], reason="unknown")
        return LoginResult(None)
    if password_paused(user):
        verify_password(None, password)
        record("auth.login", actor=user, outcome="refused", reason="paused")
        return LoginResult(None)
    if not verify_password(user.password_hash, password):
        count_wrong_password(user, "login")
        record("auth.login", actor=user, outcome="refused", reason="password")
        return LoginResult(None)
    user.failed_logins = 0
    if not user.is_active:
        reason = _closed_account_reason(user)
        record("auth.login", actor=user, outcome="refused", reason=reason)
        return LoginResult(None, refusal=reason, account=user)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.locked_until = None
    user.last_login_at = utcnow()
    record("auth.login", actor=user)
    return LoginResult(user)


def redeem_unlock_link(token: str) -> User:
    """The e-mailed link of a paused account: spent once, it ends the pause and lets its owner in."""
    found = find_token(token, UNLOCK)
    if found is None or not found.user.is_active:
        raise RuleViolation(_l("This link has expired or has already been used."))
    spent = db.session.execute(update(OneTimeToken).where(OneTimeToken.id == found.id, OneTimeToken.used_at.is_(None))
                               .values(used_at=utcnow()))
    if spent.rowcount != 1:
        raise RuleViolation(_l("This link has expired or has already been used."))
    user = found.user
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    record("auth.login", actor=user, via="unlock_link")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str) -> str:
    """Creates a one-time link token (earlier unused ones of the same purpose stop working)."""
    now = utcnow()
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )
    lifetime = current_app.config[{INVITATION: "INVITATION_VALID_FOR", PASSWORD_RESET: "PASSWORD_RESET_VALID_FOR",
                                   UNLOCK: "UNLOCK_LINK_VALID_FOR"}[purpose]]
    token = secrets.token_urlsafe(32)
    db.session.add(OneTimeToken(user=user, purpose=purpose, token_hash=_digest(token), expires_at=now + lifetime))
    db.session.flush()
    return token


def token_url(token: str, purpose: str, locale: str) -> str:
    """The link for the e-mail; it opens in the language the e-mail is written in."""
    endpoint = {INVITATION: "accounts.accept_invitation", PASSWORD_RESET: "accounts.reset_password",
                UNLOCK: "accounts.unlock"}[purpose]
    return absolute_url(endpoint, token=token, lang=locale)


def find_token(token: str, purpose: str) -> OneTimeToken | None:
    """The token if it is unused and unexpired, else None."""
    found = db.session.scalar(
        select(OneTimeToken).where(OneTimeToken.token_hash == _digest(token), OneTimeToken.purpose == purpose)
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow() or found.user.removed_at:
        return None
    return found


def redeem_token(token: str, purpose: str, new_password: str) -> User:
    """Sets the password through a one-time link; the link is spent at most once, even under races."""
    found = find_token(token, purpose)
    if found is None:
        raise RuleViolation(_l("This link has expired or has already been used."))
    user = found.user
    problem = password_problem(new_password, user_inputs=(user.email, user.name))
    if problem:
        raise RuleViolation(problem)
    spent = db.session.execute(
        update(OneTimeToken).where(OneTimeToken.id == found.id, OneTimeToken.used_at.is_(None)).values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        raise RuleViolation(_l("This link has expired or has already been used."))
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    user.end_all_sessions()
    record("auth.password_set", actor=user, via=purpose)
    return user


def request_password_reset(email: str) -> None:
    """Mails a reset link if the account exists; says nothing either way."""
    from ..mail.services import enqueue_template

    user = account_for_email(email)
    if user is None or not user.is_active:
        record("auth.reset_requested", outcome="unknown_account")
        return
    token = issue_token(user, PASSWORD_RESET)
    record("auth.reset_requested", actor=user)
    enqueue_template(user, "password_reset", link=token_url(token, PASSWORD_RESET, user.locale))


def check_password_change(user: User, current_password: str | None, new_password: str | None) -> None:
    """Both problems at once (None: a value the form already refused); a wrong current password is counted
    with the login failures."""
    problems = {}
    wrong = current_password is not None and not check_password(user, current_password, "password_change")
    if wrong:
        problems["current_password"] = _l("The current password is not correct.")
    problem = new_password is not None and password_problem(new_password, user_inputs=(user.email, user.name))
    if problem:
        problems["password"] = problem
    if problems:
        refused = RuleViolation.of_fields(problems)
        raise refused.keeping(lambda: count_wrong_password(user, "password_change")) if wrong else refused


def change_password(user: User, current_password: str, new_password: str) -> None:
    check_password_change(user, current_password, new_password)
    user.password_hash = hash_password(new_password)
    user.end_all_sessions()
    record("auth.password_changed", actor=user)


def choose_language(user: User, locale: str) -> None:
    """The language `user` chose with the header switch: their pages, mails and notifications follow it."""
    if locale in current_app.config["LANGUAGES"] and user.locale != locale:
        user.locale = locale
        db.session.flush()


def update_own_profile(user: User, name: str, position: str, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise RuleViolation(_l("Choose a language."))
    user.name = name.strip()
    user.position = position.strip()
    user.locale = locale
    db.session.flush()
    record("person.profile_updated", actor=user, obj=user)


def create_coordinator(email: str, name: str, password: str, coordinating_org) -> User:
    problem = password_problem(password, user_inputs=(email, name))
    if problem:
        raise RuleViolation(problem)
    user = new_account(coordinating_org, email, name=name, role="representative", locale="lv")
    user.is_coordinator = True
    user.password_hash = hash_password(password)
    db.session.flush()
    record("person.coordinator_created", actor=None, org=coordinating_org, obj=user, email=user.email)
    return user
