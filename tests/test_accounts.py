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


def test_old_hash_parameters_are_upgraded_at_login(app, client, world):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    world.member.password_hash = weak
    db.session.commit()
    login(client, world.member.email)
    db.session.refresh(world.member)
    assert world.member.password_hash != weak
    assert "m=19456,t=2" in world.member.password_hash


# ---------------------------------------------------------------- login

def test_same_message_for_unknown_email_and_wrong_password(client, world):
    unknown = page(client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD}))
    wrong = page(client.post("/login", data={"email": world.member.email, "password": "wrong password!!"}))
    message = re.compile(r'<div class="flash error" role="alert">(.*?)</div>')
    assert message.search(unknown).group(1) == message.search(wrong).group(1)


def test_login_keeps_the_typed_email_after_a_failure(client, world):
    html = page(client.post("/login", data={"email": world.member.email, "password": "wrong password!!"}))
    assert f'value="{world.member.email}"' in html


def test_account_is_locked_after_five_failures_from_any_ip(app, world):
    for attempt in range(5):
        c = app.test_client()
        c.post("/login", data={"email": world.member.email, "password": "wrong password!!"},
               environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"})
    right = app.test_client().post("/login", data={"email": world.member.email, "password": PASSWORD},
                                   environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert right.status_code == 200, "a locked account must not log in, even with the right password"
    db.session.refresh(world.member)
    assert world.member.locked_until > utcnow() + timedelta(minutes=14)


def test_lock_expires_after_fifteen_minutes(app, client, world):
    world.member.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/login", data={"email": world.member.email, "password": PASSWORD}).status_code == 302


def test_more_than_ten_attempts_a_minute_from_one_ip_get_429(app, world):
    c = app.test_client()
    statuses = [c.post("/login", data={"email": f"x{i}@example.org", "password": "wrong password!!"}).status_code
                for i in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    other_ip = app.test_client().post("/login", data={"email": world.member.email, "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other_ip.status_code == 302


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


def test_removed_people_cannot_log_in(app, client, world):
    world.member.removed_at = utcnow()
    db.session.commit()
    assert client.post("/login", data={"email": world.member.email, "password": PASSWORD}).status_code == 200


def test_applicants_cannot_log_in_before_approval(client, world):
    assert client.post("/login", data={"email": world.applicant.email, "password": PASSWORD}).status_code == 200


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
