"""What /api/v1/ reads and writes, as marshmallow schemas: the OpenAPI document is generated from them."""
from marshmallow import Schema, fields, pre_dump, validate

from ..orgs.choices import MUNICIPALITIES
from ..resources import choices
from .models import SCOPES

CODES = lambda pairs: [code for code, _label in pairs]  # noqa: E731


class OrgRef(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


class Organization(OrgRef):
    legal_form = fields.Str(required=True)
    registration_number = fields.Str(required=True)
    municipality = fields.Str(required=True)
    website = fields.Str(required=True)
    email = fields.Str(required=True)
    phone = fields.Str(required=True)
    description = fields.Str(required=True)
    state = fields.Str(required=True, metadata={"enum": ["active", "suspended"]})


class Entry(Schema):
    """An offer (resource) or a need."""

    id = fields.Int(required=True)
    kind = fields.Str(required=True, metadata={"enum": CODES(choices.KINDS)})
    category = fields.Str(required=True, metadata={"enum": CODES(choices.CATEGORIES)})
    title = fields.Str(required=True)
    description = fields.Str(required=True)
    municipality = fields.Str(required=True)
    location = fields.Str(required=True)
    quantity = fields.Int(required=True)
    unit = fields.Str(required=True)
    languages = fields.List(fields.Str(), required=True, attribute="language_codes")
    terms = fields.Str(required=True)
    availability = fields.Str(required=True)
    visibility = fields.Str(required=True, metadata={"enum": ["network", "public"]})
    format = fields.Str(required=True)
    audience = fields.Str(required=True)
    handover = fields.Str(required=True)
    state = fields.Str(required=True, metadata={"enum": ["active", "paused", "archived"]})
    organization = fields.Nested(OrgRef, required=True, attribute="org")
    created_at = fields.DateTime(required=True)


class Resource(Entry):
    value_eur = fields.Float(required=True, allow_none=True)
    value_unit = fields.Str(required=True)
    licence = fields.Str(required=True)


class Need(Entry):
    needed_by = fields.Date(required=True, allow_none=True, metadata={"description": "the last day it is of use"})


class Page(Schema):
    total = fields.Int(required=True, metadata={"description": "matches (at most 1,000 are counted)"})
    more = fields.Bool(required=True, metadata={"description": "there are more matches than `total`"})
    next_cursor = fields.Str(required=True, allow_none=True,
                             metadata={"description": "pass as `cursor` for the next page; null on the last"})


class ResourcePage(Page):
    items = fields.List(fields.Nested(Resource), required=True)


class NeedPage(Page):
    items = fields.List(fields.Nested(Need), required=True)


def _choice(pairs, **kwargs):
    return fields.Str(validate=validate.OneOf(CODES(pairs)), **kwargs)


class CatalogueArgs(Schema):
    """The same words and filters as the catalogue pages."""

    q = fields.Str(validate=validate.Length(max=200), metadata={"description": "words; case and diacritics "
                                                                "do not matter, word beginnings count"})
    kind = _choice(choices.KINDS)
    category = _choice(choices.CATEGORIES)
    municipality = _choice(MUNICIPALITIES)
    org = fields.Int(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "organization id"})
    terms = _choice(choices.TERMS)
    language = _choice(choices.LANGUAGES)
    sort = _choice(choices.SORTS, load_default="relevance")
    cursor = fields.Str(validate=validate.Length(max=200))
    limit = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))


class OrganizationList(Schema):
    items = fields.List(fields.Nested(Organization), required=True)


class TokenInfo(Schema):
    name = fields.Str(required=True)
    scope = fields.Str(required=True, metadata={"enum": list(SCOPES)})
    expires_at = fields.DateTime(required=True)


