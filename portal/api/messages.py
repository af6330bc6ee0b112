"""marshmallow's messages (a request body or query that is not even of the right shape) in the token
owner's language, like every other message of the API. Unknown messages pass through as they are."""
import re

from flask_babel import lazy_gettext as _l

FIXED = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field cannot be empty (null)."),
    "Unknown field.": _l("This field is not known here."),
    "Invalid input type.": _l("Send a JSON object."),
    "Invalid value.": _l("This value is not valid."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Number too large.": _l("The number is too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Enter a finite number."),
    "Not a valid date.": _l("Enter a date as YYYY-MM-DD."),
    "Not a valid datetime.": _l("Enter a date and time as YYYY-MM-DDTHH:MM:SS."),
    "Not a valid boolean.": _l("Enter true or false."),
    "Not a valid list.": _l("Send a list."),
    "Not a valid mapping type.": _l("Send a JSON object."),
}
PATTERNS = (
    (re.compile(r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\."),
     lambda m: _l("Enter a number from %(min)s to %(max)s.", **m)),
    (re.compile(r"Must be greater than or equal to (?P<min>\S+)\."), lambda m: _l("Enter %(min)s or more.", **m)),
    (re.compile(r"Must be less than or equal to (?P<max>\S+)\."), lambda m: _l("Enter %(max)s or less.", **m)),
    (re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\."),
     lambda m: _l("Use from %(min)s to %(max)s characters.", **m)),
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\."),
     lambda m: _l("Use at least %(min)s characters.", **m)),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\."),
     lambda m: _l("Use at most %(max)s characters.", **m)),
    (re.compile(r"Must be one of: (?P<choices>.+)\."), lambda m: _l("Use one of: %(choices)s.", **m)),
)


def translated(message) -> str:
    text = str(message)
    if text in FIXED:
        return str(FIXED[text])
    for pattern, make in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return str(make(match.groupdict()))
    return text
