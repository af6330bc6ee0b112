"""Daily and weekly summaries: the mails a person chose to get gathered into one (`portal send-digests`).

A digest is a list of sections. `digest_sections` asks each provider in SECTION_PROVIDERS for one; a
provider is a function (user, frequency, held items) → Section or None. The built-in ones list the mails
held for the digest, kind by kind; another (a weekly "new in the network", say) is added to the list.
Only sections with news make a digest worth sending: a person with nothing new gets nothing.
"""
from collections import defaultdict
from dataclasses import dataclass, field
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
    news: int = 0  # how many of the entries are new since the last digest


def held_mail_sections(user, frequency: str, items: list[DigestItem]) -> list[Section]:
    by_category = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    sections = []
    for category in preferences.CATEGORIES:
        held = by_category.get(category)
        if held:
            entries = [Entry(item.subject, item.summary, item.excerpt, item.link) for item in held]
            sections.append(Section(str(preferences.CATEGORY_LABELS[category]), entries, news=len(entries)))
    return sections


SECTION_PROVIDERS = [held_mail_sections]


def digest_sections(user, frequency: str, items: list[DigestItem]) -> list[Section]:
    """In `user`'s language: call it inside force_locale (send_digests does)."""
    sections = []
    for provider in SECTION_PROVIDERS:
        made = provider(user, frequency, items)
        if made is None:
            continue
        sections.extend(made if isinstance(made, list) else [made])
    return [section for section in sections if section.entries]


def compose_digest(user, frequency: str, items: list[DigestItem]):
    """The digest mail for `user`, or None when there is nothing new to say."""
    with force_locale(user.locale):
        sections = digest_sections(user, frequency, items)
    news = sum(section.news for section in sections)
    if not news:
        return None
    as_parts = [(s.heading, [(e.title, e.text, e.excerpt, e.link) for e in s.entries]) for s in sections]
    return compose(user, "digest", category="digest", unsubscribe_scope=frequency, frequency=frequency,
                   sections=as_parts, news=news)


def send_digests(frequency: str, now=None) -> int:
    """Queues one digest per person with held mails of `frequency`; returns how many were queued. Items
    of a kind the person has turned off since are dropped; every item is used once."""
    if frequency not in preferences.DIGESTS:
        raise ValueError(frequency)
    now = now or utcnow()
    pending = db.session.scalars(
        select(DigestItem).where(DigestItem.frequency == frequency, DigestItem.sent_at.is_(None),
                                 DigestItem.created_at <= now)
        .order_by(DigestItem.user_id, DigestItem.id)
    ).all()
    queued = 0
    for _user_id, group in groupby(pending, key=lambda item: item.user_id):
        group = list(group)
        user = group[0].user
        wanted = [item for item in group if preferences.frequency(user, item.category) != preferences.OFF]
        if user.removed_at is None and wanted:
            mail = compose_digest(user, frequency, wanted)
            if mail is not None:
                enqueue_mail(mail)
                queued += 1
        for item in group:
            item.sent_at = now
    db.session.flush()
    return queued
