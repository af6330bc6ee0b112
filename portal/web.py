"""Request-wide behaviour: the request id and metrics, security headers, error pages, template helpers."""
import logging
import time

from flask import abort, current_app, render_template, request, session
from flask_babel import format_currency, format_decimal, get_locale, lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, HTTPException, NotFound as NotFoundHTTP

from . import logs, metrics, policy, transaction
from .accounts.auth import enforce_session_limits
from .api.problems import api_actor, field_errors, is_api_request, problem
from .audit.services import record
from .dates import format_day, format_moment, format_month
from .errors import NotAllowed, NotFound, RuleViolation
from .extensions import db
from .forms import forms_with_problems
from .i18n import remember_requested_language, switch_language_url
from .site_header import site_header
from .urls import absolute_url

log = logging.getLogger("portal")

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Not authenticated"), _l("Send a valid API token: Authorization: Bearer <token>.")),
    403: (_l("Not allowed"), _l("Your role does not allow this action.")),
    404: (_l("Not found"), _l("There is nothing here, or you have no access to it.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this at the same moment. Reload the page and try again.")),
    413: (_l("Too large"), _l("The upload is larger than allowed.")),
    422: (_l("Not possible"), _l("This cannot be done now. Nothing was saved.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a minute and try again.")),
    503: (_l("Busy"), _l("The portal is busy right now and nothing was saved. Try again in a moment.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. Nothing was saved. Please try again.")),
}


def register(app) -> None:
    # pyHanko logs every untrusted or broken signature it is shown with a traceback at WARNING: on the public
    # verify page that is any stranger's upload, and the page reports it anyway.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
    app.before_request(_refuse_nul_in_query)
    app.before_request(enforce_session_limits)
    app.before_request(remember_requested_language)
    app.after_request(_security_headers)
    app.context_processor(_template_helpers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RuleViolation, _refused_outside_attempt)
    app.register_error_handler(NotAllowed, _not_allowed)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    transaction.register(app, render_error)  # after the hooks above, so its commit runs before them
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["forms_with_problems"] = forms_with_problems  # also in imported macros
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["currency"] = lambda value: format_currency(value, "EUR")


def _start_request():
    """The request id (the proxy's X-Request-ID, or a new one) for the logs, the response and the jobs."""
    request_id = logs.new_request_id(request.headers.get("X-Request-ID"))
    request.environ["portal.request"] = (request_id, logs.set_request_id(request_id), time.perf_counter())


def _finish_request(response):
    started = request.environ.get("portal.request")
    if started is not None:
        request_id, _token, at = started
        response.headers["X-Request-ID"] = request_id
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        metrics.REQUESTS.labels(method=request.method, route=route, status=str(response.status_code)).inc()
        metrics.LATENCY.labels(method=request.method, route=route).observe(time.perf_counter() - at)
    return response


def _end_request(_error=None):
    started = request.environ.pop("portal.request", None)
    if started is not None:
        logs.reset_request_id(started[1])


def _refuse_nul_in_query():
    if any("\x00" in value for value in request.args.values()):
        abort(400)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if is_api_request():
        headers.setdefault("Cache-Control", "private, no-cache" if api_actor() else "no-cache")
        headers.setdefault("Vary", "Authorization")
    elif "_user_id" in session:  # Flask-Login's; current_user would load the person again after the commit
        headers["Cache-Control"] = "no-store"
    return response


def _template_helpers():
    return {
        "policy": policy,
        "network_name": current_app.config["NETWORK_NAME"],
        "get_locale": get_locale,
        "switch_language_url": switch_language_url,
        "site_header": site_header,
        "absolute_url": absolute_url,
    }


def render_error(status: int, message=None, errors=None):
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    if is_api_request():
        return problem(status, title, message or text, errors=errors), status
    try:
        return render_template("errors/error.html", status=status, title=title, text=message or text), status
    except Exception:  # the error page itself failed: answer plainly rather than with a traceback
        log.exception("error page failed to render")
        return f"{status} {title}", status


def _csrf_error(error):
    return render_error(400, _l("The form has expired or was not sent from this site. Reload the page and try again."))


def _refused_outside_attempt(error: RuleViolation):
    """A rule refused in a view that did not run it through attempt(): nothing is saved and the reason is
    shown (422), never a 500."""
    db.session.rollback()
    for write in error.standing:
        write()
    return render_error(422, error.message, errors=error.field_messages or None)


def _not_allowed(error: NotAllowed):
    """A role refused (403): answered, and audited after the refused work is undone."""
    response = _http_error(Forbidden())
    _audit_refusal("access.refused", None)
    return response


def _not_found(error: NotFound):
    """404. When the object exists but belongs to another organization, the attempt is audited."""
    response = _http_error(NotFoundHTTP())
    if error.hidden is not None:
        _audit_refusal("access.hidden", error.hidden)
    return response


def _audit_refusal(action: str, obj) -> None:
    user = current_user._get_current_object() if current_user and current_user.is_authenticated else api_actor()
    try:
        record(action, actor=user, obj=obj, outcome="refused", method=request.method, path=request.path[:300])
    except Exception:  # auditing a refusal must not turn it into a 500
        db.session.rollback()
        log.exception("could not audit a refusal on %s %s", request.method, request.path)


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    db.session.rollback()
    if is_api_request():
        title, text = ERROR_TEXTS.get(error.code, (error.name, error.description))
        detail = error.description if error.code in (409, 412) else text
        headers = {k: v for k, v in error.get_response().headers.items() if k in ("Allow", "Retry-After")}
        return problem(error.code, title, detail, errors=field_errors(error), headers=headers)
    response = error.get_response()
    body, status = render_error(error.code, error.description if error.code == 409 else None)
    response.set_data(body)
    response.status_code = status
    response.content_type = "text/html; charset=utf-8"
    return response


def _unexpected_error(error: Exception):
    db.session.rollback()
    if transaction.is_database_busy(error):
        log.warning("database busy on %s %r", request.method, request.path)
        body, status = render_error(503)
        return body, status, {"Retry-After": "2"}
    log.exception("unhandled error on %s %r", request.method, request.path)
    return render_error(500)