class Me(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    email = fields.Str(required=True)
    role = fields.Str(required=True, metadata={"enum": ["member", "representative"]})
    is_coordinator = fields.Bool(required=True)
    locale = fields.Str(required=True)
    organization = fields.Nested(OrgRef, required=True, attribute="org")
    token = fields.Nested(TokenInfo, required=True)


class ResourceRef(Schema):
    id = fields.Int(required=True)
    title = fields.Str(required=True)


class PersonRef(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


EXCHANGE_STATES = ["requested", "accepted", "declined", "withdrawn", "completed", "cancelled"]
OUTCOMES = ["as_agreed", "not_as_agreed", "no_show"]
FEEDBACK_STATES = ["", "one_side", "agreed", "disputed", "resolved"]


class Figures(Schema):
    quantity = fields.Int(required=True, allow_none=True, metadata={"description": "the quantity used"})
    hours = fields.Float(required=True, allow_none=True)
    value_units = fields.Float(required=True, allow_none=True,
                               metadata={"description": "hours, days or units at the resource's rate"})
    value_eur = fields.Float(required=True, allow_none=True, metadata={"description": "in-kind value, EUR"})


class Confirmation(Figures):
    """One side's account of what happened (its comment is for the other side: only the two sides read it)."""

    organization = fields.Nested(OrgRef, required=True, attribute="org")
    outcome = fields.Str(required=True, metadata={"enum": OUTCOMES})
    comment = fields.Str(required=True)
    given_by = fields.Nested(PersonRef, required=True)
    updated_at = fields.DateTime(required=True)


class Resolution(Figures):
    """A network coordinator's settlement of a dispute: the figures that count since, and how it was settled."""

    outcome = fields.Str(required=True, metadata={"enum": ["as_agreed", "no_show"],
                                                  "description": "as_agreed: it took place; no_show: it did not"})
    note = fields.Str(required=True)
    resolved_by = fields.Nested(PersonRef, required=True)
    resolved_at = fields.DateTime(required=True, attribute="created_at")


class Counted(Figures):
    """The figures the ledger and the reports count (the lower of each while disputed; a coordinator's once
    resolved)."""

    quantity = fields.Int(required=True, allow_none=True, attribute="used_quantity")
    hours = fields.Float(required=True, allow_none=True, attribute="used_hours")


class Feedback(Schema):
    """What the two sides confirmed happened in a completed exchange, and what counts."""

    state = fields.Str(required=True, metadata={"enum": FEEDBACK_STATES, "description": "empty before completion"})
    open_until = fields.Date(required=True, allow_none=True,
                             metadata={"description": "the last day a side may confirm or change its account"})
    owner = fields.Nested(Confirmation, required=True, allow_none=True)
    requester = fields.Nested(Confirmation, required=True, allow_none=True)
    counted = fields.Nested(Counted, required=True)
    resolution = fields.Nested(Resolution, required=True, allow_none=True)

    @pre_dump
    def _of_exchange(self, exchange, **_kwargs):
        from ..exchanges.confirmations import open_until

        until = open_until(exchange)
        return {"state": exchange.feedback_state, "counted": exchange, "resolution": exchange.resolution,
                "open_until": until if until and exchange.feedback_state != "resolved" else None,
                "owner": exchange.confirmation_of(exchange.owner_org_id),
                "requester": exchange.confirmation_of(exchange.requester_org_id)}


class Itself(fields.Nested):
    """A nested part made from the whole object (its schema's pre_dump picks what it needs)."""

    def get_value(self, obj, attr, accessor=None, default=None):
        return obj


class Exchange(Schema):
    id = fields.Int(required=True)
    state = fields.Str(required=True, metadata={"enum": EXCHANGE_STATES})
    resource = fields.Nested(ResourceRef, required=True)
    owner = fields.Nested(OrgRef, required=True, attribute="owner_org")
    requester = fields.Nested(OrgRef, required=True, attribute="requester_org")
    requested_by = fields.Nested(PersonRef, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    quantity = fields.Int(required=True)
    hours = fields.Float(required=True, allow_none=True)
    purpose = fields.Str(required=True)
    reason = fields.Str(required=True)
    value_eur = fields.Float(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    decided_at = fields.DateTime(required=True, allow_none=True)
    completed_at = fields.DateTime(required=True, allow_none=True)
    feedback = Itself(Feedback, required=True)


class ExchangeList(Schema):
    items = fields.List(fields.Nested(Exchange), required=True)


class ExchangeListArgs(Schema):
    direction = fields.Str(load_default="all", validate=validate.OneOf(["all", "incoming", "outgoing"]),
                           metadata={"description": "incoming: requests for our resources; outgoing: ours"})


class Message(Schema):
    id = fields.Int(required=True)
    author = fields.Nested(PersonRef, required=True)
    organization = fields.Nested(OrgRef, required=True, attribute="org")
    body = fields.Str(required=True)
    created_at = fields.DateTime(required=True)


class MessageList(Schema):
    items = fields.List(fields.Nested(Message), required=True)


class Party(Schema):
    organization = fields.Nested(OrgRef, required=True)
    signed = fields.Bool(required=True)

    @pre_dump
    def _of_party(self, party, **_kwargs):
        return {"organization": party.org, "signed": party.signature is not None}


AGREEMENT_STATES = ["draft", "submitted", "returned", "approved", "in_force", "terminated", "expired"]


class Agreement(Schema):
    id = fields.Int(required=True)
    number = fields.Str(required=True)
    kind = fields.Str(required=True, metadata={"enum": ["cooperation", "network", "exchange"]})
    title = fields.Str(required=True)
    language = fields.Str(required=True)
    state = fields.Str(required=True, metadata={"enum": AGREEMENT_STATES})
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True, allow_none=True)
    verification_code = fields.Str(required=True)
    parties = fields.List(fields.Nested(Party), required=True)
    created_at = fields.DateTime(required=True)


class AgreementList(Schema):
    items = fields.List(fields.Nested(Agreement), required=True)


class Problem(Schema):
    """RFC 9457: what went wrong, in the language of the token's owner."""

    type = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str()
    instance = fields.Str()
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()),
                         metadata={"description": "messages per field or query parameter, all at once"})


# ---------------------------------------------------------------- what a read-write token sends

class Text(fields.Str):
    """Text as the forms take it: control characters dropped (a NUL cannot even be stored), trimmed."""

    def _deserialize(self, value, attr, data, **kwargs):
        from ..forms import strip

        return strip(super()._deserialize(value, attr, data, **kwargs))


class Line(fields.Str):
    """A single line (a title, a purpose): line breaks become spaces, as in every form of the portal."""

    def _deserialize(self, value, attr, data, **kwargs):
        from ..forms import one_line

        return one_line(super()._deserialize(value, attr, data, **kwargs))


class ExchangeRequest(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    quantity = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    hours = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0.5, max=2000),
                         metadata={"description": "for intellectual resources (and those valued per hour)"})
    purpose = Line(required=True, validate=validate.Length(min=1, max=300))
    message = Text(load_default="", validate=validate.Length(max=4000))


