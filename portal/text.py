"""Latvian-aware text helpers: sorting as a Latvian reader expects."""
import unicodedata
from datetime import date

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


_LV_MONTHS = {  # genitive (no … jūlija), locative (… jūlijā), dative (līdz … jūlijam)
    "gen": "janvāra februāra marta aprīļa maija jūnija jūlija augusta septembra oktobra novembra decembra".split(),
    "loc": "janvārī februārī martā aprīlī maijā jūnijā jūlijā augustā septembrī oktobrī novembrī decembrī".split(),
    "dat": ("janvārim februārim martam aprīlim maijam jūnijam jūlijam augustam septembrim oktobrim novembrim "
            "decembrim").split(),
}
_EN_MONTHS = "January February March April May June July August September October November December".split()


def long_date(day, language: str, case: str = "loc") -> str:
    """A date as an agreement writes it, whatever the reader's locale: '2017. gada 1. jūlijā' (Latvian;
    case loc, gen or dat) or '1 July 2017'. `day`: a date or datetime."""
    if not isinstance(day, date):
        raise TypeError(f"expected a date, not {day!r}")
    if language == "lv":
        return f"{day.year}. gada {day.day}. {_LV_MONTHS[case][day.month - 1]}"
    return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"
