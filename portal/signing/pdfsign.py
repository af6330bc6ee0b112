"""Signing the agreement PDF: the network's certification, then one visible approval signature per party.

Every signature is an incremental update, so each earlier one keeps covering exactly the bytes it signed.
That only stays true if nothing is drawn on the pages after the first signature: a stamp added to the page
content later would be a change the earlier signatures do not allow. So `certify` creates every party's
(empty) signature field together with the certification, in one update, and `sign_party` only fills a field
(its widget's appearance belongs to the field, not to the page), which DocMDP level 2 (FILL_FORMS) allows.

The visible appearance is a small PDF made by WeasyPrint and imported as the stamp's background: pyHanko's
own text stamps garble Latvian letters with the built-in Courier, and with an embedded TrueType font whose
em is not 1000 units (DejaVu has 2048) it writes the glyph widths unscaled and the letters drift apart.
WeasyPrint shapes and embeds the text exactly like the agreement itself, in about 10 ms.

The signing time in the signature comes from the caller (the server's clock at the moment of signing).
Given a `timestamper` (the network's own TSA, `tsa.NetworkTSA`, or a configured one, `tsa.external_timestamper`)
every signature also carries an RFC 3161 signature time-stamp (PAdES B-T): the time a validator can rely on
after the certificate has expired.
"""
from __future__ import annotations

import binascii
import io
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..text import long_date
from .ca import asn1_certificate
from .loop import outside_event_loop
from .tsa import token_size

CERTIFICATION_FIELD = "network-certification"
CERTIFICATION_REASON = "Approved by the network coordinator"
CMS_MARGIN = 4096


class SigningError(RuntimeError):
    """The PDF could not be signed (not an agreement made by certify, a missing field, a damaged file)."""


class TimeStampUnavailable(SigningError):
    """The time-stamping authority did not answer or refused: nothing was signed; try again later."""


# ------------------------------------------------------------------ key material for pyHanko

class _LoadedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that signs with the already loaded `cryptography` key (the stock one re-parses its PKCS#8
    copy of the key for every signature). `issuers`: the certificates above the signer's, embedded with it so a
    reader can build the chain; never the signer's own again (pyHanko would embed it twice)."""

    def __init__(self, key, certificate, issuers):
        self._key = key
        pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
        self.embedded_certificates = [asn1_certificate(certificate), *(asn1_certificate(c) for c in issuers)]
        super().__init__(
            signing_cert=self.embedded_certificates[0],
            signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
            cert_registry=SimpleCertificateStore.from_certs(self.embedded_certificates[1:]),
        )

    def container_size(self, timestamp_size: int = 0) -> int:
        """Bytes to reserve for the CMS container. pyHanko would otherwise make a complete dummy signature
        first just to measure it (a third of the signing time). Besides the certificates the container holds
        the signed attributes, the issuer's name twice and the signature: well under the margin. A signature
        time-stamp adds its token (`timestamp_size` bytes, tsa.token_size) as an unsigned attribute; pyHanko
        counts the reserve in hex digits, two a byte."""
        size = sum(len(c.dump()) for c in self.embedded_certificates) + CMS_MARGIN + 2 * timestamp_size
        return size + size % 2  # pyHanko wants an even number

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


class _PdfSignerAt(signers.PdfSigner):
    """PdfSigner with the signing time given by the caller; the stock one always takes the local clock, and the
    time printed in the stamp must be the one recorded in the signature."""

    def __init__(self, *args, signing_time: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, *args, **kwargs):
        session = super().init_signing_session(*args, **kwargs)
        session.system_time = self._signing_time
        return session


