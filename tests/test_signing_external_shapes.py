"""External signatures in the shapes Latvian signing tools produce, made by stock pyHanko against an outside PKI
served over real HTTP during the test (certomancer's Animator: CA certificates, CRLs, OCSP and a TSA, a stand-in
for LVRTC/eParaksts), and checked by portal.signing.external against the portal's current copy.

Accepted: the signature alone with its time-stamp (B-T), plus DSS/VRI (B-LT), plus a document time-stamp
(B-LTA), plus a second one, or in a new field. Refused, with a code naming what changed: an added page, an
annotation, a form field, a metadata change, another party's field, a revoked certificate. With a trusted list
naming the outside CA and TSA, the signature is reported qualified; the network's own are not.
"""
import io
import tempfile
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.agreements.pdf import render_pdf
from portal.signing import ca, crl, ltv, pdfsign, tsa
from portal.signing.external import ExternalSignatureRejected, check_external_signature
from portal.signing.trusted_list import TrustedListError, load_trusted_list
from portal.signing.verify import verify_pdf

from . import outside_pki
from .http_server import serving
from .test_signing import NETWORK, PARTIES, add_blank_page, agreement, field_specs

NOW = datetime.now(timezone.utc).replace(microsecond=0)


class _Deferred:
    """The server must be listening (its port known) before the PKI that names its URLs can be made."""
    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def lvrtc():
    deferred = _Deferred()
    with serving(deferred) as base_url, tempfile.TemporaryDirectory() as keys:
        pki, animator = outside_pki.build(NOW, Path(keys), base_url)
        deferred.app = animator
        yield pki


@pytest.fixture(scope="module")
def network():
    ca_key, ca_cert = ca.create_ca(NETWORK, now=NOW - timedelta(days=1))
    tsa_key, tsa_cert = ca.issue_tsa_certificate(ca_key, ca_cert, network_name=NETWORK, now=NOW - timedelta(days=1))
    org = ca.issue_org_certificate(ca_key, ca_cert, org_name=PARTIES[0].name,
                                   registration_number=PARTIES[0].registration_number, now=NOW - timedelta(days=1))
    return ca_key, ca_cert, tsa.NetworkTSA(tsa_key, tsa_cert), org


@pytest.fixture(scope="module")
def current_copy(network):
    """The signing copy as the portal hands it out: certified, party 1 signed (both time-stamped)."""
    ca_key, ca_cert, authority, (org_key, org_cert) = network
    doc = agreement()
    pdf = pdfsign.certify(render_pdf(doc), fields=field_specs(doc), ca_key=ca_key, ca_cert=ca_cert,
                          signing_time=NOW, timestamper=authority)
    party = PARTIES[0]
    return pdfsign.sign_party(pdf, field_name="party-1", org_key=org_key, org_cert=org_cert, ca_cert=ca_cert,
                              signer_name=party.representative_name, position=party.representative_position,
                              org_name=party.name, signed_at=NOW, language="lv", timestamper=authority)


def roots(network, lvrtc):
    return [network[1], lvrtc.cert("root")]


def tool_sign(pdf: bytes, pki, *, field="party-2", dss=False, lta=False, who="signer") -> bytes:
    """A signature as an outside tool makes it: stock pyHanko, the signer's qualified certificate, the TSA's
    time-stamp over HTTP, and (dss) validation data fetched over HTTP from the CA's OCSP responder and CRLs."""
    signer = signers.SimpleSigner(signing_cert=pki.cert(who), signing_key=asn1_keys.PrivateKeyInfo.load(pki.key_der(who)),
                                  cert_registry=SimpleCertificateStore.from_certs([pki.cert("qualified-ca")]))
    context = ValidationContext(trust_roots=[pki.cert("root")], allow_fetching=True) if dss else None
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES,
                                        embed_validation_info=dss, use_pades_lta=lta, validation_context=context)
    pdf_signer = signers.PdfSigner(meta, signer, timestamper=HTTPTimeStamper(pki.tsa_url))
    return pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=False).getvalue()


def another_document_timestamp(pdf: bytes, pki) -> bytes:
    """What a tool's "extend to LTA" does: validation data of the last time-stamp, then a new one."""
    context = ValidationContext(trust_roots=[pki.cert("root")], allow_fetching=True)
    return signers.PdfTimeStamper(HTTPTimeStamper(pki.tsa_url)).update_archival_timestamp_chain(
        PdfFileReader(io.BytesIO(pdf)), context, in_place=False).getvalue()


def fetched_crls(pki) -> list[bytes]:
    """The outside CA's current CRLs, downloaded the way any validator would (the portal itself never fetches)."""
    return [urllib.request.urlopen(f"{pki.base_url}/lvrtc/crls/{issuer}/latest.crl", timeout=5).read()
            for issuer in ("qualified-ca", "root")]


@pytest.fixture(scope="module")
def shapes(current_copy, lvrtc):
    b_lta = tool_sign(current_copy, lvrtc, dss=True, lta=True)
    return {
        "B-T": tool_sign(current_copy, lvrtc),
        "B-LT": tool_sign(current_copy, lvrtc, dss=True),
        "B-LTA": b_lta,
        "B-LTA, two document time-stamps": another_document_timestamp(b_lta, lvrtc),
        "B-T in a new field": tool_sign(current_copy, lvrtc, field="eParaksts"),
    }


