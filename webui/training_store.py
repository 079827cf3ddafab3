"""Live training sessions in the database: one row per session (the scenario, the trainer who
started it, its join code, how far the reasoning is revealed, open or closed) and one row per
participant (a nickname and their answers), so any worker serves any request and a restarted
server loses nothing. The schema is made by migration 0003 (webui/migrations/versions).

Participants have no account: their id is an unguessable token (192 bits) kept in their
Flask session and in the address of their page. Join codes are short (6 characters from an
alphabet without look-alikes) so they can be read off a projector; guessing them is made
slow by the join route's rate limit (webui.throttle), not by their length.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from webui.storage import metadata, new_id, now

#: Join-code letters: no 0/O, 1/I/L, so a code read off a screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
OPEN, CLOSED = "open", "closed"

training_sessions = sa.Table(
    "training_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("scenario_id", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("revealed", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("updated", sa.DateTime, nullable=False),
)

training_participants = sa.Table(
    "training_participants",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("session_id", sa.String(64), sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("nickname", sa.String(80), nullable=False),
    sa.Column("responses", sa.Text, nullable=False),
    sa.Column("answered", sa.DateTime, nullable=True),
    sa.Column("created", sa.DateTime, nullable=False),
)


@dataclass(frozen=True)
class TrainingSession:
    id: str
    code: str
    scenario_id: str
    owner: str  # the id of the staff member who started it
    state: str  # OPEN or CLOSED
    revealed: int  # how many steps of the reasoning are shown
    created: dt.datetime

    @property
    def open(self) -> bool:
        return self.state == OPEN


@dataclass(frozen=True)
class Participant:
    id: str  # the participant's secret token
    session_id: str
    nickname: str
    responses: dict  # fact → plain value (as in an answers file), empty until they answer
    answered: dt.datetime | None

    @property
    def has_answered(self) -> bool:
        return self.answered is not None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(raw: str) -> str:
    """A join code as typed (any case, spaces or dashes) in its stored form; '' if it cannot be one."""
    code = "".join(ch for ch in str(raw)[:40].upper() if ch not in " -\t")
    return code if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code) else ""


def _session(row) -> TrainingSession:
    return TrainingSession(row.id, row.code, row.scenario_id, row.owner, row.state, row.revealed, row.created)


def _participant(row) -> Participant:
    return Participant(row.id, row.session_id, row.nickname, json.loads(row.responses), row.answered)


class TrainingStore:
    """Sessions and participants, each change in one transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # --- sessions ---------------------------------------------------------------------

    def start(self, scenario_id: str, owner: str) -> TrainingSession:
        """A new open session with a fresh join code (another is drawn on the rare clash)."""
        for _ in range(20):
            t = now()
            row = {
                "id": new_id(),
                "code": new_code(),
                "scenario_id": scenario_id,
                "owner": owner,
                "state": OPEN,
                "revealed": 0,
                "created": t,
                "updated": t,
            }
            try:
                with self.engine.begin() as conn:
                    conn.execute(training_sessions.insert().values(**row))
            except sa.exc.IntegrityError:
                continue
            return TrainingSession(row["id"], row["code"], scenario_id, owner, OPEN, 0, t)
        raise RuntimeError("no free join code")  # 887 million codes: never in practice

    def get(self, session_id: str) -> TrainingSession | None:
        if not isinstance(session_id, str) or not (20 <= len(session_id) <= 64):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(training_sessions).where(training_sessions.c.id == session_id)).first()
        return _session(row) if row else None

    def by_code(self, code: str) -> TrainingSession | None:
        code = normal_code(code)
        if not code:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(training_sessions).where(training_sessions.c.code == code)).first()
        return _session(row) if row else None

    def sessions(self, owner: str | None = None) -> list[TrainingSession]:
        """Every session, newest first; with `owner`, only theirs."""
        query = sa.select(training_sessions).order_by(training_sessions.c.created.desc())
        if owner is not None:
            query = query.where(training_sessions.c.owner == owner)
        with self.engine.connect() as conn:
            return [_session(row) for row in conn.execute(query)]

    def reveal(self, session_id: str, revealed: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(training_sessions.update().where(training_sessions.c.id == session_id).values(revealed=revealed, updated=now()))

    def close(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(training_sessions.update().where(training_sessions.c.id == session_id).values(state=CLOSED, updated=now()))

    def delete(self, session_id: str) -> None:
        """The session and every participant's answers (explicitly: SQLite does not cascade by default)."""
        with self.engine.begin() as conn:
            conn.execute(training_participants.delete().where(training_participants.c.session_id == session_id))
            conn.execute(training_sessions.delete().where(training_sessions.c.id == session_id))

    def purge(self, days: int) -> int:
        """Delete sessions (with their participants) not touched for `days` days; returns how many."""
        cutoff = now() - dt.timedelta(days=days)
        with self.engine.begin() as conn:
            old = sa.select(training_sessions.c.id).where(training_sessions.c.updated < cutoff)
            conn.execute(training_participants.delete().where(training_participants.c.session_id.in_(old)))
            return conn.execute(training_sessions.delete().where(training_sessions.c.updated < cutoff)).rowcount

    # --- participants -----------------------------------------------------------------

    def join(self, session_id: str, nickname: str) -> Participant:
        row = {"id": new_id(), "session_id": session_id, "nickname": nickname, "responses": "{}", "answered": None, "created": now()}
        with self.engine.begin() as conn:
            conn.execute(training_participants.insert().values(**row))
        return Participant(row["id"], session_id, nickname, {}, None)

    def participant(self, token: str) -> Participant | None:
        if not isinstance(token, str) or not (20 <= len(token) <= 64):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(training_participants).where(training_participants.c.id == token)).first()
        return _participant(row) if row else None

    def participants(self, session_id: str) -> list[Participant]:
        """The session's participants in the order they joined."""
        query = (
            sa.select(training_participants)
            .where(training_participants.c.session_id == session_id)
            .order_by(training_participants.c.created, training_participants.c.id)
        )
        with self.engine.connect() as conn:
            return [_participant(row) for row in conn.execute(query)]

    def answer(self, token: str, responses: dict) -> bool:
        """Save a participant's answers, only while their session is open and nothing is revealed
        yet (checked in the same statement, so a close or a reveal never races an answer).
        Returns whether they were saved."""
        still_open = (
            sa.select(training_sessions.c.id)
            .where(training_sessions.c.id == training_participants.c.session_id)
            .where(training_sessions.c.state == OPEN)
            .where(training_sessions.c.revealed == 0)
            .exists()
        )
        with self.engine.begin() as conn:
            done = conn.execute(
                training_participants.update()
                .where(training_participants.c.id == token)
                .where(still_open)
                .values(responses=json.dumps(responses), answered=now())
            )
            return done.rowcount == 1


def current() -> TrainingStore:
    """The running app's training store (made by create_app on the app's database)."""
    from flask import current_app

    return current_app.extensions["vagvisare_training"]


__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "OPEN",
    "CLOSED",
    "TrainingSession",
    "Participant",
    "TrainingStore",
    "new_code",
    "normal_code",
    "current",
]
