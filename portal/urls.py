"""Absolute links for e-mails and feeds, built without a request (CLI, sender, tests)."""
from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("", url_scheme="http").build(endpoint, values)
    return current_app.config["BASE_URL"] + path
