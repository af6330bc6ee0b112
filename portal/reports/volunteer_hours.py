"""Volunteer hours of work outside the portal, entered by hand for an organization's volunteer report.

The Volunteer Service Law's annual report counts all of an organization's volunteer work, not only what went
through the portal: its representatives add the rest per place (where, from when to when within one year, how
many volunteers, how many hours in all, a note) and remove what was entered by mistake. The report and its
downloads show these figures apart, marked as entered by hand.
"""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import policy
from ..audit.services import record
from ..errors import RuleViolation, found, require
from ..extensions import db
from .models import VolunteerHours


def entries(org_id: int, year: int) -> list[VolunteerHours]:
    """The organization's hand-entered hours of `year` (each entry lies within one year), in date order."""
    return db.session.scalars(select(VolunteerHours).where(
        VolunteerHours.org_id == org_id, VolunteerHours.starts_on >= date(year, 1, 1),
        VolunteerHours.starts_on <= date(year, 12, 31)).order_by(
        VolunteerHours.starts_on, VolunteerHours.id)).all()


def get_entry(org, entry_id: int) -> VolunteerHours:
    """An entry of this organization's (NotFound for another's)."""
    entry = db.session.get(VolunteerHours, entry_id)
    return found(entry, entry is not None and entry.org_id == org.id)


def check_entry(actor, org, *, starts_on: date | None, ends_on: date | None) -> None:
    """Every problem of an entry that its fields alone do not show (None: a value the form refused)."""
    require(policy.can_enter_volunteer_hours(actor, org))
    problems = {}
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            problems["ends_on"] = _l("The period must end on or after its first day.")
        elif ends_on.year != starts_on.year:
            problems["ends_on"] = _l("The period must lie within one year, as the report is yearly: enter each "
                                     "year apart.")
    if problems:
        raise RuleViolation.of_fields(problems)


def add_entry(actor, org, *, place: str, starts_on: date, ends_on: date, volunteers: int, hours: Decimal,
              note: str = "") -> VolunteerHours:
    check_entry(actor, org, starts_on=starts_on, ends_on=ends_on)
    entry = VolunteerHours(org_id=org.id, place=place.strip(), starts_on=starts_on, ends_on=ends_on,
                           volunteers=volunteers, hours=hours, note=note.strip(), created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    record("volunteer_hours.added", actor=actor, org=org, place=entry.place, volunteers=volunteers,
           hours=str(hours), period=f"{starts_on.isoformat()}–{ends_on.isoformat()}")
    return entry


def remove_entry(actor, org, entry: VolunteerHours) -> None:
    """Gone from the report; the audit log keeps what it said."""
    require(policy.can_enter_volunteer_hours(actor, org))
    record("volunteer_hours.removed", actor=actor, org=org, place=entry.place, volunteers=entry.volunteers,
           hours=str(entry.hours), period=f"{entry.starts_on.isoformat()}–{entry.ends_on.isoformat()}")
    db.session.delete(entry)
    db.session.flush()
