"""Language choice: ?lang= (the header switch), then the choice made in this session, then a logged-in
person's profile, then Latvian. The switch is remembered: in the session, and for a logged-in person in their profile
(`User.locale`), which their mails and notifications follow."""
from urllib.parse import urlencode

from flask import current_app, g, has_request_context, request, session
from flask.sessions import NullSession
from flask_login import current_user

API_PREFIX = "/api/"  # portal.api.problems.PREFIX (the API builds on this module, not the other way)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, mail sender: callers pick the language with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith(API_PREFIX):  # the token owner's language; ?lang= for one answer; no session
        token = g.get("api_token")
        owner = token.user if token is not None else None
        if request.args.get("lang") in languages:
            return request.args["lang"]
        return owner.locale if owner is not None and owner.locale in languages else \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    requested = request.args.get("lang")
    if requested in languages:
        return requested
    if session.get("lang") in languages:  # the switch in this session; for a logged-in person also their profile's
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_requested_language() -> None:
    """before_request: `?lang=` is kept in the session and, when a logged-in person follows the switch (a
    GET), saved to their profile. A POST's ?lang= only sets the language of its answer."""
    requested = request.args.get("lang")
    if requested not in current_app.config["LANGUAGES"] or isinstance(session, NullSession):
        return  # the API has no session: its ?lang= sets the language of that answer only
    session["lang"] = requested
    if request.method == "GET" and current_user and current_user.is_authenticated:
        from .accounts.services import choose_language

        choose_language(current_user, requested)


def switch_language_url(language: str) -> str:
    """This page in `language`: the same path and query, with lang= last (`/resources?q=projektors&lang=en`)."""
    query = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return f"{request.path}?{urlencode([*query, ('lang', language)])}"


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
