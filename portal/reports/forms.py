from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import AmountField, BoundedDateField, PortalForm, WholeNumberField, strip

DATE_MESSAGE = _l("Enter a date.")
HOURS_MESSAGE = _l("Enter the number of hours, from 0.5 to 2000.")
VOLUNTEERS_MESSAGE = _l("Enter the number of volunteers, from 1 to 10000.")


class VolunteerHoursForm(PortalForm):
    """Volunteer work outside the portal, for the volunteer report (portal/reports/volunteer_hours.py)."""
    place = StringField(_l("Place of volunteer work"), filters=[strip],
                        validators=[DataRequired(_l("Say where the volunteers worked.")), Length(max=200)],
                        description=_l("As the report names it, e.g. Līvāni or Rēzeknes novads"))
    starts_on = BoundedDateField(_l("From"), validators=[InputRequired(DATE_MESSAGE)], years_ahead=0)
    ends_on = BoundedDateField(_l("To"), validators=[InputRequired(DATE_MESSAGE)], years_ahead=0)
    volunteers = WholeNumberField(_l("Number of volunteers"), min=1, max=10_000,
                                  validators=[InputRequired(VOLUNTEERS_MESSAGE)], message=VOLUNTEERS_MESSAGE)
    hours = AmountField(_l("Hours in all"), places=1, min=0.5, max=2000, validators=[InputRequired(HOURS_MESSAGE)],
                        message=HOURS_MESSAGE, description=_l("Up to 2000 in one entry: add another for more"))
    note = StringField(_l("Note (optional)"), filters=[strip], validators=[Length(max=300)],
                       description=_l("What the work was, e.g. the spring clean-up of the park"))
