"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from ..errors import Invalid


@cache
def _hasher(cheap: bool) -> tuple[PasswordHasher, str]:
    """The hasher, and a dummy hash that keeps "no such user" as slow as "wrong password"."""
    hasher = PasswordHasher.from_parameters(profiles.CHEAPEST) if cheap else PasswordHasher()
    return hasher, hasher.hash("not-a-real-password")


def _current() -> tuple[PasswordHasher, str]:
    # The test suite hashes hundreds of passwords; it opts into argon2's cheapest profile.
    return _hasher(bool(current_app.config.get("PASSWORD_HASH_CHEAP")))


def hash_password(password: str) -> str:
    return _current()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def check_policy(password: str, username: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    problems = []
    if len(password) < minimum:
        problems.append(_("At least %(n)s characters.", n=minimum))
    if password.lower() == username.lower():
        problems.append(_("Must not be the username."))
    if password.isdigit():
        problems.append(_("Must not be digits only."))
    if problems:
        raise Invalid(fields={"password": problems})
