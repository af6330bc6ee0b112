"""Availability before booking: a member sees a booked day in the resource's month calendar and is refused,
next to the date, before the request is sent."""
from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import func, select

from steps import log_in, reset_login_rate_limit
from sweep_data import MEMBER

HALL = "Izvaltas tautas nama zāle"  # ATTĪSTĪBAI's, 120 places


def _book_the_whole_hall(app) -> tuple[int, date]:
    """Sukrums has the whole hall on one day two months ahead (accepted by ATTĪSTĪBAI)."""
    from portal.accounts.models import User
    from portal.exchanges import services as exchanges
    from portal.extensions import db
    from portal.resources.models import Resource

    day = (date.today() + timedelta(days=62)).replace(day=12)
    with app.app_context():
        hall = db.session.scalar(select(Resource).where(Resource.title == HALL))
        person = lambda email: db.session.scalar(select(User).where(User.email == email))  # noqa: E731
        taken = exchanges.availability.taken_by_day(hall, day, day).get(day, 0)
        if taken < hall.quantity:
            exchange = exchanges.request_exchange(
                person("ilze.kirsone@sukrums.example.org"), hall, starts_on=day, ends_on=day,
                quantity=hall.quantity - taken, hours=Decimal("8"), purpose="Novada svētki", message="")
            exchanges.accept(person("liga.zukovska@attistibai.example.org"), exchange)
            db.session.commit()
        return hall.id, day


def _requests(app) -> int:
    from portal.exchanges.models import Exchange
    from portal.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Exchange))


def test_a_member_sees_the_booked_day_and_is_refused_before_sending(page, live_server, shot):
    hall_id, day = _book_the_whole_hall(live_server.app)
    reset_login_rate_limit(live_server.app)
    log_in(page, live_server.url, MEMBER, live_server.demo_password)
    page.goto(f"{live_server.url}/resources/{hall_id}/request")
    calendar = page.get_by_test_id("availability")
    while not calendar.locator(f"[data-date='{day.isoformat()}']").count():
        page.get_by_test_id("availability-next").click()  # to the booked month, by the plain links
    booked = calendar.locator(f"[data-date='{day.isoformat()}']")
    expect(booked).to_have_attribute("data-status", "full")
    expect(booked).to_contain_text("aizņemts")
    shot(page, "availability-booked-day")
    before = _requests(live_server.app)
    form = page.locator("main form[method=post]")
    form.locator("[name=starts_on]").fill(day.isoformat())
    form.locator("[name=ends_on]").fill(day.isoformat())
    form.locator("[name=quantity]").fill("10")
    form.locator("[name=hours]").fill("4")  # the hall is priced by the hour
    form.locator("[name=purpose]").fill("Biedru kopsapulce")
    form.locator("button[type=submit]").click()
    error = page.locator("p.error[data-field=starts_on]")
    expect(error).to_contain_text("Jau aizņemts")
    expect(form.locator("[name=purpose]")).to_have_value("Biedru kopsapulce")
    shot(page, "availability-refused")
    assert _requests(live_server.app) == before
