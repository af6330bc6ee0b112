"""Accounts and sessions: SECURITY.md's first section, one test per line that can fail."""
import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from portal.accounts import services
from portal.accounts.models import INVITATION, PASSWORD_RESET, OneTimeToken, User
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.database import utcnow
from portal.extensions import db

from .factories import PASSWORD
from .helpers import client_for, link_in, login, outbox

NEW_PASSWORD = "a brand new lengthy secret"


def page(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- passwords

def test_passwords_are_argon2id_with_owasp_parameters():
    stored = hash_password("x" * 20)
    match = re.match(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    assert match, stored
    assert int(match.group(1)) >= 19 * 1024 and int(match.group(2)) >= 2


@pytest.mark.parametrize("password", ["short pass", "123456789012", "qwertyuiopasdf", "aaaaaaaaaaaaaaaa"])
def test_short_or_common_passwords_are_refused(password):
    assert password_problem(password) is not None


def test_long_passwords_are_accepted_and_not_truncated():
    long_password = "Daugavas krastā aug vecs ozols, zem tā sēž trīs kaķi un skaita zvaigznes līdz rītam!"
    assert len(long_password) > 80
    assert password_problem(long_password) is None
    stored = hash_password(long_password)
    assert verify_password(stored, long_password)
    assert not verify_password(stored, long_password[:72])


@pytest.mark.parametrize("password", [
    "sess-reset-4711X9!long",  # the e-mail's whole local part
    "my RESET password 2026!",  # a word of the local part, another case
    "Bādune kaķis 2026 ziema",  # a word of the name, with the name's diacritics
    "badune kakis 2026 ziema",  # … and without them
    "INGUNA un viņas kaķis",
])
def test_passwords_with_parts_of_the_e_mail_or_name_are_refused(password):
    inputs = ("sess-reset-4711@example.org", "Inguna Bādune")
    assert password_problem(password, user_inputs=inputs) == "Do not use your name or e-mail address in the password."
    assert password_problem("ozols kaķis 2026 ziema!", user_inputs=inputs) is None  # the mail domain is no part


def test_an_application_password_may_not_contain_the_applicants_name(client):
    form = {"name": "Jaunā biedrība", "legal_form": "association", "registration_number": "40008111222",
            "legal_address": "Rīgas iela 1, Rēzekne", "municipality": "rezekne", "email": "jb@example.org",
            "phone": "", "website": "", "description": "NVO", "person_name": "Pēteris Ozoliņš",
            "person_position": "valdes loceklis", "person_email": "peteris.o@example.org",
            "password": "ozolins mezs lietus 2026"}
    response = client.post("/apply?lang=en", data=form)
    assert response.status_code == 200
    assert "Do not use your name or e-mail address in the password." in page(response)


def test_old_hash_parameters_are_upgraded_at_login(app, client, world):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    world.member.password_hash = weak
    db.session.commit()
    login(client, world.member.email)
    db.session.refresh(world.member)
    assert world.member.password_hash != weak
    assert "m=19456,t=2" in world.member.password_hash


# ---------------------------------------------------------------- login

LOGIN_MESSAGE = re.compile(r'<div class="flash error" role="alert">(.*?)</div>')


def login_message(response) -> str:
    return LOGIN_MESSAGE.search(page(response)).group(1)


def wrong_login(app, email, ip="10.0.0.1"):
    return app.test_client().post("/login", data={"email": email, "password": "wrong password!!"},
                                  environ_base={"REMOTE_ADDR": ip})


def pause(app, user):
    for attempt in range(app.config["LOGIN_ATTEMPTS_BEFORE_LOCK"]):
        wrong_login(app, user.email, ip=f"10.0.0.{attempt}")  # from any addresses: counted per account
    db.session.expire_all()


def test_same_message_for_unknown_email_wrong_password_and_a_paused_account(app, client, world):
    unknown = login_message(client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD}))
    wrong = login_message(wrong_login(app, world.member.email))
    pause(app, world.representative)
    paused = login_message(app.test_client().post("/login", data={"email": world.representative.email,
                                                                  "password": PASSWORD}))
    assert unknown == wrong == paused


