"""/api/v1/ on the portal's app: the endpoints' blueprints (endpoints.py) with their OpenAPI document, the
interactive documentation, and the pages of the account's tokens and the organization's webhooks."""
from pathlib import Path
from http import HTTPStatus

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from .. import policy
from ..errors import require
from ..extensions import csrf, limiter
from ..forms import EmptyForm
from ..orgs import services as orgs
from ..transaction import attempt
from . import http, schemas, services, webhooks
from .endpoints import API_BLUEPRINTS
from .forms import TokenForm, WebhookForm
from .problems import MEDIA_TYPE
from .webhook_docs import webhooks_section

bp = Blueprint("api", __name__)  # the pages: tokens on the account page, the interactive documentation


class PortalApi(Api):
    """flask-smorest's Api, with errors documented as problem+json (RFC 9457)."""

    ERROR_SCHEMA = schemas.Problem
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_responses(self):
        """flask-smorest's responses for each status, the errors in problem+json."""
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE if status >= 400 else self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_error_handlers(self):
        """portal.web answers every error (as problem+json on /api/)."""


def register(app) -> None:
    """The API's blueprints on `app`, with their OpenAPI document at /api/v1/openapi.json."""
    app.config.update(
        API_TITLE=app.config.get("NETWORK_NAME", "Portal") + " API", API_VERSION="1",
        OPENAPI_VERSION="3.1.0", OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Personal tokens (`Authorization: Bearer lbt_…`) are made on the account "
                                    "page. Errors are application/problem+json in the token owner's language."},
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "webhooks": webhooks_section(),
        },
    )
    # First of all: the rate limits count per token, and the session's own checks (portal.web) see nobody.
    app.before_request_funcs.setdefault(None, []).insert(0, http.authenticate_request)
    app.after_request(http.rate_limit_headers)
    app.session_interface = http.NoSessionOnTheApi()
    api = PortalApi(app)
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)  # session cookies never count on /api/: nothing to forge
        limiter.limit(http.rate_limit, key_func=http.rate_limit_key)(blueprint)
        api.register_blueprint(blueprint)
    csrf.exempt("flask_smorest.spec")
    app.extensions["portal.api"] = api


# ---------------------------------------------------------------- the pages

@bp.get("/api/v1/docs")
def docs():
    """Interactive documentation (Swagger UI), served by the portal itself."""
    return render_template("api/docs.html")


SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}


@bp.get("/api/v1/docs/<any(" + ", ".join(sorted(f'"{f}"' for f in SWAGGER_FILES)) + "):filename>")
def docs_asset(filename):
    import swagger_ui

    return send_from_directory(Path(swagger_ui.__file__).parent / "static", filename, max_age=24 * 3600)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The person's API tokens; a new one is shown once, right after it is made."""
    form = TokenForm()
    made = None
    if form.validate_on_submit():
        created = attempt(lambda: services.create_token(
            current_user, name=form.name.data, scope=form.scope.data,
            expires_in_days=int(form.expires_in_days.data)), form=form, field="name")
        if created:
            made = created.value
            form = TokenForm(formdata=None)
    return render_template("api/tokens.html", form=form, made=made, tokens=services.tokens_of(current_user),
                           can_create=policy.can_manage_api_tokens(current_user),
                           docs_url=url_for("api.docs"), base_url=current_app.config["BASE_URL"])


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    if EmptyForm().validate_on_submit():
        attempt(lambda: services.revoke_token(current_user, token_id),
                success=_("The token is revoked: programs using it are refused from now on."))
    return redirect(url_for("api.tokens"))


# ---------------------------------------------------------------- the organization's webhooks

def _webhooks_page(org, form, made=None):
    hooks = webhooks.webhooks_of(org)
    return render_template("api/webhooks.html", org=org, form=form, made=made, hooks=hooks,
                           log={hook.id: webhooks.recent_deliveries(hook) for hook in hooks},
                           event_labels=dict(webhooks.EVENTS))


def _managed_org(org_id):
    org = orgs.get_visible_org(current_user, org_id, policy.can_see_people)
    require(policy.can_manage_webhooks(current_user, org))
    return org


@bp.route("/orgs/<int:org_id>/webhooks", methods=["GET", "POST"])
@login_required
def org_webhooks(org_id):
    """Register a webhook (its secret shown once), see each one's recent deliveries."""
    org = _managed_org(org_id)
    form = WebhookForm()
    made = None
    if form.validate_on_submit():
        registered = attempt(lambda: webhooks.register_webhook(current_user, org, url=form.url.data,
                                                               events=form.events.data), form=form, field="url")
        if registered:
            made, form = registered.value, WebhookForm(formdata=None)
    return _webhooks_page(org, form, made)


@bp.post("/orgs/<int:org_id>/webhooks/<int:webhook_id>/test")
@login_required
def test_webhook(org_id, webhook_id):
    org = _managed_org(org_id)
    if EmptyForm().validate_on_submit():
        attempt(lambda: webhooks.send_test_event(current_user, org, webhook_id),
                success=_("A test event is on its way; its delivery appears in the log below."))
    return redirect(url_for("api.org_webhooks", org_id=org.id))


@bp.post("/orgs/<int:org_id>/webhooks/<int:webhook_id>/remove")
@login_required
def remove_webhook(org_id, webhook_id):
    org = _managed_org(org_id)
    if EmptyForm().validate_on_submit():
        attempt(lambda: webhooks.remove_webhook(current_user, org, webhook_id),
                success=_("The webhook is removed: nothing more is sent to it."))
    return redirect(url_for("api.org_webhooks", org_id=org.id))
