"""Every string the portal shows has its Latvian text: the messages extracted from the code and templates
(as `make translations` extracts them) are all in the Latvian catalogue, translated and not fuzzy."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def extracted_msgids() -> dict[str, str]:
    with open(ROOT / "babel.cfg") as config:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, filename)
    return found


def test_every_message_has_its_latvian_text():
    with open(ROOT / "portal/translations/lv/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    messages = extracted_msgids()
    assert len(messages) > 1000  # the extraction found the code and the templates
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in messages.items()
                     if catalog.get(msgid) is None or not catalog.get(msgid).string
                     or "fuzzy" in catalog.get(msgid).flags)
    assert missing == [], "\n".join(missing)
