"""The weekly mail: what waits for each person this week, on the day and at the hour they chose.

`summary_sections` (a section provider of portal.mail.digests) says what the home page says waits, in the
person's language, one link per item: for a coordinator the applications and agreements to decide on, the
disputed exchanges to settle and the certificates about to expire; for a representative the exchange requests
to answer, the agreements waiting for their (or their organization's) signature and the offers published since
the last weekly mail that match the organization's open needs; for everyone who gets it, the exchanges of the
coming week (accepted, starting or running in the next seven days, lent or borrowed). Only the person's own
organization's items: the queries are the home page's (portal.home.services).

`send_weekly` makes the weekly mail of each person whose day and hour it is now in Riga: the summary (if
they get it, preferences.wants_weekly_summary) and the mails held for their weekly digest, in one mail;
nothing when there is nothing to say. A removed person, one who never set a password, or one of an
organization that is not active (suspended) gets none, and their held weekly mails are dropped. The
worker's scheduler runs it every SWEEP_SECONDS (`portal send-digests --frequency weekly` does the same by
hand or from cron, without a worker).

Once per person and week, with any number of workers and runs: the person is claimed by setting
`weekly_digest_at` (UPDATE … WHERE it is older than WEEKLY_GAP) in the same transaction that queues the
mail. A second run in the hour, on this worker or another, finds the claim and moves on (on PostgreSQL its
UPDATE waits for the first transaction and then matches nothing); a run that fails rolls the claim back
and leaves the person to the next run of the hour.
"""
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import and_, or_, select, update

from .. import policy
from ..accounts.models import REPRESENTATIVE, User
from ..dates import format_day
from ..database import utcnow
from ..extensions import db
from ..mail import digests, preferences
from ..mail.digests import Entry, Occasion, Section
from ..mail.models import DigestItem
from . import services as home

log = logging.getLogger(__name__)

