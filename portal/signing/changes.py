"""What a signing tool changed in a PDF besides signing it, named so a person can be told.

A party's own tool (eParaksts and the like) appends incremental updates to the copy it was given. Signing
legitimately touches: the signature field (filled, or created with its widget on a page), the AcroForm, the
DSS, document time-stamp fields, and the bookkeeping every PDF writer updates (/ModDate and /Producer, and their
XMP counterparts). `forbidden_changes` compares the copy as given with the upload's last revision and names
anything else:

    page_added         the page tree changed (a page added, removed or replaced)
    annotation         an annotation (comment, stamp, drawing, link) added, removed or changed
    form_field         a form field other than a signature added, removed or filled
    signature_replaced a signature that was already in the copy was changed
    metadata           the document's title, author, subject, keywords … (Info dictionary or XMP) changed

pyHanko's difference analysis (external.py) remains the judge of everything else ("other_changes").
"""
from __future__ import annotations

import io
import logging

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.metadata import model as xmp_model
from pyhanko.pdf_utils.metadata.xmp_xml import parse_xmp

log = logging.getLogger(__name__)

CODES = ("page_added", "annotation", "form_field", "signature_replaced", "metadata")
# Entries every writer updates on every save; their change says nothing about the document.
BOOKKEEPING_INFO = {"/ModDate", "/Producer"}
BOOKKEEPING_XMP = {
    xmp_model.PDF_PRODUCER, xmp_model.XMP_MODDATE,
    xmp_model.ExpandedName(ns=xmp_model.NS["xmp"], local_name="MetadataDate"),
    xmp_model.ExpandedName(ns="http://ns.adobe.com/xap/1.0/mm/", local_name="InstanceID"),
}


def forbidden_changes(reader, base_revision: int) -> list[str]:
    """The codes (in CODES order) of what changed between `base_revision` and the file's last revision that
    signing does not explain."""
    old = reader.get_historical_resolver(base_revision)
    new = reader.get_historical_resolver(reader.xrefs.total_revisions - 1)
    rewritten = set().union(*(reader.xrefs.explicit_refs_in_revision(revision)
                               for revision in range(base_revision + 1, reader.xrefs.total_revisions)))
    found = set()
    old_pages, new_pages = _pages(old), _pages(new)
    if [ref for ref, _page in old_pages] != [ref for ref, _page in new_pages]:
        found.add("page_added")
    found |= _annotation_changes(dict(old_pages), dict(new_pages), rewritten)
    found |= _field_changes(_fields(old), _fields(new))
    if _info(old) != _info(new) or _xmp(old) != _xmp(new):
        found.add("metadata")
    return [code for code in CODES if code in found]


# ------------------------------------------------------------------ pages and annotations

def _pages(resolver) -> list[tuple[generic.Reference, generic.DictionaryObject]]:
    result = []

    def walk(node_ref, depth=0):
        if depth > 64 or len(result) > 100_000:
            return
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node.get("/Kids", ()):
                walk(kid, depth + 1)
        else:
            result.append((node_ref.reference, node))

    walk(resolver.root.raw_get("/Pages"))
    return result


def _annotation_changes(old_pages: dict, new_pages: dict, rewritten: set) -> set[str]:
    """Annotations added, removed or rewritten on the pages both revisions share; a signature field's widget
    may come and be rewritten (it carries the signature's appearance)."""
    found = set()
    for ref, new_page in new_pages.items():
        old_page = old_pages.get(ref)
        old_annots = _annotations(old_page) if old_page is not None else {}
        new_annots = _annotations(new_page)
        for annot_ref, annot in new_annots.items():
            if annot_ref not in old_annots or annot_ref in rewritten:
                kind = _kind_of(annot)
                if kind:
                    found.add(kind)
        for annot_ref, annot in old_annots.items():
            if annot_ref not in new_annots:
                found.add("form_field" if _is_widget(annot) else "annotation")
    return found


def _annotations(page) -> dict:
    annots = page.get("/Annots", ())
    annots = annots.get_object() if isinstance(annots, generic.IndirectObject) else annots
    return {a.reference: a.get_object() for a in annots if isinstance(a, generic.IndirectObject)}


def _is_widget(annot) -> bool:
    return annot.get("/Subtype") == "/Widget"


def _kind_of(annot) -> str | None:
    """What adding or rewriting this annotation is: None for a signature field's widget (part of signing)."""
    if not _is_widget(annot):
        return "annotation"
    field = annot if "/FT" in annot else annot.get("/Parent")
    field = field.get_object() if field is not None else annot
    return None if field.get("/FT") == "/Sig" else "form_field"


# ------------------------------------------------------------------ form fields

def _fields(resolver) -> dict[str, tuple[str, object]]:
    """Fully qualified name -> (field type, value) of every terminal field."""
    result = {}
    acroform = resolver.root.get("/AcroForm")
    if acroform is None:
        return result

    def walk(field_ref, prefix, depth=0):
        if depth > 32 or len(result) > 10_000:
            return
        field = field_ref.get_object()
        name = f"{prefix}.{field['/T']}" if prefix and "/T" in field else str(field.get("/T", prefix))
        kids = [k for k in field.get("/Kids", ()) if "/T" in k.get_object()]
        if kids:
            for kid in kids:
                walk(kid, name, depth + 1)
            return
        value = field.raw_get("/V") if "/V" in field else None
        if isinstance(value, generic.IndirectObject):
            value = ("ref", value.reference)
        result[name] = (str(field.get("/FT", "")), value)

    for field_ref in acroform.get_object().get("/Fields", ()):
        walk(field_ref, "")
    return result


def _field_changes(old: dict, new: dict) -> set[str]:
    found = set()
    for name, (kind, value) in new.items():
        before = old.get(name)
        if kind == "/Sig":
            if before is not None and before[1] is not None and before != (kind, value):
                found.add("signature_replaced")
        elif before != (kind, value):
            found.add("form_field")
    if any(name not in new for name in old):
        found.add("form_field")
    return found


# ------------------------------------------------------------------ metadata

def _info(resolver) -> dict:
    info = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
    if info is None:
        return {}
    info = resolver.get_object(info.reference) if isinstance(info, generic.IndirectObject) else info
    return {str(k): str(v) for k, v in info.items() if str(k) not in BOOKKEEPING_INFO}


def _xmp(resolver) -> dict:
    ref = resolver.root.raw_get("/Metadata") if "/Metadata" in resolver.root else None
    if ref is None:
        return {}
    try:
        stream = resolver.get_object(ref.reference) if isinstance(ref, generic.IndirectObject) else ref
        structures = parse_xmp(io.BytesIO(stream.data))
    except Exception as error:  # unreadable XMP: compare the raw bytes instead
        log.info("XMP metadata could not be parsed: %r", error)
        return {"raw": getattr(locals().get("stream"), "data", b"")}
    return {name: value for structure in structures for name, value in structure
            if name not in BOOKKEEPING_XMP}
