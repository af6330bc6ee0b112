"""A person's choice of e-mails: set on the account page, or stopped by the link in a mail (no login: the
signed token in the link says whose and which; see portal.mail.preferences)."""
from dataclasses import dataclass

from ..audit.services import record
from ..extensions import db
from ..mail import preferences
from .models import User


def _weekly(user: User) -> dict:
    weekday, hour = preferences.weekly_schedule(user)
    return {"weekly_summary": preferences.wants_weekly_summary(user), "digest_weekday": weekday, "digest_hour": hour}


def set_mail_choices(user: User, choices: dict[str, str], weekly: tuple[bool, int, int] | None = None) -> None:
    """`choices`: {kind: frequency}; `weekly`: (the summary on, the weekday 0–6, the hour 0–23)."""
    changed = {}
    for category in preferences.CATEGORIES:
        value = choices.get(category, preferences.frequency(user, category))
        if value != preferences.frequency(user, category):
            preferences.set_frequency(user, category, value)
            changed[category] = value
    if weekly is not None:
        before = _weekly(user)
        preferences.set_weekly(user, *weekly)
        changed.update({key: value for key, value in _weekly(user).items() if before[key] != value})
    db.session.flush()
    if changed:
        record("person.mail_choices", actor=user, obj=user, **changed)


@dataclass
class Unsubscribe:
    user: User
    scope: str
    stopped: list[str]  # the kinds turned off now (none if they already were)


def person_of_token(token: str) -> tuple[User, str] | None:
    """Whose link this is and what it stops, or None for a link that is not ours (or a removed person's)."""
    read = preferences.read_unsubscribe_token(token)
    if read is None:
        return None
    user_id, scope = read
    user = db.session.get(User, user_id)
    if user is None or user.removed_at is not None:
        return None
    return user, scope


def unsubscribe(token: str) -> Unsubscribe | None:
    found = person_of_token(token)
    if found is None:
        return None
    user, scope = found
    stopped = preferences.unsubscribe(user, scope)
    db.session.flush()
    if stopped:
        record("person.unsubscribed", actor=user, obj=user, kinds=stopped)
    return Unsubscribe(user, scope, stopped)