# Two weekly mails are at least this far apart: the same hour twice (a second run; the hour that repeats
# when the clocks go back in October) sends once.
WEEKLY_GAP = timedelta(hours=20)
LOOK_BACK = timedelta(days=7)  # "new" is never older than a week, whenever the last weekly mail was
SHOWN = 10  # items per section; the rest are one link to where they all are


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _link(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def _period(exchange) -> str:
    start, end = format_day(exchange.starts_on, "medium"), format_day(exchange.ends_on, "medium")
    return start if exchange.starts_on == exchange.ends_on else f"{start} – {end}"


def _section(heading, entries: list[Entry], more_link: str, *, to_do: bool = False) -> Section:
    shown = entries[:SHOWN]
    if len(entries) > SHOWN:
        shown.append(Entry(_("And %(num)d more", num=len(entries) - SHOWN), link=_link(more_link)))
    return Section(str(heading), shown, news=len(entries), to_do=len(entries) if to_do else 0, summary=True)


# ---------------------------------------------------------------- what the summary says

def _requests(user) -> list[Entry]:
    entries = []
    for exchange in home.incoming_requests(user.org_id):
        title, link = home.exchange_item(exchange, user.org_id)
        entries.append(Entry(title, f"{_period(exchange)} · {exchange.purpose}", link=_link(link)))
    return entries


def _signatures(user) -> list[Entry]:
    entries = []
    for agreement in home.agreements_to_sign(user):
        title, link = home.agreement_item(agreement)
        signatory = agreement.party_for(user.org_id).signatory
        if signatory is not None and signatory.id == user.id:
            text = _("Waiting for your signature.")
        elif signatory is not None:
            text = _("Waiting for the signature of %(org)s (%(person)s signs).", org=user.org.name,
                     person=signatory.name)
        else:
            text = _("Waiting for the signature of %(org)s.", org=user.org.name)
        entries.append(Entry(title, text, link=_link(link)))
    return entries


def _new_offers(user, since) -> list[Entry]:
    return [Entry(f"{offer.title} · {offer.org.name}", _("Matches our need “%(need)s”.", need=need.title),
                  link=_link(f"/resources/{offer.id}"))
            for need, offers in home.needs_with_new_offers(user, since=since) for offer in offers]


def _coming_week(user, today) -> list[Entry]:
    entries = []
    for exchange in home.exchanges_during(user.org_id, today):
        title, link = home.exchange_item(exchange, user.org_id)
        side = _("we provide it") if exchange.owner_org_id == user.org_id else _("we receive it")
        entries.append(Entry(title, f"{_period(exchange)} · {side}", link=_link(link)))
    return entries


COORDINATION = ("applications", "approvals", "disputes", "certificates")  # a coordinator's decision or renewal


def _coordination(user, now) -> list[Section]:
    sections = []
    for waiting in home.coordinator_waiting(user, now):
        if waiting.key in COORDINATION and waiting.count:
            entries = [Entry(text, link=_link(link)) for text, link in waiting.items]
            if waiting.count > len(entries):
                entries.append(Entry(_("And %(num)d more", num=waiting.count - len(entries)), link=_link(waiting.link)))
            sections.append(Section(str(waiting.label), entries, news=waiting.count, to_do=waiting.count, summary=True))
    return sections


def summary_sections(user, occasion: Occasion) -> list[Section]:
    """The weekly summary's sections for `user` (none for a daily digest, or for who does not get it)."""
    if occasion.frequency != preferences.WEEKLY or not preferences.wants_weekly_summary(user) \
            or not policy.can_write(user):
        return []
    today = occasion.now.astimezone(_zone()).date()
    sections = _coordination(user, occasion.now)  # [] for everyone else
    if policy.can_draft_agreement(user):  # representatives answer and sign, as on the home page
        sections += [
            _section(_l("Exchange requests to answer"), _requests(user), "/exchanges", to_do=True),
            _section(_l("Agreements to sign"), _signatures(user), "/agreements", to_do=True),
            _section(_l("New offers for our needs"), _new_offers(user, occasion.since), "/needs"),
        ]
    sections.append(_section(_l("Exchanges in the coming week"), _coming_week(user, today), "/calendar"))
    return [section for section in sections if section.entries]


# ---------------------------------------------------------------- the round

def _local_hour(now: datetime) -> tuple[int, int]:
    local = now.astimezone(_zone())
    return local.weekday(), local.hour


def _not_lately(now: datetime):
    return or_(User.weekly_digest_at.is_(None), User.weekly_digest_at < now - WEEKLY_GAP)


def due_people(now: datetime) -> list[tuple[int, datetime | None]]:
    """(id, the previous weekly mail's time) of each person whose weekly mail is due now and not made yet:
    their day and hour, and the summary or held weekly mails to bring."""
    weekday, hour = _local_hour(now)
    summary = or_(User.weekly_summary.is_(True),
                  and_(User.weekly_summary.is_(None), User.role == REPRESENTATIVE))
    held = select(DigestItem.id).where(DigestItem.user_id == User.id, DigestItem.frequency == preferences.WEEKLY,
                                       DigestItem.sent_at.is_(None)).exists()
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.weekly_digest_at).where(
            User.digest_weekday == weekday, User.digest_hour == hour, User.removed_at.is_(None),
            _not_lately(now), or_(summary, held)).order_by(User.id))]


def claim(user_id: int, now: datetime) -> bool:
    """Marks the person's weekly mail as made now, unless another run has made it lately."""
    result = db.session.execute(update(User).where(User.id == user_id, _not_lately(now))
                                .values(weekly_digest_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def may_get_weekly_mail(user: User) -> bool:
    return user.is_active and user.org.is_active


def _make(user_id: int, previous: datetime | None, now: datetime) -> bool:
    user = db.session.get(User, user_id)
    items = digests.held_items(user_id, preferences.WEEKLY, now)
    queued = False
    if may_get_weekly_mail(user):
        since = max(previous, now - LOOK_BACK) if previous else now - LOOK_BACK
        queued = digests.send_digest(user, Occasion(preferences.WEEKLY, digests.wanted(user, items), now, since))
    for item in items:  # used, or dropped (turned off since, or nobody to send them to)
        item.sent_at = now
    db.session.flush()
    return queued


def send_weekly(now: datetime | None = None) -> int:
    """The weekly mails due now, each person in a transaction of their own; returns how many were queued."""
    now = now or utcnow()
    db.session.commit()
    queued = 0
    for user_id, previous in due_people(now):
        try:
            if claim(user_id, now):
                queued += _make(user_id, previous, now)
            db.session.commit()
        except Exception:  # one person's failure must not stop the others' mail
            db.session.rollback()
            log.exception("weekly mail of person %s failed; the next run of the hour tries again", user_id)
    return queued
