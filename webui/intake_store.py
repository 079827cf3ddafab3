"""Stored ideas of the intake: the submission, its triage, the consultations attached to it, the
submitter's additions, advisors' internal notes and every change of status, assignment and
priority. Tables made by migration 0004; every function takes an open connection, so a route
writes the idea, its audit entry and its mail in one transaction (all or nothing).

The submitter's private token is never stored: only its SHA-256, so a copy of the database
does not hand out the links. Deleting an idea removes every row that belongs to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

import sqlalchemy as sa

from webui.storage import now

metadata = sa.MetaData()

#: The status workflow: new → in_dialogue → verification → handed_over | closed.
STATUSES = ("new", "in_dialogue", "verification", "handed_over", "closed")
NEXT_STATUS = {
    "new": ("in_dialogue", "closed"),
    "in_dialogue": ("verification", "handed_over", "closed"),
    "verification": ("in_dialogue", "handed_over", "closed"),
    "handed_over": (),
    "closed": (),
}
#: Moving to these needs a reason (shown to the submitter with the status).
NEEDS_REASON = ("handed_over", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")

ideas = sa.Table(
    "ideas",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("organisation", sa.String(64), nullable=False, index=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("updated", sa.DateTime, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("need", sa.Text, nullable=False),
    sa.Column("submitter_role", sa.String(40), nullable=False),
    sa.Column("submitter_organisation", sa.String(200), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("phone", sa.String(40), nullable=False),
    sa.Column("lang", sa.String(2), nullable=False),
    sa.Column("idea_kind", sa.String(40), nullable=True),
    sa.Column("priority", sa.String(10), nullable=True),
    sa.Column("priority_certain", sa.Boolean, nullable=False),
    sa.Column("priority_override", sa.String(10), nullable=True),
    sa.Column("override_reason", sa.Text, nullable=True),
    sa.Column("assignee", sa.String(64), nullable=True),
    sa.Column("triage", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
)

attachments = sa.Table(
    "idea_attachments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idea_id", sa.String(32), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("module", sa.String(40), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)

additions = sa.Table(
    "idea_additions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idea_id", sa.String(32), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

notes = sa.Table(
    "idea_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idea_id", sa.String(32), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

events = sa.Table(
    "idea_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idea_id", sa.String(32), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(80), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # status, assign, priority
    sa.Column("from_value", sa.String(64), nullable=True),
    sa.Column("to_value", sa.String(64), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
)

CHILDREN = (attachments, additions, notes, events)


def new_token() -> str:
    """The submitter's private token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _idea(row) -> dict:
    d = dict(row._mapping)
    d["triage"] = json.loads(d["triage"])
    d["summary"] = json.loads(d["summary"])
    d.pop("token_hash", None)
    return d


def create(conn, fields: dict, triage: dict, summary: dict, attached: dict[str, dict]) -> tuple[str, str]:
    """Store a submitted idea with its triage and attached consultations; returns (id, private token)."""
    idea_id, token, t = secrets.token_urlsafe(16), new_token(), now()
    conn.execute(
        ideas.insert().values(
            id=idea_id,
            token_hash=token_hash(token),
            created=t,
            updated=t,
            status="new",
            triage=json.dumps(triage),
            summary=json.dumps(summary),
            priority=summary.get("priority"),
            priority_certain=bool(summary.get("priority_certain")),
            idea_kind=summary.get("idea_kind"),
            **fields,
        )
    )
    for module, data in attached.items():
        conn.execute(attachments.insert().values(idea_id=idea_id, module=module, data=json.dumps(data)))
    return idea_id, token


def get(conn, idea_id: str) -> dict | None:
    if not isinstance(idea_id, str) or not (8 <= len(idea_id) <= 32):
        return None
    row = conn.execute(sa.select(ideas).where(ideas.c.id == idea_id)).first()
    return _idea(row) if row else None


def by_token(conn, token: str) -> dict | None:
    """The idea a private link opens, or None (the token is compared by its hash)."""
    if not isinstance(token, str) or not (32 <= len(token) <= 64):
        return None
    row = conn.execute(sa.select(ideas).where(ideas.c.token_hash == token_hash(token))).first()
    return _idea(row) if row else None


