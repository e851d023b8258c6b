"""A page's discussion: threaded Markdown messages, @mentions, editing and hiding."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from wiki.auth.service import find_user
from wiki.content.slugs import slug_for
from wiki.extensions import db, read_rows
from wiki.models import Page, User, utcnow
from wiki.moderation import audit
from wiki.render import render_markdown
from wiki.social import follows, notices
from wiki.social.models import DiscussionMessage

# "@camille", "@jean-paul.martin": a login name after an @ that does not follow a letter
# (so an e-mail address is not a mention).
MENTION = re.compile(r"(?<![\w@/.])@([^\W_][\w.-]{0,31})")
MAX_DEPTH = 6  # deeper answers are shown at this depth


class MessageError(Exception):
    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass
class Posted:
    message: DiscussionMessage
    unknown: list[str] = field(default_factory=list)  # @names that match no account


@dataclass
class Shown:
    message: DiscussionMessage
    depth: int
    html: str  # sanitised by the page renderer
    editable: bool


def _clean(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise MessageError(_l("The message is empty: write something before sending."))
    limit = int(current_app.config["DISCUSSION_MAX_BYTES"])
    if len(text.encode("utf-8")) > limit:
        raise MessageError(
            _l(
                "This message is too long (%(kb)s kB at most). Shorten it, or put the long "
                "part in the page itself; your text is kept below.",
                kb=limit // 1000,
            ),
            413,
        )
    return text


def mentions(text: str) -> tuple[list[User], list[str]]:
    """The accounts mentioned with @name, and the names that match nobody."""
    found, unknown = {}, []
    for name in dict.fromkeys(m.rstrip(".-") for m in MENTION.findall(text)):
        user = find_user(name)
        if user is None:
            unknown.append(name)
        else:
            found[user.id] = user
    return list(found.values()), unknown


def post(page: Page, author: User, text: str, parent_id: int | None = None) -> Posted:
    text = _clean(text)
    if not page.public:
        raise MessageError(_l("This page has been removed: its discussion is closed."), 403)
    if parent_id is not None:
        parent = db.session.get(DiscussionMessage, parent_id)
        if parent is None or parent.page_id != page.id:
            raise MessageError(_l("The message you answer is not in this discussion."))
    message = DiscussionMessage(
        page_id=page.id, parent_id=parent_id, author_id=author.id, text=text, hidden=False
    )
    db.session.add(message)
    db.session.flush()
    mentioned, unknown = mentions(text)
    notices.record_message(message, mentioned)
    follows.follow_edited_page(author, page)  # taking part follows, like editing
    db.session.commit()
    return Posted(message, unknown)


def editable(message: DiscussionMessage, user) -> bool:
    if not getattr(user, "is_authenticated", False) or user.id != message.author_id:
        return False
    minutes = float(current_app.config["DISCUSSION_EDIT_MINUTES"])
    return not message.hidden and utcnow() - message.created_at <= timedelta(minutes=minutes)


def edit(message: DiscussionMessage, user: User, text: str) -> Posted:
    if not editable(message, user):
        raise MessageError(
            _l(
                "This message can no longer be changed (only its author may, for %(n)s minutes).",
                n=int(current_app.config["DISCUSSION_EDIT_MINUTES"]),
            ),
            403,
        )
    message.text = _clean(text)
    message.edited_at = utcnow()
    mentioned, unknown = mentions(message.text)
    notices.record_mentions(message, mentioned)  # people named only now are told too
    db.session.commit()
    return Posted(message, unknown)


def set_hidden(message: DiscussionMessage, moderator: User, hidden: bool, reason: str = "") -> None:
    message.hidden = hidden
    message.hidden_by_id = moderator.id if hidden else None
    if hidden:  # spam hidden in time is never mailed to the page's followers
        notices.forget_mail(message_id=message.id)
    audit.record(
        moderator,
        "hide_message" if hidden else "show_message",
        "message",
        message.id,
        target_label=f"{message.author.name}: {message.text[:80]}",
        reason=reason,
        page_id=message.page_id,
    )
    db.session.commit()


def find(page: Page, message_id: int) -> DiscussionMessage | None:
    message = db.session.get(DiscussionMessage, message_id)
    return message if message is not None and message.page_id == page.id else None


def count(page: Page) -> int:
    return read_rows(_COUNT, {"page": page.id}).scalar() or 0


_COUNT = select(func.count(DiscussionMessage.id)).where(  # built once: every page view
    DiscussionMessage.page_id == bindparam("page"), ~DiscussionMessage.hidden
)


def thread(page: Page, viewer) -> list[Shown]:
    """The messages in reading order: each followed by its answers, oldest first."""
    rows = db.session.scalars(
        select(DiscussionMessage)
        .where(DiscussionMessage.page_id == page.id)
        .order_by(DiscussionMessage.created_at, DiscussionMessage.id)
    ).all()
    children: dict[int | None, list[DiscussionMessage]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Shown] = []
    stack = [(m, 0) for m in reversed(children.get(None, []))]
    while stack:  # no recursion: a long chain of answers cannot exhaust the stack
        message, depth = stack.pop()
        ordered.append(Shown(message, min(depth, MAX_DEPTH), render(message.text), False))
        ordered[-1].editable = editable(message, viewer)
        stack.extend((m, depth + 1) for m in reversed(children.get(message.id, [])))
    return ordered


def render(text: str) -> str:
    """The page renderer and sanitiser; known @names link to the person's page."""

    def link(match: re.Match) -> str:
        name = match.group(1).rstrip(".-")
        user = find_user(name)
        if user is None:
            return match.group(0)
        return (
            f"[@{name}]({url_for('social.person', name=user.username)})"
            + match.group(1)[len(name) :]
        )

    rendered = render_markdown(MENTION.sub(link, text), _resolve_link)
    return rendered.html


def _resolve_link(title: str) -> tuple[str, bool]:
    slug = slug_for(title) or "page"
    exists = db.session.scalar(select(Page.id).where(Page.slug == slug)) is not None
    if exists:
        return url_for("pages.view", slug=slug), True
    return url_for("pages.edit", slug=slug, title=title), False
