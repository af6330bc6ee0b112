"""Form pieces shared by every domain."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


# The languages a document (an agreement) can be written in.
DOCUMENT_LANGUAGES = (("lv", _l("Latvian")), ("en", _l("English")))


class EmptyForm(FlaskForm):
    """A bare POST button: it carries the CSRF token and nothing else."""


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    """Trims the typing and drops control characters (a NUL cannot even be stored in PostgreSQL)."""
    return _CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' select options."""
    return [SelectChoice(value, label) for value, label in pairs]
