from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import DOCUMENT_LANGUAGES, PortalForm, select_choices, strip

DATE_MESSAGE = _l("Enter a date.")


class RequestForm(PortalForm):
    starts_on = DateField(_l("From"), validators=[InputRequired(DATE_MESSAGE)])
    ends_on = DateField(_l("To"), validators=[InputRequired(DATE_MESSAGE)])
    hours = DecimalField(_l("Hours"), places=1, validators=[
        Optional(), NumberRange(min=0.5, max=2000, message=_l("Enter the number of hours."))],
        description=_l("For intellectual resources: how many hours in all"))
    quantity = IntegerField(_l("Quantity"), default=1, validators=[
        InputRequired(_l("Enter a whole number, 1 or more.")),
        NumberRange(min=1, message=_l("Enter a whole number, 1 or more."))])
    purpose = StringField(_l("Purpose"), filters=[strip], validators=[DataRequired(), Length(max=300)],
                          description=_l("e.g. a two-day seminar for NGO board members"))
    message = TextAreaField(_l("Message to the owner"), filters=[strip], validators=[Length(max=4000)])


class ReasonForm(PortalForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class CompleteForm(PortalForm):
    value_units = DecimalField(_l("Hours, days or units"), places=2, validators=[Optional(), NumberRange(min=0)])
    value_eur = DecimalField(_l("In-kind value, EUR"), places=2, validators=[
        Optional(), NumberRange(min=0, max=10_000_000, message=_l("Enter an amount of 0 or more."))])
    feedback = TextAreaField(_l("Feedback (optional)"), filters=[strip], validators=[Length(max=4000)])


class MessageForm(PortalForm):
    body = TextAreaField(_l("Message"), filters=[strip], validators=[DataRequired(), Length(max=4000)])


class ConditionForm(PortalForm):
    stage = SelectField(_l("When"), choices=select_choices((("handover", _l("Hand-over")), ("return", _l("Return")))))
    note = TextAreaField(_l("Condition"), filters=[strip], validators=[DataRequired(), Length(max=4000)],
                         description=_l("e.g. all 40 chairs in order, projector lamp works, a scratch on the table"))
    photo = FileField(_l("Photo (optional)"))


class LedgerFilterForm(PortalForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class ExchangeAgreementForm(PortalForm):
    """Drafting an exchange agreement from the exchange's page (the agreements' view takes it)."""
    language = SelectField(_l("Language of the agreement"), choices=select_choices(DOCUMENT_LANGUAGES))
