"""Language choice: ?lang= (remembered in the session), then the user's profile, then Latvian."""
from flask import current_app, g, has_request_context, request, session
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
        session["lang"] = requested
        return requested
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def local_today():
    """Today's date where the network is (Europe/Riga by default), not the server's UTC date."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flask import current_app

    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
