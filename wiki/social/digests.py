"""Turning pending notifications into mails: one mail per account and run for "immediate",
a digest per day or week otherwise, summarised however many changes it holds."""

from __future__ import annotations

from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import or_, select, update

from wiki.extensions import db
from wiki.models import Page, User, utcnow
from wiki.social import unsubscribe
from wiki.social.follows import settings_for, stored_settings
from wiki.social.models import Notification, NotificationSettings
from wiki.social.notices import mail_wanted
from wiki.social.outbox import enqueue

PERIODS = {"immediate": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
# A timer a little late must not push a digest to the next day.
SLACK = timedelta(minutes=30)
# A digest lists this many pages at most; the rest is counted.
LISTED_PAGES = 25


@contextmanager
def _urls():
    """Absolute URLs from the command line: ESSAIM_PUBLIC_URL, else SERVER_NAME, else localhost."""
    config = current_app.config
    if has_request_context() or config.get("PUBLIC_URL") or config.get("SERVER_NAME"):
        yield
        return
    with current_app.test_request_context("/", base_url="http://localhost"):
        yield


def users_due(now=None) -> list[int]:
    """Accounts with notifications to mail whose period has come."""
    now = now or utcnow()
    pending = select(Notification.user_id).where(Notification.mail_state == "pending").distinct()
    due = []
    for user_id in db.session.scalars(pending):
        user = db.session.get(User, user_id)
        settings = settings_for(user)
        period = PERIODS.get(settings.mail_mode)
        if period is None:
            continue
        last = settings.last_digest_at
        if period == timedelta(0) or last is None or last <= now - period + SLACK:
            due.append(user_id)
    return due


def _take_period(user: User, now) -> bool:
    """Claim this account's mail for this period: only one sender running at once wins."""
    settings = stored_settings(user)
    period = PERIODS.get(settings.mail_mode, timedelta(days=1))
    if period == timedelta(0):
        return True  # immediate: the notifications themselves are claimed below
    result = db.session.execute(
        update(NotificationSettings)
        .where(
            NotificationSettings.user_id == user.id,
            or_(
                NotificationSettings.last_digest_at.is_(None),
                NotificationSettings.last_digest_at <= now - period + SLACK,
            ),
        )
        .values(last_digest_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _take_notifications(user: User) -> list[tuple]:
    """Mark the account's pending notifications queued and return them: a concurrent sender's
    UPDATE finds none left (it waits for this one's row locks, then sees them queued)."""
    rows = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.mail_state == "pending")
        .values(mail_state="queued")
        .returning(Notification.page_id, Notification.kind, Notification.actor_id)
        .execution_options(synchronize_session=False)
    ).all()
    return rows


def compose_all(now=None) -> int:
    """Queue the mails that are due; return how many were queued. Commits per account."""
    now = now or utcnow()
    queued = 0
    for user_id in users_due(now):
        user = db.session.get(User, user_id)
        if user_id not in mail_wanted([user_id]):
            # Address gone, refused or mail switched off meanwhile: nothing to mail.
            db.session.execute(
                update(Notification)
                .where(Notification.user_id == user_id, Notification.mail_state == "pending")
                .values(mail_state="none")
            )
            db.session.commit()
            continue
        if not _take_period(user, now):
            db.session.rollback()
            continue
        rows = _take_notifications(user)
        if rows:
            _queue_mail(user, rows)
            queued += 1
        db.session.commit()
    return queued


def _queue_mail(user: User, rows: list[tuple]) -> None:
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale), _urls():
        mode = settings_for(user).mail_mode
        subject, body = summary(user, rows, digest=mode in ("daily", "weekly"))
        link = url_for("social.unsubscribe_link", token=unsubscribe.token_for(user), _external=True)
        body += "\n\n-- \n" + gettext(
            "You receive this mail because you follow pages on Essaim. "
            "To stop all mail from Essaim in one click: %(link)s",
            link=link,
        )
        body += "\n" + gettext(
            "To choose daily or weekly digests instead: %(link)s",
            link=url_for("social.settings", _external=True),
        )
    enqueue(
        user.email,
        subject,
        body,
        kind="digest" if mode in ("daily", "weekly") else "notification",
        user_id=user.id,
        unsubscribe_url=link,
    )


def summary(user: User, rows: list[tuple], *, digest: bool) -> tuple[str, str]:
    """The subject and text of a mail about `rows` (page id, kind, actor id): one line per
    page, the busiest first, at most LISTED_PAGES of them, then what is left as a count."""
    per_page: dict[int, Counter] = defaultdict(Counter)
    actors: dict[int, set[int]] = defaultdict(set)
    for page_id, kind, actor_id in rows:
        if page_id is None:
            continue
        per_page[page_id][kind] += 1
        if actor_id is not None:
            actors[page_id].add(actor_id)
    ranked = sorted(per_page, key=lambda pid: (-sum(per_page[pid].values()), pid))
    shown = ranked[:LISTED_PAGES]
    pages = {p.id: p for p in db.session.scalars(select(Page).where(Page.id.in_(shown)))}
    names = _names({a for pid in shown for a in actors[pid]})
    total = len(rows)
    if digest:
        subject = ngettext(
            "Essaim: %(num)s change on the pages you follow",
            "Essaim: %(num)s changes on the pages you follow",
            total,
        )
    elif len(per_page) == 1 and shown and shown[0] in pages:
        subject = gettext("Essaim: news of “%(title)s”", title=pages[shown[0]].title)
    else:
        subject = ngettext(
            "Essaim: %(num)s new notification", "Essaim: %(num)s new notifications", total
        )
    lines = [gettext("Hello %(name)s,", name=user.name), ""]
    lines.append(
        ngettext("%(num)s change", "%(num)s changes", total)
        + " "
        + ngettext("on %(num)s page:", "on %(num)s pages:", len(per_page))
    )
    lines.append("")
    for page_id in shown:
        page = pages.get(page_id)
        if page is None or not page.public:
            continue
        counts = per_page[page_id]
        parts = []
        if counts["created"]:
            parts.append(gettext("created"))
        if counts["edit"]:
            parts.append(ngettext("%(num)s edit", "%(num)s edits", counts["edit"]))
        if counts["message"]:
            parts.append(ngettext("%(num)s message", "%(num)s messages", counts["message"]))
        if counts["mention"]:
            parts.append(
                ngettext("%(num)s mention of you", "%(num)s mentions of you", counts["mention"])
            )
        who = ", ".join(sorted(names[a] for a in actors[page_id] if a in names)[:3])
        extra = len(actors[page_id]) - 3
        if extra > 0:
            who += " " + ngettext("and %(num)s other", "and %(num)s others", extra)
        lines.append(f"* {page.title} — {', '.join(parts)}" + (f" ({who})" if who else ""))
        lines.append("  " + url_for("pages.view", slug=page.slug, _external=True))
    rest = len(ranked) - len(shown)
    if rest > 0:
        lines.append("")
        lines.append(
            ngettext(
                "… and %(num)s other page changed.", "… and %(num)s other pages changed.", rest
            )
        )
    lines.append("")
    lines.append(
        gettext(
            "All your notifications: %(link)s", link=url_for("social.notifications", _external=True)
        )
    )
    return subject, "\n".join(lines)


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
