from flask import Blueprint

bp = Blueprint("exchanges", __name__)

from . import views  # noqa: E402,F401
