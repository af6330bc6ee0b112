"""A person's choice of e-mails: set on the account page, or stopped by the link in a mail (no login: the
signed token in the link says whose and which; see portal.mail.preferences)."""
from dataclasses import dataclass

from ..audit.services import record
from ..extensions import db
from ..mail import preferences
from .models import User


def set_mail_choices(user: User, choices: dict[str, str]) -> None:
    changed = {}
    for category in preferences.CATEGORIES:
        value = choices.get(category, preferences.frequency(user, category))
        if value != preferences.frequency(user, category):
            preferences.set_frequency(user, category, value)
            changed[category] = value
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
