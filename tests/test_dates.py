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
