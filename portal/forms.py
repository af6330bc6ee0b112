"""Form pieces shared by every domain: the base form every form derives from, and small helpers.

Every form validates in one pass: its fields, then (through `validate_on_submit(check=...)`) the rule's own
checks of the values that passed, so a person sees every problem at once. Messages, WTForms' and
Flask-WTF's built-in ones included, are in the reader's language (portal.form_messages). The forms of a
request register themselves so that the page's error summary (base.html) lists the problems of all of them.
"""
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import g, has_request_context
from flask_babel import format_date, format_decimal, get_locale, get_translations, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FieldList, Form, FormField, IntegerField, PasswordField, StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import ListWidget, TextInput

from . import form_messages
from .dates import local_today

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


def website(value):
    """'example.lv' -> 'https://example.lv': people type addresses as they see them."""
    if isinstance(value, str) and value and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        return "https://" + value
    return value


class _Translations:
    """WTForms' and Flask-WTF's own messages through the portal's catalogue (WTForms has no Latvian)."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):  # WTForms formats the result itself (with more than `n`)
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class PortalForm(FlaskForm):
    """Every form of the portal. Single-line text fields (not text areas, not passwords) always pass through
    `one_line`, whatever filters they declare."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, (TextAreaField, PasswordField)):
                options["filters"] = [*options.get("filters", unbound_field.kwargs.get("filters", ())), one_line]
            return super().bind_field(form, unbound_field, options)

        def get_translations(self, form):
            return _TRANSLATIONS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if has_request_context():
            g.setdefault("portal_forms", []).append(self)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        csrf = getattr(self, "csrf_token", None)
        if csrf is not None and csrf.errors:  # Flask-WTF raises these untranslated
            csrf.errors = [form_messages.translated_csrf(message) for message in csrf.errors]
        return valid

    def validate_on_submit(self, check=None) -> bool:
        """True when the form was sent and is valid. `check`: the rule's own checks (a function that raises
        RuleViolation.of_fields, writing nothing but its `keeping` writes), run also when a field failed, on
        the values that passed (`values()`), so that every problem is shown in one round."""
        if not self.is_submitted():
            return False
        if self.validate():
            return True
        if check is not None:
            from .transaction import attempt  # the web layer's refusal display

            attempt(check, form=self)
        return False

    def values(self, *names, **renamed) -> dict:
        """{name: data} of these fields, None for a field that failed its own validation; `renamed`:
        {argument name: field name} for a rule whose arguments are named otherwise."""
        wanted = {**{name: name for name in names}, **renamed}
        return {key: None if getattr(self, name).errors else getattr(self, name).data for key, name in wanted.items()}

    def problems(self) -> list[tuple[str, str]]:
        """(field id, message) of every problem, in the order of the form (subforms included)."""
        found = []
        for field in self:
            found.extend(_field_problems(field))
        return found


def _field_problems(field) -> list[tuple[str, str]]:
    if isinstance(field, FieldList):
        own = [(field.id, str(m)) for m in field.errors if not isinstance(m, dict)]
        return own + [p for entry in field.entries for p in _field_problems(entry)]
    if isinstance(field, FormField):
        return [p for sub in field.form for p in _field_problems(sub)]
    if field.type == "CSRFTokenField":
        anchor = ""
    elif isinstance(field.widget, ListWidget):  # radios and checkboxes: the link goes to the first one
        anchor = f"{field.id}-0"
    else:
        anchor = field.id
    return [(anchor, str(m)) for m in field.errors]


def forms_with_problems() -> list[PortalForm]:
    """The forms of this request that have problems to show (for the error summary)."""
    return [form for form in g.get("portal_forms", []) if form.problems()] if has_request_context() else []


class PortalSubform(Form):
    """A form repeated inside a PortalForm (FieldList of FormField): its messages translated too."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS


class EmptyForm(PortalForm):
    """A bare POST button: it carries the CSRF token and nothing else."""


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' select options."""
    return [SelectChoice(value, label) for value, label in pairs]


# ---------------------------------------------------------------- numbers and dates

_SPACES = re.compile(r"[\s\u00a0\u202f']+")


class WholeNumberField(IntegerField):
    """A whole number between `min` and `max` (spaces as thousands separators allowed): anything else,
    309 digits included, is a message next to the field."""

    def __init__(self, label=None, validators=None, *, min=1, max=100_000, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.min, self.max = min, max
        self.range_message = message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = _SPACES.sub("", valuelist[0] or "")
        if not text:
            self.data = None
            return
        if not re.fullmatch(r"[+-]?[0-9]{1,15}", text):
            self.data = None
            raise ValueError(str(self.range_message or self.gettext("Not a valid integer value.")))
        self.data = int(text)

    def pre_validate(self, form):
        if self.data is not None and not self.min <= self.data <= self.max:
            raise ValidationError(self.range_message or _l("Enter a whole number from %(min)s to %(max)s.",
                                                           min=self.min, max=self.max))


class AmountField(DecimalField):
    """A decimal amount: '2,50' and '2.50' are both 2.50 (and '1 234,5' is 1234.5); shown with the reader's
    decimal separator. Infinity, NaN and numbers beyond `max` are refused with a message."""

    widget = TextInput()  # a number input shows nothing for "2,50" and refuses a typed comma in some browsers

    def __init__(self, label=None, validators=None, *, min=0, max=1_000_000, message=None, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs["render_kw"] = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)
        self.min, self.max = Decimal(min), Decimal(max)
        self.range_message = message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = _SPACES.sub("", valuelist[0] or "")
        if not text:
            self.data = None
            return
        if not re.fullmatch(r"[+-]?([0-9]{1,15}([.,][0-9]{0,6})?|[.,][0-9]{1,6})", text):
            self.data = None
            raise ValueError(str(self.range_message or self.gettext("Not a valid decimal value.")))
        try:
            self.data = Decimal(text.replace(",", "."))
        except InvalidOperation:
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value.")) from None

    def pre_validate(self, form):
        if self.data is not None and not self.min <= self.data <= self.max:
            raise ValidationError(self.range_message or _l(
                "Enter a number from %(min)s to %(max)s.", min=format_decimal(self.min), max=format_decimal(self.max)))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = format(Decimal(self.data).quantize(Decimal(1).scaleb(-self.places)), "f") if self.places else str(self.data)
        separator = "," if has_request_context() and str(get_locale()) == "lv" else "."
        return text.replace(".", separator)


class BoundedDateField(DateField):
    """A date no earlier than `years_back` years ago (None: any date from 2000 on) and no later than
    `years_ahead` years from today: a typo like 9999-12-31 is a message next to the field."""

    def __init__(self, label=None, validators=None, *, years_back=None, years_ahead=5, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.years_back, self.years_ahead = years_back, years_ahead

    def bounds(self) -> tuple[date, date]:
        today = local_today()
        earliest = date(2000, 1, 1) if self.years_back is None else _years_from(today, -self.years_back)
        return earliest, _years_from(today, self.years_ahead)

    def pre_validate(self, form):
        if self.data is None:
            return
        earliest, latest = self.bounds()
        if not earliest <= self.data <= latest:
            raise ValidationError(_l("Enter a date from %(earliest)s to %(latest)s.",
                                     earliest=format_date(earliest, "medium"), latest=format_date(latest, "medium")))


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
