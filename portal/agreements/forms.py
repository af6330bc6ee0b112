from datetime import datetime

from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField
from wtforms import (BooleanField, FieldList, FormField, HiddenField, PasswordField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import DOCUMENT_LANGUAGES, BoundedDateField, PortalForm, PortalSubform, select_choices, strip

DATE_MESSAGE = _l("Enter a date.")


class NewAgreementForm(PortalForm):
    kind = RadioField(_l("Kind"), default="cooperation", choices=select_choices((
        ("cooperation", _l("Cooperation agreement with another organization")),
        ("network", _l("Network agreement of all member organizations")),
        ("accession", _l("Accession to the network agreement in force")),
    )))
    partner = SelectField(_l("The other party"), coerce=int, validators=[Optional()],
                          description=_l("For a cooperation agreement."))
    language = SelectField(_l("Language of the agreement"), choices=select_choices(DOCUMENT_LANGUAGES))
    valid_from = BoundedDateField(_l("Valid from"), validators=[InputRequired(DATE_MESSAGE)], years_back=10)
    valid_to = BoundedDateField(_l("Valid until"), validators=[Optional()], years_ahead=30,
                         description=_l("Leave empty for an indefinite period."))


class ClauseForm(PortalSubform):
    heading = StringField(_l("Heading"), filters=[strip], validators=[Length(max=200)])
    text = TextAreaField(_l("Text"), filters=[strip], validators=[Length(max=8_000)],
                         description=_l("One point per line; the points are numbered in the PDF."))


class EditAgreementForm(PortalForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    place = StringField(_l("Place"), filters=[strip], validators=[Length(max=100)],
                        description=_l("As printed under the title, e.g. “Daugavpilī”."))
    valid_from = BoundedDateField(_l("Valid from"), validators=[InputRequired(DATE_MESSAGE)], years_back=10)
    valid_to = BoundedDateField(_l("Valid until"), validators=[Optional()], years_ahead=30,
                         description=_l("Leave empty for an indefinite period."))
    review_on = BoundedDateField(_l("Review date"), validators=[Optional()], years_ahead=30,
                          description=_l("Optional: the parties are reminded before it."))
    clauses = FieldList(FormField(ClauseForm), min_entries=1, max_entries=41)
    edit_stamp = HiddenField()

    def typed_clauses(self) -> list[tuple[str, str]]:
        """(heading, text) of each section as typed."""
        return [(entry.form.heading.data, entry.form.text.data) for entry in self.clauses]


class CommentForm(PortalForm):
    body = TextAreaField(_l("Comment"), filters=[strip], validators=[DataRequired(), Length(max=4000)])


class SignatoryForm(PortalForm):
    signatory = SelectField(_l("Signs for our organization"), coerce=int)


class ReturnForm(PortalForm):
    comment = TextAreaField(_l("What should be changed"), filters=[strip],
                            validators=[DataRequired(), Length(max=4000)])


class TerminateForm(PortalForm):
    reason = TextAreaField(_l("Reason for termination"), filters=[strip],
                           validators=[DataRequired(), Length(max=4000)])


class SignForm(PortalForm):
    password = PasswordField(_l("Your password"), validators=[InputRequired(_l("Enter your password.")),
                                                              Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    typed_name = StringField(_l("Your full name"), filters=[strip],
                             validators=[DataRequired(_l("Type your full name.")), Length(max=120)])
    consent = BooleanField(_l("I have read the signing copy and sign this agreement for my organization."))


class ExternalSignatureForm(PortalForm):
    document = FileField(_l("The signed PDF"), description=_l(
        "The signing copy as downloaded from here, signed with your organization's qualified e-signature."))


SECTION_OPERATIONS = ("add", "remove", "up", "down", "point")
MAX_SECTIONS = 40


def section_points(text: str | None) -> list[str]:
    """A section's points as the PDF numbers them: its non-blank lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _moved(items: list, name: str, at: int | None) -> int | None:
    """Moves or removes items[at] in place as `name` says (up, down, remove); the index to look at after."""
    if at is None:
        return None
    if name == "up" and at:
        items[at - 1], items[at] = items[at], items[at - 1]
        return at - 1
    if name == "down" and at + 1 < len(items):
        items[at], items[at + 1] = items[at + 1], items[at]
        return at + 1
    if name == "remove":
        items.pop(at)
        return min(at, len(items) - 1) if items else None
    return at


def _index(text: str, length: int) -> int | None:
    return int(text) if text.isdigit() and int(text) < length else None


def rearranged_sections(formdata, op: str):
    """The edit form's posted data with its sections added to, removed or moved as `op` says ("add",
    "add-2" after the third, "remove-0", "up-3", "down-1"), or a point of a section moved or removed
    ("point-up-1-2": the third point of the second section), renumbered; and the section and the point to
    look at. Everything else typed is kept as it was. The buttons post the form without JavaScript."""
    from werkzeug.datastructures import MultiDict

    name, _, index = op.partition("-")
    indexes = sorted({int(key.split("-")[1]) for key in formdata if key.startswith("clauses-")
                      and key.split("-")[1].isdigit()})
    sections = [(formdata.get(f"clauses-{i}-heading", ""), formdata.get(f"clauses-{i}-text", "")) for i in indexes]
    at = _index(index, len(sections))
    focus, focus_point = at, None
    if name == "add" and len(sections) < MAX_SECTIONS:
        focus = (at + 1) if at is not None else len(sections)
        sections.insert(focus, ("", ""))
    elif name == "remove" and at is not None and len(sections) > 1:
        focus = _moved(sections, name, at)
    elif name in ("up", "down"):
        focus = _moved(sections, name, at)
    elif name == "point":
        action, _, place = index.partition("-")
        section_text, _, point_text = place.partition("-")
        focus = _index(section_text, len(sections))
        if focus is not None and action in ("up", "down", "remove"):
            heading, text = sections[focus]
            points = section_points(text)
            focus_point = _moved(points, action, _index(point_text, len(points)))
            sections[focus] = (heading, "\n".join(points))
    data = MultiDict([(k, v) for k, v in formdata.items(multi=True) if not k.startswith("clauses-") and k != "op"])
    for i, (heading, text) in enumerate(sections):
        data.add(f"clauses-{i}-heading", heading)
        data.add(f"clauses-{i}-text", text)
    return data, focus, focus_point


def sized(form: EditAgreementForm) -> EditAgreementForm:
    """Each section's text area as tall as its points (a long line wraps into about two rows)."""
    for entry in form.clauses:
        lines = sum(1 + len(line) // 90 for line in (entry.form.text.data or "").splitlines())
        entry.form.text.render_kw = {**(entry.form.text.render_kw or {}), "rows": min(max(lines + 1, 3), 30)}
    return form


def parsed_stamp(value: str | None) -> datetime | None:
    """The edit stamp the form carried (when the editor loaded the draft), or None."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
