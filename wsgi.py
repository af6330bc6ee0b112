"""WSGI entry point: `gunicorn --preload wsgi:app`, `flask --app wsgi run`."""
import gc

from portal import create_app

app = create_app()

# What start-up made lives as long as the process: keep it out of the garbage collector's
# full passes, which otherwise add tens of milliseconds to an unlucky request.
gc.collect()
gc.freeze()
