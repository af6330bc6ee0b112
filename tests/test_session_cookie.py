"""The session cookie's signature is checked once per worker for each cookie value (portal/accounts/session_cookie.py):
what is kept must never let through what Flask's own check would refuse, nor share a session between requests."""
import time as real_time
from types import SimpleNamespace

import itsdangerous.timed
import pytest

from portal.accounts import session_cookie

from .helpers import client_for

URL = "/resources"


def signed_in(client) -> bool:
    return 'action="/logout"' in client.get(URL).get_data(as_text=True)


@pytest.fixture
def interface(app):
    app.session_interface.forget_all()
    return app.session_interface


@pytest.fixture
def checks(interface, monkeypatch):
    """How many times a cookie's signature was checked."""
    counted = []
    original = interface.get_signing_serializer

    def counting(app):
        serializer = original(app)
        loads = serializer.loads
        serializer.loads = lambda *args, **kwargs: counted.append(1) or loads(*args, **kwargs)
        return serializer

    monkeypatch.setattr(interface, "get_signing_serializer", counting)
    return counted


def open_with(app, cookie: str):
    """The session a request with this cookie gets."""
    with app.test_request_context(URL, headers={"Cookie": f"session={cookie}"}) as context:
        return context.session


def test_a_cookie_is_checked_once_then_taken_as_kept(app, world, interface, checks):
    member = client_for(app, world.member)
    assert signed_in(member)  # the first page puts the form's CSRF token in the session: a new cookie
    assert signed_in(member)
    checks.clear()
    for _ in range(3):
        assert signed_in(member)
    assert checks == []


def test_each_request_gets_its_own_copy_of_a_kept_session(app, world, interface, checks):
    member = client_for(app, world.member)
    assert signed_in(member) and signed_in(member)
    cookie = member.get_cookie("session").value
    open_with(app, cookie)  # checked and kept
    checks.clear()
    first, second = open_with(app, cookie), open_with(app, cookie)  # both taken as kept
    assert checks == []
    first["lang"] = "en"
    first.pop("_user_id", None)
    assert second.get("lang") != "en" and second.get("_user_id")
    assert open_with(app, cookie).get("_user_id")


def test_a_kept_cookie_is_refused_once_its_lifetime_is_over(app, world, interface, monkeypatch):
    member = client_for(app, world.member)
    assert signed_in(member) and signed_in(member)  # checked, then kept
    later = real_time.time() + app.permanent_session_lifetime.total_seconds() + 60
    clock = SimpleNamespace(time=lambda: later)
    monkeypatch.setattr(session_cookie, "time", clock)
    monkeypatch.setattr(itsdangerous.timed, "time", clock)
    assert not signed_in(member)


def test_a_tampered_cookie_is_refused_after_the_real_one_was_kept(app, world, interface):
    member = client_for(app, world.member)
    assert signed_in(member) and signed_in(member)  # the cookie now sent was checked and kept
    cookie = member.get_cookie("session").value
    payload, signature = cookie.rsplit(".", 1)
    middle = len(signature) // 2
    for forged in (payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature,
                   payload + "." + signature[:middle] + ("A" if signature[middle] != "A" else "B")
                   + signature[middle + 1:]):
        replay = app.test_client()
        replay.set_cookie("session", forged)
        assert not signed_in(replay)
    assert signed_in(member)


def test_a_session_of_flashed_messages_is_checked_every_time_and_never_shared(app, interface, checks):
    with app.test_request_context(URL):
        from flask import session

        session["_flashes"] = [("info", "Saglabāts.")]
        serializer = interface.get_signing_serializer(app)
        cookie = serializer.dumps(dict(session))
    checks.clear()
    first = open_with(app, cookie)
    first["_flashes"].append(("info", "Vēl viens."))
    second = open_with(app, cookie)
    assert second["_flashes"] == [("info", "Saglabāts.")]
    assert len(checks) == 2
