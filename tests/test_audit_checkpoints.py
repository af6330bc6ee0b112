"""The audit chain's signed checkpoints: the chain matches them, and deleting the newest events, rewriting an
event with the chain recomputed, or tampering with a checkpoint itself is caught; `verify-audit` and the page
report a mismatch."""
import pytest
import sqlalchemy as sa

import portal.audit.services as audit_services
from portal.audit.models import AuditEvent
from portal.audit.services import GENESIS, event_digest
from portal.extensions import db

from .audit_helpers import make_events, page
from .helpers import client_for


# ---------------------------------------------------------------- signed checkpoints

def checkpoint_now():
    from portal.audit.checkpoints import make_checkpoint
    from portal.certificates.services import ensure_authority, network_signer

    ensure_authority()
    checkpoint = make_checkpoint(network_signer())
    db.session.commit()
    return checkpoint


def integrity():
    from portal.coordination.services import audit_integrity

    db.session.commit()
    return audit_integrity()


def test_the_chain_matches_its_signed_checkpoints(app, world):
    make_events(world, 5)
    first = checkpoint_now()
    make_events(world, 3)
    second = checkpoint_now()
    assert second.last_event_id > first.last_event_id
    result = integrity()
    assert result.intact and result.checkpoints.checked == 2 and result.newest.id == second.id


def test_deleting_the_newest_events_is_caught_by_the_checkpoint(app, world):
    events = make_events(world, 6)
    checkpoint_now()
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id >= :id"), {"id": events[-2].id})
    db.session.commit()
    result = integrity()
    assert result.chain.intact, "the hash chain alone cannot see a cut at its end"
    assert not result.checkpoints.intact and "removed" in result.checkpoints.problem


def test_rewriting_an_event_and_recomputing_the_chain_is_caught_by_the_checkpoint(app, world):
    events = make_events(world, 6)
    checkpoint_now()
    # The forger changes event 3 and recomputes every hash after it, so the chain itself is intact again.
    db.session.execute(sa.text("UPDATE audit_events SET outcome = 'refused' WHERE id = :id"), {"id": events[3].id})
    db.session.commit()
    prev_hash = GENESIS
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all():
        db.session.refresh(event)
        digest = event_digest(prev_hash, audit_services._hashed_fields(event))
        db.session.execute(sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :id"),
                           {"p": prev_hash, "h": digest, "id": event.id})
        prev_hash = digest
    db.session.commit()
    result = integrity()
    assert result.chain.intact
    assert not result.checkpoints.intact and "rewritten" in result.checkpoints.problem


@pytest.mark.parametrize("tamper", ["delete the row", "forge the signature", "change the copy"])
def test_tampering_with_a_checkpoint_itself_shows(app, world, tamper):
    from portal.storage import get_storage

    make_events(world, 4)
    checkpoint = checkpoint_now()
    if tamper == "delete the row":
        db.session.execute(sa.text("DELETE FROM audit_checkpoints"))
    elif tamper == "forge the signature":
        db.session.execute(sa.text("UPDATE audit_checkpoints SET events = events - 1"))
    else:
        key = f"audit/checkpoints/{checkpoint.id:08d}.json"
        get_storage().put(key, get_storage().get(key).replace(checkpoint.last_hash.encode(), b"0" * 64))
    db.session.commit()
    assert not integrity().checkpoints.intact


def test_verify_audit_and_the_page_report_a_checkpoint_mismatch(app, world):
    events = make_events(world, 5)
    checkpoint_now()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["portal", "verify-audit"]).exit_code == 0
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": events[-1].id})
    db.session.commit()
    result = runner.invoke(args=["portal", "verify-audit"])
    assert result.exit_code == 1 and "removed" in result.output
    html = page(client_for(app, world.coordinator).get("/coordination/audit"))
    assert 'data-testid="checkpoint-state"' in html and "state-rejected" in html.split('data-testid="checkpoint-state"')[0][-60:]