# ------------------------------------------------------------------ accepted

@pytest.mark.parametrize("shape, level", [
    ("B-T", "B-T"), ("B-LT", "B-LT"), ("B-LTA", "B-LTA"), ("B-LTA, two document time-stamps", "B-LTA"),
    ("B-T in a new field", "B-T"),
])
def test_signature_shapes_of_latvian_tools_are_accepted(shapes, current_copy, network, lvrtc, shape, level):
    uploaded = shapes[shape]
    signature = check_external_signature(current_copy, uploaded, roots(network, lvrtc), field_name="party-2")
    assert signature.level == level and signature.ok
    assert signature.signer_org == "Inguna Badune" and signature.signer_serial == "PNOLV-010180-12345"
    assert signature.timestamp.authority == outside_pki.TSP and signature.timestamp.ok
    assert signature.trust == "configured_root"
    if level != "B-T":  # the tool's DSS holds the OCSP response for the signer's certificate
        assert signature.revocation.state == "good" and signature.revocation.source == "ocsp"
    report = verify_pdf(uploaded, roots(network, lvrtc))
    assert report.ok
    assert len(report.timestamps) == {"B-LTA": 1, "B-LTA, two document time-stamps": 2}.get(shape, 0)


def test_the_accepted_upload_becomes_a_b_lta_document_of_record(shapes, network, lvrtc):
    """The portal extends the accepted upload; the outside signature's validation data comes from its DSS
    or, for a plain B-T upload, from CRLs handed in (fetched here, by the test, not by the library)."""
    ca_key, ca_cert, authority, _org = network
    network_crl = crl.build_crl(ca_key, ca_cert, [], now=NOW, number=1)
    for shape, extra in (("B-LT", []), ("B-T", fetched_crls(lvrtc))):
        record = ltv.extend_to_lta(shapes[shape], trust_roots=roots(network, lvrtc), timestamper=authority,
                                   now=NOW + timedelta(minutes=1), crls=[network_crl, *extra])
        report = verify_pdf(record, roots(network, lvrtc), crls=[network_crl], moment=NOW + timedelta(minutes=2))
        assert report.ok and report.level == "B-LTA", (shape, report)
        assert report.timestamps[-1].authority == NETWORK


def test_a_b_t_upload_without_revocation_data_cannot_be_extended(shapes, network, lvrtc):
    ca_key, ca_cert, authority, _org = network
    with pytest.raises(ltv.LongTermValidationError) as refused:
        ltv.extend_to_lta(shapes["B-T"], trust_roots=roots(network, lvrtc), timestamper=authority, now=NOW,
                          crls=[crl.build_crl(ca_key, ca_cert, [], now=NOW, number=1)])
    assert refused.value.code == "validation_data" and "Inguna Badune" in str(refused.value)


# ------------------------------------------------------------------ refused, naming what changed

def add_annotation(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    note = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Text"),
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (50, 700, 70, 720)]),
        pdf_name("/Contents"): pdf_string("Piezīme: 3. punktu mainīt"),
    }))
    _append_annotation(writer, page_ref, page, note)
    return _written(writer)


def add_text_field(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    field = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
        pdf_name("/FT"): pdf_name("/Tx"), pdf_name("/T"): pdf_string("summa"),
        pdf_name("/V"): pdf_string("1000 EUR"), pdf_name("/P"): page_ref,
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (50, 650, 200, 670)]),
    }))
    _append_annotation(writer, page_ref, page, field)
    acroform = writer.root["/AcroForm"]
    acroform["/Fields"].append(field)
    writer.update_container(acroform if isinstance(writer.root.raw_get("/AcroForm"), generic.DictionaryObject)
                            else writer.root.raw_get("/AcroForm"))
    writer.update_root()
    return _written(writer)


def _append_annotation(writer, page_ref, page, annotation):
    annots = page.raw_get("/Annots") if "/Annots" in page else None
    if isinstance(annots, generic.IndirectObject):
        array = annots.get_object()
        array.append(annotation)
        writer.update_container(array)
    else:
        page[pdf_name("/Annots")] = generic.ArrayObject([*(annots or []), annotation])
        writer.update_container(page)


def change_title(pdf: bytes) -> bytes:
    """The title in the Info dictionary and the XMP, through pyHanko's metadata API."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.document_meta.title = "Cits līgums"
    writer.mark_update(writer.trailer.raw_get("/Info"))  # pyHanko writes nothing unless some object changed
    return _written(writer)


def change_xmp_subject(pdf: bytes) -> bytes:
    """Only the XMP packet: a dc:description added, the Info dictionary untouched."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata_ref = writer.root.raw_get("/Metadata")
    stream = metadata_ref.get_object()
    description = ('<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>'
                   '<rdf:Alt><rdf:li xml:lang="x-default">Grozīts</rdf:li></rdf:Alt></dc:description>'
                   '</rdf:Description></rdf:RDF>')
    stream._data = stream.data.replace(b"</rdf:RDF>", description.encode("utf-8"))
    stream._encoded_data = None
    writer.mark_update(metadata_ref)
    return _written(writer)


