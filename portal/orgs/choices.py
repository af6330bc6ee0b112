from flask_babel import get_locale, lazy_gettext as _l

# Latgale's municipalities after the 2021 reform, plus "other" for members elsewhere.
MUNICIPALITIES = (
    ("augsdaugavas", "Augšdaugavas novads"),
    ("balvu", "Balvu novads"),
    ("daugavpils", "Daugavpils"),
    ("kraslavas", "Krāslavas novads"),
    ("livanu", "Līvānu novads"),
    ("ludzas", "Ludzas novads"),
    ("preilu", "Preiļu novads"),
    ("rezekne", "Rēzekne"),
    ("rezeknes", "Rēzeknes novads"),
    ("varaklanu", "Varakļānu novads"),
    ("other", _l("Other (outside Latgale)")),
)

LEGAL_FORMS = (
    ("association", _l("Association (biedrība)")),
    ("foundation", _l("Foundation (nodibinājums)")),
    ("religious", _l("Religious organization")),
    ("other", _l("Other")),
)


_TRANSLATED: dict = {}


def translated(choices) -> dict:
    """code -> label of a vocabulary (a module constant) in the current language: translated once per process
    and language, not on every page (the catalogue shows ~60 labels a page)."""
    key = (id(choices), str(get_locale()))
    found = _TRANSLATED.get(key)
    if found is None or found[0] is not choices:
        found = _TRANSLATED[key] = (choices, {code: str(text) for code, text in choices})
    return found[1]


def label(choices, value) -> str:
    return translated(choices).get(value, value)
