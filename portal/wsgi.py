"""WSGI entry point of an installed portal: `gunicorn -c gunicorn.conf.py` (which names portal.wsgi:app)."""
import gc

from . import create_app

app = create_app()

# What start-up made lives as long as the process: keep it out of the garbage collector's
# full passes, which otherwise add tens of milliseconds to an unlucky request.
gc.collect()
gc.freeze()
