"""Anti-spam without third parties: honeypot, minimum fill time, challenge, blocked words,
external-link limits for new accounts. (Rate limits live in config.py with the others.)"""

from __future__ import annotations

import re
import time
import unicodedata
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from wiki.extensions import db
from wiki.models import PendingEdit, Revision, SiteSetting, User

HONEYPOT = "website"  # a field people never see; form-filling robots fill it
STARTED = "form_started"  # when the form was served, signed
# Links as the renderer would make them: Markdown, autolinks, bare addresses.
EXTERNAL_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]\"']+")


class Refused(Exception):
    """A submission refused as probable spam; `message` tells a person what to do."""

    def __init__(self, message, status: int = 400, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.field = field


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="essaim.form-started")


def form_stamp() -> str:
    """When the form is served, signed (templates/_antispam.html puts it in every form)."""
    return _serializer().dumps(round(time.time(), 3))


def check_form(form) -> None:
    """Refuse a filled honeypot, and a form sent faster than a person could fill it."""
    if (form.get(HONEYPOT) or "").strip():
        raise Refused(_l("This form looks like it was filled by a robot. Reload it and try again."))
    minimum = float(current_app.config.get("SPAM_MIN_FILL_SECONDS") or 0)
    if minimum <= 0:
        return
    try:
        started = float(_serializer().loads(form.get(STARTED) or "", max_age=2 * 86400))
    except (BadSignature, TypeError, ValueError):
        raise Refused(
            _l("The form is incomplete or too old. Reload the page and send it again.")
        ) from None
    if time.time() - started < minimum:
        raise Refused(
            _l("That was very fast! Check what you typed, wait a few seconds and send it again.")
        )


# --- Settings administrators change from the site --------------------------------------------


def setting(key: str) -> str:
    row = db.session.get(SiteSetting, key)
    return row.value if row else ""


def set_setting(key: str, value: str) -> None:
    row = db.session.get(SiteSetting, key)
    if row is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def challenge() -> tuple[str, list[str]] | None:
    """The question asked at registration, and its accepted answers (None: no question)."""
    question = setting("challenge_question").strip()
    answers = [_fold(a) for a in setting("challenge_answers").splitlines() if a.strip()]
    return (question, answers) if question and answers else None


def check_challenge(answer: str | None) -> None:
    asked = challenge()
    if asked is None:
        return
    if _fold(answer or "") not in asked[1]:
        raise Refused(
            _l("That is not the answer we expected. Read the question again."), field="challenge"
        )


def blocked_terms() -> list[str]:
    return [_fold(t) for t in setting("blocked_terms").splitlines() if t.strip()]


def check_terms(*texts: str) -> None:
    """Refuse a text holding a word or domain of the administrators' list."""
    terms = blocked_terms()
    if not terms:
        return
    folded = _fold(" ".join(t or "" for t in texts))
    for term in terms:
        if term in folded:
            raise Refused(
                _l(
                    "Your text contains “%(term)s”, which this wiki does not accept. Remove "
                    "it, or ask a moderator if it is legitimate.",
                    term=term,
                ),
                422,
            )


# --- External links and new accounts ---------------------------------------------------------


def external_links(text: str) -> set[str]:
    return {m.group(0).rstrip(".,;:!?") for m in EXTERNAL_LINK.finditer(text or "")}


def link_domains(links: set[str]) -> set[str]:
    domains = set()
    for link in links:
        url = link if "://" in link else "http://" + link
        host = (urlsplit(url).hostname or "").lower()
        domains.add(host.removeprefix("www."))
    return domains


def edits_count(user: User) -> int:
    published = db.session.scalar(
        select(func.count(Revision.id)).where(Revision.author_id == user.id)
    )
    waiting = db.session.scalar(
        select(func.count(PendingEdit.id)).where(
            PendingEdit.author_id == user.id, PendingEdit.state == "pending"
        )
    )
    return (published or 0) + (waiting or 0)


def is_new_account(user: User) -> bool:
    if user.is_moderator:
        return False
    return edits_count(user) < current_app.config["NEW_ACCOUNT_EDITS"]


def added_links(old_text: str, new_text: str) -> set[str]:
    return external_links(new_text) - external_links(old_text)


def check_links(user: User, old_text: str, new_text: str) -> set[str]:
    """The external links this edit adds; too many from a new account are refused."""
    added = added_links(old_text, new_text)
    limit = current_app.config["NEW_ACCOUNT_MAX_LINKS"]
    if added and is_new_account(user) and len(added) > limit:
        raise Refused(
            _l(
                "New accounts may add at most %(n)s links to other sites in one edit. Keep the "
                "most useful ones; after a few edits this limit goes away.",
                n=limit,
            ),
            422,
        )
    return added
