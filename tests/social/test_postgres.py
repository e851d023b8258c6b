"""On PostgreSQL (production): two `essaim notify send` at once compose and send each mail
once, the claim being taken with FOR UPDATE SKIP LOCKED and a conditional UPDATE."""

from __future__ import annotations

import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import make_app
from tests.postgres import fresh_database, needs_postgres
from tests.smtp import smtp_server
from tests.social.conftest import RAISMES, edit
from wiki.extensions import db
from wiki.models import utcnow

pytestmark = [pytest.mark.postgres, needs_postgres]


def test_two_senders_on_postgresql_send_every_mail_exactly_once(tmp_path):
    from wiki.auth.service import create_user
    from wiki.pages.service import save_page
    from wiki.social import digests, follows, outbox
    from wiki.social.models import OutgoingMail

    with smtp_server() as (box, port), fresh_database() as url:
        app = make_app(
            tmp_path, SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port
        )
        with app.app_context():
            upgrade()
            editor = create_user("dominique", "un mot de passe solide")
            readers = []
            for n in range(30):
                reader = create_user(f"lecteur{n}", "un mot de passe solide")
                reader.email = f"lecteur{n}@example.org"
                reader.email_confirmed_at = utcnow()
                readers.append(reader)
            db.session.commit()
            page = save_page(slug=None, title="Jardin", text=RAISMES, author=None).page
            for reader in readers:
                follows.follow(reader, "theme", "alimentation")
            edit(page, editor)
            for n in range(30):
                outbox.enqueue(
                    f"contact{n}@example.org", f"Contact {n}", "Bonjour.", kind="contact"
                )
            db.session.commit()
            db.session.remove()

            barrier = threading.Barrier(2)
            errors = []

            def sender():
                try:
                    with app.app_context():
                        barrier.wait()
                        digests.compose_all()
                        outbox.deliver(limit=500)
                        db.session.remove()
                except Exception as error:  # pragma: no cover - shown by the assert
                    errors.append(error)

            threads = [threading.Thread(target=sender) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            recipients = sorted(m["To"] for m in box.messages)
            assert len(recipients) == 60 and len(set(recipients)) == 60
            sent = db.session.scalar(select(func.count()).where(OutgoingMail.state == "sent"))
            assert sent == 60
            db.session.remove()
            db.engine.dispose()
