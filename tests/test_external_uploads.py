"""A party's own qualified signature uploaded to the portal in the shapes Latvian signing tools make (its own
time-stamp, validation data, a document time-stamp), from an outside PKI served over HTTP during the test
(tests/outside_pki.py, a stand-in for LVRTC): accepted, and the document of record then extended to B-LTA with
the validation data the upload brought; refused with a message naming what else was changed."""
from datetime import timedelta

import pytest
from asn1crypto import pem

from portal.agreements import signatures
from portal.certificates import revocation, services as certificates
from portal.database import utcnow
from portal.errors import RuleViolation
from portal.extensions import db
from portal.signing.verify import verify_pdf

from . import outside_pki
from .certificate_helpers import (anonymous, approved_network_agreement, files_of, html, newest_file, shown_at,
                                  sign_party, upload_to_verify)
from .test_signing_external_shapes import add_annotation, lvrtc, tool_sign  # noqa: F401  (lvrtc: a fixture)


@pytest.fixture
def outside_roots(app, tmp_path, lvrtc):  # noqa: F811
    path = tmp_path / "lvrtc-root.pem"
    path.write_bytes(pem.armor("CERTIFICATE", lvrtc.cert("root").dump()))
    app.config["EXTERNAL_SIGNATURE_TRUST_ROOTS"] = [str(path)]
    return lvrtc


def test_an_eparaksts_style_b_lta_upload_is_accepted_and_the_record_becomes_b_lta(app, world, outside_roots):
    agreement = approved_network_agreement(world)
    sign_party(agreement, 1)  # org B in the portal
    uploaded = tool_sign(newest_file(agreement).data, outside_roots, field="party-3", dss=True, lta=True)
    signature = signatures.sign_externally(world.other_representative, agreement, uploaded)
    assert signature.method == "external"
    sign_party(agreement, 0)  # the coordinating org, last: the agreement enters into force
    db.session.commit()

    assert [f.event for f in files_of(agreement)] == ["approved", "signed", "external", "signed", "lta"]
    roots = certificates.network_trust_roots() + certificates.external_trust_roots()
    report = verify_pdf(newest_file(agreement).data, roots, crls=revocation.known_crls())
    assert report.ok and report.level == "B-LTA"
    outside = next(s for s in report.signatures if s.field_name == "party-3")
    assert outside.trust == "configured_root" and outside.timestamp.ok
    assert len(report.timestamps) == 2  # the tool's document time-stamp, then the network's


def test_an_upload_with_an_annotation_is_refused_naming_it(app, world, outside_roots):
    agreement = approved_network_agreement(world)
    uploaded = add_annotation(tool_sign(newest_file(agreement).data, outside_roots, field="party-3", dss=True))
    with pytest.raises(RuleViolation) as refused:
        signatures.sign_externally(world.other_representative, agreement, uploaded)
    assert refused.value.field == "document"
    # in Latvian, the portal's first language, as the representative reads it
    assert str(refused.value.message).endswith(
        "Konstatēts: pievienota vai mainīta anotācija (komentārs, zīmējums, zīmogs).")
    assert [f.event for f in files_of(agreement)] == ["approved"]


def test_under_a_trusted_list_the_upload_is_accepted_and_verify_calls_it_qualified(app, world, lvrtc, tmp_path):  # noqa: F811
    path = tmp_path / "eu-trusted-list.xml"
    path.write_text(outside_pki.trusted_list(lvrtc, utcnow() - timedelta(days=400), signed=True), encoding="utf-8")
    app.config.update(TRUSTED_LIST=str(path), EXTERNAL_SIGNATURE_TRUST_ROOTS=[])
    agreement = approved_network_agreement(world)
    sign_party(agreement, 1)
    uploaded = tool_sign(newest_file(agreement).data, lvrtc, field="party-3", dss=True, lta=True)
    signatures.sign_externally(world.other_representative, agreement, uploaded)
    sign_party(agreement, 0)
    db.session.commit()

    page = html(upload_to_verify(anonymous(app), newest_file(agreement).data))
    assert shown_at(page, "verdict") == "Complete: the document of record, signed by all 3 parties."
    assert page.count("According to the EU trusted list: a qualified electronic signature (EU trusted list).") == 1
    assert page.count("Trusted by the network’s CA only: not a qualified electronic signature.") == 3
    assert "yes: a qualified trust service" in page
    assert page.count("A qualified time-stamp.") == 1  # the outside TSA's; the network's own is not qualified
    assert page.count('data-testid="signature-level">B-LTA<') == 4
