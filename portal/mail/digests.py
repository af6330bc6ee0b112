"""Daily and weekly summaries: the mails a person chose to get gathered into one (`portal send-digests`).

A digest is a list of sections. `digest_sections` asks each provider in SECTION_PROVIDERS for some; a
provider is a function (user, occasion) → Section, [Section] or None, or the path of one
("package.module:function") when it lives above the mail layer, as the weekly summary of what waits
(portal.home.weekly) does. The built-in one lists the mails held for the digest, kind by kind. Only sections
with news make a digest worth sending: a person with nothing new gets nothing.

The daily digest goes to everyone with held daily mails when `send_digests("daily")` runs; the weekly mail
goes to each person on their own day and hour (portal.home.weekly: the summary and the held weekly mails
in one mail).
"""
import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from flask_babel import force_locale
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from . import preferences
from .compose import compose
from .models import DigestItem
from .services import enqueue_mail


@dataclass
class Entry:
    title: str
    text: str = ""
    excerpt: str = ""
    link: str = ""


@dataclass
class Section:
    heading: str
    entries: list[Entry] = field(default_factory=list)
    news: int = 0  # how many of the entries are new since the last digest, or wait for the person
    to_do: int = 0  # how many ask the person to act (answer, sign)
    summary: bool = False  # a section of the weekly summary of what waits, not of held mails


@dataclass
class Occasion:
    """One digest being made: daily or weekly, the held mails it brings, when it is made, and since when
    what is new counts as new (the previous weekly mail, at most a week back)."""

    frequency: str
    items: list[DigestItem] = field(default_factory=list)
    now: datetime = field(default_factory=utcnow)
    since: datetime | None = None


def held_mail_sections(user, occasion: Occasion) -> list[Section]:
    by_category = defaultdict(list)
    for item in occasion.items:
        by_category[item.category].append(item)
    sections = []
    for category in preferences.CATEGORIES:
        held = by_category.get(category)
        if held:
            entries = [Entry(item.subject, item.summary, item.excerpt, item.link) for item in held]
            sections.append(Section(str(preferences.CATEGORY_LABELS[category]), entries, news=len(entries)))
    return sections


SECTION_PROVIDERS = [
    "portal.home.weekly:summary_sections",  # what waits this week, first (weekly only)
    held_mail_sections,
]
WEEKLY_ROUND = "portal.home.weekly:send_weekly"


def _resolve(provider):
    if not isinstance(provider, str):
        return provider
    module, _, name = provider.partition(":")
    return getattr(importlib.import_module(module), name)


def digest_sections(user, occasion: Occasion) -> list[Section]:
    """In `user`'s language: call it inside force_locale (compose_digest does)."""
    sections = []
    for provider in SECTION_PROVIDERS:
        made = _resolve(provider)(user, occasion)
        if made is None:
            continue
        sections.extend(made if isinstance(made, list) else [made])
    return [section for section in sections if section.entries]


def compose_digest(user, occasion: Occasion):
    """The digest mail for `user`, or None when there is nothing new to say."""
    with force_locale(user.locale):
        sections = digest_sections(user, occasion)
    news = sum(section.news for section in sections)
    if not news:
        return None
    as_parts = [(s.heading, [(e.title, e.text, e.excerpt, e.link) for e in s.entries]) for s in sections]
    return compose(user, "digest", category="digest", unsubscribe_scope=occasion.frequency,
                   frequency=occasion.frequency, sections=as_parts, news=news,
                   to_do=sum(s.to_do for s in sections), summary=any(s.summary for s in sections),
                   held=any(not s.summary for s in sections))


def send_digest(user, occasion: Occasion) -> bool:
    """Queues `user`'s digest if there is something to say (returns whether); its held mails are used
    either way."""
    mail = compose_digest(user, occasion)
    if mail is not None:
        enqueue_mail(mail)
    for item in occasion.items:
        item.sent_at = occasion.now
    db.session.flush()
    return mail is not None


def held_items(user_id: int, frequency: str, now: datetime) -> list[DigestItem]:
    """The person's mails held for their next digest of `frequency`."""
    return db.session.scalars(
        select(DigestItem).where(DigestItem.user_id == user_id, DigestItem.frequency == frequency,
                                 DigestItem.sent_at.is_(None), DigestItem.created_at <= now)
        .order_by(DigestItem.id)).all()


def wanted(user, items: list[DigestItem]) -> list[DigestItem]:
    """Items of a kind the person has turned off since are left out."""
    return [item for item in items if preferences.frequency(user, item.category) != preferences.OFF]


def send_digests(frequency: str, now=None) -> int:
    """Daily: queues one digest per person with held daily mails; weekly: the weekly mails due in this
    hour (portal.home.weekly). Returns how many were queued. Every held item is used once."""
    if frequency not in preferences.DIGESTS:
        raise ValueError(frequency)
    now = now or utcnow()
    if frequency == preferences.WEEKLY:
        return _resolve(WEEKLY_ROUND)(now)
    pending = db.session.scalars(
        select(DigestItem).where(DigestItem.frequency == frequency, DigestItem.sent_at.is_(None),
                                 DigestItem.created_at <= now)
        .order_by(DigestItem.user_id, DigestItem.id)
    ).all()
    queued = 0
    for _user_id, group in groupby(pending, key=lambda item: item.user_id):
        group = list(group)
        user = group[0].user
        occasion = Occasion(frequency, wanted(user, group), now)
        if user.removed_at is None and occasion.items:
            queued += send_digest(user, occasion)
        for item in group:
            item.sent_at = now
    db.session.flush()
    return queued
