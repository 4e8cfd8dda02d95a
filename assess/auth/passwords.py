"""Password hashes and the password policy.

Hashes are Argon2id (argon2-cffi), a memory-hard function, with the parameters OWASP's
Password Storage Cheat Sheet lists first for it: 19 MiB, 2 passes, 1 lane (about 80 ms
per check on a 2-core machine). A hash made with other parameters, or by werkzeug (its
scrypt and pbkdf2 formats: `Account.set_password`, and consultants migrated by 0003),
still verifies, and is replaced by a current one at the next successful sign-in.

The policy follows NIST SP 800-63B: at least 12 characters, no composition rules, but
not a known common password (`common-passwords.txt`: where it comes from is written at
its top), nor one with digits or symbols stuck around it, nor repeated or sequential
characters, nor the account's email address.
"""

from __future__ import annotations

import secrets
import string
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)  # Argon2id
MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_FILE = Path(__file__).with_name("common-passwords.txt")
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "01234567890123456789", "qwertyuiopasdfghjklzxcvbnm",
             "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")
PADDING = string.digits + string.punctuation + string.whitespace


@dataclass(frozen=True)
class Verified:
    ok: bool
    needs_rehash: bool = False


def normalised(password: str) -> str:
    """NFKC, as NIST asks: the same password typed on another keyboard still matches."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return HASHER.hash(normalised(password))


def verify(stored: str, password: str) -> Verified:
    if stored.startswith("$argon2"):
        try:
            HASHER.verify(stored, normalised(password))
        except (VerificationError, InvalidHashError):  # a mismatch is a VerificationError
            return Verified(False)
        return Verified(True, HASHER.check_needs_rehash(stored))
    try:
        ok = check_password_hash(stored, password)  # werkzeug's formats, as they were set
    except ValueError:
        return Verified(False)
    return Verified(ok, needs_rehash=ok)


def burn_time(password: str) -> None:
    """Spend what checking a real hash costs, so that an unknown (or locked) address
    answers in the same time as a known one."""
    verify(_dummy_hash(), password)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


# --------------------------------------------------------------------------- policy


@cache
def common_passwords() -> frozenset[str]:
    with COMMON_FILE.open(encoding="utf-8") as handle:
        return frozenset(line.rstrip("\n") for line in handle
                         if line.strip() and not line.startswith("# "))


def problems(password: str, email: str = "") -> list[str]:
    """What is wrong with a new password, in words to show next to the field."""
    password = normalised(password)
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters (this one has {len(password)}). "
                "A few unrelated words make a long password that is easy to remember."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    lowered = password.casefold()
    email = email.strip().casefold()
    if email and lowered in (email, email.partition("@")[0]):
        return ["Your password must not be your email address."]
    if is_common(lowered):
        return ["This password is on lists of common passwords that attackers try first "
                "(adding digits or symbols around one does not help). Choose another one."]
    if is_predictable(lowered):
        return ["This password is too easy to guess: it repeats a few characters or "
                "follows a run of the keyboard or the alphabet. Choose another one."]
    return []


def is_common(lowered: str) -> bool:
    common = common_passwords()
    core = lowered.strip(PADDING)
    if lowered in common or (len(core) >= 4 and core in common):
        return True
    for size in range(1, len(lowered) // 2 + 1):  # "dragondragon", "1234!1234!1234!"
        unit = lowered[:size]
        if len(lowered) % size == 0 and unit * (len(lowered) // size) == lowered:
            return unit in common or unit.strip(PADDING) in common
    return False


def is_predictable(lowered: str) -> bool:
    if len(set(lowered)) < 5:
        return True
    return any(lowered in run or lowered in run[::-1] for run in SEQUENCES)
