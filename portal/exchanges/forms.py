from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import (DOCUMENT_LANGUAGES, AmountField, BoundedDateField, PortalForm, WholeNumberField, select_choices,
                     strip)

DATE_MESSAGE = _l("Enter a date.")


class RequestForm(PortalForm):
    starts_on = BoundedDateField(_l("From"), validators=[InputRequired(DATE_MESSAGE)], years_back=1, years_ahead=3)
    ends_on = BoundedDateField(_l("To"), validators=[InputRequired(DATE_MESSAGE)], years_back=1, years_ahead=4)
    hours = AmountField(_l("Hours"), places=1, min=0.5, max=2000, validators=[Optional()],
                        message=_l("Enter the number of hours, from 0.5 to 2000."),
                        description=_l("For intellectual resources: how many hours in all"))
    quantity = WholeNumberField(_l("Quantity"), default=1, min=1, max=100_000,
                                validators=[InputRequired(_l("Enter a whole number, 1 or more."))],
                                message=_l("Enter a whole number, 1 or more."))
    purpose = StringField(_l("Purpose"), filters=[strip], validators=[DataRequired(_l("Say what the resource is for.")),
                                                                      Length(max=300)],
                          description=_l("e.g. a two-day seminar for NGO board members"))
    message = TextAreaField(_l("Message to the owner"), filters=[strip], validators=[Length(max=4000)])


class ReasonForm(PortalForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class CompleteForm(PortalForm):
    value_units = AmountField(_l("Hours, days or units"), min=0, max=100_000, validators=[Optional()])
    value_eur = AmountField(_l("In-kind value, EUR"), min=0, max=10_000_000, validators=[Optional()],
                            message=_l("Enter an amount of 0 or more."))
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

    start = BoundedDateField(_l("From"), validators=[Optional()])
    end = BoundedDateField(_l("To"), validators=[Optional()])


class ExchangeAgreementForm(PortalForm):
    """Drafting an exchange agreement from the exchange's page (the agreements' view takes it)."""
    language = SelectField(_l("Language of the agreement"), choices=select_choices(DOCUMENT_LANGUAGES))