def listing(conn, organisation: str | None, status: str | None = None, assignee: str | None = None) -> list[dict]:
    """Ideas of one organisation (None: all), newest first, optionally of one status or assignee."""
    q = sa.select(ideas).order_by(ideas.c.created.desc())
    if organisation is not None:
        q = q.where(ideas.c.organisation == organisation)
    if status:
        q = q.where(ideas.c.status == status)
    if assignee:
        q = q.where(ideas.c.assignee == assignee)
    return [_idea(r) for r in conn.execute(q)]


def figures(conn, organisation: str | None) -> list[dict]:
    """The few columns the dashboard counts (no content of any idea)."""
    q = sa.select(ideas.c.created, ideas.c.organisation, ideas.c.status, ideas.c.idea_kind)
    if organisation is not None:
        q = q.where(ideas.c.organisation == organisation)
    return [dict(r._mapping) for r in conn.execute(q)]


def attached(conn, idea_id: str) -> dict[str, dict]:
    rows = conn.execute(
        sa.select(attachments.c.module, attachments.c.data).where(attachments.c.idea_id == idea_id).order_by(attachments.c.id)
    )
    return {m: json.loads(d) for m, d in rows}


def _rows(conn, table, idea_id: str) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(sa.select(table).where(table.c.idea_id == idea_id).order_by(table.c.id))]


def additions_of(conn, idea_id: str) -> list[dict]:
    return _rows(conn, additions, idea_id)


def notes_of(conn, idea_id: str) -> list[dict]:
    return _rows(conn, notes, idea_id)


def events_of(conn, idea_id: str) -> list[dict]:
    return _rows(conn, events, idea_id)


def _touch(conn, idea_id: str, **values) -> None:
    conn.execute(ideas.update().where(ideas.c.id == idea_id).values(updated=now(), **values))


def add_addition(conn, idea_id: str, text: str) -> None:
    conn.execute(additions.insert().values(idea_id=idea_id, created=now(), text=text))
    _touch(conn, idea_id)


def add_note(conn, idea_id: str, author: str, text: str) -> None:
    conn.execute(notes.insert().values(idea_id=idea_id, created=now(), author=author, text=text))
    _touch(conn, idea_id)


def _event(conn, idea_id: str, actor: str, kind: str, before, after, reason: str | None) -> None:
    conn.execute(
        events.insert().values(idea_id=idea_id, created=now(), actor=actor, kind=kind, from_value=before, to_value=after, reason=reason)
    )


def set_status(conn, idea: dict, to: str, reason: str | None, actor: str) -> None:
    """Move along the workflow (the caller checked NEXT_STATUS and NEEDS_REASON); recorded as an event."""
    _touch(conn, idea["id"], status=to)
    _event(conn, idea["id"], actor, "status", idea["status"], to, reason)


def assign(conn, idea: dict, staff_id: str | None, actor: str) -> None:
    _touch(conn, idea["id"], assignee=staff_id)
    _event(conn, idea["id"], actor, "assign", idea["assignee"], staff_id, None)


def override_priority(conn, idea: dict, priority: str | None, reason: str | None, actor: str) -> None:
    """Set (or with None, remove) the advisor's priority; the rule-derived one is kept beside it."""
    _touch(conn, idea["id"], priority_override=priority, override_reason=reason)
    _event(conn, idea["id"], actor, "priority", idea["priority_override"] or idea["priority"], priority or idea["priority"], reason)


def delete(conn, idea_id: str) -> None:
    """Remove the idea and every row that belongs to it (children first; no reliance on cascades)."""
    for table in CHILDREN:
        conn.execute(table.delete().where(table.c.idea_id == idea_id))
    conn.execute(ideas.delete().where(ideas.c.id == idea_id))


def purge_finished(conn, days: int) -> list[str]:
    """Delete ideas handed over or closed and untouched for `days` days; returns their ids.
    Ideas still being worked on are never purged, whatever their age."""
    cutoff = now() - dt.timedelta(days=days)
    old = conn.execute(sa.select(ideas.c.id).where(ideas.c.status.in_(NEEDS_REASON), ideas.c.updated < cutoff)).scalars().all()
    for idea_id in old:
        delete(conn, idea_id)
    return list(old)
