"""Password hashing (argon2id) and the password rules."""
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

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


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """The reason a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    for value in user_inputs:
        if value and len(value) >= 4 and value.lower() in lowered:
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
