"""/api/v1/'s endpoints (JSON, documented by flask-smorest from portal.api.schemas); views.py registers them.

Views are thin: each asks the domain's services and portal.policy with the token's person as the actor,
exactly as the pages do; refusals become problem+json through the portal's error handlers."""
from decimal import Decimal

from flask import abort
from flask_smorest import Blueprint as ApiBlueprint

from .. import policy
from ..agreements import services as agreements
from ..exchanges import confirmations, services as exchanges
from ..dates import local_today
from ..errors import RuleViolation
from ..orgs import services as orgs
from ..resources import search as catalogue_search, services as catalogue
from ..resources.models import Need as NeedModel, Resource as ResourceModel
from . import entries, http, schemas

catalogue_api = ApiBlueprint("api_catalogue", __name__, url_prefix="/api/v1",
                             description="The network's catalogue: public entries for anyone, the network's "
                                         "with a token.")
member_api = ApiBlueprint("api_member", __name__, url_prefix="/api/v1",
                          description="With a token: the person, their organization's exchanges, messages and "
                                      "agreements.")
API_BLUEPRINTS = (catalogue_api, member_api)
TOKEN = [{"token": []}]
ANYONE = [{}, {"token": []}]


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

