"""Two accounts, a page about "alimentation" in Raismes, and a real local SMTP server."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest

from wiki.models import utcnow

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is a dev dependency")

RAISMES = """---
type: experience
territory: Raismes
insee: "59491"
themes: [alimentation]
status: en cours
---
# Jardin partagé des Tilleuls

## Ce qui a été fait
Des bacs, un compost, l’école du quartier.
"""


class Inbox:
    """What the SMTP server received; `refuse` holds addresses answered 550."""

    def __init__(self):
        self.messages = []
        self.refuse: set[str] = set()
        self.down = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.down:
            return "421 Service not available, try again later"
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    box = Inbox()
    port = _free_port()
    controller = aiosmtpd.Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
    yield box
    controller.stop()


@pytest.fixture
def people(db, make_user):
    """Camille (follows things) and Dominique (edits), both with confirmed addresses."""
    camille = make_user("camille")
    dominique = make_user("dominique")
    for person in (camille, dominique):
        person.email = f"{person.username}@example.org"
        person.email_confirmed_at = utcnow()
    db.session.commit()
    return camille, dominique


@pytest.fixture
def jardin(people):
    from wiki.pages.service import save_page

    return save_page(slug=None, title="Jardin partagé des Tilleuls", text=RAISMES, author=None).page


def edit(page, author, extra="Un nouveau paragraphe, avec des œufs et l’été.") -> None:
    from wiki.pages.service import save_page

    current = page.current.text
    save_page(slug=page.slug, title=None, text=current + "\n" + extra + "\n", author=author)
