"""The page header, and a logged-in person's kept rendered in the process.

A logged-in person's header shows their name, their organization's link, the coordination link if they are a
coordinator, the bell's unread count, which section the page is in, the language and the logout form's CSRF
token: about 0.7 ms of a page's 2–3 ms to render. It is rendered once for each combination of all of these
(`Shown`, which is also all the template is given) and kept; only the language switch's address, which repeats
the page's own query, is put in on each page. A header is found only under everything it shows, so no person
ever sees another's name, count or token, and a changed name, role, count or session makes a new one. The
person and the count are those loaded for this request (portal.accounts.auth), so a kept header is never
older than the page. The CSRF token is kept signed: the portal's tokens have no time limit
(WTF_CSRF_TIME_LIMIT), so a signed token is good for as long as its session is; with a time limit set, no
header is kept. A visitor's header is kept the same way (it shows no one).
"""
from threading import Lock
from typing import NamedTuple

from cachetools import LRUCache
from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from . import policy
from .i18n import switch_language_url
from .notifications.services import unread_count

TEMPLATE = "_site_header.html"
KEPT_BYTES = 4 * 1024 * 1024  # per worker: some 1,000 headers of 4 KB
# Stands for the language switch's address in a kept header. A shown value cannot contain it: it is escaped.
LANGUAGE_SWITCH = "<language-switch>"

_headers: LRUCache = LRUCache(maxsize=KEPT_BYTES, getsizeof=len)
_lock = Lock()


class Shown(NamedTuple):
    """Everything a header shows; the key it is kept under."""

    network_name: str
    script_root: str  # the prefix of every address in it
    locale: str
    other_language: str
    section: str | None
    person_id: int | None
    name: str | None
    org_id: int | None
    coordinator: bool
    unread: int
    csrf_session_token: str | None  # the session's raw token, which the form's signed token carries


def section_of(path: str, own_org: str | None) -> str | None:
    """Which link of the header is the current page's (aria-current)."""
    if own_org and (path == own_org or path.startswith(own_org + "/")):
        return "own_org"
    if path.startswith("/coordination") or path == "/agreements/queue":
        return "coordination"
    for prefix, section in (("/notifications", "notifications"), ("/resources", "resources"), ("/needs", "needs"),
                            ("/orgs", "members"), ("/exchanges", "exchanges"), ("/calendar", "exchanges"),
                            ("/ledger", "exchanges"), ("/agreements", "agreements"), ("/account", "account")):
        if path.startswith(prefix):
            return section
    return None


def site_header() -> Markup:
    """base.html's header for this request."""
    person = current_user._get_current_object() if current_user.is_authenticated else None
    other_language = "en" if get_locale().language == "lv" else "lv"
    config = current_app.config
    shown = Shown(
        network_name=config["NETWORK_NAME"], script_root=request.script_root, locale=str(get_locale()),
        other_language=other_language,
        section=section_of(request.path, f"/orgs/{person.org_id}" if person is not None else None),
        person_id=person.id if person is not None else None, name=person.name if person is not None else None,
        org_id=person.org_id if person is not None else None, coordinator=policy.is_coordinator(person),
        unread=unread_count(person) if person is not None else 0,
        csrf_session_token=_csrf_session_token() if person is not None else None,
    )
    language_switch = switch_language_url(other_language)
    if person is not None and config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return Markup(_render(shown, language_switch))
    with _lock:
        html = _headers.get(shown)
    if html is None:
        html = _render(shown, Markup(LANGUAGE_SWITCH))
        with _lock:
            _headers[shown] = html
    return Markup(html.replace(LANGUAGE_SWITCH, str(escape(language_switch)), 1))


def _render(shown: Shown, language_switch: str) -> str:
    """The template with nothing but `shown` (not render_template, whose context processors add more)."""
    return current_app.jinja_env.get_template(TEMPLATE).render(lang_href=language_switch, **shown._asdict())


def _csrf_session_token() -> str:
    """The session's raw CSRF token, made now if the session has none yet (as the form's csrf_token() would)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field not in session:
        generate_csrf()
    return session[field]


def forget_all() -> None:
    """For tests."""
    with _lock:
        _headers.clear()
