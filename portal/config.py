"""Settings read from the environment, with safe defaults for development."""
import os
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int_settings(*names: str, unit: str = "days") -> dict:
    """The named settings that are set in the environment, as integers (the rest keep their defaults)."""
    result = {}
    for name in names:
        value = os.environ.get(name)
        if value is not None:
            try:
                result[name] = int(value)
            except ValueError:
                raise ConfigError(f"{name} must be a whole number of {unit}, not {value!r}") from None
    return result


PROXY_FIX_SETTINGS = ("PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "PROXY_FIX_X_HOST", "PROXY_FIX_X_PORT",
                      "PROXY_FIX_X_PREFIX")


def _storage_url() -> str:
    url = os.environ.get("STORAGE_URL", "").strip()
    if url and not (url.startswith("file:///") or (url.startswith("s3://") and len(url) > len("s3://"))):
        raise ConfigError(f"STORAGE_URL must be empty, file:///directory or s3://bucket/prefix, not {url!r}")
    return url


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "").strip()
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL must be empty or redis://host:port/db, rediss://… or unix://…, not {url!r}")
    return url


def from_environment() -> dict:
    env = os.environ.get("PORTAL_ENV", "production")
    data_dir = Path(os.environ.get("PORTAL_DATA_DIR", "instance")).resolve()
    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        if env != "development":
            raise ConfigError(
                "SECRET_KEY is not set. Set it (e.g. `export SECRET_KEY=$(python -c "
                "'import secrets; print(secrets.token_hex(32))')`) or run with PORTAL_ENV=development."
            )
        secret_key = "development-only-not-secret"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'portal.sqlite3'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    trusted_hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    return {
        "PORTAL_ENV": env,
        "SECRET_KEY": secret_key,
        "PORTAL_DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "NETWORK_NAME": os.environ.get("NETWORK_NAME", "Latgales biedrību tīklojums"),
        "BASE_URL": os.environ.get("BASE_URL", "http://localhost:5000").rstrip("/"),
        "TRUSTED_HOSTS": trusted_hosts or None,
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "portal@localhost"),
        # With Redis, every app server counts the rate limits together there; RATELIMIT_STORAGE_URI still wins.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or _redis_url() or "memory://",
        "REDIS_URL": _redis_url(),
        "REDIS_KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "portal").strip() or "portal",
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text" if env == "development" else "json"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        "DAILY_JOBS_CRON": os.environ.get("DAILY_JOBS_CRON", "15 3 * * *"),
        **_int_settings("MAIL_BATCH_SIZE", "MAIL_MAX_ATTEMPTS", unit="messages"),
        **_int_settings("MAIL_RETRY_SECONDS", "MAIL_CLAIM_SECONDS", "SWEEP_SECONDS", "JOB_TIMEOUT_SECONDS",
                        "SCHEDULER_LEASE_SECONDS", unit="seconds"),
        **_int_settings("WORKER_METRICS_PORT", unit="(a port number)"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", env != "development"),
        "SIGNING_SECRET": os.environ.get("SIGNING_SECRET", ""),  # empty: derived from SECRET_KEY
        "SIGNING_CA_CERT": os.environ.get("SIGNING_CA_CERT", ""),
        "SIGNING_CA_KEY": os.environ.get("SIGNING_CA_KEY", ""),
        "SIGNING_CA_PKCS12": os.environ.get("SIGNING_CA_PKCS12", ""),
        "SIGNING_CA_PASSWORD": os.environ.get("SIGNING_CA_PASSWORD", ""),
        "EXTERNAL_SIGNATURE_TRUST_ROOTS": [
            p.strip() for p in os.environ.get("EXTERNAL_SIGNATURE_TRUST_ROOTS", "").split(",") if p.strip()],
        # An outside RFC 3161 time-stamping authority (the trust service provider's qualified TSA, which wants
        # Basic-auth credentials); '' = the network's own, served at POST /tsa.
        "TSA_URL": os.environ.get("TSA_URL", "").strip(),
        "TSA_USERNAME": os.environ.get("TSA_USERNAME", ""),
        "TSA_PASSWORD": os.environ.get("TSA_PASSWORD", ""),
        "TRUSTED_LIST": os.environ.get("TRUSTED_LIST", "").strip(),
        **_int_settings("AGREEMENT_SIGN_REMINDER_DAYS", "AGREEMENT_REVIEW_NOTICE_DAYS"),
        **_int_settings("ARCHIVE_TIMESTAMP_EVERY_YEARS", unit="years"),
        **{name: os.environ[name] for name in ("API_RATE_LIMIT", "API_ANONYMOUS_RATE_LIMIT") if os.environ.get(name)},
        "STORAGE_URL": _storage_url(),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", "").strip(),
        **_int_settings(*PROXY_FIX_SETTINGS, unit="proxies"),
    }


DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(0),
    "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
    "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    # The cookie is sent again when the session changes (seen_at, at most twice a minute), not on every page:
    # the absolute limit is the same 12 hours, checked on the server.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session, which has its own limits
    "BABEL_DEFAULT_LOCALE": "lv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Riga",
    "BABEL_TRANSLATION_DIRECTORIES": "translations",
    "LANGUAGES": ("lv", "en"),
    # Wrong passwords (at login, signing or changing the password) counted per account: after this many the
    # account pauses password checks for LOGIN_LOCK_DURATION and its owner is e-mailed a link to get in.
    "LOGIN_ATTEMPTS_BEFORE_LOCK": 5,
    "LOGIN_LOCK_DURATION": timedelta(minutes=15),
    # Per IP address: all login attempts, and the failed ones. A room of twenty on one Wi-Fi never meets them.
    "LOGIN_RATE_LIMIT": "60 per minute",
    "LOGIN_FAILURE_RATE_LIMIT": "30 per 10 minutes",
    "INVITATION_VALID_FOR": timedelta(days=7),
    "PASSWORD_RESET_VALID_FOR": timedelta(hours=2),
    "UNLOCK_LINK_VALID_FOR": timedelta(hours=1),
    "MAIL_MAX_ATTEMPTS": 8,  # then the message is marked failed (coordinators see it at /coordination/mail)
    "MAIL_RETRY_SECONDS": 60,  # the n-th retry waits this × 2^n (at most a day)
    "MAIL_BATCH_SIZE": 20,  # messages a sender claims at once (and sends over one SMTP connection)
    "MAIL_CLAIM_SECONDS": 300,  # a claim not finished by then (the sender died) is free for another sender
    "MAIL_DELIVER_AFTER_REQUEST": True,  # deliver as soon as the transaction that queued the mail commits
    "REDIS_URL": "",  # '' = no Redis: rate limits in each process's memory, jobs in-process (embedded)
    "REDIS_KEY_PREFIX": "portal",  # the job queue's name and the start of every key the portal keeps in Redis
    "SWEEP_SECONDS": 60,  # how often the worker's scheduler hands out again what the database says is due
    "DAILY_JOBS_CRON": "15 3 * * *",  # when the daily duties run (cron fields, the worker machine's local time)
    "JOB_TIMEOUT_SECONDS": 600,
    # Of several workers one schedules the periodic jobs; if it dies, another takes over within this time.
    "SCHEDULER_LEASE_SECONDS": 15,
    "WORKER_METRICS_PORT": 0,  # `portal worker` serves its metrics on 127.0.0.1:<port>; 0 = not at all
    "METRICS_TOKEN": "",  # GET /metrics with "Authorization: Bearer <token>"; '' = /metrics answers 404
    "LOG_FORMAT": "text",  # or "json": one JSON object per line, with the request id
    "LOG_LEVEL": "INFO",
    "RATELIMIT_STORAGE_URI": "memory://",  # one process; from_environment() takes REDIS_URL when it is set
    "RATELIMIT_HEADERS_ENABLED": True,
    # If Redis does not answer, each process counts in its memory rather than refusing every login.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "AGREEMENT_SIGN_REMINDER_DAYS": 7,  # remind representatives who have not signed, every this many days
    "AGREEMENT_REVIEW_NOTICE_DAYS": 30,  # remind the parties this many days before an agreement's review date
    "VERIFY_MAX_BYTES": 10 * 1024 * 1024,  # the largest PDF the public verify page checks
    "VERIFY_RATE_LIMIT": "20 per minute",  # checks of uploaded PDFs from one IP address
    "PREVIEW_RATE_LIMIT": "12 per minute",  # draft previews (each rendered afresh) per person
    "REPORT_PDF_RATE_LIMIT": "30 per hour",  # signed report PDFs asked for by one person
    "API_RATE_LIMIT": "120 per minute",  # /api/v1/ requests of one token (every app server counts together)
    "API_ANONYMOUS_RATE_LIMIT": "60 per minute",  # /api/v1/ requests without a token, per IP address
    "WEBHOOK_ALLOW_LOOPBACK": False,  # tests only: webhook URLs on 127.0.0.1 over http
    "WEBHOOK_MAX_ATTEMPTS": 8,  # then the delivery is marked failed (the log shows it)
    "WEBHOOK_RETRY_SECONDS": 60,  # the n-th retry waits this × 2^(n-1) (at most a day)
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    "WEBHOOK_DELIVER_AFTER_COMMIT": True,  # hand the delivery job out when the event's transaction commits
    "EXTERNAL_SIGNATURE_TRUST_ROOTS": [],  # PEM files: roots a party's own qualified signature must chain to
    "TSA_URL": "",  # '' = the network's own time-stamping authority (POST /tsa) stamps every signature
    "TSA_USERNAME": "",
    "TSA_PASSWORD": "",
    "TSA_RATE_LIMIT": "60 per minute",  # time-stamp queries to POST /tsa from one IP address
    "TRUSTED_LIST": "",  # an EU trusted list (XML file): says which outside signatures are qualified
    "ARCHIVE_TIMESTAMP_EVERY_YEARS": 5,  # a document of record gets a new document time-stamp at least this often
    "STORAGE_URL": "",  # photos, agreement files, backups: '' = the data directory, or s3://bucket/prefix
    "S3_ENDPOINT_URL": "",  # an S3-compatible store's address; '' = AWS
    # How many proxies in front of the portal set each X-Forwarded-* header (0: the header is ignored).
    **{name: 0 for name in PROXY_FIX_SETTINGS},
    "STATIC_FINGERPRINTED_MAX_AGE": 365 * 24 * 3600,  # a static URL carrying its content's hash never changes
}
