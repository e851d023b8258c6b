"""A real local SMTP server (aiosmtpd) for the tests that send mail, and what it received.

tests/conftest.py loads this module as a plugin, so every test can ask for the `inbox` fixture;
`smtp_server()` serves a test that builds its own application.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest

from tests.ops.server import free_port


class Inbox:
    """What the SMTP server received; `refuse` holds addresses answered 550, `down` makes it
    answer 421 (try again later) to every recipient."""

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

    def last_link(self, path: str) -> str:
        """The path of the link to `path` in the last message (after the site's address)."""
        body = self.messages[-1].get_body().get_content()
        match = re.search(rf"https?://\S+{path}\S+", body)
        assert match, body
        return match.group(0).split("essaim.test", 1)[1]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A running SMTP server on a free loopback port: (its inbox, its port)."""
    aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is a dev dependency")
    box = Inbox()
    port = free_port()
    controller = aiosmtpd.Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(app):
    with smtp_server() as (box, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
        yield box
