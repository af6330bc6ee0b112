from flask_babel import lazy_gettext as _l

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


def label(choices, value) -> str:
    return str(dict(choices).get(value, value))
