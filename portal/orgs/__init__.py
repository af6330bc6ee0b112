from flask import Blueprint

bp = Blueprint("orgs", __name__)

from . import views  # noqa: E402,F401
