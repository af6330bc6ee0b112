"""Facts read off a signature embedded in a PDF, or off pyHanko's status for it, that never raise."""
from __future__ import annotations

from pyhanko.pdf_utils.generic import NameObject
from pyhanko.sign.validation.status import SignatureCoverageLevel


def field_name(signature) -> str:
    try:
        return str(signature.field_name)
    except Exception:
        return ""


def signed_up_to(signature) -> int:
    """The end of the signed byte range: the length of the file as it was signed (0 if unreadable)."""
    try:
        start, length = int(signature.byte_range[2]), int(signature.byte_range[3])
        return start + length
    except Exception:
        return 0


def is_certification(sig_object) -> bool:
    """A certification signature is the one whose signature reference uses the DocMDP transform."""
    try:
        references = sig_object.get("/Reference") or []
        return any(ref.get_object().get("/TransformMethod") == NameObject("/DocMDP") for ref in references)
    except Exception:
        return False


def modification_name(status) -> str:
    """What changed after the signature: none, lta_updates, form_filling, annotations, other (or unknown)."""
    level = status.modification_level
    return level.name.lower() if level is not None else "unknown"


def covers_whole_file(status) -> bool:
    return status.coverage == SignatureCoverageLevel.ENTIRE_FILE
