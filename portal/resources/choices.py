"""The catalogue's vocabularies: codes are stored, labels are translated."""
from flask_babel import lazy_gettext as _l

MATERIAL, INTELLECTUAL = "material", "intellectual"
KINDS = ((MATERIAL, _l("Material")), (INTELLECTUAL, _l("Intellectual")))

MATERIAL_CATEGORIES = (
    ("premises", _l("Premises or venue")),
    ("equipment", _l("Equipment")),
    ("vehicle", _l("Vehicle")),
    ("materials", _l("Printed and digital materials")),
    ("material_other", _l("Other material resource")),
)
INTELLECTUAL_CATEGORIES = (
    ("expertise", _l("Expertise and consultation")),
    ("training", _l("Training or workshop")),
    ("methodology", _l("Methodology")),
    ("volunteers", _l("Volunteers")),
    ("intellectual_other", _l("Other intellectual resource")),
)
CATEGORIES = MATERIAL_CATEGORIES + INTELLECTUAL_CATEGORIES
CATEGORY_KIND = {code: MATERIAL for code, _ in MATERIAL_CATEGORIES} | \
    {code: INTELLECTUAL for code, _ in INTELLECTUAL_CATEGORIES}

LANGUAGES = (
    ("lv", _l("Latvian")), ("ltg", _l("Latgalian")), ("ru", _l("Russian")), ("en", _l("English")),
    ("lt", _l("Lithuanian")), ("pl", _l("Polish")), ("de", _l("German")), ("be", _l("Belarusian")),
)

FREE, COST_SHARING, RECIPROCAL = "free", "cost_sharing", "reciprocal"
TERMS = ((FREE, _l("Free")), (COST_SHARING, _l("Cost sharing")), (RECIPROCAL, _l("Reciprocal")))

VALUE_UNITS = (("hour", _l("per hour")), ("day", _l("per day")), ("unit", _l("per unit")))

NETWORK, PUBLIC = "network", "public"
VISIBILITIES = ((NETWORK, _l("Network members only")), (PUBLIC, _l("Public: everyone")))

FORMATS = (("in_person", _l("In person")), ("online", _l("Online")), ("hybrid", _l("In person or online")))

LICENCES = (
    ("", _l("No shared materials")),
    ("CC-BY-4.0", "Creative Commons BY 4.0"),
    ("CC-BY-SA-4.0", "Creative Commons BY-SA 4.0"),
    ("CC-BY-NC-4.0", "Creative Commons BY-NC 4.0"),
    ("CC-BY-NC-SA-4.0", "Creative Commons BY-NC-SA 4.0"),
    ("CC0-1.0", "CC0 1.0"),
    ("all-rights-reserved", _l("All rights reserved (use by agreement)")),
)

HANDOVERS = (
    ("pickup", _l("Pick-up")),
    ("delivery", _l("Delivery")),
    ("with_operator", _l("With a driver or operator")),
)

ACTIVE, PAUSED, ARCHIVED = "active", "paused", "archived"
STATES = ((ACTIVE, _l("Active")), (PAUSED, _l("Paused")), (ARCHIVED, _l("Archived")))

SORTS = (("relevance", _l("Relevance")), ("newest", _l("Newest")), ("title", _l("Title A–Ž")))
