"""Every form of the portal, sent empty and with bad values in Latvian, answers only in Latvian: no
WTForms or Flask-WTF built-in ("This field is required.", "Not a valid integer value."), no English rule
message (issue 12, "Forms")."""
import re

import pytest

from .helpers import client_for
from .route_matrix import MATRIX

# Words every English message has and no Latvian one does.
ENGLISH = re.compile(r"\b(the|is|are|not|field|enter|must|valid|required|number|choose|please|this|"
                     r"invalid|value|date|characters?|token|missing|give|say|write)\b", re.I)

BAD = {"quantity": "²", "value_eur": "1e400", "value_units": "Infinity", "hours": "-1", "starts_on": "9999-12-31",
       "ends_on": "31.02.2026", "valid_from": "kādreiz", "valid_to": "0001-01-01", "review_on": "x",
       "email": "nav-adrese", "person_email": "@", "website": "ht tp://", "phone": "zvaniet",
       "registration_number": "123", "password": "īsa", "confirm": "cita", "partner": "99999999999",
       "signatory": "abc", "kind": "citāds", "category": "kosmoss", "language": "fr", "role": "karalis",
       "state": "pazudis", "stage": "vidus", "locale": "de", "legal_form": "cits", "municipality": "marss"}


def form_rows():
    seen = set()
    for row in MATRIX:
        allowed = [role for role, status in row.expected.items() if status in (200, 302)]
        if row.method != "POST" or not allowed or row.endpoint in seen:
            continue
        seen.add(row.endpoint)
        yield pytest.param(row, allowed, id=row.endpoint)


# Forms whose fields can be wrong: each must show messages (so the check above cannot pass by finding none).
FORMS = {"accounts.login", "accounts.forgot_password", "accounts.change_password", "accounts.profile",
         "orgs.apply", "orgs.edit", "orgs.invite", "resources.new_resource", "resources.new_need",
         "resources.edit_resource", "resources.edit_need", "exchanges.request_form", "exchanges.complete",
         "exchanges.decline", "exchanges.cancel", "exchanges.post_message", "agreements.new", "agreements.edit",
         "agreements.comment", "agreements.sign", "agreements.terminate", "agreements.return_to_drafter",
         "orgs.reject", "exchanges.give_feedback", "reports.add_volunteer_hours"}


def messages(html: str) -> list[str]:
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    found += re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', html, re.S)
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    if summary:
        found += re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
        found.append(re.search(r"<h2[^>]*>(.*?)</h2>", summary.group(0)).group(1))
    error_page = re.search(r'<main[^>]*>(.*?)</main>', html, re.S)
    if error_page and "error-page" in error_page.group(1):
        found.append(re.sub(r"<[^>]+>", " ", error_page.group(1)))
    return [re.sub(r"<[^>]+>", "", m).strip() for m in found]


def bad_values(data: dict) -> dict:
    return {name: BAD.get(name, "x" * 9000) if not isinstance(value, list) else ["??"]
            for name, value in data.items() if not hasattr(value, "read") and not isinstance(value, tuple)}


@pytest.mark.one_backend("sqlite")  # the messages are the forms' and rules', the same on either database
@pytest.mark.parametrize("row, allowed", list(form_rows()))
def test_every_form_answers_in_latvian_when_sent_empty_or_wrong(app, world, row, allowed):
    url = row.url(world)
    url += ("&" if "?" in url else "?") + "lang=lv"
    shown = 0
    for role in allowed:
        client = client_for(app, world.user(role))
        for data in ({}, bad_values(row.data(world))):
            response = client.post(url, data=data, follow_redirects=True)
            assert response.status_code < 500, (row.id, role, data)
            found = messages(response.get_data(as_text=True))
            shown += len(found)
            english = [m for m in found if ENGLISH.search(m)]
            assert english == [], (row.id, role, "bad values" if data else "empty", english)
    if row.endpoint in FORMS:
        assert shown, f"{row.endpoint}: no message shown for empty or wrong values"


def test_the_english_check_finds_english(app, world):
    assert messages('<p class="error" data-field="x">This field is required.</p>')
    assert ENGLISH.search("This field is required.") and ENGLISH.search("Not a valid integer value.")
    assert not ENGLISH.search("Šis lauks ir jāaizpilda.")
