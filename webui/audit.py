"""The audit log: who viewed, changed or exported what, and when. Append-only.

Rows are only ever inserted; database triggers (migration 0002) refuse UPDATE and DELETE, so
no route, bug or admin can rewrite history. The log outlives what it describes: when an idea is
deleted its rows stay, which is why `detail` must never hold an idea's content, only ids,
statuses and reasons chosen from fixed lists.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from webui import storage
from webui.accounts import require_role

MAX_DETAIL = 500

bp = Blueprint("audit", __name__)


def record(actor: str, action: str, subject_kind: str, subject_id: str, detail: str = "", conn=None) -> None:
    """Append one entry; inside `conn`'s transaction when given (so it commits or fails with the change)."""
    row = {
        "at": storage.now(),
        "actor": actor[:80],
        "action": action[:60],
        "subject_kind": subject_kind[:30],
        "subject_id": str(subject_id)[:64],
        "detail": (detail or "")[:MAX_DETAIL],
    }
    if conn is not None:
        conn.execute(storage.audit_log.insert().values(**row))
        return
    with storage.db().begin() as own:
        own.execute(storage.audit_log.insert().values(**row))


def entries(engine: sa.Engine, subject_id: str | None = None, limit: int = 200, offset: int = 0) -> list[dict]:
    """The newest entries first (all, or those about one subject)."""
    log = storage.audit_log
    query = sa.select(log).order_by(log.c.id.desc()).limit(max(1, min(limit, 1000))).offset(max(0, offset))
    if subject_id:
        query = query.where(log.c.subject_id == subject_id)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


PAGE = 200


@bp.get("/staff/audit")
@require_role("admin")
def audit_page():
    from webui.accounts import current_staff

    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    subject = (request.args.get("subject") or "").strip()[:64] or None
    rows = entries(storage.db(), subject_id=subject, limit=PAGE + 1, offset=(page - 1) * PAGE)
    record(current_staff().actor, "audit.viewed", "audit", subject or "*")
    return render_template("audit.html", rows=rows[:PAGE], page=page, more=len(rows) > PAGE, subject=subject or "")
