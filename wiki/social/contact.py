"""Contacting the people behind an experience without showing anyone's address.

The page's front matter may name its contact (`contact: camille` for an account, or an
e-mail address); it is never rendered. Without one, the main authors (most revisions) are
written to. The mail goes through the queue with the sender's confirmed address as
Reply-To; the recipients' addresses are never shown to the sender. An account declines in
its notification settings; a plain address by the signed link at the bottom of each mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from wiki.auth.service import find_user
from wiki.content.frontmatter import FrontMatterError, read
from wiki.extensions import db
from wiki.models import Page, Revision, User
from wiki.social.follows import settings_for
from wiki.social.models import ContactRefusal
from wiki.social.outbox import enqueue

ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MAIN_AUTHORS = 3
MAX_CHARS = 5000


class ContactError(Exception):
    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Recipient:
    address: str
    user: User | None  # None: an address written in the front matter
    locale: str


def _contact_value(page: Page) -> str | None:
    try:
        meta, _body = read(page.current.text if page.current else "")
    except FrontMatterError:
        return None
    value = (meta or {}).get("contact")
    return str(value).strip() if value else None


def _account(user: User | None, default_locale: str) -> list[Recipient]:
    if user is None or not user.email or user.email_confirmed_at is None or user.is_blocked:
        return []
    settings = settings_for(user)
    if not settings.accept_contact or settings.bounced_address == user.email:
        return []
    return [Recipient(user.email, user, user.locale or default_locale)]


def recipients(page: Page) -> list[Recipient]:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    value = _contact_value(page)
    if value:
        if ADDRESS.match(value):
            if declined(value):
                return []
            return [Recipient(value, None, default)]
        return _account(find_user(value.lstrip("@")), default)
    authors = db.session.execute(
        select(Revision.author_id, func.count(Revision.id).label("n"))
        .where(Revision.page_id == page.id, Revision.author_id.is_not(None))
        .group_by(Revision.author_id)
        .order_by(func.count(Revision.id).desc(), Revision.author_id)
        .limit(MAIN_AUTHORS)
    ).all()
    found = []
    for author_id, _count in authors:
        found += _account(db.session.get(User, author_id), default)
    return found


def reachable(page: Page) -> bool:
    return bool(recipients(page))


def send(page: Page, sender: User, text: str) -> int:
    """Queue the message to the page's contact or main authors; how many will get it."""
    text = (text or "").strip()
    if not text:
        raise ContactError(_l("The message is empty: write something before sending."))
    if len(text) > MAX_CHARS:
        raise ContactError(_l("Please keep it under %(n)s characters.", n=MAX_CHARS))
    if not sender.email or sender.email_confirmed_at is None:
        raise ContactError(
            _l(
                "Confirm your e-mail address first (see “My account”): the answer will be sent "
                "to it."
            ),
            403,
        )
    found = [r for r in recipients(page) if r.user is None or r.user.id != sender.id]
    if not found:
        raise ContactError(_l("Nobody can be reached for this page at the moment."), 409)
    for recipient in found:
        with force_locale(recipient.locale):
            subject = gettext("Essaim: a message about “%(title)s”", title=page.title)
            body = "\n".join(
                [
                    gettext(
                        "%(name)s read “%(title)s” on Essaim and writes to you:",
                        name=sender.name,
                        title=page.title,
                    ),
                    url_for("pages.view", slug=page.slug, _external=True),
                    "",
                    text,
                    "",
                    "-- ",
                    gettext(
                        "Answer this mail to reply to %(name)s. Your address was not shown "
                        "to them; it will be if you answer.",
                        name=sender.name,
                    ),
                    _decline_line(recipient),
                ]
            )
        enqueue(
            recipient.address,
            subject,
            body,
            kind="contact",
            user_id=recipient.user.id if recipient.user else None,
            reply_to=sender.email,
        )
    db.session.commit()
    return len(found)


def _decline_line(recipient: Recipient) -> str:
    if recipient.user is not None:
        link = url_for("social.settings", _external=True)
    else:
        link = url_for("contact.decline", token=decline_token(recipient.address), _external=True)
    return gettext("To receive no more such messages: %(link)s", link=link)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="essaim.contact-decline")


def decline_token(address: str) -> str:
    return _serializer().dumps(address.lower())


def address_for(token: str) -> str | None:
    try:
        address = _serializer().loads(token)
    except BadSignature:
        return None
    return address if isinstance(address, str) and ADDRESS.match(address) else None


def declined(address: str) -> bool:
    return db.session.get(ContactRefusal, address.lower()) is not None


def decline(address: str) -> None:
    """The address wants no more messages (clicking twice is the same as once)."""
    if not declined(address):
        db.session.add(ContactRefusal(address=address.lower()))
        db.session.commit()