def test_login_keeps_the_typed_email_after_a_failure_and_asks_for_the_password_again(client, world):
    html = page(client.post("/login", data={"email": world.member.email, "password": "wrong password!!"}))
    assert f'value="{world.member.email}"' in html
    assert "Ierakstiet paroli vēlreiz" in html or "Type the password again" in html


def test_five_wrong_passwords_pause_the_account_and_mail_its_owner_a_way_in(app, world):
    pause(app, world.member)
    right = app.test_client().post("/login", data={"email": world.member.email, "password": PASSWORD},
                                   environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert right.status_code == 200, "a paused account does not log in with its password, even the right one"
    db.session.refresh(world.member)
    assert world.member.locked_until > utcnow() + timedelta(minutes=14)
    [mail] = [m for m in outbox() if m.recipient == world.member.email]
    link = link_in(mail.body).replace("http://localhost", "")
    assert "/login/unlock/" in link

    owner = app.test_client()
    assert owner.get(link).status_code == 200
    db.session.refresh(world.member)
    assert world.member.locked_until is not None, "opening the link (GET) spends nothing"
    assert owner.post(link).status_code == 302
    assert owner.get("/account").status_code == 200, "the link logs its owner in"
    db.session.refresh(world.member)
    assert world.member.locked_until is None
    assert app.test_client().post(link).status_code == 410, "the link works once"
    assert client_for(app, world.member).get("/account").status_code == 200, "the password works again"


def test_the_pause_ends_after_fifteen_minutes(app, client, world):
    world.member.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/login", data={"email": world.member.email, "password": PASSWORD}).status_code == 302


def test_a_room_on_one_address_never_meets_the_limits_but_a_guessing_script_does(app, world):
    """Twenty people at a seminar on one Wi-Fi, each mistyping once, then logging in: never refused. A script
    trying passwords from one address is stopped (429) after LOGIN_FAILURE_RATE_LIMIT failures."""
    from portal.accounts.services import new_account

    room = []
    for n in range(20):
        person = new_account(world.org, f"seminar{n}@example.org", name=f"Dalībnieks {n}", position="",
                             role="member", locale="lv")
        person.password_hash = world.member.password_hash
        room.append(person)
    db.session.commit()
    for person in room:
        assert wrong_login(app, person.email, ip="192.0.2.50").status_code == 200
        assert app.test_client().post("/login", data={"email": person.email, "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": "192.0.2.50"}).status_code == 302

    statuses = [wrong_login(app, f"guess{i}@example.org", ip="198.51.100.9").status_code for i in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert app.test_client().post("/login", data={"email": world.member.email, "password": PASSWORD},
                                  environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


@pytest.mark.parametrize("case", ["pending", "rejected", "removed"])
def test_after_the_right_password_the_login_says_why_it_cannot_go_on(app, client, world, case):
    person = world.applicant if case != "removed" else world.member
    if case == "rejected":
        coordinator = client_for(app, world.coordinator)
        assert coordinator.post(f"/coordination/applications/{world.applicant_org.id}/reject?lang=en",
                                data={"reason": "Nav NVO"}).status_code == 302
    if case == "removed":
        world.member.removed_at = utcnow()
        db.session.commit()
    right = login_message(client.post("/login?lang=en", data={"email": person.email, "password": PASSWORD}))
    expected = {"pending": "still waiting for the coordinators", "rejected": "was not approved: Nav NVO",
                "removed": "has been closed"}[case]
    assert expected in right
    assert client.get("/account").status_code == 302, "still not logged in"
    wrong = login_message(client.post("/login?lang=en", data={"email": person.email, "password": "wrong password!!"}))
    assert wrong == "Wrong e-mail or password.", "without the right password nothing is told"


@pytest.mark.parametrize("where", ["signing", "password_change"])
def test_wrong_passwords_after_login_count_with_the_login_failures_and_are_audited(app, world, where):
    from portal.audit.models import AuditEvent

    from .factories import make_agreement

    agreement = make_agreement(world, "approved")
    db.session.commit()
    client = client_for(app, world.representative)
    for _ in range(app.config["LOGIN_ATTEMPTS_BEFORE_LOCK"] - 1):
        if where == "signing":
            client.post(f"/agreements/{agreement.id}/sign", data={"password": "wrong password!!", "consent": "y",
                                                                  "typed_name": world.representative.name})
        else:
            client.post("/account/password", data={"current_password": "wrong password!!",
                                                   "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.password_refused")).all()
    assert len(refused) == app.config["LOGIN_ATTEMPTS_BEFORE_LOCK"] - 1
    assert {e.details for e in refused} == {f'{{"purpose": "{where}"}}'}
    wrong_login(app, world.representative.email)  # the fifth, at the login form: the same counter
    db.session.expire_all()
    assert world.representative.locked_until is not None
    # Now even the right password is refused for signing, with the reason (the person is logged in).
    response = client.post(f"/agreements/{agreement.id}/sign?lang=en",
                           data={"password": PASSWORD, "typed_name": world.representative.name, "consent": "y"})
    assert "paused" in page(response)
    db.session.expire_all()
    assert agreement.party_for(world.org.id).signature is None


def test_logout_and_refusals_are_audited(app, world):
    from portal.audit.models import AuditEvent

    member = client_for(app, world.member)
    assert member.get("/coordination/applications").status_code == 403
    other = client_for(app, world.other_member)
    assert other.get(f"/exchanges/{world.accepted_exchange.id}").status_code == 200
    assert client_for(app, world.member).get(f"/exchanges/{world.accepted_exchange.id}").status_code == 200
    outsider = client_for(app, world.coordinator)
    assert outsider.get(f"/exchanges/{world.accepted_exchange.id}").status_code == 404
    assert outsider.get("/exchanges/999999").status_code == 404  # nothing there: nothing to audit
    member.post("/logout")
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    refused = [(e.action, e.actor_id, e.object_type) for e in events if e.action.startswith("access.")]
    assert refused == [("access.refused", world.member.id, ""),
                       ("access.hidden", world.coordinator.id, "Exchange")]
    assert ("auth.logout", world.member.id) in [(e.action, e.actor_id) for e in events]


def test_login_starts_a_new_session(client, world):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, world.member.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{world.member.id}:")


@pytest.mark.parametrize("target, expected", [
    ("https://elsewhere.example/phish", "/"),
    ("//elsewhere.example/phish", "/"),
    ("/\\elsewhere.example", "/"),
    ("/orgs", "/orgs"),
])
def test_next_parameter_stays_on_the_site(client, world, target, expected):
    response = client.post("/login", query_string={"next": target},
                           data={"email": world.member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected





# ---------------------------------------------------------------- sessions end

def _stolen_cookie_client(app, client):
    """A second client carrying a copy of `client`'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_logout_makes_the_old_cookie_useless(app, client, world):
    login(client, world.member.email)
    thief = _stolen_cookie_client(app, client)
    assert thief.get("/account").status_code == 200
    client.post("/logout")
    assert thief.get("/account").status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(app, world):
    laptop = client_for(app, world.member)
    phone = client_for(app, world.member)
    response = laptop.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_password_change_needs_the_current_password(client, world):
    login(client, world.member.email)
    html = page(client.post("/account/password", data={
        "current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}))
    assert 'data-field="current_password"' in html
    db.session.refresh(world.member)
    assert verify_password(world.member.password_hash, PASSWORD)


def test_suspension_ends_sessions_and_leaves_read_only_access(app, world):
    member = client_for(app, world.member)
    coordinator = client_for(app, world.coordinator)
    coordinator.post(f"/orgs/{world.org.id}/suspend", data={"reason": "Nav iesniegts pārskats"})
    assert member.get("/account").status_code == 302, "the old cookie must stop working"
    again = client_for(app, world.member)
    assert "suspended" in page(again.get("/?lang=en"))
    representative = client_for(app, world.representative)
    refused = representative.post(f"/orgs/{world.org.id}/people/invite",
                                  data={"name": "X Y", "email": "xy@example.org", "role": "member"})
    assert refused.status_code == 403


@pytest.mark.parametrize("key, age", [("seen_at", timedelta(minutes=31)), ("started_at", timedelta(hours=13))])
def test_idle_and_absolute_session_limits(client, world, key, age):
    login(client, world.member.email)
    with client.session_transaction() as session:
        session[key] = (utcnow() - age).timestamp()
        if key == "started_at":
            session["seen_at"] = utcnow().timestamp()
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/account").status_code == 302


def test_session_cookie_flags(app, client, world):
    response = client.post("/login", data={"email": world.member.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(0)


# ---------------------------------------------------------------- one-time links

def _token_link(mail) -> str:
    return link_in(mail.body).replace("http://localhost", "")


def test_password_reset_by_mailed_link_works_once(app, client, world):
    client.post("/password/forgot", data={"email": world.member.email})
    link = _token_link(outbox()[-1])
    anonymous = app.test_client()
    assert anonymous.get(link).status_code == 200
    done = anonymous.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert app.test_client().post(link, data={"password": NEW_PASSWORD + "!", "confirm": NEW_PASSWORD + "!"}) \
        .status_code == 410
    login(app.test_client(), world.member.email, NEW_PASSWORD)


def test_expired_link_is_refused(app, client, world):
    token = services.issue_token(world.member, PASSWORD_RESET)
    found = db.session.scalar(select(OneTimeToken).where(OneTimeToken.user_id == world.member.id,
                                                         OneTimeToken.used_at.is_(None)))
    found.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    db.session.refresh(world.member)
    assert verify_password(world.member.password_hash, PASSWORD)


def test_a_newer_link_replaces_the_older(app, client, world):
    first = services.issue_token(world.member, PASSWORD_RESET)
    services.issue_token(world.member, PASSWORD_RESET)
    db.session.commit()
    assert client.get(f"/password/reset/{first}").status_code == 410


def test_invitation_link_sets_a_password_and_logs_in(app, world):
    rep = client_for(app, world.representative)
    rep.post(f"/orgs/{world.org.id}/people/invite",
             data={"name": "Anna Ērgle", "email": "anna@example.org", "role": "member"})
    link = _token_link(outbox()[-1])
    invited = app.test_client()
    weak = invited.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 200 and 'data-field="password"' in page(weak)
    done = invited.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert invited.get("/account").status_code == 200
    assert app.test_client().get(link).status_code == 410, "an invitation works once"


def test_token_is_stored_only_as_a_hash(app, world):
    token = services.issue_token(world.member, INVITATION)
    db.session.commit()
    stored = db.session.scalars(select(OneTimeToken.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64


# ---------------------------------------------------------------- profile

def test_profile_changes_name_and_language(client, world):
    login(client, world.member.email)
    response = client.post("/account", data={"name": "Jānis Ozoliņš", "position": "grāmatvedis", "locale": "en"})
    assert response.status_code == 302
    db.session.refresh(world.member)
    assert (world.member.name, world.member.locale) == ("Jānis Ozoliņš", "en")
    assert "My profile" in page(client.get("/account"))


def test_profile_ignores_fields_it_does_not_have(client, world):
    login(client, world.member.email)
    client.post("/account", data={"name": "Jānis", "position": "", "locale": "lv", "role": "representative",
                                  "is_coordinator": "y", "org_id": str(world.other_org.id)})
    db.session.refresh(world.member)
    assert (world.member.role, world.member.is_coordinator, world.member.org_id) == \
        ("member", False, world.org.id)


def test_profile_shows_errors_next_to_fields(client, world):
    login(client, world.member.email)
    html = page(client.post("/account", data={"name": "", "position": "", "locale": "lv"}))
    assert 'data-field="name"' in html
    db.session.refresh(world.member)
    assert world.member.name == "Jānis Kalniņš"


def test_user_loader_rejects_a_forged_cookie_id(app, world):
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = f"{world.coordinator.id}:guessed"
        session["_fresh"] = True
    assert forged.get("/coordination/applications").status_code == 302
    assert db.session.get(User, world.coordinator.id).session_token != "guessed"
