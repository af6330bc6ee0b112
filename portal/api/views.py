"""/api/v1/ (JSON, documented by flask-smorest from portal.api.schemas) and the account page's tokens.

Views are thin: each asks the domain's services and portal.policy with the token's person as the actor,
exactly as the pages do; refusals become problem+json through the portal's error handlers."""
from decimal import Decimal
from pathlib import Path
from http import HTTPStatus

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_smorest import Api, Blueprint as ApiBlueprint
from flask_smorest.utils import prepare_response

from .. import policy
from ..agreements import services as agreements
from ..exchanges import confirmations, services as exchanges
from ..dates import local_today
from ..errors import RuleViolation, require
from ..extensions import csrf, limiter
from ..forms import EmptyForm
from ..orgs import services as orgs
from ..resources import search as catalogue_search, services as catalogue
from ..resources.models import Need as NeedModel, Resource as ResourceModel
from ..transaction import attempt
from . import entries, http, schemas, services, webhooks
from .forms import TokenForm, WebhookForm
from .problems import MEDIA_TYPE
from .webhook_docs import webhooks_section

bp = Blueprint("api", __name__)  # the pages: tokens on the account page, the interactive documentation

catalogue_api = ApiBlueprint("api_catalogue", __name__, url_prefix="/api/v1",
                             description="The network's catalogue: public entries for anyone, the network's "
                                         "with a token.")
member_api = ApiBlueprint("api_member", __name__, url_prefix="/api/v1",
                          description="With a token: the person, their organization's exchanges, messages and "
                                      "agreements.")
API_BLUEPRINTS = (catalogue_api, member_api)
TOKEN = [{"token": []}]
ANYONE = [{}, {"token": []}]


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


# ---------------------------------------------------------------- the catalogue

def _search(model, args) -> dict:
    page = http.decode_cursor(args.get("cursor"))
    query = catalogue_search.CatalogueQuery(
        q=args.get("q", ""), org=str(args.get("org", "")), page=page, per_page=args["limit"],
        sort=args["sort"], **{name: args.get(name, "") for name in
                              ("kind", "category", "municipality", "terms", "language")})
    results = catalogue_search.search(model, query, public_only=not policy.is_network_member(http.viewer()))
    return {"items": results.items, "total": results.total, "more": results.more,
            "next_cursor": http.encode_cursor(page + 1) if results.has_next else None}


@catalogue_api.get("/resources")
@catalogue_api.etag
@catalogue_api.arguments(schemas.CatalogueArgs, location="query", as_kwargs=False)
@catalogue_api.response(200, schemas.ResourcePage)
@catalogue_api.doc(security=ANYONE)
def resources(args):
    """Offers: public ones for anyone, the network's with a token."""
    return _search(ResourceModel, args)


@catalogue_api.get("/resources/<int(max=2147483647):entry_id>")
@catalogue_api.etag
@catalogue_api.response(200, schemas.Resource)
@catalogue_api.doc(security=ANYONE)
def resource(entry_id):
    """One offer, if the reader may see it (404 otherwise)."""
    return catalogue.get_visible_entry(http.viewer(), ResourceModel, entry_id)


@catalogue_api.get("/needs")
@catalogue_api.etag
@catalogue_api.arguments(schemas.CatalogueArgs, location="query", as_kwargs=False)
@catalogue_api.response(200, schemas.NeedPage)
@catalogue_api.doc(security=ANYONE)
def needs(args):
    """Needs ("we are looking for…"), searched like the offers."""
    return _search(NeedModel, args)


@catalogue_api.get("/needs/<int(max=2147483647):entry_id>")
@catalogue_api.etag
@catalogue_api.response(200, schemas.Need)
@catalogue_api.doc(security=ANYONE)
def need(entry_id):
    return catalogue.get_visible_entry(http.viewer(), NeedModel, entry_id)


@catalogue_api.get("/organizations")
@catalogue_api.etag
@catalogue_api.response(200, schemas.OrganizationList)
@catalogue_api.doc(security=ANYONE)
def organizations():
    """The member organizations, in Latvian alphabetical order."""
    return {"items": orgs.member_organizations()}


@catalogue_api.get("/organizations/<int(max=2147483647):org_id>")
@catalogue_api.etag
@catalogue_api.response(200, schemas.Organization)
@catalogue_api.doc(security=ANYONE)
def organization(org_id):
    org = orgs.get_visible_org(http.viewer(), org_id)
    if not org.is_public:  # the public profile only; an applicant's details are the coordinators' business
        abort(404)
    return org


# ---------------------------------------------------------------- with a token

@member_api.get("/me")
@member_api.response(200, schemas.Me)
@member_api.doc(security=TOKEN)
def me():
    """The token's person and the token itself."""
    user = http.token_user()
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role,
            "is_coordinator": user.is_coordinator, "locale": user.locale, "org": user.org,
            "token": http.current_token()}


@member_api.get("/exchanges")
@member_api.etag
@member_api.arguments(schemas.ExchangeListArgs, location="query", as_kwargs=False)
@member_api.response(200, schemas.ExchangeList)
@member_api.doc(security=TOKEN)
def exchange_list(args):
    """The organization's exchanges, newest first."""
    user = http.token_user()
    directions = ("incoming", "outgoing") if args["direction"] == "all" else (args["direction"],)
    items = [e for direction in directions for e in exchanges.for_org(user.org_id, direction)]
    return {"items": sorted(items, key=lambda e: e.id, reverse=True)}


