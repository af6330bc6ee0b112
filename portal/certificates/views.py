from flask import Blueprint, Response, current_app, request

from ..extensions import csrf, limiter
from ..transaction import reads_only
from ..signing.tsa import MAX_QUERY_BYTES, QUERY_CONTENT_TYPE, REPLY_CONTENT_TYPE, TimeStampQueryError
from . import revocation, services, timestamps

bp = Blueprint("certificates", __name__)


@bp.get("/verify/network-ca.pem")
def ca_certificate():
    response = Response(services.ca_certificate_pem(), mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="network-ca.pem"'
    return response


@bp.get("/ca.crl")
def revocation_list():
    """The network CA's current CRL (DER), as every certificate it issues names it."""
    response = Response(revocation.current_crl(), mimetype="application/pkix-crl")
    response.headers["Content-Disposition"] = 'attachment; filename="ca.crl"'
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.post("/tsa")
@csrf.exempt  # RFC 3161 over HTTP (RFC 3161 3.4): the query is the whole body; it changes nothing of anyone's
@limiter.limit(lambda: current_app.config["TSA_RATE_LIMIT"])
@reads_only  # answering takes no write lock (the TSA's certificate exists from `portal init` on)
def time_stamp():
    """The network's time-stamping authority: an application/timestamp-query in, a timestamp-reply out."""
    if request.mimetype != QUERY_CONTENT_TYPE:
        return _bad_query(f"send the query as {QUERY_CONTENT_TYPE}", status=415)
    if (request.content_length or 0) > MAX_QUERY_BYTES:
        return _bad_query(f"a time-stamp query is at most {MAX_QUERY_BYTES} bytes")
    try:
        reply = timestamps.network_tsa().respond(request.get_data(cache=False)[:MAX_QUERY_BYTES + 1])
    except TimeStampQueryError as error:
        return _bad_query(str(error))
    return Response(reply, mimetype=REPLY_CONTENT_TYPE)


def _bad_query(text: str, status: int = 400):
    return Response(text + "\n", status=status, mimetype="text/plain")