def _require_aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _writer_for(pdf_bytes: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except Exception as error:  # pyHanko raises several kinds for a damaged file
        raise SigningError(f"not a PDF that can be signed: {error}") from error


def _common_name(certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return names[0].value if names else certificate.subject.rfc4514_string()


def _sign(writer: IncrementalPdfFileWriter, meta: signers.PdfSignatureMetadata, signer: _LoadedKeySigner,
          signing_time: datetime, *, new_field: SigFieldSpec | None = None,
          stamp_style: StaticStampStyle | None = None, timestamper: TimeStamper | None = None) -> bytes:
    """Sign into `meta.field_name`: the existing field, or `new_field` created in the same update."""
    pdf_signer = _PdfSignerAt(meta, signer, signing_time=signing_time, new_field_spec=new_field,
                              stamp_style=stamp_style, timestamper=timestamper)
    try:
        reserved = signer.container_size(token_size(timestamper) if timestamper else 0)
        output = outside_event_loop(pdf_signer.sign_pdf, writer, existing_fields_only=new_field is None,
                                    bytes_reserved=reserved)
    except (PyHankoSigningError, PdfError) as error:
        raise SigningError(str(error)) from error
    except TimestampRequestError as error:
        raise TimeStampUnavailable(str(error)) from error
    return output.getvalue()


# ------------------------------------------------------------------ the network's certification

def certify(pdf_bytes: bytes, *, fields: list[tuple[str, int, tuple]], ca_key, ca_cert, signing_time: datetime,
            reason: str = CERTIFICATION_REASON, location: str | None = None,
            timestamper: TimeStamper | None = None, final: bool = False) -> bytes:
    """The agreement with every party's empty signature field and the network's invisible certification
    signature, in one incremental update. `fields`: (name, page index, (x1, y1, x2, y2)) per party, the page
    and box as `portal.agreements.pdf.signature_boxes` gives them. DocMDP FILL_FORMS: afterwards only
    signatures and form filling leave the certification intact. `final` (a document nobody signs after the
    network, like the completion certificate): DocMDP NO_CHANGES, and no fields."""
    _require_aware(signing_time, "signing_time")
    names = [name for name, _page, _box in fields]
    if final and names:
        raise ValueError("a final certification leaves no fields to sign")
    if len(set(names)) != len(names) or CERTIFICATION_FIELD in names:
        raise ValueError("signature field names must be unique and differ from the certification field")
    writer = _writer_for(pdf_bytes)
    for name, page, box in fields:
        pdf_fields.append_signature_field(writer, SigFieldSpec(name, on_page=page, box=tuple(box)))
    meta = signers.PdfSignatureMetadata(
        field_name=CERTIFICATION_FIELD, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        certify=True, docmdp_permissions=MDPPerm.NO_CHANGES if final else MDPPerm.FILL_FORMS,
        name=_common_name(ca_cert), reason=reason, location=location,
    )
    signer = _LoadedKeySigner(ca_key, ca_cert, issuers=[])
    return _sign(writer, meta, signer, signing_time, new_field=SigFieldSpec(CERTIFICATION_FIELD),
                 timestamper=timestamper)


# ------------------------------------------------------------------ a party's approval signature

def sign_party(pdf_bytes: bytes, *, field_name: str, org_key, org_cert, ca_cert, signer_name: str, position: str,
               org_name: str, signed_at: datetime, language: str, timestamper: TimeStamper | None = None) -> bytes:
    """The PDF with the party's visible approval signature in its (existing, empty) field, as an incremental
    update. The signer's name goes into the signature dictionary (/Name) as well as the stamp, so a
    verifier can name the person, not only the organisation the certificate belongs to."""
    _require_aware(signed_at, "signed_at")
    if language not in STAMP_LABELS:
        raise ValueError(f"language must be one of {tuple(STAMP_LABELS)}, not {language!r}")
    writer = _writer_for(pdf_bytes)
    box = _field_size(writer, field_name)
    stamp_pdf = render_stamp(StampText.of(signer_name=signer_name, position=position, org_name=org_name,
                                          signed_at=signed_at, language=language), *box)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", name=signer_name,
    )
    signer = _LoadedKeySigner(org_key, org_cert, issuers=[ca_cert])
    return _sign(writer, meta, signer, signed_at, stamp_style=_static_style(stamp_pdf), timestamper=timestamper)


def _field_size(writer: IncrementalPdfFileWriter, field_name: str) -> tuple[float, float]:
    """(width, height) of the empty signature field's widget; SigningError if there is no such empty field."""
    for name, _value, field_ref in pdf_fields.enumerate_sig_fields(writer.prev, filled_status=False):
        if name == field_name:
            x1, y1, x2, y2 = (float(v) for v in field_ref.get_object()["/Rect"])
            return abs(x2 - x1), abs(y2 - y1)
    raise SigningError(f"the PDF has no empty signature field {field_name!r}")


def _static_style(stamp_pdf: bytes) -> StaticStampStyle:
    return StaticStampStyle(
        background=_ImportedPdfBytes(stamp_pdf), background_opacity=1.0, border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0), inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


class _ImportedPdfBytes(content.PdfContent):
    """The first page of a PDF held in memory, as a form XObject (pyHanko's ImportedPdfPage wants a file)."""

    def __init__(self, pdf_bytes: bytes):
        super().__init__()
        self.pdf_bytes = pdf_bytes

    def render(self) -> bytes:
        xobject = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.pdf_bytes)))
        resource_name = b"/Stamp" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[resource_name.decode("ascii")] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return resource_name + b" Do"


