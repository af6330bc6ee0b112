from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField
from wtforms import (BooleanField, FieldList, FormField, HiddenField, PasswordField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import DOCUMENT_LANGUAGES, BoundedDateField, PortalForm, PortalSubform, select_choices, strip

DATE_MESSAGE = _l("Enter a date.")


class NewAgreementForm(PortalForm):
    kind = RadioField(_l("Kind"), default="cooperation", choices=select_choices((
        ("cooperation", _l("Cooperation agreement with another organization")),
        ("network", _l("Network agreement of all member organizations")),
        ("accession", _l("Accession to the network agreement in force")),
    )))
    partner = SelectField(_l("The other party"), coerce=int, validators=[Optional()],
                          description=_l("For a cooperation agreement."))
    language = SelectField(_l("Language of the agreement"), choices=select_choices(DOCUMENT_LANGUAGES))
    valid_from = BoundedDateField(_l("Valid from"), validators=[InputRequired(DATE_MESSAGE)], years_back=10)
    valid_to = BoundedDateField(_l("Valid until"), validators=[Optional()], years_ahead=30,
                         description=_l("Leave empty for an indefinite period."))


class ClauseForm(PortalSubform):
    heading = StringField(_l("Heading"), filters=[strip], validators=[Length(max=200)])
    text = TextAreaField(_l("Text"), filters=[strip], validators=[Length(max=8_000)],
                         description=_l("One point per line; the points are numbered in the PDF."))


class EditAgreementForm(PortalForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    place = StringField(_l("Place"), filters=[strip], validators=[Length(max=100)],
                        description=_l("As printed under the title, e.g. “Daugavpilī”."))
    valid_from = BoundedDateField(_l("Valid from"), validators=[InputRequired(DATE_MESSAGE)], years_back=10)
    valid_to = BoundedDateField(_l("Valid until"), validators=[Optional()], years_ahead=30,
                         description=_l("Leave empty for an indefinite period."))
    review_on = BoundedDateField(_l("Review date"), validators=[Optional()], years_ahead=30,
                          description=_l("Optional: the parties are reminded before it."))
    clauses = FieldList(FormField(ClauseForm), min_entries=1, max_entries=41)
    edit_stamp = HiddenField()


class CommentForm(PortalForm):
    body = TextAreaField(_l("Comment"), filters=[strip], validators=[DataRequired(), Length(max=4000)])


class SignatoryForm(PortalForm):
    signatory = SelectField(_l("Signs for our organization"), coerce=int)


class ReturnForm(PortalForm):
    comment = TextAreaField(_l("What should be changed"), filters=[strip],
                            validators=[DataRequired(), Length(max=4000)])


class TerminateForm(PortalForm):
    reason = TextAreaField(_l("Reason for termination"), filters=[strip],
                           validators=[DataRequired(), Length(max=4000)])


class SignForm(PortalForm):
    password = PasswordField(_l("Your password"), validators=[InputRequired(_l("Enter your password.")),
                                                              Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    typed_name = StringField(_l("Your full name"), filters=[strip],
                             validators=[DataRequired(_l("Type your full name.")), Length(max=120)])
    consent = BooleanField(_l("I have read the signing copy and sign this agreement for my organization."))


class ExternalSignatureForm(PortalForm):
    document = FileField(_l("The signed PDF"), description=_l(
        "The signing copy as downloaded from here, signed with your organization's qualified e-signature."))
