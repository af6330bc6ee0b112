"""The partnership portal: create_app() builds it.

Nothing of Flask is imported here at module level: `portal.signing` and the plain-Python modules can be
imported without the web framework.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import config as portal_config
from . import paths
from .paths import ROOT

if TYPE_CHECKING:
    from flask import Flask

BLUEPRINT_DOMAINS = ("main", "accounts", "orgs", "resources", "exchanges", "agreements", "certificates",
                     "verification", "coordination", "notifications", "operations", "api", "reports")


def create_app(config: dict | None = None) -> Flask:
    from flask import Flask

    app = Flask(
        __name__,
        template_folder=str(paths.TEMPLATES),
        static_folder=str(paths.STATIC),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(portal_config.DEFAULTS)
    settings = portal_config.from_environment() if config is None or "SECRET_KEY" not in config else {}
    app.config.update(settings)
    if config:
        app.config.update(config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(paths.TRANSLATIONS)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_KEY_PREFIX"])
    Path(app.config["PORTAL_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if not app.config.get("TESTING"):
        from . import logs

        logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_web_behaviour(app)
    register_commands(app)
    register_proxy_fix(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    """Behind a proxy (nginx) the client's address, scheme and host come from its X-Forwarded-* headers,
    trusted only as far as PROXY_FIX_X_* say how many proxies set them (0: ignored, the default)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    trusted = {name.lower().removeprefix("proxy_fix_"): app.config[name] for name in portal_config.PROXY_FIX_SETTINGS}
    if any(trusted.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **trusted)


def register_extensions(app: Flask) -> None:
    from . import database, models  # noqa: F401  (engine event listeners; every table for the mappers)
    from .jobs import queue  # noqa: F401  (jobs asked for in a transaction go out when it commits)
    from .mail import delivery  # noqa: F401  (mail queued in a transaction is delivered when it commits)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            database.tune_postgresql(engine)
    migrate.init_app(
        app, db, directory=str(paths.MIGRATIONS), render_as_batch=True, compare_type=True,
        render_item=database.render_migration_type, include_object=database.migration_include_object,
    )
    from .body_limits import apply_limit

    app.before_request(apply_limit)  # before the CSRF check, which reads the body
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    from .accounts import auth

    auth.configure_login_manager(login_manager)


def register_converters(app: Flask) -> None:
    """`<int:...>` in every route is an id the database can hold (1 … 2**31-1): anything bigger is a 404,
    never an integer overflow in the query (before the blueprints, whose rules use it)."""
    from .urls import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter


def register_blueprints(app: Flask) -> None:
    """The web layer: each domain's blueprint is in its views module, imported only here."""
    from importlib import import_module

    for domain in BLUEPRINT_DOMAINS:
        views = import_module(f".{domain}.views", __name__)
        app.register_blueprint(views.bp)
        if hasattr(views, "register"):  # a domain with more than one blueprint (the API) registers the rest
            views.register(app)


def register_web_behaviour(app: Flask) -> None:
    from . import static_files, web

    static_files.register(app)  # before the web behaviour, whose after_request must run first
    web.register(app)


def register_commands(app: Flask) -> None:
    from .cli import portal_group

    app.cli.add_command(portal_group)
