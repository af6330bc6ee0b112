"""Photos of a resource: decoded and checked by content, re-encoded without metadata, stored by their hash."""
import hashlib
import io
import os
import re
import struct
import zlib
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from portal.extensions import db
from portal.resources import photos as photo_store
from portal.resources.models import ResourcePhoto

from .factories import small_jpeg
from .helpers import client_for

NOT_AN_IMAGE = "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF photo."
TOO_MANY_PIXELS = "The image has too many pixels (at most 40 megapixels)."
TOO_LARGE = "The photo is larger than 8 MB."


# ---------------------------------------------------------------- images

def encoded(image: Image.Image, fmt="JPEG", **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def noise(size=(64, 48)) -> Image.Image:
    """An image no other test uploads: its stored hash is its own."""
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def unique_large(size) -> Image.Image:
    """A big image that stays small as a JPEG: a gradient with a random-coloured block."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste(tuple(os.urandom(3)), (10, 10, 200, 200))
    return image


def jpeg_with_exif(size=(64, 48), orientation=None) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Janis Kalnins"
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.ImageDescription] = "Balta maja, Livani"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (56.0, 21.0, 15.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (26.0, 10.0, 30.0),
    }
    data = encoded(noise(size), exif=exif.tobytes())
    check = Image.open(io.BytesIO(data)).getexif()
    assert check[ExifTags.Base.Artist] == "Janis Kalnins" and check.get_ifd(ExifTags.IFD.GPSInfo)
    return data


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=None)
def decompression_bomb(width: int, height: int) -> bytes:
    """A real PNG of a white width × height greyscale image: a few hundred KB that decode to
    width × height bytes. Written row by row, so the test itself never holds the pixels."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * width
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    data = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b""))
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(io.BytesIO(data)) as probe:
            assert (probe.format, probe.size) == ("PNG", (width, height))
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    return data


# ---------------------------------------------------------------- helpers

def upload(client, resource, data: bytes | None, name="photo.jpg"):
    form = {} if data is None else {"photo": (io.BytesIO(data), name)}
    return client.post(f"/resources/{resource.id}/photos", data=form, content_type="multipart/form-data")


def photo_rows(resource=None) -> list[ResourcePhoto]:
    query = select(ResourcePhoto).order_by(ResourcePhoto.id)
    if resource is not None:
        query = query.where(ResourcePhoto.resource_id == resource.id)
    db.session.expire_all()
    return db.session.scalars(query).all()


def stored_files(app) -> set[Path]:
    root = Path(app.config["PORTAL_DATA_DIR"]) / "photos"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def stored(app, sha: str, size: str) -> Path:
    return Path(app.config["PORTAL_DATA_DIR"]) / "photos" / sha[:2] / f"{sha}.{size}.jpg"


def refusal(response) -> list[str]:
    """The messages next to the photo field of the resource page that came back."""
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    return [m.strip() for m in re.findall(r'<p class="error" data-field="photo">(.*?)</p>', html, re.S)]


def flashes(client, resource, category):
    html = client.get(f"/resources/{resource.id}").get_data(as_text=True)
    return [m.strip() for m in re.findall(rf'<div class="flash {category}"[^>]*>(.*?)</div>', html, re.S)]


@pytest.fixture
def member(app, world):
    c = client_for(app, world.member)
    c.get("/?lang=en")
    return c


# ---------------------------------------------------------------- accepted photos

def test_exif_is_dropped_and_the_photo_stored_by_its_hash(app, world, member):
    response = upload(member, world.resource, jpeg_with_exif(), "IMG_0042.JPG")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/resources/{world.resource.id}#photos"
    [photo] = photo_rows(world.resource)
    assert len(photo.sha256) == 64
    full, thumb = stored(app, photo.sha256, "full"), stored(app, photo.sha256, "thumb")
    assert full.is_file() and thumb.is_file()
    assert hashlib.sha256(full.read_bytes()).hexdigest() == photo.sha256, "named by the hash of its content"
    for path in (full, thumb):
        data = path.read_bytes()
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info and "xmp" not in image.info
        assert b"Janis Kalnins" not in data and b"Canon" not in data and b"Exif\x00\x00" not in data
    assert (photo.width, photo.height) == (64, 48)
    assert flashes(member, world.resource, "success") == ["The photo is added."]


def test_the_orientation_is_applied_before_the_metadata_goes(app, world, member):
    upload(member, world.resource, jpeg_with_exif((64, 48), orientation=6))
    [photo] = photo_rows(world.resource)
    with Image.open(stored(app, photo.sha256, "full")) as image:
        assert image.size == (48, 64)
    assert (photo.width, photo.height) == (48, 64)


