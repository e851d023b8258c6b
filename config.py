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
    # "sync" indexes in the request after the commit; "thread" drains the queue in a background
    # thread of each process; "process" wakes the host's indexer process (`essaim serve` sets it
    # and starts that process: wiki/search/indexer.py).
    SEARCH_INDEXING = _env("SEARCH_INDEXING", "thread")
    # Seconds to build one page's search document; a page over it is skipped (and listed on
    # /admin/search) until its next edit, so that it never holds up the others.
    SEARCH_PAGE_BUDGET = float(_env("SEARCH_PAGE_BUDGET", "10"))
    # Least seconds between two writes of the background indexer: saves closer than that are
    # written in one commit (a commit costs about as much for one page as for ten).
    SEARCH_BATCH_SECONDS = float(_env("SEARCH_BATCH_SECONDS", "0.5"))
    # From this many pages waiting for the index (after an upgrade that changed its schema, a
    # rebuild, a host back from a stop), search results say that some pages may be missing.
    SEARCH_CATCHING_UP_NOTICE = int(_env("SEARCH_CATCHING_UP_NOTICE", "100"))
    MAX_PAGE_BYTES = int(_env("MAX_PAGE_BYTES", str(1024 * 1024)))
    MAX_CONTENT_LENGTH = int(_env("MAX_REQUEST_BYTES", str(8 * 1024 * 1024)))
    # Counters in the database by default, shared by every worker and host (wiki/ratelimits.py);
    # redis://… or memcached://… (with their client installed) also work; memory:// counts per
    # process and is only right for a single one.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "essaim-db://")
    # A counter that cannot be written (the database busy) lets the request through: a wiki
    # would rather serve than answer 500.
    RATELIMIT_SWALLOW_ERRORS = True
    # Seconds a request may spend parsing user text (a normal 1 MB page takes about 3 s): past
    # it, a page or preview is shown as plain text and a save is refused with a message.
    RENDER_TIME_BUDGET = float(_env("RENDER_TIME_BUDGET", "10"))
    # Anonymous readers' page views are kept rendered this long (wiki.pages.page_cache): what
    # other pages change (backlinks, blue links) shows within it; the page's own edits at once.
    PAGE_CACHE_SECONDS = float(_env("PAGE_CACHE_SECONDS", "10"))
    # Kept as files shared by the host's workers, at most PAGE_CACHE_FILES of them.
    PAGE_CACHE_DIR = _env("PAGE_CACHE_DIR")  # default: <data dir>/cache/pages
    PAGE_CACHE_FILES = int(_env("PAGE_CACHE_FILES", "2048"))
    SAVE_TIME_BUDGET = float(_env("SAVE_TIME_BUDGET", "15"))
    RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "1") == "1"
    # Reverse proxies in front of Essaim (nginx: 1). Their X-Forwarded-For/-Proto/-Host headers
    # are then trusted, so that rate limits count each visitor, not the proxy, and links use
    # https. Leave 0 when nothing stands in front: the headers could be forged.
    PROXIES = int(_env("PROXIES", "0"))
    # Per address. Searches cost tens of milliseconds, exports of every hit seconds.
    SEARCH_RATE_LIMIT = _env("SEARCH_RATE_LIMIT", "120 per minute")
    EXPORT_RATE_LIMIT = _env("EXPORT_RATE_LIMIT", "10 per minute")
    # An .xlsx is built whole before its first byte (the CSV is streamed): past this many rows
    # the reader is sent to the CSV instead of waiting a minute (bench/export.py).
    XLSX_MAX_ROWS = int(_env("XLSX_MAX_ROWS", "10000"))
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "120 per minute")
    # Accounts and edits (per address, and per account for edits): every limit lives here.
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    REGISTER_RATE_LIMIT = _env("REGISTER_RATE_LIMIT", "5 per minute;20 per day")
    PASSWORD_RESET_RATE_LIMIT = _env("PASSWORD_RESET_RATE_LIMIT", "5 per hour")
    EDIT_RATE_LIMIT = _env("EDIT_RATE_LIMIT", "30 per minute")
    EDIT_ACCOUNT_RATE_LIMIT = _env("EDIT_ACCOUNT_RATE_LIMIT", "20 per minute;300 per day")
    EDITOR_SYNC_RATE_LIMIT = _env("EDITOR_SYNC_RATE_LIMIT", "240 per minute")  # the editor's script
    PREVIEW_RATE_LIMIT = _env("PREVIEW_RATE_LIMIT", "120 per minute")
    SUGGEST_RATE_LIMIT = _env("SUGGEST_RATE_LIMIT", "300 per minute")  # a request per keystroke
    # Anti-spam without third parties. Forms filled faster than this are refused (0: off).
    SPAM_MIN_FILL_SECONDS = float(_env("SPAM_MIN_FILL_SECONDS", "3"))
    # New accounts: their first N edits that add external links wait for review, and an edit
    # may add at most this many external links.
    NEW_ACCOUNT_EDITS = int(_env("NEW_ACCOUNT_EDITS", "10"))
    NEW_ACCOUNT_MAX_LINKS = int(_env("NEW_ACCOUNT_MAX_LINKS", "3"))
    # E-mail (password reset, address confirmation) through an SMTP server.
    MAIL_SERVER = _env("MAIL_SERVER", "localhost")
    MAIL_PORT = int(_env("MAIL_PORT", "25"))
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_SECURITY = _env("MAIL_SECURITY", "none")  # none | starttls | tls
    MAIL_SENDER = _env("MAIL_SENDER", "Essaim <essaim@localhost>")
    MAIL_TIMEOUT = float(_env("MAIL_TIMEOUT", "10"))
    # Discussions: the size of a message, how long its author may change it, how often one
    # account may post; contacting the authors of an experience, per address and account.
    DISCUSSION_MAX_BYTES = int(_env("DISCUSSION_MAX_BYTES", "50000"))
    DISCUSSION_EDIT_MINUTES = float(_env("DISCUSSION_EDIT_MINUTES", "30"))
    DISCUSSION_RATE_LIMIT = _env("DISCUSSION_RATE_LIMIT", "10 per minute;200 per day")
    CONTACT_RATE_LIMIT = _env("CONTACT_RATE_LIMIT", "3 per hour;10 per day")
    # Registration needs a confirmed e-mail address before the first edit.
    REQUIRE_EMAIL_CONFIRMATION = _env("REQUIRE_EMAIL_CONFIRMATION", "0") == "1"
    PASSWORD_RESET_HOURS = float(_env("PASSWORD_RESET_HOURS", "2"))
    # Comparing two revisions costs up to the diff's time budget (2 s) the first time.
    DIFF_RATE_LIMIT = _env("DIFF_RATE_LIMIT", "60 per minute")
    MAP_TILE_URL = _env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_TILE_ATTRIBUTION = _env("MAP_TILE_ATTRIBUTION", "&copy; contributeurs OpenStreetMap")
    # The name given to the wiki in citations (Zotero, BibTeX, APA), and the licence of its texts,
    # shown on every page and written in every citation.
    SITE_NAME = _env("SITE_NAME", "Essaim")
    TEXT_LICENCE = _env("TEXT_LICENCE", "CC BY-SA 4.0")
    TEXT_LICENCE_URL = _env(
        "TEXT_LICENCE_URL", "https://creativecommons.org/licenses/by-sa/4.0/deed.fr"
    )
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
    # Uploaded files (wiki.files). "local": content-addressed blobs under FILES_DIR (default
    # <data dir>/files); "s3": a bucket of S3-compatible object storage shared by several hosts.
    FILES_STORAGE = _env("FILES_STORAGE", "local")
    FILES_DIR = _env("FILES_DIR")
    FILES_S3_BUCKET = _env("FILES_S3_BUCKET")
    FILES_S3_PREFIX = _env("FILES_S3_PREFIX", "")
    FILES_S3_ENDPOINT = _env("FILES_S3_ENDPOINT")  # e.g. https://s3.fr-par.scw.cloud
    FILES_S3_REGION = _env("FILES_S3_REGION")
    FILES_S3_ACCESS_KEY = _env("FILES_S3_ACCESS_KEY")
    FILES_S3_SECRET_KEY = _env("FILES_S3_SECRET_KEY")
    # One upload (a phone photo is 3–8 MB), and what one account may upload per 24 hours.
    FILES_MAX_BYTES = int(_env("FILES_MAX_BYTES", str(25 * 1000 * 1000)))
    FILES_PER_DAY = int(_env("FILES_PER_DAY", "60"))
    FILES_BYTES_PER_DAY = int(_env("FILES_BYTES_PER_DAY", str(300 * 1000 * 1000)))
