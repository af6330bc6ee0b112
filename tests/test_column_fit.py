"""The longest value a form accepts fits every column it reaches (issue 11, #4): statically, each form field
against its column; end to end on PostgreSQL (which, unlike SQLite, enforces VARCHAR lengths), the cases the
sweep found — a 300-character agreement title on submit and in a comment's mail, a 200-character organization
name requesting a 200-character resource — with subjects shortened on a word boundary by the subject
builder, never by the database. (The end-to-end cases run on both backends; PostgreSQL is the one that
would fail.)"""
import pytest
from sqlalchemy import String, select
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from portal.accounts.forms import ProfileForm
from portal.accounts.models import User
from portal.agreements.forms import ClauseForm, CommentForm, EditAgreementForm, SignForm
from portal.agreements.models import Agreement, Signature
from portal.exchanges.forms import RequestForm
from portal.exchanges.models import Exchange
from portal.extensions import db
from portal.mail.headers import SUBJECT_LIMIT
from portal.mail.models import OutboxMessage
from portal.orgs.forms import ApplicationForm, InviteForm, OrganizationProfileForm
from portal.orgs.models import Organization
from portal.reports.forms import ProjectForm
from portal.reports.models import Project
from portal.resources.forms import NeedForm, ResourceForm
from portal.resources.models import Need, Resource

from .factories import make_agreement, make_org, make_resource, make_user
from .helpers import client_for

# form, {field: (model, column)}; a field not named goes to the model's column of the same name, if any
FLOWS = [
    (OrganizationProfileForm, Organization, {}),
    (ApplicationForm, Organization, {"person_name": (User, "name"), "person_position": (User, "position"),
                                     "person_email": (User, "email")}),
    (InviteForm, User, {}),
    (ProfileForm, User, {}),
    (ResourceForm, Resource, {}),
    (NeedForm, Need, {}),
    (RequestForm, Exchange, {}),
    (EditAgreementForm, Agreement, {}),
    (SignForm, Signature, {}),
    (ProjectForm, Project, {}),
]
# Fields whose length other validators bound: (form field, the most they accept)
BOUNDED_OTHERWISE = {"phone": 21, "registration_number": 11}


def unbound_fields(form) -> dict:
    return {name: getattr(form, name) for name in dir(form) if isinstance(getattr(form, name), UnboundField)}


def longest_accepted(unbound) -> int | None:
    lengths = [v.max for v in unbound.kwargs.get("validators", ()) if isinstance(v, Length) and v.max >= 0]
    return min(lengths) if lengths else None


def string_column(model, name):
    column = model.__table__.columns.get(name)
    return column if column is not None and isinstance(column.type, String) and column.type.length else None


def choice_values(field) -> list[str]:
    values = []
    for choice in field.choices or ():
        values.append(str(choice.value if hasattr(choice, "value") else choice[0]))
    return values


@pytest.mark.parametrize("form, model, renamed", FLOWS, ids=[f.__name__ for f, _, _ in FLOWS])
def test_every_text_field_fits_its_column(app, form, model, renamed):
    checked = 0
    with app.test_request_context():
        bound = form(meta={"csrf": False})
        for name, unbound in unbound_fields(form).items():
            target_model, column_name = renamed.get(name, (model, name))
            column = string_column(target_model, column_name)
            if column is None:
                continue
            field = getattr(bound, name)
            if hasattr(field, "choices") and field.choices is not None:  # a choice: its longest value
                values = choice_values(field)
                longest = len(",".join(values)) if field.type == "CheckboxesField" else max(map(len, values))
            else:
                longest = BOUNDED_OTHERWISE.get(name) or longest_accepted(unbound)
            assert longest is not None, f"{form.__name__}.{name} has no length limit; the column holds " \
                                        f"{column.type.length}"
            assert longest <= column.type.length, f"{form.__name__}.{name}: {longest} > {column}"
            checked += 1
    assert checked


def test_the_clause_and_comment_limits_are_the_text_columns():
    assert longest_accepted(unbound_fields(ClauseForm)["heading"]) <= 200
    assert longest_accepted(unbound_fields(CommentForm)["body"]) == 4000


def _subjects():
    return db.session.scalars(select(OutboxMessage.subject)).all()


def test_a_300_character_agreement_title_submits_and_is_commented_on(app, world):
    agreement = make_agreement(world, "draft")
    agreement.title = ("Sadarbības līgums par ūdens, žogu un ķēžu " * 10)[:300]
    db.session.commit()
    client = client_for(app, world.representative)
    assert client.post(f"/agreements/{agreement.id}/comments", data={"body": "ž" * 4000}).status_code == 302
    assert client.post(f"/agreements/{agreement.id}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state == "submitted"
    assert _subjects() and all(len(s) <= SUBJECT_LIMIT for s in _subjects())
    assert any(s.endswith("…") for s in _subjects()), "long subjects are shortened with an ellipsis"


def test_a_200_character_organization_requests_a_200_character_resource(app, world):
    from datetime import date, timedelta

    requester_org = make_org(name=("Biedrība „Ļaudis un ūdeņi” " * 10)[:200])
    requester = make_user(requester_org, role="representative")
    resource = make_resource(world.representative, title=("Projektors ar ekrānu un žņaugiem " * 10)[:200],
                             quantity=5)
    db.session.commit()
    start = date.today() + timedelta(days=20)
    response = client_for(app, requester).post(f"/resources/{resource.id}/request", data={
        "starts_on": start.isoformat(), "ends_on": start.isoformat(), "quantity": "1",
        "purpose": "ž" * 300, "message": "ā" * 4000})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert _subjects() and all(len(s) <= SUBJECT_LIMIT for s in _subjects())
