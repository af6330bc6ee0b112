from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import PortalForm, select_choices, strip
from ..resources.forms import CheckboxesField
from .models import READ, READ_WRITE
from .services import EXPIRY_DAYS
from .webhooks import EVENTS

SCOPE_CHOICES = ((READ, _l("Read only")), (READ_WRITE, _l("Read and write: act as me")))


class TokenForm(PortalForm):
    name = StringField(_l("Name of the token"), filters=[strip], validators=[DataRequired(), Length(max=80)],
                       description=_l("What uses it, e.g. “Our website”."))
    scope = RadioField(_l("What it may do"), choices=select_choices(SCOPE_CHOICES), default=READ, validators=[DataRequired()])
    expires_in_days = SelectField(
        _l("Valid for"), default="90", validators=[DataRequired()],
        choices=select_choices((str(days), _l("%(n)d days", n=days)) for days in EXPIRY_DAYS))


class WebhookForm(PortalForm):
    """Checked by the rule (portal.api.webhooks.register_webhook), which names every problem at once."""

    url = StringField(_l("Address (https://…)"), filters=[strip],
                      description=_l("Your tool’s address that receives the events as JSON."))
    events = CheckboxesField(_l("Events"), choices=select_choices(EVENTS), validate_choice=False)
