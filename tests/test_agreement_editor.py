"""The agreement editor without JavaScript: sections (and the points in them) are added, removed and moved by plain form
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


# ---------------------------------------------------------------- single points

POINTS = [("Priekšmets", "Pirmais\nOtrais\n\nTrešais"), ("Tiesības", "Vienīgais")]


def _texts(html: str) -> list[str]:
    import html as entities

    return [entities.unescape(t).strip("\r\n") for t in
            re.findall(r'<textarea[^>]*name="clauses-\d+-text"[^>]*>(.*?)</textarea>', html, re.S)]


def test_a_point_moves_up_and_down_within_its_section_and_nothing_is_saved(app, world):
    agreement = make_agreement(world, "draft")
    stored = list(agreement.clauses)
    db.session.commit()
    html = _post(app, world, agreement, "point-up-0-2", POINTS)
    assert _texts(html) == ["Pirmais\nTrešais\nOtrais", "Vienīgais"]  # blank lines are no points
    assert "Press “Save” to keep the change." in html and "The points are rearranged." in html
    assert 'value="Sadarbības līgums (labots)"' in html  # the rest of the typing is kept
    assert re.search(r'<li class="point-row focused" data-testid="point-1-2"', html)  # where it went
    assert re.search(r'<details class="point-tools" open data-testid="points-1"', html)
    assert _texts(_post(app, world, agreement, "point-down-0-0", POINTS))[0] == "Otrais\nPirmais\nTrešais"
    assert _texts(_post(app, world, agreement, "point-up-0-0", POINTS))[0] == "Pirmais\nOtrais\nTrešais"  # first
    assert _texts(_post(app, world, agreement, "point-down-0-2", POINTS))[0] == "Pirmais\nOtrais\nTrešais"  # last
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).clauses == stored


def test_a_point_is_removed_and_odd_buttons_change_nothing(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    assert _texts(_post(app, world, agreement, "point-remove-0-1", POINTS)) == ["Pirmais\nTrešais", "Vienīgais"]
    assert _texts(_post(app, world, agreement, "point-remove-1-0", POINTS)) == ["Pirmais\nOtrais\n\nTrešais", ""]
    for odd in ("point-up-0-9", "point-up-7-0", "point-sideways-0-1", "point-up-x-y", "point", "point-remove-0"):
        assert _texts(_post(app, world, agreement, odd, POINTS))[1] == "Vienīgais", odd
    # Only sections of two or more points offer the point buttons.
    html = _post(app, world, agreement, "point-up-0-1", POINTS)
    assert 'data-testid="points-1"' in html and 'data-testid="points-2"' not in html
    assert 'value="point-up-0-0"' in html and re.search(r'value="point-up-0-0"[^>]*disabled', html)


def test_the_whole_draft_is_still_checked_in_one_pass_when_saved_after_a_move(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    client = client_for(app, world.representative)
    moved = _post(app, world, agreement, "point-up-0-1", POINTS)
    assert _texts(moved)[0] == "Otrais\nPirmais\nTrešais"
    data = _form(agreement, [("", "Otrais\nPirmais\nTrešais"), ("Tiesības", "")], op="save", title="",
                 valid_from="9999-01-01")
    html = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=data).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    assert 'href="#title"' in summary and 'href="#valid_from"' in summary and "clauses-" in summary
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).title != ""
