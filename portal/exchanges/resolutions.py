"""A network coordinator settles a disputed exchange: the figures that count from then on, and how it was settled.

    disputed → resolved (once; the sides' own accounts stay as they gave them, and can no longer be changed)

The coordinator records what counts as the confirmation form has it (the quantity used, the hours, the units of the
resource's rate and the in-kind value; a figure left empty counts as none, as in a side's account) or that the
exchange did not take place (then nothing counts), with a note both sides read. The figures are written onto the
exchange, where the ledger, the reports and the statistics read them; both sides are told. Two coordinators at once:
the exchange row is locked (PostgreSQL; SQLite has one writer) and the change of state is a compare-and-set, so one
settles it and the other is told by whom.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from .. import policy
from ..audit.services import record as audit
from ..dates import format_moment
from ..database import utcnow
from ..errors import RuleViolation, found, require
from ..extensions import db
from ..notifications.services import resolve
from .confirmations import Figures, figure_problems, needs_hours, outcome_label
from .models import AS_AGREED, COMPLETED, DISPUTED, NO_SHOW, ONE_SIDE, RESOLVED, Exchange, ExchangeResolution
from .notices import confirm_key, tell_both_sides

ZERO = Decimal("0")
NOTE_MAX = 4000


@dataclass(frozen=True)
class Settlement:
    """What a coordinator decides: it took place (AS_AGREED) with these figures, or it did not (NO_SHOW)."""
    outcome: str | None
    quantity: int | None = None
    hours: Decimal | None = None
    value_units: Decimal | None = None
    value_eur: Decimal | None = None
    note: str = ""


def get_dispute(user, exchange_id: int) -> Exchange:
    """A completed exchange as a coordinator settles it. Its sides' people: 403 (they see it, but settling is not
    theirs); anyone else, and any exchange that is not completed: 404."""
    exchange = db.session.get(Exchange, exchange_id)
    exchange = found(exchange, exchange is not None and exchange.state == COMPLETED and (
        policy.can_resolve_dispute(user) or policy.is_exchange_party(user, exchange)))
    require(policy.can_resolve_dispute(user))
    return exchange


def _not_disputed(exchange: Exchange) -> RuleViolation:
    if exchange.resolution is not None:
        r = exchange.resolution
        return RuleViolation(_l("%(name)s settled this dispute on %(when)s; the figures below count now.",
                                name=r.resolved_by.name, when=format_moment(r.created_at, "short")))
    if exchange.feedback_state == ONE_SIDE:
        return RuleViolation(_l("This exchange is not disputed: only one side has confirmed it so far, so there is "
                                "nothing to settle."))
    return RuleViolation(_l("This exchange is not disputed: the two sides’ figures do not differ, so there is "
                            "nothing to settle."))


def check_resolution(actor, exchange: Exchange, settlement: Settlement) -> None:
    """Every problem of a settlement at once (None: a value the form already refused or left empty)."""
    require(policy.can_resolve_dispute(actor))
    if exchange.feedback_state != DISPUTED:
        raise _not_disputed(exchange)
    problems = {}
    if settlement.outcome not in (None, AS_AGREED, NO_SHOW):
        problems["outcome"] = _l("Choose whether the exchange took place.")
    elif settlement.outcome is not None:
        figures = Figures(settlement.outcome, settlement.quantity, settlement.hours, settlement.value_units,
                          settlement.value_eur, settlement.note)
        problems.update(figure_problems(exchange, figures))
    if not settlement.note.strip():
        problems["note"] = _l("Say how the dispute was settled: both sides will read it.")
    elif len(settlement.note.strip()) > NOTE_MAX:
        problems["note"] = _l("At most %(n)d characters.", n=NOTE_MAX)
    if problems:
        raise RuleViolation.of_fields(problems)


def counted_figures(exchange: Exchange, settlement: Settlement) -> tuple:
    """(used_quantity, used_hours, value_units, value_eur) as the settlement has them: the hours are the units
    when the resource is priced by the hour; a figure left empty counts as none."""
    if settlement.outcome == NO_SHOW:
        return 0, ZERO if needs_hours(exchange.resource) else None, ZERO, ZERO
    hours = settlement.value_units if exchange.resource.value_unit == "hour" else settlement.hours
    return settlement.quantity, hours, settlement.value_units, settlement.value_eur


def resolve_dispute(actor, exchange: Exchange, settlement: Settlement) -> ExchangeResolution:
    """The coordinator's settlement of a disputed exchange: the figures that count, the state `resolved`, an
    audit event, and both sides told (in the portal and by mail, each in their language)."""
    if db.session.get_bind().dialect.name == "postgresql":  # two coordinators, or a side changing its account
        db.session.execute(select(Exchange.id).where(Exchange.id == exchange.id).with_for_update())
    db.session.refresh(exchange)
    db.session.refresh(exchange, ["resolution"])
    check_resolution(actor, exchange, settlement)
    quantity, hours, units, value = counted_figures(exchange, settlement)
    changed = db.session.execute(
        update(Exchange).where(Exchange.id == exchange.id, Exchange.feedback_state == DISPUTED)
        .values(feedback_state=RESOLVED, used_quantity=quantity, used_hours=hours, value_units=units,
                value_eur=value).execution_options(synchronize_session=False))
    if changed.rowcount != 1:  # settled (or agreed) in the meantime
        db.session.refresh(exchange)
        db.session.refresh(exchange, ["resolution"])
        raise _not_disputed(exchange)
    row = ExchangeResolution(exchange_id=exchange.id, resolved_by_id=actor.id, outcome=settlement.outcome or AS_AGREED,
                             quantity=quantity, hours=hours, value_units=units, value_eur=value,
                             note=settlement.note.strip(), created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    db.session.refresh(exchange)
    db.session.refresh(exchange, ["resolution"])
    resolve(confirm_key(exchange, exchange.owner_org_id), confirm_key(exchange, exchange.requester_org_id))
    audit("exchange.resolved", actor=actor, obj=exchange, happened=row.outcome, confirmation=RESOLVED,
          value_eur=str(value), comment=row.note, parties=[exchange.owner_org_id, exchange.requester_org_id])
    tell_both_sides(actor, exchange, "resolved", note=row.note, outcome_label=outcome_label)
    return row
