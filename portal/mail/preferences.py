"""Which e-mails a person gets: per kind of mail, at once, in a daily or weekly digest, or not at all.

Every mail template is of one kind here. Mail about the person's own account and its security (password
reset, invitation, the decision on their application, their organization suspended or reactivated) has no
kind: it always goes. The choices are columns of the user (`mail_<kind>`), set on the account page or by
the one-click unsubscribe link in each mail (a signed token: it works without logging in).

Once a week each person may also get the summary of what waits for them (portal.home.weekly): on by default
for representatives, who answer requests and sign for their organization, off for members (who would get
the same list as their representatives; they turn it on if they want it). It comes in the weekly mail, with
the mails held for it, on the day and at the hour (Riga time) the person chose: Monday 8:00 unless they did.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from ..urls import absolute_url

EXCHANGES, MESSAGES, AGREEMENTS, NETWORK = "exchanges", "messages", "agreements", "network"
CATEGORIES = (EXCHANGES, MESSAGES, AGREEMENTS, NETWORK)
ESSENTIAL = ""  # the kind of mail that always goes

INSTANT, DAILY, WEEKLY, OFF = "instant", "daily", "weekly", "off"
FREQUENCIES = (INSTANT, DAILY, WEEKLY, OFF)
DIGESTS = (DAILY, WEEKLY)

CATEGORY_LABELS = {
    EXCHANGES: _l("Exchanges"),
    MESSAGES: _l("Messages and comments"),
    AGREEMENTS: _l("Agreements"),
    NETWORK: _l("Network news"),
}
CATEGORY_HINTS = {
    EXCHANGES: _l("Requests for your resources and the answers to yours, cancellations, completions, "
                  "condition records."),
    MESSAGES: _l("New messages in an exchange’s thread and comments on a draft agreement."),
    AGREEMENTS: _l("Drafts, approvals, signatures, reminders to sign, agreements in force or ended."),
    NETWORK: _l("Membership applications waiting for a coordinator, and news of the network."),
}
FREQUENCY_LABELS = {
    INSTANT: _l("At once"),
    DAILY: _l("In a daily summary"),
    WEEKLY: _l("In a weekly summary"),
    OFF: _l("Do not send"),
}

# template -> kind; for the templates that cover several events, (template, event) -> kind first.
TEMPLATE_CATEGORIES = {
    "password_reset": ESSENTIAL,
    "account_paused": ESSENTIAL,
    "invitation": ESSENTIAL,
    "application_received": ESSENTIAL,
    "application_approved": ESSENTIAL,
    "application_rejected": ESSENTIAL,
    "org_suspended": ESSENTIAL,
    "org_reactivated": ESSENTIAL,
    "application_waiting": NETWORK,
    "exchange_event": EXCHANGES,
    "agreement_event": AGREEMENTS,
}
EVENT_CATEGORIES = {
    ("exchange_event", "message"): MESSAGES,
    ("agreement_event", "comment"): MESSAGES,
}


SUMMARY = "summary"  # not a kind of mail: the weekly mail's summary of what waits, stopped like one
SUMMARY_LABEL = _l("The weekly summary of what waits for you")
DEFAULT_WEEKDAY, DEFAULT_HOUR = 0, 8  # Monday, 8:00 Riga time
WEEKDAYS, HOURS = range(7), range(24)


def category_of(template: str, event: str | None = None) -> str:
    """The kind of mail `template` (with `event`) is; a template missing here is refused, so that each new
    mail is placed deliberately."""
    if (template, event) in EVENT_CATEGORIES:
        return EVENT_CATEGORIES[(template, event)]
    return TEMPLATE_CATEGORIES[template]


def frequency(user, category: str) -> str:
    if category == ESSENTIAL:
        return INSTANT
    value = getattr(user, f"mail_{category}", INSTANT)
    return value if value in FREQUENCIES else INSTANT


def choices(user) -> dict[str, str]:
    return {category: frequency(user, category) for category in CATEGORIES}


def set_frequency(user, category: str, value: str) -> None:
    if category not in CATEGORIES or value not in FREQUENCIES:
        raise ValueError(f"no mail preference {category}={value}")
    setattr(user, f"mail_{category}", value)


def label(kind: str) -> str:
    """What a kind of mail (or the weekly summary) is called on the account and unsubscribe pages."""
    return SUMMARY_LABEL if kind == SUMMARY else CATEGORY_LABELS[kind]


# ---------------------------------------------------------------- the weekly mail

def wants_weekly_summary(user) -> bool:
    chosen = getattr(user, "weekly_summary", None)
    return chosen if chosen is not None else user.is_representative


def weekly_schedule(user) -> tuple[int, int]:
    """(weekday, hour): when the person's weekly mail comes, Monday 0 … Sunday 6, in Riga time."""
    weekday, hour = getattr(user, "digest_weekday", None), getattr(user, "digest_hour", None)
    return (weekday if weekday in WEEKDAYS else DEFAULT_WEEKDAY, hour if hour in HOURS else DEFAULT_HOUR)


def set_weekly(user, summary: bool, weekday: int, hour: int) -> None:
    """A choice equal to the role's default is kept as "the default" while the person had not chosen, so
    that it follows a change of role."""
    if weekday not in WEEKDAYS or hour not in HOURS:
        raise ValueError(f"no weekly mail on day {weekday} at {hour}")
    if summary != wants_weekly_summary(user):
        user.weekly_summary = summary
    user.digest_weekday, user.digest_hour = weekday, hour


# ---------------------------------------------------------------- one-click unsubscribe

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="portal.mail.unsubscribe")


def unsubscribe_token(user, scope: str) -> str:
    """`scope` is a kind of mail (stop it), or "daily"/"weekly" (stop every kind sent in that digest)."""
    if scope not in CATEGORIES and scope not in DIGESTS:
        raise ValueError(scope)
    return _serializer().dumps([user.id, scope])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, scope = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or (scope not in CATEGORIES and scope not in DIGESTS):
        return None
    return user_id, scope


def unsubscribe_url(user, scope: str) -> str:
    return absolute_url("accounts.unsubscribe", token=unsubscribe_token(user, scope), lang=user.locale)


def scope_categories(user, scope: str) -> list[str]:
    """The kinds an unsubscribe of `scope` turns off for `user`: the weekly mail's link stops all it brings,
    the summary (SUMMARY) as well as the kinds held for it."""
    if scope in CATEGORIES:
        return [scope]
    kinds = [category for category in CATEGORIES if frequency(user, category) == scope]
    if scope == WEEKLY and wants_weekly_summary(user):
        kinds.append(SUMMARY)
    return kinds


def unsubscribe(user, scope: str) -> list[str]:
    """Turns off the kinds of `scope`; returns them (none if they were off already)."""
    stopped = [c for c in scope_categories(user, scope) if c == SUMMARY or frequency(user, c) != OFF]
    for category in stopped:
        if category == SUMMARY:
            user.weekly_summary = False
        else:
            set_frequency(user, category, OFF)
    return stopped
