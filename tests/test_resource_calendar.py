"""The material resource's own page shows its month calendar (the request form's partial and functions):
what accepted exchanges take each day, previous and next month as plain links that open at the calendar."""
import re
from datetime import timedelta

import pytest

from portal.extensions import db

from .factories import make_resource
from .helpers import client_for
from .test_availability import D, MONTH, hall  # noqa: F401  (the fixture)


def page(response) -> str:
    return response.get_data(as_text=True)


def day_status(html: str, day) -> str:
    return re.search(rf'data-date="{day.isoformat()}" data-status="(\w+)"', html).group(1)


@pytest.fixture
def other(app, world):
    c = client_for(app, world.other_member)
    c.get("/?lang=lv")
    return c


def test_the_page_shows_what_is_taken_each_day(other, hall):
    html = page(other.get(f"/resources/{hall.id}?month={MONTH:%Y-%m}"))
    assert 'data-testid="availability"' in html and "Kad tas ir brīvs" in html
    assert (day_status(html, D(10)), day_status(html, D(11)), day_status(html, D(12)), day_status(html, D(13))) == \
        ("partial", "full", "partial", "free")
    assert "brīvi 10 no 40" in html
    # The same markup as on the request form: one partial, not a copy.
    form = page(other.get(f"/resources/{hall.id}/request?month={MONTH:%Y-%m}"))
    grid = lambda h: re.search(r'<ol class="month-grid">.*?</ol>', h, re.S).group(0)  # noqa: E731
    assert grid(html) == grid(form)


def test_the_month_links_work_without_script_and_open_at_the_calendar(other, hall):
    html = page(other.get(f"/resources/{hall.id}?month={MONTH:%Y-%m}"))
    following = re.search(r'href="([^"]+)" data-testid="availability-next"', html).group(1).replace("&amp;", "&")
    previous = re.search(r'href="([^"]+)" data-testid="availability-previous"', html).group(1).replace("&amp;", "&")
    assert following.endswith("#availability") and previous.endswith("#availability")
    next_month = (MONTH.replace(day=28) + timedelta(days=5)).replace(day=1)
    assert following.startswith(f"/resources/{hall.id}?month={next_month:%Y-%m}")
    shown = page(other.get(following.split("#")[0]))
    assert f'data-date="{next_month.isoformat()}"' in shown
    back = page(other.get(previous.split("#")[0]))
    assert f'data-date="{(MONTH.replace(day=1) - timedelta(days=1)).isoformat()}"' in back


@pytest.mark.parametrize("month", ["9999-12", "abc", "2026-13", ""])
def test_an_odd_month_shows_this_month(other, hall, month):
    response = other.get(f"/resources/{hall.id}?month={month}")
    assert response.status_code == 200 and 'data-testid="availability"' in page(response)


def test_the_owner_sees_it_too_and_intellectual_resources_and_visitors_do_not(app, world, hall):
    owner = client_for(app, world.member)
    assert 'data-testid="availability"' in page(owner.get(f"/resources/{hall.id}"))
    training = make_resource(world.representative, title="Lektors", kind="intellectual", category="training",
                             handover="", visibility="public")
    db.session.commit()
    assert 'data-testid="availability"' not in page(owner.get(f"/resources/{training.id}"))
    public = world.public_resource
    assert 'data-testid="availability"' in page(owner.get(f"/resources/{public.id}"))
    assert 'data-testid="availability"' not in page(client_for(app, None).get(f"/resources/{public.id}"))
    # Needs have no calendar.
    assert 'data-testid="availability"' not in page(owner.get(f"/needs/{world.need.id}"))
