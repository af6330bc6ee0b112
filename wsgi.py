"""WSGI entry point in a checkout: `flask --app wsgi run`; the same app as portal.wsgi, which gunicorn runs."""
from portal.wsgi import app  # noqa: F401
