from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..dates import local_today
from ..errors import RuleViolation
from ..forms import AmountField, BoundedDateField, PortalForm, WholeNumberField, select_choices, strip
from ..orgs.choices import MUNICIPALITIES
from . import choices, photos


def _categories() -> list[SelectChoice]:
    return [SelectChoice(code, label, optgroup=str(_l("Material"))) for code, label in choices.MATERIAL_CATEGORIES] + \
        [SelectChoice(code, label, optgroup=str(_l("Intellectual"))) for code, label in choices.INTELLECTUAL_CATEGORIES]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EntryForm(PortalForm):
    kind = SelectField(_l("Kind"), choices=select_choices(choices.KINDS), validators=[InputRequired()])
    category = SelectField(_l("Category"), validators=[InputRequired()])
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[DataRequired(), Length(max=5000)])
    municipality = SelectField(_l("Municipality"), choices=select_choices(MUNICIPALITIES))
    location = StringField(_l("Place"), filters=[strip], validators=[Length(max=200)],
                           description=_l("e.g. Cirmas pagasts, Ludzas novads"))
    quantity = WholeNumberField(_l("Quantity or capacity"), default=1, min=1, max=100_000,
                                validators=[InputRequired(_l("Enter a whole number, 1 or more."))],
                                message=_l("Enter a whole number, 1 or more."))
    unit = StringField(_l("Unit"), filters=[strip], validators=[Length(max=40)],
                       description=_l("e.g. seats, pieces, hours"))
    languages = CheckboxesField(_l("Languages"), choices=select_choices(choices.LANGUAGES), default=["lv"],
                                validators=[InputRequired(_l("Choose at least one language."))])
    terms = SelectField(_l("Terms"), choices=select_choices(choices.TERMS))
    availability = StringField(_l("Availability"), filters=[strip], validators=[Length(max=300)],
                               description=_l("e.g. weekends from May to September"))
    visibility = SelectField(_l("Who sees it"), choices=select_choices(choices.VISIBILITIES))
    format = SelectField(_l("Format"), choices=select_choices((("", "—"),) + choices.FORMATS),
                         description=_l("For intellectual resources"))
    audience = StringField(_l("Audience"), filters=[strip], validators=[Length(max=200)],
                           description=_l("For intellectual resources, e.g. NGO board members, youth"))
    handover = SelectField(_l("Hand-over"), choices=select_choices((("", "—"),) + choices.HANDOVERS),
                           description=_l("For material resources"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = _categories()

    def validate_category(self, field):
        if choices.CATEGORY_KIND.get(field.data) != self.kind.data:
            raise ValidationError(_l("Choose a category of this kind."))

    def entry_data(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "kind", "category", "title", "description", "municipality", "location", "quantity", "unit",
            "terms", "availability", "visibility", "format", "audience", "handover")}
        data["languages"] = ",".join(code for code, _ in choices.LANGUAGES if code in (self.languages.data or []))
        return data


class ResourceForm(EntryForm):
    value_eur = AmountField(_l("In-kind value, EUR"), min=0, max=1_000_000, validators=[Optional()],
                            message=_l("Enter an amount of 0 or more."),
        description=_l("Optional: what the use is worth, for the in-kind ledger"))
    value_unit = SelectField(_l("per"), choices=select_choices((("", "—"),) + choices.VALUE_UNITS))
    licence = SelectField(_l("Licence of shared materials"), choices=select_choices(choices.LICENCES))

    def validate_value_unit(self, field):
        if self.value_eur.data is not None and not field.data:
            raise ValidationError(_l("Say what the value is per: hour, day or unit."))

    def entry_data(self) -> dict:
        data = super().entry_data()
        data.update(value_eur=self.value_eur.data, value_unit=self.value_unit.data or "",
                    licence=self.licence.data or "")
        return data


class NewResourceForm(ResourceForm):
    """Publishing: the resource's fields and, at once, its first photos."""

    photos = MultipleFileField(
        _l("Photos to add"), description=_l("Optional: JPEG, PNG, WebP or GIF, at most 8 MB each; up to 6 photos"),
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif", "multiple": True})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared_photos: tuple[photos.PreparedPhoto, ...] = ()

    def validate_photos(self, field):
        """Each photo is checked as the photo upload checks it; every photo's problem is shown, by its name."""
        chosen = [upload for upload in field.data or () if upload and upload.filename]
        if len(chosen) > photos.MAX_PHOTOS:
            raise ValidationError(_l("Choose at most %(n)d photos.", n=photos.MAX_PHOTOS))
        prepared, problems = [], []
        for upload in chosen:
            try:
                prepared.append(photos.prepare_upload(upload.read(photos.MAX_BYTES + 1)))
            except RuleViolation as refused:
                problems.append(_l("%(file)s: %(problem)s", file=upload.filename[-100:], problem=refused.message))
        self.prepared_photos = tuple(prepared)
        field.errors.extend(str(problem) for problem in problems)


class NeedForm(EntryForm):
    needed_by = BoundedDateField(_l("Needed by"), validators=[Optional()], years_ahead=5,
                                 description=_l("Optional: the last day it is of use to you"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entry = kwargs.get("obj")
        self.kept_needed_by = entry.needed_by if entry is not None else None

    def validate_needed_by(self, field):
        # A need's own date may have passed since it was posted; a new date must not be over already.
        if field.data is not None and field.data < local_today() and field.data != self.kept_needed_by:
            raise ValidationError(_l("This day is over: enter today or a later day."))

    def entry_data(self) -> dict:
        data = super().entry_data()
        data["needed_by"] = self.needed_by.data
        return data


class PhotoForm(PortalForm):
    photo = FileField(_l("Photo"), validators=[FileRequired(_l("Choose a photo to upload."))],
                      description=_l("JPEG, PNG or WebP, at most 8 MB; up to 6 photos"))


class StateForm(PortalForm):
    state = SelectField(choices=select_choices(choices.STATES))