@member_api.get("/exchanges/<int(max=2147483647):exchange_id>")
@member_api.etag
@member_api.response(200, schemas.Exchange)
@member_api.doc(security=TOKEN)
def exchange(exchange_id):
    return exchanges.get_visible_exchange(http.token_user(), exchange_id)


@member_api.get("/exchanges/<int(max=2147483647):exchange_id>/messages")
@member_api.etag
@member_api.response(200, schemas.MessageList)
@member_api.doc(security=TOKEN)
def exchange_messages(exchange_id):
    """The thread between the two organizations."""
    return {"items": exchanges.get_visible_exchange(http.token_user(), exchange_id).messages}


@member_api.get("/agreements")
@member_api.etag
@member_api.response(200, schemas.AgreementList)
@member_api.doc(security=TOKEN)
def agreement_list():
    """The agreements the organization is a party to."""
    return {"items": agreements.for_org(http.token_user().org_id)}


@member_api.get("/agreements/<int(max=2147483647):agreement_id>")
@member_api.etag
@member_api.response(200, schemas.Agreement)
@member_api.doc(security=TOKEN)
def agreement(agreement_id):
    return agreements.get_visible_agreement(http.token_user(), agreement_id)


# ---------------------------------------------------------------- actions (read-write tokens)

@catalogue_api.post("/resources")
@catalogue_api.arguments(schemas.NewResource)
@catalogue_api.response(201, schemas.Resource)
@catalogue_api.doc(security=TOKEN)
def publish_resource(data):
    """Publish an offer of the token owner's organization, as the "new resource" page does."""
    return entries.publish_entry(http.writing_user(), ResourceModel, data)


@catalogue_api.post("/needs")
@catalogue_api.arguments(schemas.NewNeed)
@catalogue_api.response(201, schemas.Need)
@catalogue_api.doc(security=TOKEN)
def publish_need(data):
    """Post a need of the token owner's organization, as the "new need" page does."""
    return entries.publish_entry(http.writing_user(), NeedModel, data)


@catalogue_api.post("/resources/<int(max=2147483647):entry_id>/exchanges")
@catalogue_api.arguments(schemas.ExchangeRequest)
@catalogue_api.response(201, schemas.Exchange)
@catalogue_api.doc(security=TOKEN)
def request_exchange(data, entry_id):
    """Request another organization's resource for a period (as the resource page's form does)."""
    user = http.writing_user()
    resource = catalogue.get_visible_entry(user, ResourceModel, entry_id)
    hours = data["hours"]
    return exchanges.request_exchange(
        user, resource, starts_on=data["starts_on"], ends_on=data["ends_on"], quantity=data["quantity"],
        hours=None if hours is None else Decimal(str(hours)).quantize(Decimal("0.1")),
        purpose=data["purpose"], message=data["message"], today=local_today())


@catalogue_api.post("/resources/<int(max=2147483647):entry_id>/state")
@catalogue_api.arguments(schemas.StateChange)
@catalogue_api.response(200, schemas.Resource)
@catalogue_api.doc(security=TOKEN)
def resource_state(data, entry_id):
    """Publish again (active), pause or archive one of the organization's resources."""
    resource = catalogue.get_own_entry(http.writing_user(), ResourceModel, entry_id)
    catalogue.change_state(http.writing_user(), resource, data["state"])
    return resource


@member_api.post("/exchanges/<int(max=2147483647):exchange_id>/answer")
@member_api.arguments(schemas.Answer)
@member_api.response(200, schemas.Exchange)
@member_api.doc(security=TOKEN)
def answer(data, exchange_id):
    """The owner's answer to a request: accept, or decline with a reason."""
    user = http.writing_user()
    exchange = exchanges.get_visible_exchange(user, exchange_id)
    if data["decision"] == "accept":
        exchanges.accept(user, exchange, today=local_today())
    else:
        exchanges.decline(user, exchange, data["reason"])
    return exchange


@member_api.post("/exchanges/<int(max=2147483647):exchange_id>/feedback")
@member_api.arguments(schemas.NewFeedback)
@member_api.response(200, schemas.Exchange)
@member_api.doc(security=TOKEN)
def give_feedback(data, exchange_id):
    """The token owner's side confirms what happened in a completed exchange (or changes its confirmation), as the
    exchange page's form does: the other side is told, and the figures that count are settled."""
    user = http.writing_user()
    exchange = exchanges.get_visible_exchange(user, exchange_id)
    def decimal(name, places):
        return None if data[name] is None else Decimal(str(data[name])).quantize(Decimal(places))
    figures = confirmations.Figures(data["outcome"], data["quantity"], decimal("hours", "0.1"),
                                    decimal("value_units", "0.01"), decimal("value_eur", "0.01"), data["comment"])
    try:
        confirmations.give_feedback(user, exchange, figures, today=local_today())
    except RuleViolation as refused:  # the page's field is "feedback"; the API's is "comment"
        refused.field_messages = {"comment" if name == "feedback" else name: message
                                  for name, message in refused.field_messages.items()}
        raise
    return exchange


@member_api.post("/exchanges/<int(max=2147483647):exchange_id>/messages")
@member_api.arguments(schemas.NewMessage)
@member_api.response(201, schemas.Message)
@member_api.doc(security=TOKEN)
def post_message(data, exchange_id):
    """A message in the thread between the two organizations (they are told as with the page's)."""
    user = http.writing_user()
    return exchanges.post_message(user, exchanges.get_visible_exchange(user, exchange_id), data["body"])


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