class Answer(Schema):
    decision = fields.Str(required=True, validate=validate.OneOf(["accept", "decline"]))
    reason = Text(load_default="", validate=validate.Length(max=2000),
                  metadata={"description": "required to decline"})


class NewFeedback(Schema):
    """The token owner's side confirms (or changes its confirmation of) what happened, as the exchange page's
    form does; a quantity or hours left out: as requested."""

    outcome = fields.Str(required=True, validate=validate.OneOf(OUTCOMES))
    quantity = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100_000))
    hours = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0.5, max=2000),
                         metadata={"description": "hours in all (resources used in hours but not priced by them)"})
    value_units = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000),
                               metadata={"description": "hours (0.5 to 2000), days or units at the rate"})
    value_eur = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=10_000_000))
    comment = Text(load_default="", validate=validate.Length(max=4000),
                   metadata={"description": "for the other side; required when not as agreed"})


class NewMessage(Schema):
    body = Text(required=True, validate=validate.Length(min=1, max=4000))


class StateChange(Schema):
    state = fields.Str(required=True, validate=validate.OneOf(["active", "paused", "archived"]),
                       metadata={"description": "active publishes the entry again, paused hides it for a "
                                                "while, archived keeps it for the record"})


def _documented_choice(pairs, description=None, **kwargs):
    """A code from a list, documented as an enum; refused (in the reader's language) by the page's form."""
    return fields.Str(metadata={"enum": CODES(pairs), **({"description": description} if description else {})},
                      **kwargs)


class NewEntry(Schema):
    """A new offer or need: the fields of the page's form, checked by that form (every problem at once)."""

    kind = _documented_choice(choices.KINDS, required=True)
    category = _documented_choice(choices.CATEGORIES, required=True,
                                  description="one of the chosen kind's categories")
    title = fields.Str(required=True, metadata={"description": "at most 200 characters"})
    description = fields.Str(required=True, metadata={"description": "at most 5,000 characters"})
    municipality = _documented_choice(MUNICIPALITIES, required=True)
    location = fields.Str(metadata={"description": "the place, e.g. Cirmas pagasts"})
    quantity = fields.Int(metadata={"description": "1 to 100,000 (default 1)"})
    unit = fields.Str()
    languages = fields.List(_documented_choice(choices.LANGUAGES), metadata={"description": "default [\"lv\"]"})
    terms = _documented_choice(choices.TERMS, required=True)
    availability = fields.Str()
    visibility = _documented_choice(choices.VISIBILITIES, required=True)
    format = _documented_choice(choices.FORMATS, description="intellectual entries")
    audience = fields.Str(metadata={"description": "intellectual entries"})
    handover = _documented_choice(choices.HANDOVERS, description="material entries")


class NewResource(NewEntry):
    value_eur = fields.Decimal(as_string=False, allow_nan=False,
                               metadata={"description": "in-kind value, 0 to 1,000,000 EUR"})
    value_unit = _documented_choice(choices.VALUE_UNITS, description="what the value is per; required with it")
    licence = _documented_choice(choices.LICENCES, description="intellectual entries: shared materials")


class NewNeed(NewEntry):
    needed_by = fields.Date(metadata={"description": "optional: the last day it is of use (today or later)"})
