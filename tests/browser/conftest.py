"""Real-browser tests: the portal served on a local port, driven by Debian's Chromium.

Everything here runs against one live server per session, with the demo network
loaded; Playwright's own browser download does not work here, so Chromium is
launched from /usr/bin/chromium.
"""
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
SCREENSHOTS = PROJECT / "test-artifacts" / "screenshots"

# Every demo login uses this password (it passes the portal's password rules).
DEMO_PASSWORD = "Latgale demo seminārs 2017"
COORDINATOR_EMAIL = "maija.burima@intelekta-parks.example.org"
COORDINATOR_NAME = "Maija Burima"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------- the live server

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    app: object
    demo_password: str = DEMO_PASSWORD
    coordinator_email: str = COORDINATOR_EMAIL
    coordinator_name: str = COORDINATOR_NAME

    def outbox(self, recipient: str | None = None) -> list[SimpleNamespace]:
        """The e-mails in the outbox, newest first (plain copies, safe outside the app context)."""
        from sqlalchemy import select

        from portal.extensions import db
        from portal.mail.models import OutboxMessage

        with self.app.app_context():
            query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
            if recipient is not None:
                query = query.where(OutboxMessage.recipient == recipient.strip().lower())
            messages = [
                SimpleNamespace(id=m.id, recipient=m.recipient, subject=m.subject, body=m.body,
                                created_at=m.created_at, sent_at=m.sent_at)
                for m in db.session.scalars(query)
            ]
            db.session.rollback()
        return messages

    def latest_mail(self, recipient: str) -> SimpleNamespace:
        messages = self.outbox(recipient)
        assert messages, f"no e-mail to {recipient} in the outbox"
        return messages[0]


@pytest.fixture(scope="session")
def live_server():
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.demo import load_demo_network
    from portal.extensions import db

    with tempfile.TemporaryDirectory(prefix="portal-browser-") as tmp:
        data_dir = Path(tmp)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        app = create_app({
            "SECRET_KEY": "browser-tests",
            "PORTAL_ENV": "testing",
            "PORTAL_DATA_DIR": str(data_dir),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/portal.sqlite3",
            "BASE_URL": url,
            "SESSION_COOKIE_SECURE": False,
            "NETWORK_NAME": "Latgales biedrību tīklojums",
            "MAIL_DELIVER_AFTER_REQUEST": False,

        })
        with app.app_context():
            upgrade()
            load_demo_network(DEMO_PASSWORD)
            db.session.commit()

        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="portal-live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(url=url, app=app)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    # A browser language that is neither Latvian nor English: only the portal's own choice counts.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


# ---------------------------------------------------------------- the sweep's data and logins

@pytest.fixture(scope="session")
def sweep_ids(live_server):
    """What the page sweep and the navigation tests visit (tests/browser/sweep_data.py)."""
    from sweep_data import prepare

    return prepare(live_server.app, live_server.demo_password)


class RoleStates:
    """Each role's logged-in browser state (cookies), made by logging in through the form: once, and again
    when a journey has logged that person out since (logging out ends every session of theirs)."""

    def __init__(self, live_server, browser):
        self.live_server, self.browser = live_server, browser
        self.states: dict[str, dict] = {}

    def __getitem__(self, role: str):
        if role == "visitor":
            return None
        state = self.states.get(role)
        if state is None or not self._still_logged_in(state):
            state = self.states[role] = self._log_in(role)
        return state

    def _still_logged_in(self, state) -> bool:
        context = self.browser.new_context(storage_state=state)
        try:
            return context.request.get(f"{self.live_server.url}/account", max_redirects=0).status == 200
        finally:
            context.close()

    def _log_in(self, role: str) -> dict:
        from steps import reset_login_rate_limit
        from sweep_data import LOGINS

        reset_login_rate_limit(self.live_server.app)
        context = self.browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{self.live_server.url}/login")
            form = page.locator("main form[method=post]")
            form.locator("[name=email]").fill(LOGINS[role])
            form.locator("[name=password]").fill(self.live_server.demo_password)
            form.locator("button[type=submit]").click()
            page.wait_for_url(f"{self.live_server.url}/")
            return context.storage_state()
        finally:
            context.close()
            reset_login_rate_limit(self.live_server.app)


@pytest.fixture(scope="session")
def role_states(live_server, browser, sweep_ids) -> RoleStates:
    return RoleStates(live_server, browser)


# ---------------------------------------------------------------- screenshots

def shot(page, name: str) -> Path:
    """A full-page PNG in test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(name="shot")
def shot_fixture():
    return shot
