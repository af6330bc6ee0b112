"""The agreement's states: the compare-and-set every step goes through, and their names for people."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..database import StateConflict, compare_and_set
from ..errors import RuleViolation
from ..extensions import db
from .models import Agreement

STATE_LABELS = {
    "draft": _l("Draft"), "submitted": _l("Waiting for approval"), "returned": _l("Returned for changes"),
    "approved": _l("Approved, being signed"), "in_force": _l("In force"), "terminated": _l("Terminated"),
    "expired": _l("Expired"),
}
KIND_LABELS = {"cooperation": _l("Cooperation agreement"), "network": _l("Network agreement"),
               "exchange": _l("Exchange agreement"), "accession": _l("Accession to the network agreement")}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def kind_label(agreement: Agreement) -> str:
    return str(KIND_LABELS["accession" if agreement.is_accession else agreement.kind])


def conflict(agreement: Agreement) -> RuleViolation:
    """The refusal for a step that someone else's step overtook: it says the state the agreement is in now."""
    db.session.refresh(agreement)
    return RuleViolation(_l("This agreement has just been changed by someone else: it is now “%(state)s”.",
                            state=state_label(agreement.state)))


def transition(agreement: Agreement, expected, new_state: str, **values) -> None:
    try:
        compare_and_set(Agreement, agreement.id, expected, state=new_state, **values)
    except StateConflict:
        raise conflict(agreement) from None
    db.session.refresh(agreement)


def lock(agreement: Agreement) -> None:
    """Serialises the steps that update the newest file of one agreement (SQLite already has one writer)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Agreement.id).where(Agreement.id == agreement.id).with_for_update())
    db.session.refresh(agreement)
