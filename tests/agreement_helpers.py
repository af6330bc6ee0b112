"""Helpers of the agreement tests (test_agreement_workflow.py, _copy, _signing, _races, _kinds, _reminders,
_edit_form, _lists): signing as a party, editing over HTTP, the audit trail, mail and notifications of an
agreement, reading its pages and PDFs, running steps at the same moment, and the fixtures `positions` and
`second_rep`."""
import re
import subprocess
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import REPRESENTATIVE
from portal.agreements import drafting, services, signatures
from portal.agreements.models import IN_FORCE, Agreement, AgreementFile, Signature
from portal.audit.models import AuditEvent
from portal.errors import NotAllowed, RuleViolation
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications.models import Notification

from .factories import PASSWORD, make_user

TODAY = date.today()
RETURN_COMMENT = "Lūdzu, precizējiet 3. punktu."


def sign_as(person, agreement, **overrides):
    data = dict(password=PASSWORD, typed_name=person.name, consent=True)
    data.update(overrides)
    return signatures.sign(person, agreement, **data)


def sign_all(agreement):
    for party in agreement.parties:
        if party.signature is None:
            sign_as(party.signatory, agreement)


def edit(actor, agreement, **changes):
    data = dict(title=agreement.title, place=agreement.place, valid_from=agreement.valid_from,
                valid_to=agreement.valid_to, review_on=agreement.review_on,
                clauses=[(c["heading"], c["text"]) for c in agreement.clauses])
    data.update(changes)
    drafting.update_draft(actor, agreement, **data)


def audit_actions(agreement) -> list[str]:
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "Agreement", AuditEvent.object_id == agreement.id).order_by(AuditEvent.id)).all()


def files_of(agreement_id: int) -> list[AgreementFile]:
    return db.session.scalars(select(AgreementFile).where(AgreementFile.agreement_id == agreement_id)
                              .order_by(AgreementFile.revision)).all()


def signatures_of(agreement_id: int) -> list[Signature]:
    return db.session.scalars(select(Signature).where(Signature.agreement_id == agreement_id)
                              .order_by(Signature.id)).all()


def last_mail_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))


def mail_since(mark: int) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > mark)
                              .order_by(OutboxMessage.id)).all()


def notified(kind: str) -> list[int]:
    return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)).all())


def pdf_text(data: bytes) -> str:
    assert data[:5] == b"%PDF-", data[:20]
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode("utf-8").replace("\u00ad", ""))


def field_errors(html: str, name: str) -> list[str]:
    return re.findall(rf'<p class="error" data-field="{re.escape(name)}">(.*?)</p>', html, re.S)


def flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<div class="flash [a-z]+"[^>]*>(.*?)</div>', html, re.S)]


def input_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def section(html: str, testid: str) -> str:
    """The HTML of the element marked data-testid=`testid` up to the next data-testid'd <section>/<div>."""
    start = html.find(f'data-testid="{testid}"')
    assert start >= 0, f"no {testid} on the page"
    rest = html[start + 1:]
    end = re.search(r'<(section|div class="clause-editor") data-testid=', rest)
    return rest[: end.start()] if end else rest


def form_data(agreement, **overrides) -> dict:
    """What the edit form posts for `agreement` as it is, changed by `overrides` (clauses: [(heading, text)])."""
    clauses = overrides.pop("clauses", [(c["heading"], c["text"]) for c in agreement.clauses])
    data = {
        "title": agreement.title, "place": agreement.place, "valid_from": agreement.valid_from.isoformat(),
        "valid_to": agreement.valid_to.isoformat() if agreement.valid_to else "",
        "review_on": agreement.review_on.isoformat() if agreement.review_on else "",
        "edit_stamp": drafting.edit_stamp(agreement),
    }
    for i, (heading, text) in enumerate(clauses):
        data[f"clauses-{i}-heading"] = heading
        data[f"clauses-{i}-text"] = text
    data.update(overrides)
    return data


def at_once(app, *jobs):
    """Runs each job in a thread of its own (its own app context and database session), all released at
    the same moment; each commits on success. Returns, per job, its value or the refusal it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = jobs[i]()
                db.session.commit()
            except (RuleViolation, NotAllowed) as refused:
                db.session.rollback()
                results[i] = refused
            except BaseException as error:  # noqa: BLE001 - reported in the main thread
                db.session.rollback()
                results[i] = ("error", error)
            finally:
                db.session.remove()

    db.session.commit()  # SQLite: hold no write lock while the threads race
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    for result in results:
        if isinstance(result, tuple) and result and result[0] == "error":
            raise result[1]
    db.session.expire_all()
    return results


@pytest.fixture
def positions(world):
    """The representatives' recorded positions, as printed in the agreement."""
    world.representative.position = "valdes priekšsēdētāja"
    world.coordinator.position = "valdes loceklis"
    world.coordinator.name = "Maija Burima"
    db.session.commit()
    return world


@pytest.fixture
def second_rep(world):
    """Another representative of org B, who is not the named signatory."""
    person = make_user(world.org, REPRESENTATIVE, email="rep2@example.org", name="Andris Ozols")
    db.session.commit()
    return person


def bring_in_force(agreement, drafter, coordinator):
    services.submit(drafter, agreement)
    services.approve(coordinator, agreement)
    sign_all(agreement)
    assert agreement.state == IN_FORCE
    db.session.commit()
