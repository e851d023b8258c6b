"""Essaim: the collaborative wiki of territoires d'expérimentation."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def site_path(name: str) -> Path:
    """templates/, static/ or migrations/: inside the package once installed from a wheel
    (setup.py copies them into wiki/_bundled), at the top of the repository in a clone."""
    bundled = PACKAGE_DIR / "_bundled" / name
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / name


TEMPLATE_DIR = site_path("templates")
STATIC_DIR = site_path("static")


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI."""
    from wiki.public import Essaim

    app = Essaim(
        __name__,
        template_folder=str(TEMPLATE_DIR),
        static_folder=str(STATIC_DIR),
        instance_relative_config=False,
    )
    from config import Config

    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)
    _check_secret_key(app)
    from wiki import public

    public.init_app(app)
    # JSON (the API, autocompletes) as UTF-8 text: "énergie", not "\u00e9nergie".
    app.json.ensure_ascii = False
    data_dir = Path(app.config["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("SEARCH_INDEX_DIR", None)
    if not app.config["SEARCH_INDEX_DIR"]:
        app.config["SEARCH_INDEX_DIR"] = str(data_dir / "search")

    from wiki import extensions as ext

    ext.db.init_app(app)
    ext.migrate.init_app(
        app,
        ext.db,
        directory=str(site_path("migrations")),
        render_as_batch=True,
    )
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=ext.select_locale)
    import wiki.ratelimits  # noqa: F401 (registers the essaim-db:// rate-limit storage)

    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)

    from wiki.auth import login

    login.configure(ext.login_manager)

    if app.config.get("PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from wiki.limits import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    from wiki.admin.views import bp as accounts_admin
    from wiki.api import research_views  # noqa: F401  (its routes join `api`)
    from wiki.api.views import bp as api
    from wiki.api.write import bp as api_write
    from wiki.auth.api_token_views import bp as api_tokens
    from wiki.auth.views import bp as auth
    from wiki.festival.views import bp as festival
    from wiki.files.views import bp as files
    from wiki.knowledge.admin_views import bp as themes_admin
    from wiki.knowledge.group_views import bp as statement_groups
    from wiki.knowledge.selection_views import bp as selections
    from wiki.knowledge.views import bp as knowledge
    from wiki.moderation.views import bp as moderation
    from wiki.ops.views import bp as ops
    from wiki.pages.cite_views import bp as cite
    from wiki.pages.feeds import bp as feeds
    from wiki.pages.views import bp as pages
    from wiki.search.admin_views import bp as search_admin
    from wiki.search.synonyms_views import bp as search_synonyms
    from wiki.search.views import bp as search
    from wiki.social.contact_views import bp as contact
    from wiki.social.discussion_views import bp as discussion
    from wiki.social.views import bp as social
    from wiki.transfer.views import bp as transfer

    app.register_blueprint(pages)
    app.register_blueprint(feeds)
    app.register_blueprint(cite)
    app.register_blueprint(auth)
    app.register_blueprint(knowledge)
    app.register_blueprint(themes_admin)
    app.register_blueprint(statement_groups)
    app.register_blueprint(selections)
    app.register_blueprint(search)
    app.register_blueprint(search_admin)
    app.register_blueprint(search_synonyms)
    app.register_blueprint(api)
    app.register_blueprint(api_write)
    app.register_blueprint(api_tokens)
    app.register_blueprint(files)
    app.register_blueprint(accounts_admin)
    app.register_blueprint(moderation)
    app.register_blueprint(ops)
    app.register_blueprint(festival)
    app.register_blueprint(transfer)
    app.register_blueprint(social)
    app.register_blueprint(discussion)
    app.register_blueprint(contact)

    from wiki import commands, errors, web

    web.init_app(app)
    from wiki.social import views as social_views

    social_views.init_app(app)
    from wiki.files import storage as file_storage
    from wiki.files import views as file_views

    file_storage.init_app(app)
    file_views.init_app(app)
    errors.init_app(app)
    commands.init_app(app)

    from wiki.ops import logs, metrics

    logs.init_app(app)  # before metrics: after_request hooks run last-registered first
    metrics.init_app(app)
    return app


def _check_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("ENV_NAME") == "production":
        raise RuntimeError("ESSAIM_SECRET_KEY must be set in production.")
    # Development: a key kept in the data dir, so sessions survive a restart of `make run`.
    key_file = Path(app.config["DATA_DIR"]) / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