@pytest.mark.parametrize("size, full, thumb", [
    ((2400, 1800), (1600, 1200), (400, 300)),
    ((900, 2700), (533, 1600), (133, 400)),
    ((300, 200), (300, 200), (300, 200)),  # small photos are not enlarged
])
def test_full_size_and_thumbnail_are_bounded(app, world, member, size, full, thumb):
    upload(member, world.resource, encoded(unique_large(size), quality=90))
    [photo] = photo_rows(world.resource)
    with Image.open(stored(app, photo.sha256, "full")) as image:
        assert image.size == full and max(image.size) <= 1600
    with Image.open(stored(app, photo.sha256, "thumb")) as image:
        assert image.size == thumb and max(image.size) <= 400
    assert (photo.width, photo.height) == full


@pytest.mark.parametrize("fmt, mode", [("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB"), ("GIF", "P")])
def test_png_webp_and_gif_are_stored_as_jpeg(app, world, member, fmt, mode):
    image = noise((80, 60)).convert(mode)
    upload(member, world.resource, encoded(image, fmt), f"photo.{fmt.lower()}")
    [photo] = photo_rows(world.resource)
    with Image.open(stored(app, photo.sha256, "full")) as stored_image:
        assert stored_image.format == "JPEG" and stored_image.mode == "RGB" and stored_image.size == (80, 60)


def test_the_same_image_twice_is_stored_once(app, world, member):
    data = encoded(noise())
    before = stored_files(app)
    upload(member, world.resource, data, "a.jpg")
    after_first = stored_files(app)
    upload(member, world.public_resource, data, "b.jpg")
    upload(member, world.resource, data, "c.jpg")
    first = photo_rows(world.resource)[0]
    second = photo_rows(world.public_resource)[-1]
    assert first.sha256 == second.sha256 == photo_rows(world.resource)[1].sha256
    assert after_first - before == {stored(app, first.sha256, "full"), stored(app, first.sha256, "thumb")}
    assert stored_files(app) == after_first, "no second copy"
    assert not any(p.suffix == ".tmp" for p in stored_files(app))


def test_the_photo_is_served_inline_as_jpeg(app, world, member):
    upload(member, world.resource, encoded(noise()))
    [photo] = photo_rows(world.resource)
    for size in ("thumb", "full"):
        response = member.get(f"/resources/{world.resource.id}/photos/{photo.id}/{size}.jpg")
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.data == stored(app, photo.sha256, size).read_bytes()
    html = member.get(f"/resources/{world.resource.id}").get_data(as_text=True)
    assert f'src="/resources/{world.resource.id}/photos/{photo.id}/thumb.jpg"' in html
    assert member.get(f"/resources/{world.resource.id}/photos/{photo.id}/huge.jpg").status_code == 404
    assert member.get(f"/resources/{world.resource.id}/photos/{photo.id}/thumb.png").status_code == 404
    # Through another resource's URL it is not found.
    assert member.get(f"/resources/{world.public_resource.id}/photos/{photo.id}/thumb.jpg").status_code == 404


def test_the_first_photo_is_on_the_catalogue_card(world, member):
    html = member.get("/resources?q=projektors").get_data(as_text=True)
    photo = world.public_resource.photos[0]
    assert f'src="/resources/{world.public_resource.id}/photos/{photo.id}/thumb.jpg"' in html


# ---------------------------------------------------------------- refused uploads

