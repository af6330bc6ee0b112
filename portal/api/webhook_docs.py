"""The `webhooks` section of the OpenAPI 3.1 document: what the portal POSTs to a registered address, one
entry per event, with the signature headers a receiver checks (portal.api.delivery)."""
from .webhooks import EVENTS, TEST_EVENT

HEADERS = {
    "Portal-Event": "the event's name, as in the body",
    "Portal-Delivery": "the delivery's id in the organization's delivery log (the same on a retry)",
    "Portal-Signature": "t=<unix time>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the webhook's secret>; "
                        "refuse a time more than five minutes away (a replay)",
}

WHEN = {  # what makes an event whose name does not say it all
    "exchange.disputed": "When the two sides' accounts of a completed exchange come to differ (the figures, or one "
                         "says it did not take place): `feedback.state` is `disputed`, the lower figures count. "
                         "Once per disagreement, not on each later change while they still differ.",
    "exchange.resolved": "When a network coordinator settles a disputed exchange: `feedback.state` is `resolved`, "
                         "`feedback.resolution` holds the decision and its note, the figures counted are final.",
}


def _event_body(name: str, data: dict) -> dict:
    return {"type": "object", "required": ["id", "event", "created_at", "data"], "properties": {
        "id": {"type": "string", "format": "uuid", "description": "the event's id (the same on a retry)"},
        "event": {"type": "string", "const": name},
        "created_at": {"type": "string", "format": "date-time"},
        "data": {"type": "object", "required": list(data), "properties": data},
    }}


def _operation(name: str, label: str, data: dict) -> dict:
    return {"post": {
        "summary": str(label),
        "description": (WHEN[name] + " " if name in WHEN else "")
        + "Sent to each of the organization's webhooks that asked for this event. Answer with any 2xx within "
          "the timeout; anything else is retried with back-off.",
        "parameters": [{"in": "header", "name": header, "required": True, "description": text,
                        "schema": {"type": "string"}} for header, text in HEADERS.items()],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _event_body(name, data)}}},
        "responses": {"2XX": {"description": "Received; nothing more is sent for this delivery."}},
    }}


def webhooks_section() -> dict:
    ref = lambda schema: {"$ref": f"#/components/schemas/{schema}"}  # noqa: E731
    section = {}
    for name, label in EVENTS:
        data = {"exchange": ref("Exchange")} if name.startswith("exchange.") else {"agreement": ref("Agreement")}
        section[name] = _operation(name, label, data)
    org = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    section[TEST_EVENT] = _operation(TEST_EVENT, "A test event (the button on the webhooks page)",
                                     {"organization": org, "sent_by": org})
    return section
