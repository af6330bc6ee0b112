"""The audit log for people: actions and outcomes in the reader's language (no codes, no English on the
Latvian page), details as sentences with links to the organization, person and object (no JSON, no ids),
filters by readable names, and a CSV of what the filters show."""
import csv
import html as htmllib
import io
import re

from portal.exchanges import services as exchanges
from portal.extensions import db

from .factories import make_agreement, request_exchange
from .helpers import client_for

WRONG_PASSWORD = "Nepareiza parole Zilonis 9"


def visible_text(html: str) -> str:
    main = html[html.index('<ol class="audit-events"'):html.index("</ol>")]
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def events_html(html: str) -> str:
    return html[html.index('<ol class="audit-events"'):html.index("</ol>")]


def real_events(app, world):
    app.test_client().post("/login", data={"email": world.member.email, "password": WRONG_PASSWORD})
    agreement = make_agreement(world)
    exchange = request_exchange(world.other_member, world.resource)
    exchanges.decline(world.representative, exchange, "Zāle tajā dienā ir aizņemta.")
    db.session.commit()
    return agreement, exchange


def test_the_latvian_page_names_actions_and_outcomes_without_codes_or_english(app, world):
    agreement, exchange = real_events(app, world)
    html = client_for(app, world.coordinator).get("/coordination/audit").get_data(as_text=True)
    text = visible_text(html)
    for code in ("auth.login", "agreement.drafted", "exchange.declined", "exchange.requested"):
        assert code not in text
    assert "Pieteikšanās" in text and "atteikts" in text and "Līgums sagatavots" in text
    assert "Iemesls: nepareiza parole." in text and "Iemesls: Zāle tajā dienā ir aizņemta." in text
    for english in (" ok ", "refused", "Agreement #", "Reason", "parties", "{", '"'):
        assert english not in f" {text} ", english


def test_details_are_sentences_with_links_to_organization_person_and_object(app, world):
    agreement, exchange = real_events(app, world)
    coordinator = client_for(app, world.coordinator)
    html = coordinator.get("/coordination/audit?action=agreement.drafted&lang=en").get_data(as_text=True)
    events = events_html(html)
    assert events.count('data-testid="audit-event"') == 1
    assert f'href="/agreements/{agreement.id}"' in events and agreement.title in events
    assert f'href="/orgs/{world.org.id}/people">{world.representative.name}</a>' in events  # the person
    for party in agreement.parties:  # "Parties: Baltā māja, …" with each linked
        assert f'<a href="/orgs/{party.org_id}">{party.org.name}</a>' in events
    text = visible_text(html)
    assert "Agreement drafted" in text and "Parties: " in text and "[" not in text
    declined = events_html(coordinator.get("/coordination/audit?action=exchange.declined&lang=en").get_data(as_text=True))
    assert f'href="/exchanges/{exchange.id}"' in declined and "Reason: Zāle tajā dienā ir aizņemta." in declined


def test_filters_offer_readable_names_and_filter_by_outcome_and_name(app, world):
    real_events(app, world)
    coordinator = client_for(app, world.coordinator)
    html = coordinator.get("/coordination/audit").get_data(as_text=True)
    assert '<option value="auth.login" >Pieteikšanās</option>' in html or \
        re.search(r'<option value="auth.login"\s*>Pieteikšanās</option>', html)
    assert re.search(r'<optgroup label="Līgumi">', html)
    refused = events_html(coordinator.get("/coordination/audit?outcome=refused").get_data(as_text=True))
    assert 'data-action="auth.login"' in refused and 'data-action="agreement.drafted"' not in refused
    by_name = events_html(coordinator.get("/coordination/audit", query_string={
        "actor": world.representative.name.split()[0]}).get_data(as_text=True))
    assert 'data-action="agreement.drafted"' in by_name and 'data-action="auth.login"' not in by_name


def test_out_of_range_filters_and_pages_are_ignored_not_500(app, world):
    coordinator = client_for(app, world.coordinator)
    for query in ("org=²", "org=2147483648", "page=9223372036854775808", "page=abc", "from=2024-13-40"):
        assert coordinator.get(f"/coordination/audit?{query}").status_code == 200, query
        assert coordinator.get(f"/coordination/audit.csv?{query}").status_code == 200, query


def test_the_csv_holds_what_the_filters_show_in_the_readers_language(app, world):
    real_events(app, world)
    coordinator = client_for(app, world.coordinator)
    response = coordinator.get("/coordination/audit.csv?action=auth.login&outcome=refused")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:]), delimiter=";"))
    assert rows[0][:4] == ["Laiks (UTC)", "Darbība", "Rezultāts", "Persona"]
    assert len(rows) == 2
    row = rows[1]
    assert row[1:4] == ["Pieteikšanās", "atteikts", world.member.name] and row[4] == world.member.email
    assert "Iemesls: nepareiza parole." in row[7] and row[10] == "auth.login" and len(row[11]) == 64
    english = list(csv.reader(io.StringIO(coordinator.get(
        "/coordination/audit.csv?action=auth.login&outcome=refused&lang=en").get_data(as_text=True)[1:])))
    assert english[0][:3] == ["Time (UTC)", "Action", "Outcome"] and english[1][1:3] == ["Logging in", "refused"]


def test_the_csv_is_for_coordinators_only(app, world):
    assert client_for(app, world.representative).get("/coordination/audit.csv").status_code == 403
    assert app.test_client().get("/coordination/audit.csv").status_code == 302
