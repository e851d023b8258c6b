"""Essaim settings: defaults for development, every one overridable by an ESSAIM_* variable."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"ESSAIM_{name}", default)


class Config:
    """Read once by create_app(); tests pass overrides as a mapping instead."""

    # Relative to the working directory (the repository for `make run`; anywhere once installed).
    DATA_DIR = Path(_env("DATA_DIR", "instance")).resolve()
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'essaim.db'}"
    SECRET_KEY = _env("SECRET_KEY")
    # Development is the default so that `make run` works out of the box; a deployment sets
    # ESSAIM_ENV=production and must then provide ESSAIM_SECRET_KEY.
    ENV_NAME = _env("ENV", "development")
    # The address the public reaches, e.g. https://essaim.example.org: every QR code, short
    # link, feed and e-mail is built on it (printed material outlives the host it was made on).
    PUBLIC_URL = _env("PUBLIC_URL")
    # Booklets: refused above BOOKLET_MAX_PAGES experiences, built in the background (with a
    # progress page) above BOOKLET_BACKGROUND_ABOVE; PDFs cost CPU seconds, hence the rate.
    BOOKLET_MAX_PAGES = int(_env("BOOKLET_MAX_PAGES", "300"))
    BOOKLET_BACKGROUND_ABOVE = int(_env("BOOKLET_BACKGROUND_ABOVE", "12"))
    BOOKLET_RATE_LIMIT = _env("BOOKLET_RATE_LIMIT", "10 per minute")
    BABEL_DEFAULT_LOCALE = _env("LANGUAGE", "fr")
    LANGUAGES = ("fr", "en")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "wiki" / "translations")
    SEARCH_INDEX_DIR = _env("SEARCH_INDEX_DIR")  # default: <data dir>/search
    # "sync" indexes in the request after the commit; "thread" drains the queue in the background.
    SEARCH_INDEXING = _env("SEARCH_INDEXING", "thread")
    MAX_PAGE_BYTES = int(_env("MAX_PAGE_BYTES", str(1024 * 1024)))
    MAX_CONTENT_LENGTH = int(_env("MAX_REQUEST_BYTES", str(8 * 1024 * 1024)))
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "1") == "1"
    # Reverse proxies in front of Essaim (nginx: 1). Their X-Forwarded-For/-Proto/-Host headers
    # are then trusted, so that rate limits count each visitor, not the proxy, and links use
    # https. Leave 0 when nothing stands in front: the headers could be forged.
    PROXIES = int(_env("PROXIES", "0"))
    # Per address. Searches cost tens of milliseconds, exports of every hit seconds.
    SEARCH_RATE_LIMIT = _env("SEARCH_RATE_LIMIT", "120 per minute")
    EXPORT_RATE_LIMIT = _env("EXPORT_RATE_LIMIT", "10 per minute")
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "120 per minute")
    # Comparing two revisions costs up to the diff's time budget (2 s) the first time.
    DIFF_RATE_LIMIT = _env("DIFF_RATE_LIMIT", "60 per minute")
    MAP_TILE_URL = _env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_TILE_ATTRIBUTION = _env("MAP_TILE_ATTRIBUTION", "&copy; contributeurs OpenStreetMap")
    # Cookies only over HTTPS in production (a deployment behind TLS); off for `make run`.
    SESSION_COOKIE_SECURE = _env("SECURE_COOKIES", "1" if ENV_NAME == "production" else "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # `essaim serve` (gunicorn): processes × threads answer requests at once.
    BIND = _env("BIND", "127.0.0.1:8000")
    WORKERS = int(_env("WORKERS", "2"))
    THREADS = int(_env("THREADS", "4"))
    REQUEST_TIMEOUT = int(
        _env("REQUEST_TIMEOUT", "60")
    )  # seconds before a stuck worker is replaced
    # /readyz answers 503 while more changes than this wait for this host's search index.
    READY_MAX_INDEX_LAG = int(_env("READY_MAX_INDEX_LAG", "500"))
    # Who may read /metrics: addresses or networks (the address seen after ESSAIM_PROXIES).
    METRICS_ALLOW = _env("METRICS_ALLOW", "127.0.0.1/8, ::1")
    LOG_FORMAT = _env("LOG_FORMAT", "text")  # "json": one JSON object a line, requests included
    WTF_CSRF_TIME_LIMIT = None  # a volunteer may keep the editor open for hours
