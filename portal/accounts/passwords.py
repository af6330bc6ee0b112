"""Password hashing (argon2id) and the password rules."""
import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from ..text import fold_diacritics

MIN_LENGTH = 12
MAX_LENGTH = 256

# argon2id, 19 MiB, t=2: the OWASP minimum, about 16 ms a verification here.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Verified against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = hasher.hash("dummy password for timing")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


MIN_PERSONAL_PART = 4  # shorter pieces of a name or address ("Ola", "li") are too common to refuse


def personal_parts(user_inputs) -> set[str]:
    """What of a person's e-mail and name a password must not contain: the whole values, the e-mail's local
    part and its words, the words of the name (split at dots, dashes, underscores, plus signs and spaces),
    all folded (case and diacritics). The mail domain's words are not personal."""
    parts = set()
    for value in filter(None, user_inputs):
        folded = fold_diacritics(value)
        local = folded.split("@", 1)[0]
        parts |= {folded, local, *re.split(r"[\s._+\-]+", local)}
    return {part for part in parts if len(part) >= MIN_PERSONAL_PART}


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """The reason a new password is refused, or None when it is acceptable. `user_inputs`: the person's
    e-mail and name; no part of them may appear in the password, whatever the case or diacritics."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    folded = fold_diacritics(password)
    if any(part in folded for part in personal_parts(user_inputs)):
        return _l("Do not use your name or e-mail address in the password.")
    # zxcvbn's score 0-1 means sequences, keyboard walks, repeats and dictionary words
    # guessable in under a million tries; the prefix bounds its work on huge inputs.
    if lowered in _common_passwords() or zxcvbn(password[:72])["score"] < 2:
        return _l("This password is too common. Choose a less predictable one.")
    return None


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _spend_time(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _spend_time(password: str) -> None:
    try:
        hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)
