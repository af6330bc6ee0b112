"""The agreements' blueprint, with what its pages share: views.py holds the lists, the agreement's page, its
decisions, signing and the PDFs; drafting_views.py a new draft and the editor."""
from flask import Blueprint, redirect, url_for
from flask_login import current_user

from . import services
from .models import Agreement
from .workflow import kind_label, state_label

bp = Blueprint("agreements", __name__)
LABELS = {"state_label": state_label, "kind_label": kind_label}


def to_detail(agreement: Agreement):
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


def load_agreement(agreement_id: int) -> Agreement:
    return services.get_visible_agreement(current_user, agreement_id)
