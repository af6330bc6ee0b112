from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import AmountField, BoundedDateField, PortalForm, WholeNumberField, strip
from ..resources.choices import CATEGORIES
from .cofinancing import UNITS

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


# ---------------------------------------------------------------- projects

RATE_MESSAGE = _l("Enter a rate in euros, from 0 to 10 000, or leave it empty.")
CASH_MESSAGE = _l("Enter an amount in euros, from 0 to 10 000 000, or leave it empty.")
PROJECT_DATE_MESSAGE = _l("Enter a date, as the contract gives it.")


def _rate_field(category: str):
    return AmountField(dict(CATEGORIES)[category], min=0, max=10_000, validators=[Optional()], message=RATE_MESSAGE)


class ProjectForm(PortalForm):
    """A project or grant, its cash co-financing and the funder’s rates (portal/reports/projects.py)."""
    name = StringField(_l("Name of the project"), filters=[strip],
                       validators=[DataRequired(_l("Enter the project’s name, as the contract gives it.")),
                                   Length(max=200)])
    funder = StringField(_l("Funder"), filters=[strip],
                         validators=[DataRequired(_l("Say who funds the project, e.g. the NGO Fund of the Society "
                                                     "Integration Foundation.")), Length(max=200)],
                         description=_l("E.g. Sabiedrības integrācijas fonds, Līvānu novada pašvaldība, Active "
                                        "Citizens Fund"))
    number = StringField(_l("Grant or contract number (optional)"), filters=[strip], validators=[Length(max=100)])
    starts_on = BoundedDateField(_l("Starts on"), validators=[InputRequired(PROJECT_DATE_MESSAGE)], years_ahead=10)
    ends_on = BoundedDateField(_l("Ends on"), validators=[InputRequired(PROJECT_DATE_MESSAGE)], years_ahead=10)
    cash_eur = AmountField(_l("Cash co-financing, EUR (optional)"), min=0, max=10_000_000, message=CASH_MESSAGE,
                           validators=[Optional()],
                           description=_l("The organization’s own money or a partner’s cash contribution to the "
                                          "project: it does not go through the portal, so enter it here"))
    cash_note = StringField(_l("Where the cash comes from"), filters=[strip], validators=[Length(max=300)],
                            description=_l("E.g. membership fees 2026; Līvānu novada pašvaldība, agreement 12/2026"))
    rate_volunteers = _rate_field("volunteers")
    rate_expertise = _rate_field("expertise")
    rate_training = _rate_field("training")
    rate_methodology = _rate_field("methodology")
    rate_intellectual_other = _rate_field("intellectual_other")
    rate_premises = _rate_field("premises")
    rate_equipment = _rate_field("equipment")
    rate_vehicle = _rate_field("vehicle")
    rate_material_other = _rate_field("material_other")
    rate_materials = _rate_field("materials")

    def rate_fields(self, unit: str) -> list:
        return [getattr(self, f"rate_{category}") for category, its_unit in UNITS.items() if its_unit == unit]

    def project_values(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("name", "funder", "number", "starts_on", "ends_on", "cash_eur", "cash_note")}

    def rates(self) -> dict:
        return {category: getattr(self, f"rate_{category}").data for category in UNITS}

    @classmethod
    def of(cls, project) -> "ProjectForm":
        rates = {f"rate_{rate.category}": rate.eur for rate in project.rates}
        return cls(formdata=None, name=project.name, funder=project.funder, number=project.number,
                   starts_on=project.starts_on, ends_on=project.ends_on, cash_eur=project.cash_eur,
                   cash_note=project.cash_note, **rates)


def _project_id(value):
    """A project's id as sent; anything else (a typed number beyond any id included) is no project."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) <= 9 else None


class TagForm(PortalForm):
    """Tag an exchange with one of the own organization’s projects."""
    project = SelectField(_l("Project"), coerce=_project_id,
                          validate_choice=False,
                          validators=[InputRequired(_l("Choose one of your organization’s projects."))])
