"""Photo uploads: decoded and checked by content, re-encoded without metadata, content-addressed."""
import hashlib
import io
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from ..errors import RuleViolation
from ..storage import get_storage

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 10 MB PNG can claim gigapixels: refuse before decoding
MAX_PHOTOS = 6
FULL_SIZE, THUMB_SIZE = 1600, 400
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass
class StoredPhoto:
    sha256: str
    width: int
    height: int


def photo_key(sha256: str, size: str) -> str:
    return f"photos/{sha256[:2]}/{sha256}.{size}.jpg"


def read_photo(sha256: str, size: str) -> bytes | None:
    """The stored JPEG ("full" or "thumb"), or None when the store has none."""
    try:
        return get_storage().get(photo_key(sha256, size))
    except FileNotFoundError:
        return None


_strict_decoding_lock = threading.Lock()


@contextmanager
def strict_decoding():
    """Truncated files are errors here, even though WeasyPrint's import tells Pillow, process-wide,
    to load them anyway (weasyprint/images.py sets ImageFile.LOAD_TRUNCATED_IMAGES)."""
    with _strict_decoding_lock:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _refuse(message):
    raise RuleViolation(message, field="photo")


@dataclass
class PreparedPhoto:
    """An upload that passed the checks, encoded but not yet stored."""

    full: bytes
    thumb: bytes
    width: int
    height: int


def prepare_upload(data: bytes) -> PreparedPhoto:
    """Checks one uploaded photo and encodes it; raises RuleViolation with a message for the person."""
    if not data:
        _refuse(_l("Choose a photo to upload."))
    if len(data) > MAX_BYTES:
        _refuse(_l("The photo is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    try:
        with strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    _refuse(_l("Upload a JPEG, PNG, WebP or GIF image."))
                if probe.width * probe.height > MAX_PIXELS:
                    _refuse(_l("The image has too many pixels (at most %(mp)d megapixels).", mp=MAX_PIXELS // 10**6))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGB")
    except RuleViolation:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_l("The image has too many pixels (at most %(mp)d megapixels).", mp=MAX_PIXELS // 10**6))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(_l("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF photo."))
    width, height = _fitted(image.size, FULL_SIZE)
    return PreparedPhoto(_encode(image, FULL_SIZE), _encode(image, THUMB_SIZE), width, height)


def store_prepared(prepared: PreparedPhoto) -> StoredPhoto:
    sha256 = hashlib.sha256(prepared.full).hexdigest()
    storage = get_storage()
    if not storage.exists(photo_key(sha256, "full")):
        # The thumbnail first: a full photo in the store means both are there.
        storage.put(photo_key(sha256, "thumb"), prepared.thumb)
        storage.put(photo_key(sha256, "full"), prepared.full)
    return StoredPhoto(sha256, prepared.width, prepared.height)


def process_upload(data: bytes) -> StoredPhoto:
    """Checks and stores one uploaded photo; raises RuleViolation with a message for the person."""
    return store_prepared(prepare_upload(data))


def _fitted(size, limit):
    width, height = size
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(image: Image.Image, limit: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((limit, limit), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)  # no EXIF: metadata is dropped
    return out.getvalue()
