"""Errors of /api/v1/ as application/problem+json (RFC 9457), in the language of the token's owner.

The portal's error handlers (portal.web) ask `is_api_request()` and answer through `problem()` here, so a
refusal, a missing object or a failed commit reads the same to a program as to a person, only in JSON.
"""
from flask import g, has_request_context, json, request

from .messages import translated

PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith(PREFIX)


def api_actor():
    """The person whose token this API request carries, or None."""
    token = g.get("api_token") if has_request_context() else None
    return token.user if token is not None else None


def problem(status: int, title, detail=None, *, errors: dict | None = None, headers=None):
    """The response for an error: `errors` maps a field (a query parameter or a property of the body) to
    its messages, every problem at once."""
    from flask import current_app

    body = {"type": "about:blank", "title": str(title), "status": status, "instance": request.path}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = {str(name): [str(m) for m in (messages if isinstance(messages, (list, tuple)) else
                                                        [messages])] for name, messages in errors.items()}
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                          mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def field_errors(error) -> dict | None:
    """The messages of a request that failed validation (webargs puts them in the exception's data):
    {"query": {"kind": [...]}, "json": {...}} flattened to {"kind": [...]}; nested fields as "a.b"."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not isinstance(messages, dict):
        return None
    flat = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            flat[prefix or "_schema"] = [translated(m) for m in (value if isinstance(value, list) else [value])]

    for location_messages in messages.values():
        walk("", location_messages)
    return flat
