"""The agreement's edit form: the dates, the title and the sections' headings checked, and two editors — the
stale save refused, saves at the same moment not overwriting each other. Every test runs on SQLite and
PostgreSQL."""
import threading

from portal.agreements import drafting
from portal.agreements.models import Agreement
from portal.extensions import db

from .agreement_helpers import at_once, audit_actions, field_errors, flashes, form_data, input_value, section
from .agreement_helpers import second_rep  # noqa: F401  (fixtures)
from .factories import make_agreement
from .helpers import client_for


# ================================================================ 9. the edit form

def test_the_edit_form_refuses_an_end_before_the_start(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    before = (agreement.title, agreement.valid_to, drafting.edit_stamp(agreement))
    client = client_for(app, world.representative)
    typed_title = "Sadarbības līgums ar ģimeņu centru"
    response = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=form_data(
        agreement, title=typed_title, valid_from="2026-06-01", valid_to="2026-05-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "valid_to") == ["The end date must be on or after the start date."]
    assert input_value(html, "title") == typed_title
    assert input_value(html, "valid_to") == "2026-05-01" and input_value(html, "valid_from") == "2026-06-01"
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert (agreement.title, agreement.valid_to, drafting.edit_stamp(agreement)) == before


def test_the_edit_form_refuses_an_empty_title(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    before = agreement.title
    client = client_for(app, world.representative)
    response = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=form_data(
        agreement, title="  ", clauses=[("Priekšmets", "Jauns teksts ar ā un ž")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "title")
    assert "Jauns teksts ar ā un ž" in html
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.title == before and agreement.clauses[0]["text"] != "Jauns teksts ar ā un ž"


def test_the_edit_form_says_which_section_needs_a_heading(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    before = list(agreement.clauses)
    client = client_for(app, world.representative)
    response = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=form_data(
        agreement, clauses=[("Priekšmets", "Pirmais punkts"), ("", "Teksts bez virsraksta ar ķ un ļ")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Teksts bez virsraksta ar ķ un ļ" in html  # the typing is kept
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).clauses == before  # nothing saved
    # The message stands next to the section it is about, not only at the top of a long page.
    assert "Section 2 needs a heading." in section(html, "clause-2"), flashes(html)


def test_two_editors_the_stale_save_is_refused(app, world, second_rep):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    url = f"/agreements/{agreement.id}/edit?lang=en"
    first, second = client_for(app, world.representative), client_for(app, second_rep)
    first_form = first.get(url).get_data(as_text=True)
    second_form = second.get(url).get_data(as_text=True)
    stamp = input_value(first_form, "edit_stamp")
    assert stamp and stamp == input_value(second_form, "edit_stamp")

    saved = first.post(url, data=form_data(agreement, title="Pirmā redaktora versija", edit_stamp=stamp))
    assert saved.status_code == 302
    stale = second.post(url, data=form_data(agreement, title="Otrā redaktora versija", edit_stamp=stamp))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 200
    assert any("Someone else has saved this agreement since you opened it" in f for f in flashes(html)), \
        flashes(html)
    assert input_value(html, "title") == "Otrā redaktora versija"  # their text is still there to copy
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).title == "Pirmā redaktora versija"


def test_two_editors_saving_at_the_same_moment_do_not_overwrite_each_other(app, world, second_rep, monkeypatch):
    """Both loaded the form, both save at once: one save wins, the other is refused, on both databases."""
    agreement = make_agreement(world, "draft")
    db.session.commit()
    url = f"/agreements/{agreement.id}/edit?lang=en"
    clients = [client_for(app, world.representative), client_for(app, second_rep)]
    stamp = input_value(clients[0].get(url).get_data(as_text=True), "edit_stamp")
    titles = ["Pirmā redaktora versija", "Otrā redaktora versija"]

    # Both requests have read the agreement before either writes (where the database lets them: SQLite's
    # writers take turns from their first statement, so there the wait times out and they go one by one).
    meet = threading.Barrier(2)
    real_clean = drafting.clean_clauses

    def clean_clauses(clauses):
        try:
            meet.wait(timeout=1.0)
        except threading.BrokenBarrierError:
            pass
        return real_clean(clauses)

    monkeypatch.setattr(drafting, "clean_clauses", clean_clauses)
    forms = [form_data(agreement, title=t, edit_stamp=stamp) for t in titles]
    results = at_once(app, *((lambda c=c, f=f: c.post(url, data=f).status_code) for c, f in zip(clients, forms)))
    assert sorted(results) == [200, 302], results
    winner = titles[results.index(302)]
    assert db.session.get(Agreement, agreement.id).title == winner
    assert audit_actions(db.session.get(Agreement, agreement.id)).count("agreement.edited") == 1
