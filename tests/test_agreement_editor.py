"""The agreement editor without JavaScript: sections are added, removed and moved up or down by plain form
posts that keep everything typed and save nothing until "Save"; an empty section is never stored."""
import re

from portal.agreements.models import Agreement
from portal.extensions import db

from .factories import make_agreement
from .helpers import client_for


def _form(agreement, sections, **extra):
    data = {"title": "Sadarbības līgums (labots)", "place": "Daugavpilī", "valid_from": agreement.valid_from.isoformat(),
            "valid_to": "", "review_on": "", "edit_stamp": ""}
    for i, (heading, text) in enumerate(sections):
        data[f"clauses-{i}-heading"], data[f"clauses-{i}-text"] = heading, text
    data.update(extra)
    return data


def _headings(html: str) -> list[str]:
    return re.findall(r'name="clauses-\d+-heading"[^>]*value="([^"]*)"', html) or \
        re.findall(r'value="([^"]*)"[^>]*name="clauses-\d+-heading"', html)


SECTIONS = [("Priekšmets", "Pirmais punkts"), ("Tiesības", "Otrais punkts"), ("Beigas", "Trešais punkts")]


def _post(app, world, agreement, op, sections=SECTIONS):
    client = client_for(app, world.representative)
    response = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=_form(agreement, sections, op=op))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_moving_a_section_up_and_down_keeps_the_typing_and_saves_nothing(app, world):
    agreement = make_agreement(world, "draft")
    stored = list(agreement.clauses)
    db.session.commit()
    html = _post(app, world, agreement, "up-2")
    assert _headings(html) == ["Priekšmets", "Beigas", "Tiesības"]
    assert 'value="Sadarbības līgums (labots)"' in html and "Trešais punkts" in html
    assert "Press “Save” to keep the change." in html
    assert re.findall(r'<textarea[^>]*name="clauses-\d+-text"[^>]*rows="(\d+)"', html) == ["3", "3", "3"] or \
        re.findall(r'<textarea[^>]*rows="(\d+)"[^>]*name="clauses-\d+-text"', html) == ["3", "3", "3"]
    assert _headings(_post(app, world, agreement, "down-0")) == ["Tiesības", "Priekšmets", "Beigas"]
    assert _headings(_post(app, world, agreement, "up-0")) == ["Priekšmets", "Tiesības", "Beigas"]  # first: stays
    assert _headings(_post(app, world, agreement, "down-2")) == ["Priekšmets", "Tiesības", "Beigas"]  # last: stays
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).clauses == stored


def test_adding_and_removing_sections(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    assert _headings(_post(app, world, agreement, "add-0")) == ["Priekšmets", "", "Tiesības", "Beigas"]
    assert _headings(_post(app, world, agreement, "add")) == ["Priekšmets", "Tiesības", "Beigas", ""]
    assert _headings(_post(app, world, agreement, "remove-1")) == ["Priekšmets", "Beigas"]
    assert _headings(_post(app, world, agreement, "remove-0", [("Vienīgā", "Punkts")])) == ["Vienīgā"]  # never none
    assert _headings(_post(app, world, agreement, "remove-9")) == ["Priekšmets", "Tiesības", "Beigas"]  # no such


def test_a_section_text_area_is_as_tall_as_its_points(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    html = _post(app, world, agreement, "add", [("Garš", "\n".join(f"Punkts {n}" for n in range(8)))])
    rows = re.findall(r'rows="(\d+)"', html)
    assert rows[:2] == ["9", "3"], rows  # eight points and a line to type in; the new section is small


def test_the_rearranged_order_is_what_save_stores(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    client = client_for(app, world.representative)
    moved = [SECTIONS[1], SECTIONS[0], SECTIONS[2], ("", "")]  # as the page came back, with an empty new one
    response = client.post(f"/agreements/{agreement.id}/edit", data=_form(agreement, moved, op="save"))
    assert response.status_code == 302
    db.session.expire_all()
    assert [c["heading"] for c in db.session.get(Agreement, agreement.id).clauses] == ["Tiesības", "Priekšmets", "Beigas"]


def test_the_buttons_need_the_csrf_token_and_the_drafter(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    data = _form(agreement, SECTIONS, op="up-1")
    assert client_for(app, world.representative).post(f"/agreements/{agreement.id}/edit", data=data,
                                                      csrf=False).status_code == 400
    assert client_for(app, world.member).post(f"/agreements/{agreement.id}/edit", data=data).status_code == 403
    assert client_for(app, world.other_member).post(f"/agreements/{agreement.id}/edit", data=data).status_code == 404
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).title != "Sadarbības līgums (labots)"
