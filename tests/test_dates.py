"""portal/dates.py: the named formats, and a Babel pattern for anything else (the calendar's weekday row)."""
from datetime import date

from flask_babel import force_locale

from portal.dates import format_day


def test_a_pattern_gives_the_weekday_not_the_whole_date(app):
    monday = date(2026, 11, 30)
    with app.test_request_context():
        with force_locale("lv"):
            assert format_day(monday, "EEE") == "pirmd."
            assert format_day(monday, "long") == "2026. gada 30. novembris"
        with force_locale("en"):
            assert format_day(monday, "EEE") == "Mon"
            assert format_day(monday, "short") == "30 Nov 2026"


def test_late_evening_in_utc_is_already_tomorrow_in_riga(app, world, monkeypatch):
    """From 22:00 (21:00 in summer) UTC the network's day is the next one: the statistics' default period, a
    service's default day and the feedback window follow Riga, not the server's UTC date."""
    from datetime import datetime, timezone

    import portal.dates
    from portal.exchanges import services as exchanges

    class LateEvening(datetime):
        @classmethod
        def now(cls, tz=None):
            moment = datetime(2027, 3, 31, 21, 30, tzinfo=timezone.utc)  # 00:30 in Riga (summer time)
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr(portal.dates, "datetime", LateEvening)
    assert portal.dates.local_today() == date(2027, 4, 1)
    assert exchanges._today(None) == date(2027, 4, 1)
    from .helpers import client_for

    page = client_for(app, world.coordinator).get("/coordination/statistics?period=month&lang=en").get_data(True)
    assert "April 2027" in page and 'at=2027-05" rel="next"' in page  # the month shown is April
