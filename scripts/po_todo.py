"""Lists untranslated or fuzzy messages of a catalog: `python scripts/po_todo.py lv`."""
import sys

from babel.messages.pofile import read_po

locale = sys.argv[1] if len(sys.argv) > 1 else "lv"
with open(f"portal/translations/{locale}/LC_MESSAGES/messages.po", "rb") as f:
    catalog = read_po(f)
def untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings) or message.fuzzy


todo = [m for m in catalog if m.id and untranslated(m)]
for message in todo:
    print(repr(message.id), "(fuzzy)" if message.fuzzy else "")
sys.exit(1 if todo else 0)
