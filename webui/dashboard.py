"""The programme's follow-up: how many ideas came in per month, per receiving organisation, per
status and per kind of idea (triage.idea_kind). An advisor sees their own organisation, an admin
all. Each count is a server-rendered bar chart (webui.charts) with the same figures in a table
beside it, and the whole is exported as CSV and Markdown for the programme's reports. Only counts
leave here: no title or content of any idea."""

from __future__ import annotations

import csv
import io
from collections import Counter

from flask import Blueprint, Response, abort, render_template

from webui import accounts, audit, charts, intake_store
from webui.inbox import ADVISORS, _scope
from webui.intake_common import organisations
from webui.intake_store import STATUSES
from webui.messages import t
from webui.storage import db
from webui.web import lang, ws

bp = Blueprint("dashboard", __name__)

KIND = "triage.idea_kind"


def tables(rows: list[dict], language: str) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(key, title, [(label, count)]) per breakdown; months and statuses in their natural order."""
    kb = ws().kb
    months = Counter(r["created"].strftime("%Y-%m") for r in rows)
    orgs = Counter(r["organisation"] for r in rows)
    statuses = Counter(r["status"] for r in rows)
    kinds = Counter(r["idea_kind"] or "" for r in rows)
    kind_order = list(kb.fact_values(KIND)) + [""]
    return [
        ("month", t("per_month", language), sorted(months.items())),
        (
            "organisation",
            t("per_organisation", language),
            sorted(((organisations().name(o, language), n) for o, n in orgs.items()), key=lambda x: -x[1]),
        ),
        ("status", t("per_status", language), [(t("st_" + s, language), statuses[s]) for s in STATUSES if statuses[s]]),
        (
            "kind",
            t("per_kind", language),
            [(kb.label(KIND, k, language) if k else t("unknown_kind", language), kinds[k]) for k in kind_order if kinds[k]],
        ),
    ]


def _figures(staff) -> list[dict]:
    with db().connect() as conn:
        return intake_store.figures(conn, _scope(staff))


@bp.get("/staff/dashboard")
@accounts.require_role(*ADVISORS)
def dashboard():
    staff = accounts.current_staff()
    rows = _figures(staff)
    breakdowns = [(key, title, counts, charts.bar_chart(title, counts) if counts else None) for key, title, counts in tables(rows, lang())]
    audit.record(staff.actor, "dashboard.view", "organisation", staff.organisation or "*")
    return render_template("dashboard.html", breakdowns=breakdowns, total=len(rows))


@bp.get("/staff/dashboard.<fmt>")
@accounts.require_role(*ADVISORS)
def export(fmt):
    if fmt not in ("csv", "md"):
        abort(404)
    staff = accounts.current_staff()
    breakdowns = tables(_figures(staff), lang())
    audit.record(staff.actor, "dashboard.export", "organisation", staff.organisation or "*", fmt)
    headers = {"Content-Disposition": f'attachment; filename="vagvisare-dashboard.{fmt}"'}
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(("breakdown", "label", "count"))
        for key, _title, counts in breakdowns:
            for label, n in counts:
                writer.writerow((key, label, n))
        return Response(out.getvalue(), mimetype="text/csv", headers=headers)
    lines = [f"# {t('dashboard_title', lang())}", ""]
    for _key, title, counts in breakdowns:
        lines += [f"## {title}", "", f"| | {t('count', lang())} |", "|---|---:|"]
        lines += [f"| {label.replace('|', '/')} | {n} |" for label, n in counts]
        lines.append("")
    return Response("\n".join(lines), mimetype="text/markdown", headers=headers)
