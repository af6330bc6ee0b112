"""The lists of agreements: a member's agreements grouped by state and the coordinator's queue of those
waiting for approval. Every test runs on SQLite and PostgreSQL."""
from portal.agreements import services
from portal.agreements.models import DRAFT, IN_FORCE, SUBMITTED
from portal.extensions import db

from .agreement_helpers import edit, section, sign_all
from .factories import make_agreement
from .helpers import client_for


# ================================================================ 10. lists

def test_my_agreements_grouped_by_state(app, world):
    titles = {
        DRAFT: "Sadarbības līgums par ģimeņu dienām",
        SUBMITTED: "Līgums par ūdens tūrisma laivām",
        IN_FORCE: "Vienošanās par ķirbju svētkiem Ludzā",
    }
    made = {}
    for state, title in titles.items():
        agreement = make_agreement(world, "draft")
        edit(world.representative, agreement, title=title)
        if state != DRAFT:
            services.submit(world.representative, agreement)
        if state == IN_FORCE:
            services.approve(world.coordinator, agreement)
            sign_all(agreement)
        made[state] = agreement
    foreign = make_agreement(world, "draft", drafter=world.other_representative, partner=world.coord_org)
    edit(world.other_representative, foreign, title="Sukruma līgums ar Intelekta parku")
    db.session.commit()

    response = client_for(app, world.member).get("/agreements?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for state, title in titles.items():
        group = section(html, f"state-{state}")
        assert title in group, state  # Latvian letters as they are, not as entities
        assert made[state].number in group
        assert [t for s, t in titles.items() if s != state and t in group] == [], state
    assert 'data-testid="state-approved"' not in html  # empty groups are left out
    assert "Sukruma līgums" not in html  # not a party
    assert "ģimeņu" in html and "&#" not in section(html, "state-draft")

    other = client_for(app, world.other_member).get("/agreements?lang=en").get_data(as_text=True)
    assert "Sukruma līgums ar Intelekta parku" in other
    assert not any(title in other for title in titles.values())


def test_the_coordinators_queue_lists_what_waits_for_approval(app, world):
    draft = make_agreement(world, "draft")
    waiting = make_agreement(world, "draft", drafter=world.other_representative, partner=world.org)
    edit(world.other_representative, waiting, title="Līgums par jauniešu apmaiņu Rēzeknē")
    services.submit(world.other_representative, waiting)
    returned = make_agreement(world, "returned")
    db.session.commit()

    response = client_for(app, world.coordinator).get("/agreements/queue?lang=en")
    assert response.status_code == 200
    queue = section(response.get_data(as_text=True), "queue")
    assert "Līgums par jauniešu apmaiņu Rēzeknē" in queue and waiting.number in queue
    assert draft.number not in queue and returned.number not in queue
    # The coordinator's own list shows it as waiting too (the coordinating org is no party to it).
    assert services.approval_queue() == [waiting]
    assert client_for(app, world.representative).get("/agreements/queue").status_code == 403
    assert client_for(app, world.member).get("/agreements/queue").status_code == 403
