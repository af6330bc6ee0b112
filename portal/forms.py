"""Form pieces shared by every domain: the base form every form derives from, and small helpers."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

# The languages a document (an agreement) can be written in.
DOCUMENT_LANGUAGES = (("lv", _l("Latvian")), ("en", _l("English")))

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What breaks a line: CR, LF, NEL, the Unicode line and paragraph separators (and the controls above).
_LINE_BREAKS = re.compile(r"[\r\n\x85\u2028\u2029]+")


def strip(value):
    """Trims the typing and drops control characters (a NUL cannot even be stored in PostgreSQL)."""
    return _CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def one_line(value):
    """A single-line field's text: every line break (CR, LF, NEL, U+2028, U+2029) becomes a space, so a
    name or a title can never start a new line in an e-mail header, a log line or a CSV row."""
    if not isinstance(value, str):
        return value
    return " ".join(strip(_LINE_BREAKS.sub(" ", value)).split(" ")).strip()


class PortalForm(FlaskForm):
    """Every form of the portal. Single-line text fields (not text areas, not passwords) always pass through
    `one_line`, whatever filters they declare."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, (TextAreaField, PasswordField)):
                options["filters"] = [*options.get("filters", unbound_field.kwargs.get("filters", ())), one_line]
            return super().bind_field(form, unbound_field, options)


class EmptyForm(PortalForm):
    """A bare POST button: it carries the CSRF token and nothing else."""


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' select options."""
    return [SelectChoice(value, label) for value, label in pairs]
