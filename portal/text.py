"""Latvian-aware text helpers: sorting as a Latvian reader expects."""
import unicodedata

# CLDR's Latvian collation: č ģ ķ ļ ņ š ž are letters of their own (after c g k l n s z);
# the long vowels ā ē ī ū sort with their short ones and only break ties.
_OWN_LETTERS = {"č": "c\uffff", "ģ": "g\uffff", "ķ": "k\uffff", "ļ": "l\uffff", "ņ": "n\uffff",
                "š": "s\uffff", "ž": "z\uffff"}


def fold_diacritics(text: str) -> str:
    """'Baltā māja' -> 'balta maja': lower case, marks removed (for search)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_OWN_LETTERS_TABLE = str.maketrans(_OWN_LETTERS)


def latvian_sort_key(text: str) -> tuple[str, str]:
    lowered = unicodedata.normalize("NFC", text.casefold())
    return fold_diacritics(lowered.translate(_OWN_LETTERS_TABLE)), lowered
