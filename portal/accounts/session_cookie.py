"""The session cookie, its signature checked once per worker for each cookie value.

A logged-in person's browser sends the same signed cookie on every page until the session changes (`seen_at`
moves at most twice a minute). Flask checks it on every request: a serializer made for the request, the key
derived, the HMAC, base64 and the tagged JSON, about 0.1 ms of a kept page's 1.5 ms. Here the decoded session is
kept under the cookie's exact value, the keys and the lifetime, and taken only while the time the cookie was
signed at is within the lifetime, as Flask's own check would. The same bytes always verify the same way, so
nothing is trusted that Flask would refuse. Only sessions of plain values are kept (flashed messages are a
list), and each request gets its own copy, so a change made to one request's session never reaches another's.
"""
import time
from threading import Lock

from cachetools import LRUCache
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

KEPT_SESSIONS = 10_000  # per worker: the cookies of the last 10,000 sessions seen
_PLAIN = (str, int, float, bool, type(None))


class KeptCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._decoded: LRUCache = LRUCache(maxsize=KEPT_SESSIONS)
        self._lock = Lock()

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (value, app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), max_age, self.salt,
               self.key_derivation, self.digest_method)
        with self._lock:
            kept = self._decoded.get(key)
        if kept is not None:
            data, valid_until = kept
            if time.time() <= valid_until:
                return self.session_class(data)
        try:
            data, signed_at = self.get_signing_serializer(app).loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(item, _PLAIN) for item in data.values()):
            with self._lock:
                self._decoded[key] = (dict(data), signed_at.timestamp() + max_age)
        return self.session_class(data)

    def forget_all(self) -> None:
        with self._lock:
            self._decoded.clear()
