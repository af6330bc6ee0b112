"""Agreements under concurrency: coordinators approving at once, the signing copy rendered outside the write
lock, a prepared copy made again when it no longer prints what approval froze, both parties (or the same
signatory twice) signing at once. Every test runs on SQLite and PostgreSQL."""
import sqlite3

from portal.accounts.models import REPRESENTATIVE, User
from portal.agreements import services, signatures, workflow
from portal.agreements.models import APPROVED, IN_FORCE, Agreement, Signature
from portal.audit.services import verify_chain
from portal.certificates import timestamps
from portal.errors import RuleViolation
from portal.extensions import db
from portal.transaction import outside_the_write_lock

from .agreement_helpers import at_once, audit_actions, files_of, flashes, pdf_text, signatures_of
from .factories import PASSWORD, make_agreement, make_user
from .helpers import client_for

ROUNDS = 2


# ================================================================ 5. racing

def test_two_coordinators_approving_at_once_approve_once(app, world):
    """As the approve view does it: each renders the signing copy outside the write lock, then approves. Both
    render side by side; one approves and stores its copy, the other is told the agreement is approved."""
    second = make_user(world.coord_org, REPRESENTATIVE, coordinator=True, email="coordinator2@example.org")
    deciders = (world.coordinator.id, second.id)
    timestamps.ensure_tsa_certificate()  # as `portal init` leaves it: the network signs without writing first
    for round_ in range(ROUNDS):
        agreement = make_agreement(world, "submitted")
        agreement_id = agreement.id
        prepared = {}

        def approving(user_id):
            def run():
                load = lambda: (db.session.get(User, user_id), db.session.get(Agreement, agreement_id))  # noqa: E731
                prepared[user_id] = outside_the_write_lock(lambda: services.prepare_approval(*load()))
                return services.approve(*load(), prepared=prepared[user_id])
            return run

        results = at_once(app, *(approving(uid) for uid in deciders))

        refused = [r for r in results if isinstance(r, RuleViolation)]
        approved = [r for r in results if r is None]  # approve() returns nothing; a refusal is raised
        assert len(approved) == 1 and len(refused) == 1, f"round {round_}: {results}"
        assert workflow.state_label(APPROVED) in str(refused[0].message)  # "…it is now approved"
        assert db.session.get(Agreement, agreement_id).state == APPROVED
        assert [(f.revision, f.event) for f in files_of(agreement_id)] == [(1, "approved")], f"round {round_}"
        assert all(p is not None for p in prepared.values()), f"round {round_}"  # both rendered first
        assert files_of(agreement_id)[0].data in [p.data for p in prepared.values()]  # the winner's, as rendered
        assert audit_actions(db.session.get(Agreement, agreement_id)).count("agreement.approved") == 1
    assert verify_chain().intact


def another_writer_gets_in(agreement_id: int) -> bool:
    """Whether another connection takes SQLite's write lock, or the agreement's row on PostgreSQL, at once."""
    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    try:
        if db.engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 0")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return False
            cursor.execute("ROLLBACK")
            return True
        try:
            cursor.execute("SELECT id FROM agreements WHERE id = %s FOR UPDATE NOWAIT", (agreement_id,))
        except Exception:  # psycopg's LockNotAvailable
            return False
        return True
    finally:
        raw.rollback()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 5000")
        raw.close()


def test_without_a_queue_the_approval_renders_the_signing_copy_outside_the_write_lock(app, world, monkeypatch):
    from portal.agreements import certification

    agreement_id = make_agreement(world, "submitted").id
    timestamps.ensure_tsa_certificate()  # as `portal init` leaves it
    db.session.commit()
    probes, render = [], certification.render_pdf

    def rendering(document):
        probes.append(another_writer_gets_in(agreement_id))
        return render(document)

    monkeypatch.setattr(certification, "render_pdf", rendering)
    response = client_for(app, world.coordinator).post(f"/agreements/{agreement_id}/approve")
    assert response.status_code == 302
    assert probes == [True]  # nobody waited for the rendering
    assert db.session.get(Agreement, agreement_id).state == APPROVED
    assert [(f.revision, f.event) for f in files_of(agreement_id)] == [(1, "approved")]
    stored = files_of(agreement_id)[0]
    assert pdf_text(stored.data).count("MELNRAKSTS") == 0  # the signing copy, not a draft


def test_a_prepared_copy_that_no_longer_prints_what_approval_froze_is_made_again(app, world):
    agreement = make_agreement(world, "submitted")
    timestamps.ensure_tsa_certificate()
    prepared = services.prepare_approval(world.coordinator, agreement)
    assert prepared is not None
    world.org.name = "Baltā māja un partneri"  # renamed between the rendering and the approval
    db.session.flush()
    services.approve(world.coordinator, agreement, prepared=prepared)
    [stored] = files_of(agreement.id)
    assert stored.data != prepared.data
    assert "Baltā māja un partneri" in " ".join(pdf_text(stored.data).split())


def test_both_parties_signing_at_once_both_signatures_count(app, world):
    for round_ in range(ROUNDS):
        agreement = make_agreement(world, "approved")
        agreement_id = agreement.id
        signers = [(party.signatory_id, party.signatory.name) for party in agreement.parties]

        def signing(user_id, name):
            return lambda: signatures.sign(db.session.get(User, user_id), db.session.get(Agreement, agreement_id),
                                         password=PASSWORD, typed_name=name, consent=True)

        results = at_once(app, *(signing(*s) for s in signers))

        assert all(isinstance(r, Signature) for r in results), f"round {round_}: {results}"
        assert db.session.get(Agreement, agreement_id).state == IN_FORCE, f"round {round_}"
        assert len(signatures_of(agreement_id)) == 2
        stored = files_of(agreement_id)
        assert [f.revision for f in stored] == [1, 2, 3, 4], f"round {round_}"  # 4: the B-LTA extension
        # Each signature is an incremental update of the file before it: no signature is lost.
        assert stored[1].data.startswith(stored[0].data), f"round {round_}"
        assert stored[2].data.startswith(stored[1].data), f"round {round_}"
        actions = audit_actions(db.session.get(Agreement, agreement_id))
        assert actions.count("agreement.signed") == 2 and actions.count("agreement.in_force") == 1
    assert verify_chain().intact


def test_the_same_signatory_signing_twice_at_once_signs_once(app, world):
    clients = [client_for(app, world.representative), client_for(app, world.representative)]
    for round_ in range(ROUNDS):
        agreement = make_agreement(world, "approved")
        agreement_id = agreement.id
        url = f"/agreements/{agreement_id}/sign?lang=en"
        data = {"password": PASSWORD, "typed_name": world.representative.name, "consent": "y"}

        def posting(client):
            def post():
                response = client.post(url, data=data)
                return response.status_code, client.get(response.headers["Location"]).get_data(as_text=True) \
                    if response.status_code == 302 else response.get_data(as_text=True)
            return post

        results = at_once(app, *(posting(c) for c in clients))

        assert all(status in (200, 302) for status, _ in results), f"round {round_}: {results}"
        signed = [html for _, html in results if "Signed for Baltā māja." in html]
        assert len(signed) == 1, f"round {round_}: {[flashes(html) for _, html in results]}"
        assert [s.org_id for s in signatures_of(agreement_id)] == [world.org.id], f"round {round_}"
        assert [f.revision for f in files_of(agreement_id)] == [1, 2], f"round {round_}"
        assert db.session.get(Agreement, agreement_id).state == APPROVED
