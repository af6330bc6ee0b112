"""The catalogue benchmark's databases: the app's configuration for one, the servers' versions, and the kept
PostgreSQL bench database (found again, or made fresh)."""
from pathlib import Path

import sqlalchemy as sa


def make_config(database_url: str, data_dir: Path) -> dict:
    """As tests/conftest.py's make_config."""
    return {
        "SECRET_KEY": "bench-only", "PORTAL_ENV": "testing", "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url, "PORTAL_DATA_DIR": str(data_dir),
        "BASE_URL": "http://localhost", "NETWORK_NAME": "Latgales biedrību tīklojums",
        "SESSION_COOKIE_SECURE": False, "MAIL_DELIVER_AFTER_REQUEST": False, "MAIL_FROM": "portal@localhost",
        "SMTP_HOST": "", "SMTP_PORT": 25, "SMTP_USERNAME": "", "SMTP_PASSWORD": "", "SMTP_STARTTLS": False,
        "RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
    }



def _sqlite_version() -> str:
    import sqlite3
    return sqlite3.sqlite_version


def _pg_version(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version").scalar()
    engine.dispose()
    return version


PG_DATABASE = "portal_bench_load"  # kept between runs, shared with bench/load.py


def postgres_has(server: str, url: str, resources: int) -> bool:
    """The kept PostgreSQL bench database exists and holds `resources` resources."""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s",
                                      (sa.engine.make_url(url).database,)).scalar()
    engine.dispose()
    if not exists:
        return False
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT count(*) FROM resources").scalar()
    engine.dispose()
    return found == resources


def fresh_postgres_database(server_url: str, name: str) -> str:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)

