from flask import Blueprint

bp = Blueprint("agreements", __name__)

from . import views  # noqa: E402,F401
