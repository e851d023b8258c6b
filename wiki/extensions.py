"""Flask extensions, created once here and bound to the app in create_app()."""

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so that Alembic migrations can alter them (SQLite batch mode included).
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def read_rows(statement, params: dict | None = None):
    """The rows of a statement that reads columns, not entities, run on the session's
    connection: the same transaction, pending changes flushed first as the session would,
    without the ORM's per-statement work (half the CPU of a small query). For the page
    view's several small reads (theme labels, authors, counts, backlinks)."""
    session = db.session
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params or {})


def configured_limit(key: str, **options):
    """A per-address rate limit read from the configuration, e.g. SEARCH_RATE_LIMIT."""
    return limiter.limit(lambda: current_app.config[key], **options)


def account_or_address() -> str:
    """Rate-limit key: the account when logged in (one per person whatever the address)."""
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return f"account:{current_user.id}"
    return get_remote_address()


def configured_account_limit(key: str, **options):
    """A per-account rate limit read from the configuration, e.g. EDIT_ACCOUNT_RATE_LIMIT."""
    return limiter.limit(
        lambda: current_app.config[key], key_func=account_or_address, scope=key, **options
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL: readers go on while one writer commits; busy_timeout: writers wait, not fail."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def select_locale() -> str:
    from flask import current_app, has_request_context, session
    from flask_login import current_user

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, background indexing: the site's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or session.get("lang")
    if not chosen and getattr(current_user, "is_authenticated", False):
        chosen = current_user.locale
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
