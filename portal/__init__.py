"""The partnership portal: create_app() builds it."""
from pathlib import Path

from flask import Flask

from . import config as portal_config
from . import paths

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
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
    Path(app.config["PORTAL_DATA_DIR"]).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_web_behaviour(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import database  # noqa: F401  (engine event listeners)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(paths.MIGRATIONS), render_as_batch=True, compare_type=True,
        render_item=database.render_migration_type, include_object=database.migration_include_object,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    from .accounts import auth

    auth.configure_login_manager(login_manager)


def register_blueprints(app: Flask) -> None:
    from .accounts import bp as accounts_bp
    from .agreements import bp as agreements_bp
    from .audit import bp as audit_bp
    from .certificates import bp as certificates_bp
    from .exchanges import bp as exchanges_bp
    from .main import bp as main_bp
    from .notifications import bp as notifications_bp
    from .orgs import bp as orgs_bp
    from .resources import bp as resources_bp

    for blueprint in (main_bp, accounts_bp, orgs_bp, resources_bp, exchanges_bp, agreements_bp,
                      certificates_bp, notifications_bp, audit_bp):
        app.register_blueprint(blueprint)


def register_web_behaviour(app: Flask) -> None:
    from . import web

    web.register(app)


def register_commands(app: Flask) -> None:
    from .cli import portal_group

    app.cli.add_command(portal_group)
