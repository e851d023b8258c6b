"""Sending e-mail through the SMTP server of config.py (MAIL_*)."""

from __future__ import annotations

import smtplib
import ssl
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


class MailError(Exception):
    """The message could not be handed to the SMTP server.

    `permanent` is true when the server refused the address itself (a 5xx answer to the
    recipient): trying again would not help, the address is bad.
    """

    def __init__(self, message: str, permanent: bool = False, unsendable: bool = False):
        super().__init__(message)
        self.permanent = permanent
        # The message itself cannot be written (a header a mail cannot carry): not the
        # recipient's fault, and trying again would not help either.
        self.unsendable = unsendable


def send(
    to: str,
    subject: str,
    body: str,
    *,
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    try:
        message["To"] = to
    except (ValueError, HeaderParseError) as error:
        # Not an address a mail can carry (a line break, an injected header): never will be.
        raise MailError(f"invalid address: {error}", permanent=True) from error
    try:
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="essaim")
        if reply_to:
            message["Reply-To"] = reply_to
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(body)
    except (ValueError, HeaderParseError) as error:
        raise MailError(f"invalid message: {error}", unsendable=True) from error
    security = (config.get("MAIL_SECURITY") or "none").lower()
    try:
        if security == "tls":
            client = smtplib.SMTP_SSL(
                config["MAIL_SERVER"],
                config["MAIL_PORT"],
                timeout=config["MAIL_TIMEOUT"],
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(
                config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
            )
        with client:
            if security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        current_app.logger.warning("Mail to %s refused: %s", to, error.recipients)
        raise MailError(str(error.recipients), permanent=all(c >= 500 for c in codes)) from error
    except (OSError, smtplib.SMTPException, ValueError) as error:
        current_app.logger.warning("Mail to %s not sent: %s", to, error)
        raise MailError(str(error)) from error
