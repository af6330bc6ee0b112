"""Photos chosen on the publish form: checked as the photo upload checks them, every problem shown at once with
the rest of the form, and the person told to choose the photos again when the form comes back."""
import io
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.resources.models import Resource, ResourcePhoto

from .catalogue_helpers import resource_form
from .factories import small_jpeg
from .helpers import client_for
from .test_photos import TOO_LARGE, decompression_bomb, encoded, noise, stored, stored_files

MATERIAL = dict(kind="material", category="equipment", title="Skaņas pults ar mikrofoniem", handover="pickup",
                format="", audience="", licence="", value_eur="", value_unit="")


def page(response) -> str:
    return response.get_data(as_text=True)


def publish(client, *files, **changes):
    data = resource_form(**{**MATERIAL, **changes})
    data["photos"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/resources/new", data=data, content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def errors(html: str, field: str) -> list[str]:
    return [m.strip() for m in re.findall(rf'<p class="error" data-field="{field}">(.*?)</p>', html, re.S)]


@pytest.fixture
def member(app, world):
    c = client_for(app, world.member)
    c.get("/?lang=en")
    return c


def test_the_publish_form_takes_photos(member):
    html = page(member.get("/resources/new"))
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input[^>]*multiple[^>]*name="photos"|<input[^>]*name="photos"[^>]*multiple', html)
    assert "You can add photos after publishing" not in html
    # Editing keeps its own form: photos are added and removed on the resource's page.
    assert 'name="photos"' not in page(member.get("/needs/new"))


def test_a_resource_is_published_with_its_photos_in_order(app, member):
    first, second = encoded(noise()), encoded(noise((48, 64)), "PNG")
    response = publish(member, ("pults.jpg", first), ("mikrofoni.png", second))
    assert response.status_code == 302
    resource = db.session.scalars(select(Resource).order_by(Resource.id.desc())).first()
    assert response.headers["Location"] == f"/resources/{resource.id}"
    rows = db.session.scalars(select(ResourcePhoto).where(ResourcePhoto.resource_id == resource.id)
                              .order_by(ResourcePhoto.position)).all()
    assert [(p.width, p.height, p.position) for p in rows] == [(64, 48, 0), (48, 64, 1)]
    assert all(stored(app, p.sha256, size).is_file() for p in rows for size in ("full", "thumb"))
    shown = page(member.get(f"/resources/{resource.id}"))
    assert f'alt="Photo 1 of {resource.title}"' in shown and f'alt="Photo 2 of {resource.title}"' in shown


def test_no_photo_is_fine(member):
    before = count(ResourcePhoto)
    assert publish(member).status_code == 302
    assert count(ResourcePhoto) == before


def test_every_problem_at_once_by_file_and_nothing_is_stored(app, member):
    resources, photos, files = count(Resource), count(ResourcePhoto), stored_files(app)
    big = b"\xff\xd8" + b"0" * (8 * 1024 * 1024 + 10)
    html = page(publish(member, ("labs.jpg", small_jpeg()), ("teksts.jpg", b"not an image at all"),
                        ("liels.jpg", big), ("bumba.png", decompression_bomb(8000, 6000)), title="", quantity="0"))
    problems = errors(html, "photos")
    assert problems[0].startswith("teksts.jpg: This file is not an image we can read")
    assert problems[1] == f"liels.jpg: {TOO_LARGE}"
    assert problems[2].startswith("bumba.png: The image has too many pixels")
    assert len(problems) == 3
    assert errors(html, "title") and errors(html, "quantity")  # with the rest of the form
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    assert summary.count('href="#photos"') == 3 and 'href="#title"' in summary
    assert (count(Resource), count(ResourcePhoto), stored_files(app)) == (resources, photos, files)


def test_the_person_is_told_next_to_the_field_to_choose_the_photos_again(member):
    html = page(publish(member, ("labs.jpg", small_jpeg()), title=""))
    assert errors(html, "photos") == []
    hint = re.search(r'<p class="hint retype" id="photos-retype"[^>]*>(.*?)</p>', html, re.S)
    assert hint and "choose them again" in hint.group(1)
    assert re.search(r'name="photos"[^>]*aria-describedby="[^"]*photos-retype|aria-describedby="[^"]*photos-retype'
                     r'[^"]*"[^>]*name="photos"', html)
    assert 'value="Atbrīvošanas aleja 93, Rēzekne"' in html  # the rest of the typing is kept
    # Without a chosen photo there is nothing to choose again.
    assert 'id="photos-retype"' not in page(publish(member, title=""))


def test_more_than_six_photos_are_refused(member):
    before = count(Resource)
    html = page(publish(member, *[(f"{n}.jpg", small_jpeg(size=(20 + n, 20))) for n in range(7)]))
    assert errors(html, "photos") == ["Choose at most 6 photos."]
    assert count(Resource) == before


def test_the_publish_route_takes_a_body_of_six_photos_and_other_routes_do_not(member, world):
    """MAX_CONTENT_LENGTH (16 MB) holds everywhere but here: a 14 MB publish is answered with its messages."""
    junk = b"0" * (7 * 1024 * 1024)
    html = page(publish(member, ("a.jpg", junk), ("b.jpg", junk)))
    assert len(errors(html, "photos")) == 2
    too_big = member.post(f"/resources/{world.resource.id}/photos", content_type="multipart/form-data",
                          data={"photo": (io.BytesIO(b"0" * (17 * 1024 * 1024)), "x.jpg")})
    assert too_big.status_code == 413
