"""Titles that name the parties, so the coordinators' queue and every list can be read at a glance."""
from datetime import date

from portal.agreements import drafting
from portal.orgs.models import Organization


def test_a_cooperation_agreement_is_titled_with_both_parties(app, world):
    agreement = drafting.draft_cooperation(world.representative, world.coord_org, language="lv",
                                           valid_from=date.today(), valid_to=None)
    assert agreement.title == f"Sadarbības līgums: {world.org.name} – {world.coord_org.name}"
    english = drafting.draft_cooperation(world.representative, world.coord_org, language="en",
                                         valid_from=date.today(), valid_to=None)
    assert english.title == f"Cooperation Agreement: {world.org.name} – {world.coord_org.name}"


def test_long_names_are_shortened_alike_within_the_column():
    orgs = [Organization(name="Ā" * 200), Organization(name="Latgales reģionālā attīstības aģentūra")]
    title = drafting.title_naming_parties("Sadarbības līgums", orgs)
    assert len(title) <= drafting.TITLE_LENGTH
    assert title.startswith("Sadarbības līgums: Ā") and title.endswith(" – Latgales reģionālā attīstības aģentūra")
    assert "…" in title


def test_an_agreement_of_the_whole_network_keeps_its_own_title():
    orgs = [Organization(name=name) for name in ("Sukrums", "ATTĪSTĪBAI", "Baltā māja")]
    assert drafting.title_naming_parties("Līgums par tīklojumu", orgs) == "Līgums par tīklojumu"
