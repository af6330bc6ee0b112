from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from ..forms import new_password_field, select_choices, strip

LANGUAGE_CHOICES = (("lv", "Latviešu"), ("en", "English"))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[InputRequired(), Email(message=_l("Enter a valid e-mail address."))])


class SetPasswordForm(FlaskForm):
    password = new_password_field()
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()],
                                     render_kw={"autocomplete": "current-password"})


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    position = StringField(_l("Position"), filters=[strip], validators=[Length(max=120)])
    locale = SelectField(_l("Language"), choices=select_choices(LANGUAGE_CHOICES))
