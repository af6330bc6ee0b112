"""Form pieces shared by every domain."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError



class EmptyForm(FlaskForm):
    """A bare POST button: it carries the CSRF token and nothing else."""


class NewPassword:
    """Validates a new password against the password rules."""

    def __call__(self, form, field):
        from .accounts.passwords import password_problem  # not at import: portal.accounts imports this module

        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(str(problem))


def new_password_field(label=None):
    return PasswordField(
        label or _l("New password"),
        validators=[InputRequired(), NewPassword()],
        description=_l("At least 12 characters. A few unrelated words make a good one."),
        render_kw={"autocomplete": "new-password"},
    )


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    """Trims the typing and drops control characters (a NUL cannot even be stored in PostgreSQL)."""
    return _CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' select options."""
    return [SelectChoice(value, label) for value, label in pairs]
