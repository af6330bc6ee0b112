"""Issue 11, the outside sweep's findings, each with the test that would have caught it (the rest live beside
their domain: lockout and password checks in test_accounts.py, audit checkpoints in
test_audit_checkpoints.py)."""
import importlib
import io
import re
import pkgutil
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

import portal
from portal import create_app
from portal.agreements import pdf as agreement_pdf
from portal.agreements.models import Agreement
from portal.database import begin_writing, reset_writing
from portal.extensions import db
from portal.forms import PortalForm
from portal.orgs.models import Organization

from .factories import PASSWORD, make_agreement
from .helpers import client_for, make_config, outbox

LINE_BREAKS = ["\u2028", "\u2029", "\r", "\n", "\r\n", "\x85"]


def page(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- 1. line breaks in single-line fields

def all_forms() -> list[type]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [PortalForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        found.append(cls)
    return [cls for cls in found if cls is not PortalForm]


def single_line_fields(form) -> list:
    return [f for f in form if isinstance(f, StringField) and not isinstance(f, (TextAreaField, PasswordField))
            and f.name != "csrf_token" and f.type != "HiddenField"]


def test_every_single_line_field_of_every_form_drops_line_breaks(app):
    checked = 0
    with app.test_request_context(method="POST"):
        for form_class in all_forms():
            names = [f.name for f in single_line_fields(form_class(meta={"csrf": False}))]
            typed = MultiDict({name: "Baltā" + "".join(LINE_BREAKS) + "māja" for name in names})
            form = form_class(formdata=typed, meta={"csrf": False})
            for field in single_line_fields(form):
                assert not any(ch in (field.data or "") for ch in "\r\n\x85\u2028\u2029"), \
                    f"{form_class.__name__}.{field.name}: {field.data!r}"
                checked += 1
    assert checked >= 25, "the forms' single-line fields were not found"


@pytest.mark.parametrize("separator", LINE_BREAKS)
def test_an_application_with_a_line_separator_in_its_name_queues_a_clean_mail(app, client, world, separator):
    name = f"Biedrība{separator}Bcc: victim@example.org"
    form = {"name": name, "legal_form": "association", "registration_number": "40008999888",
            "legal_address": "Rīgas iela 1, Rēzekne", "municipality": "rezekne", "email": "b@example.org",
            "phone": "", "website": "", "description": "Apraksts\nar rindām", "person_name": "Pēteris",
            "person_position": "valdes loceklis", "person_email": "p.new@example.org", "password": "mežs lietus vējš 2026!"}
    response = client.post("/apply?lang=en", data=form)
    assert response.status_code == 302, re.findall(r"error[^>]*>([^<]+)<", page(response))
    org = db.session.scalar(sa.select(Organization).where(Organization.registration_number == "40008999888"))
    assert org.name == "Biedrība Bcc: victim@example.org"
    assert org.description == "Apraksts\nar rindām", "text areas keep their lines"
    subjects = [m.subject for m in outbox()]
    assert subjects and not any(ch in subject for subject in subjects for ch in "\r\n\x85\u2028\u2029")


# ---------------------------------------------------------------- 2. /verify holds no write lock; busy → 503

def write_without_waiting(url, org_id: int) -> None:
    """A write from another connection that fails at once if anyone holds a lock it needs."""
    sqlite = url.get_backend_name() == "sqlite"
    other = sa.create_engine(url, connect_args={"timeout": 0} if sqlite else {})
    token = begin_writing(True)  # on SQLite the transaction starts with BEGIN IMMEDIATE: the one writer lock
    try:
        with other.connect() as conn:
            if not sqlite:
                conn.exec_driver_sql("SET lock_timeout = '1ms'")
            conn.execute(sa.text("UPDATE organizations SET phone = phone WHERE id = :id"), {"id": org_id})
            conn.rollback()
    finally:
        reset_writing(token)
        other.dispose()


def test_checking_an_upload_holds_no_write_lock(app, world, monkeypatch):
    """While /verify validates a PDF (slow, CPU-bound), another connection can write at once."""
    from portal.verification import services as verification

    writes_meanwhile = []
    real_check = verification.check_upload

    def checking(data):
        write_without_waiting(db.engine.url, world.org.id)
        writes_meanwhile.append(True)
        return real_check(data)

    monkeypatch.setattr(verification, "check_upload", checking)
    response = app.test_client().post("/verify", data={"document": (io.BytesIO(b"%PDF-1.7 not really"), "a.pdf"), "code": ""},
                                      content_type="multipart/form-data")
    assert response.status_code == 200 and writes_meanwhile == [True]


def test_a_busy_database_answers_503_with_retry_after(app, world, monkeypatch):
    from portal.orgs import services as orgs

    def busy(*_args, **_kwargs):
        raise OperationalError("UPDATE organizations …", {}, Exception("database is locked"))

    monkeypatch.setattr(orgs, "suspend", busy)
    response = client_for(app, world.coordinator).post(f"/orgs/{world.org.id}/suspend", data={"reason": "Pārbaude"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "Traceback" not in page(response)


# ---------------------------------------------------------------- 3. drafts are bounded, previews limited, renders parallel

def test_an_oversized_draft_is_refused_with_every_section_named_at_once(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    form = {"title": "Liels līgums", "place": "Rīgā", "valid_from": "2027-01-01", "valid_to": "", "review_on": "",
            "edit_stamp": ""}
    for i in range(24):  # the sweep's draft: 24 sections of 19,000 characters, 448 KB
        form[f"clauses-{i}-heading"] = f"Sadaļa {i}"
        form[f"clauses-{i}-text"] = "Punkts. " * 2_375
    response = client_for(app, world.representative).post(f"/agreements/{agreement.id}/edit?lang=en", data=form)
    assert response.status_code == 200
    html = page(response)  # each next to its section, and each once more in the error summary
    assert html.count(">Field cannot be longer than 8000 characters.</p>") == 24
    assert html.count(">Field cannot be longer than 8000 characters.</a>") == 24
    db.session.refresh(agreement)
    assert agreement.title != "Liels līgums"


def test_long_points_and_too_many_points_are_refused_in_one_pass(app, world):
    from portal.agreements import drafting

    too_long, too_many = "x" * (drafting.MAX_POINT_TEXT + 1), "\n".join(["punkts"] * (drafting.MAX_POINTS + 1))
    with pytest.raises(drafting.RuleViolation) as refused:
        drafting.clean_clauses([("Viens", too_long), ("", "bez virsraksta"), ("Trīs", too_many)])
    assert set(refused.value.field_messages) == {"clauses-0-text", "clauses-1-heading", "clauses-2-text"}


def test_previews_are_limited_per_person(app, world):
    app.config["PREVIEW_RATE_LIMIT"] = "3 per minute"
    agreement = make_agreement(world, "draft")
    db.session.commit()
    drafter = client_for(app, world.representative)
    statuses = [drafter.get(f"/agreements/{agreement.id}/pdf").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client_for(app, world.coordinator).get(f"/agreements/{agreement.id}/pdf").status_code == 200


def test_two_documents_render_side_by_side(app, world, monkeypatch):
    """No process-wide lock: a second render starts while the first is still under way (with a lock, the
    barrier below would never be reached by both and would time out)."""
    from weasyprint import HTML

    barrier = threading.Barrier(2, timeout=20)
    real_write = HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        barrier.wait()
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", write_pdf)
    agreement = make_agreement(world, "draft")
    db.session.commit()
    from portal.agreements.printing import build_document

    document = build_document(agreement)
    outputs, errors = [], []

    def render():
        try:
            outputs.append(agreement_pdf.render_pdf(document))
        except Exception as error:  # a broken barrier: the renders were serialised
            errors.append(error)

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(outputs) == 2 and outputs[0] == outputs[1]


# ---------------------------------------------------------------- 6. behind a proxy, clients are told apart

def test_behind_a_trusted_proxy_one_clients_guessing_does_not_block_another(app, database_url, tmp_path, world):
    email = world.member.email
    db.session.commit()  # the test's own session holds no SQLite lock while the other app works
    proxied = create_app(make_config(database_url, tmp_path) | {"PROXY_FIX_X_FOR": 1})
    proxied.test_client_class = app.test_client_class
    with proxied.app_context():
        guesser, neighbour = proxied.test_client(), proxied.test_client()
        limit = int(proxied.config["LOGIN_FAILURE_RATE_LIMIT"].split()[0])
        for i in range(limit + 1):
            last = guesser.post("/login", data={"email": f"guess{i}@example.org", "password": "x" * 12},
                                headers={"X-Forwarded-For": "203.0.113.66"})
        assert last.status_code == 429
        ok = neighbour.post("/login", data={"email": email, "password": PASSWORD},
                            headers={"X-Forwarded-For": "203.0.113.67"})
        assert ok.status_code == 302


def test_a_signature_behind_a_proxy_records_the_clients_address(app, database_url, tmp_path, world):
    agreement = make_agreement(world, "approved")
    agreement_id, email, name = agreement.id, world.representative.email, world.representative.name
    db.session.commit()
    proxied = create_app(make_config(database_url, tmp_path) | {"PROXY_FIX_X_FOR": 1})
    proxied.test_client_class = app.test_client_class
    with proxied.app_context():
        client = proxied.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.44"})
        response = client.post(f"/agreements/{agreement_id}/sign", headers={"X-Forwarded-For": "198.51.100.44"},
                               data={"password": PASSWORD, "typed_name": name, "consent": "y"})
        assert response.status_code == 302
    db.session.expire_all()
    signed = db.session.get(Agreement, agreement_id).party_for(world.org.id).signature
    assert signed.ip_address == "198.51.100.44"


def test_a_rule_refused_outside_attempt_is_a_clear_422_not_a_500(app, world, monkeypatch):
    """A view that forgot attempt(): the refusal still reaches the person, and nothing is saved."""
    from portal.errors import RuleViolation
    from portal.notifications import services as notifications

    org_id = world.org.id

    def refuse(user):
        db.session.execute(sa.text("UPDATE organizations SET phone = '+371 1' WHERE id = :id"), {"id": org_id})
        raise RuleViolation("Šobrīd nevar.")

    monkeypatch.setattr(notifications, "mark_all_read", refuse)
    member = client_for(app, world.member)
    response = member.post("/notifications/read")
    assert response.status_code == 422 and "Šobrīd nevar." in page(response)
    db.session.expire_all()
    assert db.session.get(Organization, org_id).phone != "+371 1"
