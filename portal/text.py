"""Latvian-aware text helpers: sorting as a Latvian reader expects; dates, numbers and sums as documents write them."""
import re
import unicodedata
from functools import lru_cache
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# CLDR's Latvian collation: č ģ ķ ļ ņ š ž are letters of their own (after c g k l n s z);
# the long vowels ā ē ī ū sort with their short ones and only break ties.
_OWN_LETTERS = {"č": "c\uffff", "ģ": "g\uffff", "ķ": "k\uffff", "ļ": "l\uffff", "ņ": "n\uffff",
                "š": "s\uffff", "ž": "z\uffff"}


# Everything str.splitlines() and mail readers break a line on (CR, LF, VT, FF, FS, GS, RS, NEL, U+2028,
# U+2029), tabs, and the other control characters.
_LINE_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """`text` on a single line (a mail header): breaks and controls become one space."""
    return " ".join(_LINE_BREAKS.sub(" ", str(text)).split())


def fold_diacritics(text: str) -> str:
    """'Baltā māja' -> 'balta maja': lower case, marks removed (for search)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_OWN_LETTERS_TABLE = str.maketrans(_OWN_LETTERS)


@lru_cache(maxsize=8192)  # lists of organizations are sorted on every page that shows them
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


def lv_singular(n) -> bool:
    """Latvian: 1, 21, 31, 101 … take the singular (viena stunda, divdesmit viena stunda); 11 and fractions
    (2,5 stundas) do not."""
    return n == int(n) and int(n) % 10 == 1 and int(n) % 100 != 11


def decimal_text(value, language: str) -> str:
    """2.50 -> '2,5' (lv) / '2.5' (en); 6.0 -> '6'."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", "," if language == "lv" else ".")


_LV_UNITS = "nulle viens divi trīs četri pieci seši septiņi astoņi deviņi".split()
_LV_TEENS = ("desmit vienpadsmit divpadsmit trīspadsmit četrpadsmit piecpadsmit sešpadsmit septiņpadsmit "
             "astoņpadsmit deviņpadsmit").split()
_LV_TENS = "_ _ divdesmit trīsdesmit četrdesmit piecdesmit sešdesmit septiņdesmit astoņdesmit deviņdesmit".split()


def _lv_below_thousand(n: int) -> list[str]:
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_LV_UNITS[hundreds], "simts" if hundreds == 1 else "simti"]
    if 10 <= rest < 20:
        words.append(_LV_TEENS[rest - 10])
    else:
        tens, units = divmod(rest, 10)
        if tens:
            words.append(_LV_TENS[tens])
        if units:
            words.append(_LV_UNITS[units])
    return words


def lv_number(n: int) -> str:
    """A whole number in Latvian words, masculine nominative, as written in contracts: 120 -> 'viens simts
    divdesmit', 2021 -> 'divi tūkstoši divdesmit viens'."""
    if not 0 <= n < 10**9:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return "nulle"
    words = []
    for size, one, many in ((10**6, "miljons", "miljoni"), (10**3, "tūkstotis", "tūkstoši")):
        count, n = divmod(n, size)
        if count:
            words += _lv_below_thousand(count) + [one if lv_singular(count) else many]
    return " ".join(words + _lv_below_thousand(n))


_EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
             "sixteen seventeen eighteen nineteen").split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _en_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_EN_UNITS[hundreds]} hundred"] if hundreds else []
    if rest:
        tens, units = divmod(rest, 10)
        below = _EN_UNITS[rest] if rest < 20 else _EN_TENS[tens] + (f"-{_EN_UNITS[units]}" if units else "")
        parts.append(("and " if hundreds else "") + below)
    return " ".join(parts)


def en_number(n: int) -> str:
    """120 -> 'one hundred and twenty' (British usage)."""
    if not 0 <= n < 10**9:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return "zero"
    parts = []
    for size, name in ((10**6, "million"), (10**3, "thousand")):
        count, n = divmod(n, size)
        if count:
            parts.append(f"{_en_below_thousand(count)} {name}")
    if n:
        parts.append(("and " if parts and n < 100 else "") + _en_below_thousand(n))
    return " ".join(parts)


def money(value, language: str) -> str:
    """EUR 1 200,00 (lv: no-break space as thousands separator, comma for decimals) / EUR 1,200.00 (en)."""
    value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:,.2f}"  # 1,200.00
    if language == "lv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return f"EUR {text}"


def money_in_words(value, language: str) -> str:
    """'EUR 120,00 (viens simts divdesmit euro un 00 centi)' /
    'EUR 120.00 (one hundred and twenty euro and 00 cents)'."""
    value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("value_eur must not be negative")
    euro = int(value)
    cents = int((value - euro) * 100)
    if language == "lv":
        words = f"{lv_number(euro)} euro un {cents:02d} {'cents' if lv_singular(cents) else 'centi'}"
    else:
        words = f"{en_number(euro)} euro and {cents:02d} {'cent' if cents == 1 else 'cents'}"
    return f"{money(value, language)} ({words})"