def _written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def reject(current_copy, uploaded, network, lvrtc, **kwargs) -> ExternalSignatureRejected:
    with pytest.raises(ExternalSignatureRejected) as refused:
        check_external_signature(current_copy, uploaded, roots(network, lvrtc), field_name="party-2", **kwargs)
    return refused.value


def changed(current_copy, uploaded, network, lvrtc) -> list[str]:
    """What the refusal names as changed besides the signature."""
    refused = reject(current_copy, uploaded, network, lvrtc)
    assert refused.code == "other_changes"
    return refused.details


def test_an_added_page_is_refused_and_named(current_copy, shapes, network, lvrtc):
    assert changed(current_copy, tool_sign(add_blank_page(current_copy), lvrtc), network, lvrtc) == ["page_added"]
    after = add_blank_page(shapes["B-LTA"])  # a page appended after the signature and its time-stamp
    assert changed(current_copy, after, network, lvrtc) == ["page_added"]


def test_an_annotation_is_refused_and_named(current_copy, shapes, network, lvrtc):
    assert changed(current_copy, tool_sign(add_annotation(current_copy), lvrtc), network, lvrtc) == ["annotation"]
    assert changed(current_copy, add_annotation(shapes["B-LT"]), network, lvrtc) == ["annotation"]


def test_a_form_field_is_refused_and_named(current_copy, network, lvrtc):
    assert changed(current_copy, tool_sign(add_text_field(current_copy), lvrtc), network, lvrtc) == ["form_field"]


def test_a_metadata_change_is_refused_and_named(current_copy, shapes, network, lvrtc):
    assert changed(current_copy, tool_sign(change_title(current_copy), lvrtc), network, lvrtc) == ["metadata"]
    assert changed(current_copy, change_xmp_subject(shapes["B-LTA"]), network, lvrtc) == ["metadata"]
    both = change_title(add_blank_page(shapes["B-T"]))
    assert changed(current_copy, both, network, lvrtc) == ["page_added", "metadata"]


def test_signing_another_partys_field_is_refused(current_copy, lvrtc, network):
    assert reject(current_copy, tool_sign(current_copy, lvrtc, field="party-3"), network, lvrtc).code == "wrong_field"


def test_a_revoked_certificate_is_refused(current_copy, lvrtc, network):
    uploaded = tool_sign(current_copy, lvrtc, who="revoked-signer")
    refused = reject(current_copy, uploaded, network, lvrtc, crls=fetched_crls(lvrtc))
    assert refused.code == "untrusted" and refused.details == ["revoked"]


# ------------------------------------------------------------------ qualified status from a trusted list

@pytest.fixture(scope="module")
def eu_trusted_list(lvrtc):
    xml = outside_pki.trusted_list(lvrtc, NOW - timedelta(days=400), signed=True)
    return load_trusted_list(xml.encode("utf-8"), operator_certificates=[lvrtc.cert("tlso")])


def test_a_signature_under_the_trusted_list_is_qualified(shapes, current_copy, network, eu_trusted_list):
    uploaded = shapes["B-LTA"]
    signature = check_external_signature(current_copy, uploaded, [network[1]], field_name="party-2",
                                         trusted_list=eu_trusted_list)
    assert signature.trust == "trusted_list" and signature.qualification == "qes"
    assert signature.timestamp.qualified is True
    report = verify_pdf(uploaded, [network[1]], trusted_list=eu_trusted_list, network_ca=network[1])
    network_signatures = report.signatures[:2]
    assert all(s.trust == "network_ca" and s.qualification == "not_qualified" for s in network_signatures)
    assert all(s.timestamp.qualified is False for s in network_signatures)
    assert report.timestamps[0].qualified is True


def test_without_a_trusted_list_nothing_is_called_qualified(shapes, network, lvrtc):
    report = verify_pdf(shapes["B-T"], roots(network, lvrtc), network_ca=network[1])
    assert [s.qualification for s in report.signatures] == [None, None, None]
    assert [s.trust for s in report.signatures] == ["network_ca", "network_ca", "configured_root"]


def test_a_trusted_list_whose_signature_fails_is_refused(lvrtc):
    xml = outside_pki.trusted_list(lvrtc, NOW - timedelta(days=400), signed=True)
    tampered = xml.replace("Test Qualified TSA", "Test Qualified TSB")
    with pytest.raises(TrustedListError):
        load_trusted_list(tampered, operator_certificates=[lvrtc.cert("tlso")])
    with pytest.raises(TrustedListError):
        load_trusted_list(xml, operator_certificates=[lvrtc.cert("root")])  # not the operator's certificate
    unsigned = load_trusted_list(outside_pki.trusted_list(lvrtc, NOW - timedelta(days=400), signed=False))
    assert {c.subject.native["common_name"] for c in unsigned.roots} == {"Test Qualified CA", "Test Qualified TSA"}
    with pytest.raises(TrustedListError):
        load_trusted_list("<not-a-trusted-list/>")
