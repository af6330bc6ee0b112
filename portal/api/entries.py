"""Offers and needs published through the API, checked by the very forms the pages use: the same fields,
bounds and messages (in the token owner's language), every problem at once, so nothing is decided twice."""
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from ..errors import RuleViolation
from ..resources import services as catalogue
from ..resources.forms import NeedForm, ResourceForm
from ..resources.models import Need, Resource

FORMS = {Resource: ResourceForm, Need: NeedForm}


def _as_form_data(form_class, data: dict) -> MultiDict:
    """JSON values as a browser would post them: lists as repeated fields, numbers and dates as text, and
    a field left out as the page's form shows it at first (its default, or a choice's "—")."""
    given = {name: value for name, value in data.items() if value is not None}
    for field in form_class(formdata=None, meta={"csrf": False}):
        if field.name in given:
            continue
        if field.data not in (None, ""):
            given[field.name] = field.data
        elif isinstance(field, SelectField) and any(choice[0] == "" for choice in field.iter_choices()):
            given[field.name] = ""
    return MultiDict([(name, item.isoformat() if hasattr(item, "isoformat") else str(item))
                      for name, value in given.items() for item in (value if isinstance(value, list) else [value])])


def publish_entry(user, model, data: dict):
    """A new entry of the token owner's organization, or RuleViolation naming each field's problem."""
    form_class = FORMS[model]
    form = form_class(formdata=_as_form_data(form_class, data), meta={"csrf": False})
    if not form.validate():
        raise RuleViolation.of_fields({name: messages[0] for name, messages in form.errors.items()})
    return catalogue.publish(model, user, form.entry_data())
