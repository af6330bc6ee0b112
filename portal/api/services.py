"""Personal API tokens: created (shown once, stored hashed), listed, revoked, and checked on each request."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import policy
from ..audit.services import record
from ..database import utcnow
from ..errors import RuleViolation, found, require
from ..extensions import db
from .models import SCOPES, ApiToken

TOKEN_PREFIX = "lbt_"  # "Latgales biedrību tīklojums": a secret scanner can recognise a leaked token
EXPIRY_DAYS = (30, 90, 365)
MAX_TOKENS = 20  # live tokens of one person


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # the whole token: shown once, never stored


def create_token(actor, *, name: str, scope: str, expires_in_days: int, now: datetime | None = None) -> NewToken:
    require(policy.can_manage_api_tokens(actor))
    now = now or utcnow()
    problems = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = _l("Name the token, e.g. after the program that uses it.")
    elif len(name) > 80:
        problems["name"] = _l("At most %(n)d characters.", n=80)
    if scope not in SCOPES:
        problems["scope"] = _l("Choose what the token may do.")
    if expires_in_days not in EXPIRY_DAYS:
        problems["expires_in_days"] = _l("Choose how long the token is valid.")
    if problems:
        raise RuleViolation.of_fields(problems)
    if len(live_tokens(actor, now)) >= MAX_TOKENS:
        raise RuleViolation(_l("You have %(n)d tokens already; revoke one you no longer use.", n=MAX_TOKENS),
                            field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, scope=scope, token_hash=hash_token(secret),
                     prefix=secret[:len(TOKEN_PREFIX) + 6], created_at=now,
                     expires_at=now + timedelta(days=expires_in_days))
    db.session.add(token)
    db.session.flush()
    record("api_token.created", actor=actor, obj=token, name=name, scope=scope)
    return NewToken(token, secret)


def tokens_of(user) -> list[ApiToken]:
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())).all()


def live_tokens(user, now: datetime | None = None) -> list[ApiToken]:
    now = now or utcnow()
    return [t for t in tokens_of(user) if t.is_valid(now)]


def get_own_token(user, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    return found(token, token is not None and token.user_id == user.id)


def revoke_token(actor, token_id: int) -> ApiToken:
    token = get_own_token(actor, token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record("api_token.revoked", actor=actor, obj=token, name=token.name)
    return token


def authenticate(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The token this secret is, if it still works (not revoked or expired, its person and organization
    active); its "last used" is now. None otherwise, for whatever reason."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or not token.is_valid(now) or not policy.token_owner_may_use_api(token.user):
        return None
    token.last_used_at = now
    db.session.flush()
    return token
