import re

from flask_babel import lazy_gettext as _l

from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, URL, ValidationError

from ..accounts.models import MEMBER, REPRESENTATIVE
from ..accounts.forms import new_password_field
from ..forms import PortalForm, select_choices, strip, website
from .choices import LEGAL_FORMS, MUNICIPALITIES

ROLE_CHOICES = ((MEMBER, _l("Member")), (REPRESENTATIVE, _l("Representative")))


def _digits_only(value):
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


def registration_number(form, field):
    if not re.fullmatch(r"\d{11}", field.data or ""):
        raise ValidationError(_l("A registration number has exactly 11 digits, e.g. 40008012345."))


def phone_number(form, field):
    if field.data and not re.fullmatch(r"\+?[\d ()-]{6,20}", field.data):
        raise ValidationError(_l("Enter a phone number, e.g. +371 29 123 456."))


class OrganizationFields(PortalForm):
    name = StringField(_l("Name of the organization"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    legal_form = SelectField(_l("Legal form"), choices=select_choices(LEGAL_FORMS), validators=[InputRequired()])
    registration_number = StringField(
        _l("Registration number"), filters=[_digits_only], validators=[DataRequired(), registration_number],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    legal_address = StringField(_l("Legal address"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    municipality = SelectField(_l("Municipality"), choices=select_choices(MUNICIPALITIES), validators=[InputRequired()])
    email = EmailField(_l("Organization's e-mail"), filters=[strip],
                       validators=[InputRequired(), Email(message=_l("Enter a valid e-mail address.")),
                                   Length(max=254)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), phone_number])
    website = StringField(_l("Website"), filters=[strip, website],
                          validators=[Optional(), URL(message=_l("Enter a full address, e.g. https://example.lv.")),
                                      Length(max=300)])
    description = TextAreaField(_l("What the organization does"), filters=[strip],
                                validators=[DataRequired(), Length(max=4000)])

    def org_data(self) -> dict:
        return {name: (getattr(self, name).data or "") for name in (
            "name", "legal_form", "registration_number", "legal_address", "municipality",
            "email", "phone", "website", "description")}


class ApplicationForm(OrganizationFields):
    person_name = StringField(_l("Your full name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    person_position = StringField(_l("Your position"), filters=[strip],
                                  validators=[DataRequired(), Length(max=120)],
                                  description=_l("e.g. chair of the board"))
    person_email = EmailField(_l("Your e-mail (for logging in)"), filters=[strip],
                              validators=[InputRequired(), Email(message=_l("Enter a valid e-mail address.")),
                                          Length(max=254)])
    password = new_password_field(_l("Password"), personal_fields=("person_email", "person_name"))


class OrganizationProfileForm(OrganizationFields):
    pass


class InviteForm(PortalForm):
    name = StringField(_l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[InputRequired(), Email(message=_l("Enter a valid e-mail address.")),
                                   Length(max=254)])
    role = SelectField(_l("Role"), choices=select_choices(ROLE_CHOICES), default=MEMBER)


class RoleForm(PortalForm):
    role = SelectField(_l("Role"), choices=select_choices(ROLE_CHOICES))


class ReasonForm(PortalForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class SuspensionForm(ReasonForm):
    reason = TextAreaField(_l("Reason for the suspension"), filters=[strip],
                           validators=[DataRequired(_l("Give a reason for the suspension.")), Length(max=2000)])

