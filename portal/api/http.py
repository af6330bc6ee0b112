"""The API's side of a request: who the token says acts, what it may do, paging cursors.

Session cookies never count on /api/ (the person is anonymous there unless a token says otherwise), so a
page on another site cannot make a logged-in browser act through the API: no CSRF hole. Tokens count only
here: the pages know nothing of the Authorization header.
"""
import base64
import binascii
import json
import time

from flask import abort, current_app, g, request
from flask_babel import gettext as _

from .. import policy
from ..accounts.session_cookie import KeptCookieSessions
from . import services
from .problems import PREFIX, is_api_request, problem


class NoSessionOnTheApi(KeptCookieSessions):
    """The portal's cookie sessions (accounts.session_cookie), except on /api/: there the cookie is neither read
    nor set."""

    def open_session(self, app, request_):
        if request_.path.startswith(PREFIX):
            return self.null_session_class()
        return super().open_session(app, request_)

    def save_session(self, app, session, response):
        if request.path.startswith(PREFIX):
            return None
        return super().save_session(app, session, response)


def authenticate_request():
    """before_request, for /api/ only: the token of `Authorization: Bearer …`, or nobody."""
    if not is_api_request():
        return None
    g._login_user = current_app.login_manager.anonymous_user()  # Flask-Login: no session user here
    g.api_token = None
    header = request.headers.get("Authorization", "")
    if not header:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            abort(401)  # every action needs a token, before its input is even read
        return None
    scheme, _space, raw = header.partition(" ")
    token = services.authenticate(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        abort(401)
    g.api_token = token
    return None


def viewer():
    """Who reads: the token's person, or an anonymous visitor (who sees the public catalogue)."""
    token = g.get("api_token")
    return token.user if token is not None else g._login_user


def token_user():
    """The token's person; 401 without a token."""
    token = g.get("api_token")
    if token is None:
        abort(401)
    return token.user


def writing_user():
    """The token's person, for an action: 401 without a token, 403 for a read-only one."""
    user = token_user()
    if not policy.token_may_write(g.api_token):
        abort(problem(403, _("Not allowed"), _("This token may only read. Make a read-write token on your "
                                               "account page to change anything.")))
    return user


def encode_cursor(page: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"page": page}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The page a cursor points to; 422 for one this API did not make."""
    if not cursor:
        return 1
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        page = data["page"]
        if isinstance(page, int) and 1 <= page <= 10_000:
            return page
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    abort(problem(422, _("Not possible"), _("This cursor is not one this API gave; start from the first page."),
                  errors={"cursor": [_("Not a valid cursor.")]}))


def current_token():
    return g.get("api_token")


# ---------------------------------------------------------------- rate limits, per token

def rate_limit():
    """A token's own limit; requests without one share their address's."""
    config = current_app.config
    return config["API_RATE_LIMIT"] if g.get("api_token") is not None else config["API_ANONYMOUS_RATE_LIMIT"]


def rate_limit_key() -> str:
    token = g.get("api_token")
    return f"api-token:{token.id}" if token is not None else f"api-address:{request.remote_addr or ''}"


def rate_limit_headers(response):
    """RateLimit-Limit, -Remaining, -Reset (seconds) and RateLimit-Policy, as the IETF draft names them."""
    if not is_api_request():
        return response
    from ..extensions import limiter

    try:
        current = limiter.current_limit
    except Exception:  # the store did not answer: the limiter counts in memory meanwhile; no headers then
        current = None
    if current is not None:
        item = current.limit
        response.headers["RateLimit-Limit"] = str(item.amount)
        response.headers["RateLimit-Remaining"] = str(max(0, current.remaining))
        response.headers["RateLimit-Reset"] = str(max(0, int(current.reset_at - time.time())))
        response.headers["RateLimit-Policy"] = f"{item.amount};w={item.get_expiry()}"
    return response
