"""Passwords, session and CSRF tokens, and the login rate limit.

Passwords are hashed with argon2id (``argon2-cffi``). A session is a random token kept by the
browser in an HttpOnly cookie; the metadata store keeps only its SHA-256, so a copy of the
database cannot be replayed as a cookie. Each session carries its own CSRF token, which every
form posts back. Before login, the login form is protected by a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

SESSION_COOKIE = "pulse_session"
LOGIN_CSRF_COOKIE = "pulse_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return str(_hasher.hash(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (None: an unknown user, always False)."""
    try:
        ok = bool(_hasher.verify(stored_hash or _DUMMY_HASH, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the store keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of two tokens; a missing one never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


class LoginLimiter:
    """Counts failed logins per key (user name, client address) in a sliding window.

    After ``attempts`` failures within ``window`` seconds a key is locked until the oldest
    failure leaves the window. A successful login clears the user name's failures.
    """

    def __init__(
        self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, *keys: str) -> float:
        """Seconds until every key may try again (0 when none is locked)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.attempts:
                    wait = max(wait, times[0] + self.window - now)
        return wait

    def failed(self, *keys: str) -> None:
        """Record one failed attempt for each key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key``."""
        with self._lock:
            self._failures.pop(key, None)
