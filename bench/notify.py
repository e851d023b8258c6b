"""Benchmark: notifications at scale, on a temp SQLite file.

Usage: python bench/notify.py [--followers 5000] [--changes 10000]
Prints the time of a save whose theme has N followers (notifications written in the save's
transaction), of composing their N first digests, of composing one digest of M changes, and
the size of that mail.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEXT = """---
type: experience
themes: [alimentation]
---
# Jardin partagé

Un jardin.
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=10000)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-notify-"))
    try:
        run(data_dir, args.followers, args.changes)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(data_dir: Path, followers: int, changes: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from wiki import create_app
    from wiki.extensions import db
    from wiki.models import User, utcnow
    from wiki.pages.service import save_page
    from wiki.social import digests
    from wiki.social.models import Follow, Notification, NotificationSettings, OutgoingMail

    app = create_app(
        {
            "DATA_DIR": data_dir,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'essaim.db'}",
            "SECRET_KEY": "bench",
            "SEARCH_INDEXING": "sync",
            "SERVER_NAME": "essaim.test",
        }
    )
    with app.app_context():
        upgrade()
        now = utcnow()
        db.session.execute(
            insert(User),
            [
                {
                    "username": f"lecteur{n}",
                    "display_name": f"Lecteur {n}",
                    "password_hash": "!",
                    "role": "contributor",
                    "email": f"lecteur{n}@example.org",
                    "email_confirmed_at": now,
                    "created_at": now,
                    "flagged": False,
                }
                for n in range(followers + 1)
            ],
        )
        ids = db.session.scalars(select(User.id).order_by(User.id)).all()
        editor, readers = db.session.get(User, ids[0]), ids[1:]
        db.session.execute(
            insert(Follow),
            [
                {"user_id": u, "kind": "theme", "target": "alimentation", "created_at": now}
                for u in readers
            ],
        )
        db.session.commit()
        page = save_page(slug=None, title="Jardin partagé", text=TEXT, author=None).page
        before = db.session.query(Notification).count()
        start = time.perf_counter()
        save_page(slug=page.slug, title=None, text=TEXT + "\nAjout.\n", author=editor)
        saved = time.perf_counter() - start
        written = db.session.query(Notification).count() - before
        print(
            f"save with {followers} theme followers: {saved * 1000:.0f} ms, {written} notifications"
        )

        start = time.perf_counter()
        fanned = digests.compose_all()
        took = time.perf_counter() - start
        print(f"first digests for {followers} followers: {fanned} mails composed in {took:.1f} s")
        db.session.execute(OutgoingMail.__table__.delete())
        db.session.execute(NotificationSettings.__table__.update().values(last_digest_at=None))
        db.session.commit()

        reader = readers[0]
        db.session.execute(
            insert(Notification),
            [
                {
                    "user_id": reader,
                    "kind": "edit",
                    "page_id": page.id,
                    "actor_id": editor.id,
                    "reason": "theme:alimentation",
                    "created_at": now,
                    "mail_state": "pending",
                }
                for _ in range(changes)
            ],
        )
        db.session.execute(
            Notification.__table__.update()
            .where(Notification.user_id != reader)
            .values(mail_state="none")
        )
        db.session.commit()
        start = time.perf_counter()
        composed = digests.compose_all()
        took = time.perf_counter() - start
        mail = db.session.scalar(select(OutgoingMail))
        print(
            f"digest of {changes + 1} changes: composed {composed} mail in {took * 1000:.0f} ms, "
            f"body {len(mail.body)} characters, {mail.body.count(chr(10)) + 1} lines"
        )


if __name__ == "__main__":
    main()
