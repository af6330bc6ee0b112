from flask import Blueprint, Response

from . import services

bp = Blueprint("certificates", __name__)


@bp.get("/verify/network-ca.pem")
def ca_certificate():
    response = Response(services.ca_certificate_pem(), mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="network-ca.pem"'
    return response
