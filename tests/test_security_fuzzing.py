"""SECURITY.md made testable, fuzzing: random application input (Latvian, hostile, control characters)
never gives a 500 nor saves half, and a NUL byte in any form field is not a 500."""
import itertools

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import APPLIED, Organization

from .helpers import client_for
from .route_matrix_roles import LOGIN
from .security_helpers import NEW_PASSWORD, POST_ROWS, acting_role, page


# ---------------------------------------------------------------- random input

LATVIAN = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"
NASTY = list(LATVIAN) + ["\r", "\n", "\r\n", "\x00", "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\u2028", "\u202e",
                         "\ufeff", "<", ">", '"', "'", "&", "%", ";", " ", "a", "1", "😀"]
CONTROL = ["\x00", "\x00", "\r\n", "\r", "\n", "\x1b", "\x7f", "\u202e", "\ufeff", "\x0b", "\u2028"]
nasty_text = st.lists(st.sampled_from(NASTY), max_size=40).map("".join)
# Ordinary text with a control character somewhere: passes the length checks, so reaches the database.
salted_text = st.builds(lambda base, char, at: base[:at % (len(base) + 1)] + char + base[at % (len(base) + 1):],
                        st.sampled_from(["Biedrība “Ā”", "Rīgas iela 1", "Ānis Bērziņš", "valde", "Šis ir apraksts."]),
                        st.sampled_from(CONTROL), st.integers(min_value=0, max_value=20))
random_text = st.one_of(
    salted_text,
    nasty_text,
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=250),
    st.builds(lambda piece, times: piece * times, st.sampled_from(NASTY + ["ab", "ā\x00", "\r\nx"]),
              st.integers(min_value=100, max_value=5000)),
)
TEXT_FIELDS = ("name", "legal_address", "description", "person_name", "person_position")
OTHER_FIELDS = ("registration_number", "email", "person_email", "phone", "website", "legal_form", "municipality",
                "password")
_unique = itertools.count(1)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


VALID_APPLICATION = {
    "name": "Biedrība “Ūdenszīme”", "legal_form": "association", "legal_address": "Rīgas iela 1, Rēzekne",
    "municipality": "daugavpils", "phone": "", "website": "", "description": "Jauniešu iniciatīvas.",
    "person_name": "Žanna Ķēniņa", "person_position": "valdes priekšsēdētāja", "password": NEW_PASSWORD,
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          database=None)  # no example files written into the project
@given(random_fields=st.dictionaries(st.sampled_from(TEXT_FIELDS + OTHER_FIELDS), random_text,
                                     min_size=1, max_size=len(TEXT_FIELDS)))
def test_random_application_input_never_500s_nor_half_saves(app, client, random_fields):
    n = next(_unique)
    form = {**VALID_APPLICATION, "registration_number": f"5{n:010d}", "email": f"org{n}@example.org",
            "person_email": f"fuzz{n}@example.org", **random_fields}
    orgs_before, people_before = _count(Organization), _count(User)

    response = client.post("/apply", data=form)

    assert response.status_code in (200, 302), (response.status_code, page(response)[:300])
    db.session.commit()
    created = 1 if response.status_code == 302 else 0
    assert (_count(Organization) - orgs_before, _count(User) - people_before) == (created, created)
    orphans = db.session.scalars(
        sa.select(Organization.id).where(Organization.state == APPLIED, ~Organization.people.any())
    ).all()
    assert orphans == [], "an applied organization without its representative"
    if created:
        applicant = db.session.scalar(sa.select(User).order_by(User.id.desc()).limit(1))
        assert applicant.org.state == APPLIED and applicant.role == "representative"
        assert applicant.password_hash


FORM_ROWS = [row for row in POST_ROWS if row.endpoint in {
    "accounts.login", "accounts.forgot_password", "accounts.profile", "accounts.change_password", "orgs.apply",
    "orgs.edit", "orgs.invite", "orgs.reject", "orgs.suspend", "resources.new_resource", "resources.new_need",
    "resources.edit_resource", "resources.edit_need"}]


@pytest.mark.parametrize("row", FORM_ROWS, ids=lambda row: row.id)
def test_nul_byte_in_any_form_field_is_not_a_500(app, world, row):
    role = "anonymous" if row.expected["anonymous"] != LOGIN else acting_role(row)
    client = client_for(app, world.user(role))
    data = {**VALID_APPLICATION, "registration_number": "40008555444", "email": "nul@example.org",
            "person_email": "nul.person@example.org"} if row.endpoint == "orgs.apply" else row.data(world)
    answers = {}
    for field, value in data.items():
        if not isinstance(value, str):
            continue
        response = client.post(row.url(world), data={**data, field: f"{value}\x00x"})
        answers[field] = response.status_code
    assert 500 not in answers.values(), f"NUL in these fields gives a 500: {answers}"
    assert client.get("/").status_code == 200