def _truncated_jpeg() -> bytes:
    data = encoded(noise((320, 240)), quality=95)
    return data[: len(data) // 2]


def _oversized_jpeg() -> bytes:
    data = encoded(noise((64, 48)))
    return data + os.urandom(photo_store.MAX_BYTES + 1 - len(data))  # a valid JPEG, 1 byte over the limit


REFUSED = {
    "text renamed .jpg": (lambda: b"Sveiki! This is a text file, not a photo.\n" * 50, "notes.jpg", NOT_AN_IMAGE),
    "html renamed .jpg": (lambda: b"<!doctype html><script>alert(1)</script>", "x.jpg", NOT_AN_IMAGE),
    "svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "x.svg", NOT_AN_IMAGE),
    "pdf": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "x.jpg", NOT_AN_IMAGE),
    "truncated jpeg": (_truncated_jpeg, "cut.jpg", NOT_AN_IMAGE),
    "jpeg header only": (lambda: small_jpeg()[:20], "head.jpg", NOT_AN_IMAGE),
    "oversized": (_oversized_jpeg, "big.jpg", TOO_LARGE),
    "bomb 20000x20000": (lambda: decompression_bomb(20000, 20000), "bomb.png", TOO_MANY_PIXELS),
    "bomb 10000x10000": (lambda: decompression_bomb(10000, 10000), "bomb.png", TOO_MANY_PIXELS),
    "bomb 7000x7000": (lambda: decompression_bomb(7000, 7000), "bomb.png", TOO_MANY_PIXELS),
    "tiff": (lambda: encoded(noise(), "TIFF"), "x.tif", "Upload a JPEG, PNG, WebP or GIF image."),
    "empty file": (lambda: b"", "empty.jpg", "Choose a photo to upload."),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_uploads_say_why_and_store_nothing(app, world, member, case):
    make, name, message = REFUSED[case]
    data = make()
    rows, files = photo_rows(), stored_files(app)
    response = upload(member, world.resource, data, name)
    assert refusal(response) == [message]
    assert photo_rows() == rows, "no photo row"
    assert stored_files(app) == files, "no file"


def test_a_post_without_a_file_says_to_choose_one(app, world, member):
    rows = photo_rows()
    assert refusal(upload(member, world.resource, None)) == ["Choose a photo to upload."]
    assert photo_rows() == rows


def test_a_request_above_the_upload_limit_is_refused_with_413(app, world, member):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    rows, files = photo_rows(), stored_files(app)
    response = upload(member, world.resource, os.urandom(17 * 1024 * 1024), "huge.jpg")
    assert response.status_code == 413
    assert photo_rows() == rows and stored_files(app) == files


def test_a_seventh_photo_is_refused(app, world, member):
    for _ in range(6):
        upload(member, world.resource, encoded(noise()))
    assert len(photo_rows(world.resource)) == 6
    assert [p.position for p in photo_rows(world.resource)] == [0, 1, 2, 3, 4, 5]
    files = stored_files(app)
    assert refusal(upload(member, world.resource, encoded(noise()))) == ["A resource can have at most 6 photos."]
    assert len(photo_rows(world.resource)) == 6
    assert stored_files(app) == files
    html = member.get(f"/resources/{world.resource.id}").get_data(as_text=True)
    assert f'action="/resources/{world.resource.id}/photos"' not in html, "no upload form when full"
    assert html.count(f"/resources/{world.resource.id}/photos/") >= 12  # six thumbs, six links


# ---------------------------------------------------------------- removing

def test_the_owner_org_removes_a_photo(app, world, member):
    photo = world.public_resource.photos[0]
    url = f"/resources/{world.public_resource.id}/photos/{photo.id}"
    for intruder in (world.other_member, world.other_representative, world.coordinator):
        assert client_for(app, intruder).post(f"{url}/delete").status_code == 404
    visitor = client_for(app, None)
    response = visitor.post(f"{url}/delete")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert visitor.get(f"{url}/delete").status_code == 405
    assert len(photo_rows(world.public_resource)) == 1

    # Not through another resource of the same org.
    assert member.post(f"/resources/{world.resource.id}/photos/{photo.id}/delete").status_code == 404
    assert len(photo_rows(world.public_resource)) == 1

    response = member.post(f"{url}/delete")
    assert response.status_code == 302
    assert photo_rows(world.public_resource) == []
    assert flashes(member, world.public_resource, "success") == ["The photo is removed."]
    assert member.get(f"{url}/thumb.jpg").status_code == 404
    assert member.post(f"{url}/delete").status_code == 404  # gone already


def test_removing_one_of_two_shared_files_keeps_the_other_photo_working(app, world, member):
    data = encoded(noise())
    upload(member, world.resource, data)
    upload(member, world.public_resource, data)
    first, second = photo_rows(world.resource)[0], photo_rows(world.public_resource)[-1]
    assert first.sha256 == second.sha256
    member.post(f"/resources/{world.resource.id}/photos/{first.id}/delete")
    response = member.get(f"/resources/{world.public_resource.id}/photos/{second.id}/full.jpg")
    assert response.status_code == 200 and response.data == stored(app, second.sha256, "full").read_bytes()


def test_photos_can_be_added_again_after_one_is_removed(app, world, member):
    for _ in range(6):
        upload(member, world.resource, encoded(noise()))
    first = photo_rows(world.resource)[0]
    member.post(f"/resources/{world.resource.id}/photos/{first.id}/delete")
    upload(member, world.resource, encoded(noise()))
    photos = photo_rows(world.resource)
    assert len(photos) == 6
    db.session.refresh(world.resource)
    assert len({p.position for p in world.resource.photos}) == 6, "each photo keeps its own place"
    assert db.session.scalar(select(func.count()).select_from(ResourcePhoto)) == 7  # + the public one
