from decimal import Decimal

from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from ..forms import (DOCUMENT_LANGUAGES, AmountField, BoundedDateField, PortalForm, WholeNumberField, select_choices,
                     strip)
from .confirmations import OUTCOME_LABELS, needs_hours
from .models import AS_AGREED, NO_SHOW, OUTCOMES

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
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[DataRequired(_l("Give a reason.")), Length(max=2000)])


class UnlessNoShow:
    """A figure is asked unless the side says the exchange did not take place (then it is not looked at)."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if form.outcome.data == NO_SHOW:
            field.errors[:] = []
            raise StopValidation()
        if field.data is None and not field.errors:
            raise StopValidation(self.message)


HOURS_MESSAGE = _l("Enter the number of hours, from 0.5 to 2000.")
UNITS_LABELS = {"hour": _l("Hours used"), "day": _l("Days used"), "unit": _l("Units used")}


class ConfirmationForm(PortalForm):
    """What one side confirms happened: the completion, and the other side's confirmation after it. Only the
    figures the resource is counted in are asked (`ask_for`)."""
    outcome = RadioField(_l("What happened"), default=AS_AGREED,
                         choices=select_choices((o, OUTCOME_LABELS[o]) for o in OUTCOMES),
                         validators=[InputRequired(_l("Choose what happened."))])
    quantity = WholeNumberField(_l("Quantity used"), min=1, max=100_000,
                                validators=[UnlessNoShow(_l("Say how many were used, 1 or more."))],
                                message=_l("Enter a whole number, 1 or more."))
    value_units = AmountField(_l("Hours, days or units"), min=0, max=100_000, validators=[Optional()],
                              message=_l("Enter a number from 0 to 100000."))
    hours = AmountField(_l("Hours in all"), places=1, min=0.5, max=2000,
                        validators=[UnlessNoShow(_l("Say how many hours it took in all."))], message=HOURS_MESSAGE)
    value_eur = AmountField(_l("In-kind value, EUR"), min=0, max=10_000_000, validators=[Optional()],
                            message=_l("Enter an amount of 0 or more."))
    feedback = TextAreaField(_l("Comment for the other side"), filters=[strip], validators=[Length(max=4000)],
                             description=_l("Optional; say what was different if it was not as agreed."))

    def ask_for(self, resource) -> "ConfirmationForm":
        """The units when the resource has a rate (hours, then required, days or units), the hours when it is
        used in hours but not priced by them."""
        if resource.value_unit in UNITS_LABELS:
            self.value_units.label.text = str(UNITS_LABELS[resource.value_unit])
            if resource.value_unit == "hour":
                self.value_units.validators = [UnlessNoShow(_l("Say how many hours it took in all."))]
                self.value_units.flags.required = True
                self.value_units.min, self.value_units.max = Decimal("0.5"), Decimal("2000")
                self.value_units.range_message = HOURS_MESSAGE
                if self.value_units.process_errors:  # typed before the form knew they were hours
                    self.value_units.process_errors = [str(HOURS_MESSAGE)]
        else:
            del self.value_units
        if not needs_hours(resource) or resource.value_unit == "hour":
            del self.hours
        return self

    def figures(self) -> dict:
        """The account as the rule takes it: None for a figure refused or not asked."""
        def value(name):
            field = getattr(self, name, None)
            return None if field is None or field.errors else field.data
        return {"outcome": value("outcome"), "quantity": value("quantity"), "hours": value("hours"),
                "value_units": value("value_units"), "value_eur": value("value_eur"),
                "comment": self.feedback.data or ""}


CompleteForm = ConfirmationForm  # completing is the first side's confirmation

RESOLUTION_OUTCOMES = ((AS_AGREED, _l("It took place: these figures count")),
                       (NO_SHOW, _l("It did not take place: nothing counts")))


class ResolutionForm(ConfirmationForm):
    """A coordinator's settlement of a disputed exchange: the figures as the confirmation form asks them, and a
    note of how it was settled instead of a comment for the other side."""
    outcome = RadioField(_l("What counts"), default=AS_AGREED, choices=select_choices(RESOLUTION_OUTCOMES),
                         validators=[InputRequired(_l("Choose whether the exchange took place."))])
    feedback = None
    note = TextAreaField(_l("How it was settled"), filters=[strip],
                         validators=[DataRequired(_l("Say how the dispute was settled: both sides will read it.")),
                                     Length(max=4000, message=_l("At most %(max)d characters."))],
                         description=_l("Both sides read it on the exchange’s page and in the mail."))

    def settlement(self) -> dict:
        figures = self.figures()
        figures.pop("comment")
        return {**figures, "note": self.note.data or ""}

    def figures(self) -> dict:
        def value(name):
            field = getattr(self, name, None)
            return None if field is None or field.errors else field.data
        return {"outcome": value("outcome"), "quantity": value("quantity"), "hours": value("hours"),
                "value_units": value("value_units"), "value_eur": value("value_eur"), "comment": ""}


class MessageForm(PortalForm):
    body = TextAreaField(_l("Message"), filters=[strip],
                         validators=[DataRequired(_l("Write a message.")), Length(max=4000)])


class ConditionForm(PortalForm):
    stage = SelectField(_l("When"), choices=select_choices((("handover", _l("Hand-over")), ("return", _l("Return")))))
    note = TextAreaField(_l("Condition"), filters=[strip],
                         validators=[DataRequired(_l("Describe the condition.")), Length(max=4000)],
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