# ------------------------------------------------------------------ the stamp (WeasyPrint)

LOCAL_TIME = ZoneInfo("Europe/Riga")  # the time printed is the time in Latvia
STAMP_LABELS = {
    # Past tense: Latvian past-tense verbs have no gender, unlike "parakstījis/parakstījusi".
    "lv": {"signed_by": "Elektroniski parakstīja", "time": "{date} plkst. {time}"},
    "en": {"signed_by": "Electronically signed by", "time": "{date}, {time} (Riga time)"},
}

# Debian's fonts-dejavu-core, as in the agreement itself; the fetcher reads these two files and nothing else,
# so a missing font stops the signing instead of silently falling back to another one.
STAMP_FONTS = {400: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
               700: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")}
_STAMP_CSS = "".join(
    f'@font-face {{ font-family: "Stamp Sans"; font-weight: {weight}; src: url("{path.as_uri()}"); }}\n'
    for weight, path in STAMP_FONTS.items()) + """
@page { margin: 0; }
html { font-family: "Stamp Sans"; font-size: 6.8pt; line-height: 1.2; color: #17365d; }
body { margin: 0; padding: 4.5pt 4.5pt 0 4.5pt; }
p { margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.who { font-weight: 700; }
"""


@dataclass(frozen=True)
class StampText:
    """The four lines of a signature's visible appearance."""
    signed_by: str  # "Elektroniski parakstīja Inguna Badune"
    position: str
    organisation: str
    when: str  # "2026. gada 24. novembrī plkst. 14:05", Riga time

    @classmethod
    def of(cls, *, signer_name: str, position: str, org_name: str, signed_at: datetime,
           language: str) -> StampText:
        labels = STAMP_LABELS[language]
        local = signed_at.astimezone(LOCAL_TIME)
        when = labels["time"].format(date=long_date(local, language), time=f"{local:%H:%M}")
        return cls(f"{labels['signed_by']} {signer_name}", position, org_name, when)

    def html(self) -> str:
        return (f'<p class="who">{escape(self.signed_by)}</p><p>{escape(self.position)}</p>'
                f'<p>{escape(self.organisation)}</p><p>{escape(self.when)}</p>')



class _FontsOnlyFetcher(URLFetcher):
    """Serves the stamp's two font files and refuses every other URL (the stamp's text comes from users)."""

    def __init__(self):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self._allowed = {path.as_uri(): path for path in STAMP_FONTS.values()}

    def fetch(self, url, headers=None):
        path = self._allowed.get(url)
        if path is None:
            raise ValueError(f"refused: {url}")
        return URLFetcherResponse(url, path.read_bytes())


_stamp_lock = threading.Lock()  # WeasyPrint shares the FontConfiguration and the parsed stylesheet
_stamp_fonts = FontConfiguration()
_stamp_fetcher = _FontsOnlyFetcher()
_stamp_css: list[CSS] = []


def render_stamp(text: StampText, width: float, height: float) -> bytes:
    """A one-page PDF of `width` x `height` points with the stamp's text (fonts embedded, subset)."""
    with _stamp_lock:
        size = CSS(string=f"@page {{ size: {width:.2f}pt {height:.2f}pt; }}", font_config=_stamp_fonts)
        try:
            if not _stamp_css:
                _stamp_css.append(CSS(string=_STAMP_CSS, url_fetcher=_stamp_fetcher, font_config=_stamp_fonts))
            return HTML(string=text.html(), url_fetcher=_stamp_fetcher).write_pdf(
                stylesheets=[*_stamp_css, size], font_config=_stamp_fonts)
        except FatalURLFetchingError as error:  # a BaseException: would slip past the app's error handling
            raise SigningError(f"the signature stamp could not be made: {error}") from error
