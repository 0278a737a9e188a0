"""CoopBid application factory."""
from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config, ProductionConfig

# A strict policy: no inline script or style anywhere, no framing.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config_class: type[Config] | None = None) -> Flask:
    if config_class is None:
        config_class = CONFIGS[os.environ.get("COOPBID_ENV", "development")]
    if config_class is ProductionConfig:
        ProductionConfig.check()

    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    app.config.from_object(config_class)
    from app.core.sessions import LeanCookieSessionInterface

    app.session_interface = LeanCookieSessionInterface()
    from app.core.routing import IdConverter, refuse_null_characters

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.before_request(refuse_null_characters)
    if app.config.get("CLOCK_OFFSET_FILE"):
        from app.core import clock

        clock.use_offset_file(app.config["CLOCK_OFFSET_FILE"])
    os.makedirs(os.path.join(app.root_path, "..", "instance"), exist_ok=True)

    trusted_proxies = int(os.environ.get("TRUSTED_PROXIES", "0"))
    if trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies,
                                x_host=trusted_proxies)

    _init_extensions(app)
    _register_blueprints(app)
    _register_lifecycle(app)
    _register_cli(app)

    from app.core.errors_views import register_error_handlers
    from app.core.templating import register_template_helpers

    register_error_handlers(app)
    register_template_helpers(app)
    from app.core.http_cache import init_http_cache
    from app.core.statements import init_statement_counter

    init_http_cache(app)
    init_statement_counter(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    from app.core.db import enforce_sqlite_foreign_keys, render_item
    from app.extensions import bootstrap, csrf, db, limiter, login_manager, migrate, talisman

    db.init_app(app)
    with app.app_context():
        enforce_sqlite_foreign_keys(db.engine)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"),
                     render_as_batch=True, compare_type=True, render_item=render_item)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.after_request
    def _extra_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if response.mimetype == "text/html":
            # Pages can show private data; keep them out of shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    from sqlalchemy.orm import joinedload

    from app.accounts.models import User
    from app.core.numbers import parse_id

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        ident, _, token = user_id.partition(":")
        if parse_id(ident) is None or not token:
            return None
        # One statement for every signed-in request: the user, its organization and its roles.
        user = db.session.get(User, parse_id(ident), options=[joinedload(User.role_rows)])
        if user is None or not user.active or not user.session_token_matches(token):
            return None
        return user


def _register_blueprints(app: Flask) -> None:
    # The view modules add their routes to the blueprints when imported: import them all first.
    from app.accounts import admin_views, views as account_views  # noqa: F401
    from app.accounts.blueprint import bp as accounts_bp
    from app.audit.views import bp as audit_bp
    from app.awards.views import bp as awards_bp
    from app.bids import staff_views as bid_staff_views, views as bid_views  # noqa: F401
    from app.bids.blueprint import bp as bids_bp
    from app.compliance.views import bp as compliance_bp
    from app.contracts.link_views import bp as links_bp
    from app.contracts.participation_views import bp as participation_bp
    from app.contracts.purchase_views import bp as purchases_bp
    from app.contracts.registry_views import bp as registry_bp
    from app.contracts.views import bp as contracts_bp
    from app.core.views import bp as core_bp
    from app.evaluation.views import bp as evaluation_bp
    from app.solicitations import drafting_views, participant_views, public_views, staff_views  # noqa: F401
    from app.solicitations.blueprint import bp as solicitations_bp
    from app.solicitations.saved_search_views import bp as saved_searches_bp

    # Modules that register at import: sealed bid events are redacted in the audit trail until the
    # opening; solicitation events e-mail followers, participating agencies and saved searches;
    # evaluation changes put the stored evaluation report out of date.
    from app.bids import sealing  # noqa: F401
    from app.evaluation import report_files  # noqa: F401 - the report's state version follows changes
    from app.solicitations import notifications, saved_searches  # noqa: F401

    app.register_blueprint(core_bp)
    app.register_blueprint(solicitations_bp)
    app.register_blueprint(saved_searches_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(bids_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(registry_bp)
    app.register_blueprint(links_bp)
    app.register_blueprint(contracts_bp)
    app.register_blueprint(participation_bp)
    app.register_blueprint(purchases_bp)
    app.register_blueprint(compliance_bp)


def _register_lifecycle(app: Flask) -> None:
    """Each later domain adds its checks and effects to the solicitation lifecycle, in this order
    (the order their checks report and their effects run); the app does not start if an effect the
    lifecycle needs is missing."""
    from app.awards.lifecycle_hooks import register_lifecycle as awards_lifecycle
    from app.bids.lifecycle_hooks import register_lifecycle as bids_lifecycle
    from app.contracts.lifecycle_hooks import register_lifecycle as contracts_lifecycle
    from app.evaluation.lifecycle_hooks import register_lifecycle as evaluation_lifecycle
    from app.solicitations.lifecycle import verify_registrations

    with app.app_context():
        for register_lifecycle in (bids_lifecycle, evaluation_lifecycle, awards_lifecycle, contracts_lifecycle):
            register_lifecycle()
    verify_registrations(app)


def _register_cli(app: Flask) -> None:
    from app.audit.cli import audit_cli
    from app.backup.cli import backup_cli
    from app.bids.cli import keys_cli
    from app.compliance.cli import compliance_cli
    from app.contracts.cli import contracts_cli
    from app.demo.cli import demo_cli
    from app.jobs.cli import scheduler_cli
    from app.notifications.cli import outbox_cli
    from app.solicitations.cli import categories_cli

    for group in (audit_cli, keys_cli, demo_cli, scheduler_cli, outbox_cli, categories_cli, compliance_cli,
                  contracts_cli, backup_cli):
        app.cli.add_command(group)

    # Models must be imported for Alembic to see every table.
    from app import models  # noqa: F401
