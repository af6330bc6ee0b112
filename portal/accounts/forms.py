from babel.dates import get_day_names
from flask_babel import get_locale, lazy_gettext as _l

from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from ..forms import PortalForm, select_choices, strip
from ..mail import preferences
from .passwords import password_problem

LANGUAGE_CHOICES = (("lv", "Latviešu"), ("en", "English"))


class NewPassword:
    """Validates a new password against the password rules; `personal_fields` name the form's fields whose
    values (the person's e-mail and name) the password must not contain."""

    def __init__(self, personal_fields: tuple[str, ...] = ()):
        self.personal_fields = personal_fields

    def __call__(self, form, field):
        inputs = tuple(getattr(form, name).data or "" for name in self.personal_fields if hasattr(form, name))
        problem = password_problem(field.data or "", user_inputs=inputs)
        if problem:
            raise ValidationError(str(problem))


def new_password_field(label=None, personal_fields: tuple[str, ...] = ()):
    return PasswordField(
        label or _l("New password"),
        validators=[InputRequired(), NewPassword(personal_fields)],
        description=_l("At least 12 characters. A few unrelated words make a good one."),
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(PortalForm):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(PortalForm):
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[InputRequired(), Email(message=_l("Enter a valid e-mail address."))])


class SetPasswordForm(PortalForm):
    password = new_password_field()
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()],
                                     render_kw={"autocomplete": "current-password"})


class ProfileForm(PortalForm):
    name = StringField(_l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    position = StringField(_l("Position"), filters=[strip], validators=[Length(max=120)])
    locale = SelectField(_l("Language"), choices=select_choices(LANGUAGE_CHOICES))


def _mail_choice(category: str) -> RadioField:
    return RadioField(preferences.CATEGORY_LABELS[category], description=preferences.CATEGORY_HINTS[category],
                      choices=select_choices((value, preferences.FREQUENCY_LABELS[value])
                                             for value in preferences.FREQUENCIES),
                      validators=[InputRequired(message=_l("Choose how to get these e-mails."))])


class MailChoicesForm(PortalForm):
    """Which e-mails to get (portal.mail.preferences), one choice per kind."""

    exchanges = _mail_choice(preferences.EXCHANGES)
    messages = _mail_choice(preferences.MESSAGES)
    agreements = _mail_choice(preferences.AGREEMENTS)
    network = _mail_choice(preferences.NETWORK)

    weekly_summary = RadioField(
        preferences.SUMMARY_LABEL,
        description=_l("Once a week: for representatives, the exchange requests to answer, the agreements to sign "
                       "and new offers that match your organization’s needs; for coordinators, the applications and "
                       "agreements to decide on; for everyone, the exchanges of the coming week. Not sent when "
                       "there is nothing to say."),
        choices=select_choices((("on", _l("Send it")), ("off", preferences.FREQUENCY_LABELS[preferences.OFF]))),
        validators=[InputRequired(message=_l("Choose whether to get the weekly summary."))])
    digest_weekday = SelectField(
        _l("Day"), validate_choice=False,
        validators=[AnyOf([str(day) for day in preferences.WEEKDAYS], message=_l("Choose a day of the week."))])
    digest_hour = SelectField(
        _l("Time (Riga)"), validate_choice=False,
        choices=select_choices((str(hour), f"{hour:02d}:00") for hour in preferences.HOURS),
        validators=[AnyOf([str(hour) for hour in preferences.HOURS],
                          message=_l("Choose an hour from 00:00 to 23:00."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = get_day_names("wide", locale=get_locale())  # 0 = Monday, in the reader's language
        self.digest_weekday.choices = select_choices(
            (str(day), names[day][:1].upper() + names[day][1:]) for day in preferences.WEEKDAYS)

    def kind_fields(self):
        return [getattr(self, category) for category in preferences.CATEGORIES]

    @staticmethod
    def initial(user) -> dict:
        weekday, hour = preferences.weekly_schedule(user)
        summary = "on" if preferences.wants_weekly_summary(user) else "off"
        return {**preferences.choices(user), "weekly_summary": summary, "digest_weekday": str(weekday),
                "digest_hour": str(hour)}

    def weekly_choice(self) -> tuple[bool, int, int]:
        return self.weekly_summary.data == "on", int(self.digest_weekday.data), int(self.digest_hour.data)
