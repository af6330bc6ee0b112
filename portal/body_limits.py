"""A larger request body for the few views that take several files at once (publishing a resource with its
photos); every other view keeps MAX_CONTENT_LENGTH. The limit is set before anything reads the body, the
CSRF check included, so this hook is registered before Flask-WTF's."""
from flask import current_app, request


def allows_body(limit: int):
    """Marks a view whose requests may be up to `limit` bytes."""

    def mark(view):
        view.max_body = limit
        return view

    return mark


def apply_limit() -> None:
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(view, "max_body", None)
    if limit:
        request.max_content_length = limit
