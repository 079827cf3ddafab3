"""Notifications by e-mail, queued in the database so nothing is lost while the mail server is down.

`queue` writes a plain-text message into the outbox, in the caller's transaction when given, so
a message exists exactly when the change it reports was committed. `deliver` sends what is
queued through SMTP when one is configured (SMTP_HOST …) and removes each message once sent:
the outbox keeps no copy of mail that may describe an unpublished idea. Workers claim a message
before sending it, so two workers never send the same one.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import g

from webui import storage

log = logging.getLogger("webui.mail")
CLAIM = dt.timedelta(seconds=120)
BATCH = 50


def queue(to: str, subject: str, body: str, conn=None) -> None:
    """Put one message in the outbox; it is sent after this response (or by `vagvisare mail send`)."""
    row = {"created": storage.now(), "recipient": to.strip()[:254], "subject": " ".join(subject.split())[:200], "body": body, "attempts": 0}
    if conn is not None:
        conn.execute(storage.outbox.insert().values(**row))
    else:
        with storage.db().begin() as own:
            own.execute(storage.outbox.insert().values(**row))
    try:
        g.mail_queued = True
    except RuntimeError:  # outside a request: the CLI sends
        pass


def pending(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(storage.outbox)).scalar_one()


def deliver(app) -> tuple[int, int]:
    """Send the queued messages; returns (sent, still queued). Without SMTP_HOST, sends nothing."""
    engine = app.extensions["vagvisare_store"].engine
    cfg = app.config
    if not cfg.get("SMTP_HOST"):
        return 0, pending(engine)
    box = storage.outbox
    sent = 0
    now = storage.now()
    with engine.connect() as conn:
        ids = (
            conn.execute(
                sa.select(box.c.id).where(sa.or_(box.c.claimed_until.is_(None), box.c.claimed_until < now)).order_by(box.c.id).limit(BATCH)
            )
            .scalars()
            .all()
        )
    if ids:
        try:
            smtp = smtplib.SMTP(cfg["SMTP_HOST"], int(cfg["SMTP_PORT"]), timeout=10)
        except OSError as exc:
            _failed(engine, ids, exc)
            return 0, pending(engine)
        with smtp:
            if cfg.get("SMTP_STARTTLS"):
                smtp.starttls()
            if cfg.get("SMTP_USER"):
                smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
            for message_id in ids:
                row = _claim(engine, message_id)
                if row is None:
                    continue  # another worker has it
                try:
                    smtp.send_message(_message(cfg["SMTP_FROM"], row))
                except (smtplib.SMTPException, OSError) as exc:
                    _failed(engine, [message_id], exc)
                    continue
                with engine.begin() as conn:
                    conn.execute(box.delete().where(box.c.id == message_id))
                sent += 1
    return sent, pending(engine)


def _claim(engine: sa.Engine, message_id: int):
    box = storage.outbox
    now = storage.now()
    with engine.begin() as conn:
        claimed = conn.execute(
            box.update()
            .where(box.c.id == message_id, sa.or_(box.c.claimed_until.is_(None), box.c.claimed_until < now))
            .values(claimed_until=now + CLAIM, attempts=box.c.attempts + 1)
        ).rowcount
        return conn.execute(sa.select(box).where(box.c.id == message_id)).first() if claimed == 1 else None


def _failed(engine: sa.Engine, ids: list[int], exc: Exception) -> None:
    log.warning("mail not sent (%s); %d message(s) stay queued", type(exc).__name__, len(ids))
    with engine.begin() as conn:
        conn.execute(storage.outbox.update().where(storage.outbox.c.id.in_(ids)).values(claimed_until=None, last_error=str(exc)[:300]))


def _message(sender: str, row) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message.set_content(row.body)
    return message


def init(app) -> None:
    @app.after_request
    def send_after(response):
        if g.get("mail_queued") and app.config.get("SMTP_HOST"):
            response.call_on_close(lambda: _deliver_quietly(app))
        return response


def _deliver_quietly(app) -> None:
    try:
        deliver(app)
    except Exception:  # the message stays queued; `vagvisare mail send` retries
        log.exception("mail delivery failed")
