"""The advisors' side of the intake: the inbox of ideas sent to their organisation (an admin
sees every organisation), filtered and sorted through GET parameters, its CSV export, and the
idea page where an advisor reads the submission and the explained triage, assigns a colleague,
moves the idea through the workflow, writes internal notes and overrides the priority.

Access is checked on every request: the role by `accounts.require_role`, the organisation here
(`_idea_or_404`): an idea of another organisation is a 404, exactly like one that does not
exist. Every view, change and export is written to the audit log, without the idea's content.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from engine.errors import AnswerError
from webui import accounts, audit, explained, intake_store, mail
from webui.intake_common import LIMITS, organisations, reference
from webui.intake_store import NEEDS_REASON, NEXT_STATUS, PRIORITIES, STATUSES
from webui.intake_triage import FLAGS, URGENT_FLAGS
from webui.messages import t
from webui.storage import db
from webui.web import lang, tr, ws

bp = Blueprint("inbox", __name__)

ADVISORS = ("advisor", "admin")
SORTS = ("received", "priority", "status", "title")


def _scope(staff) -> str | None:
    """The organisation whose ideas this staff member sees; None: all (admin)."""
    return None if staff.role == "admin" else (staff.organisation or "-")  # "-": no idea is sent there


def _idea_or_404(conn, staff, idea_id: str) -> dict:
    idea = intake_store.get(conn, idea_id)
    if idea is None or (staff.role != "admin" and idea["organisation"] != staff.organisation):
        abort(404)
    return idea


def effective_priority(idea: dict) -> str | None:
    return idea["priority_override"] or idea["priority"]


def colleagues(organisation: str) -> list:
    """Active advisors (and admins) of the organisation an idea was sent to: whom it can be assigned to."""
    return [s for s in accounts.colleagues(db(), organisation) if s.role in ADVISORS]


def _names() -> dict[str, str]:
    """Every account's name by id (disabled ones too: they still appear in an idea's history)."""
    return {s.id: s.name for s, _active in accounts.list_staff(db())}


# --- the inbox ------------------------------------------------------------------------------


def _filters(args) -> dict:
    """The GET parameters that are valid; anything else is ignored."""
    flags = ws().kb.fact_values(FLAGS)
    f = {
        "status": args.get("status") if args.get("status") in STATUSES else "",
        "priority": args.get("priority") if args.get("priority") in PRIORITIES else "",
        "flag": args.get("flag") if args.get("flag") in flags else "",
        "assignee": (args.get("assignee") or "")[:64],
        "organisation": args.get("organisation") if args.get("organisation") in organisations().ids else "",
        "sort": args.get("sort") if args.get("sort") in SORTS else "received",
        "order": "asc" if args.get("order") == "asc" else "desc",
    }
    return f


def _matching(conn, staff, f: dict) -> list[dict]:
    assignee = f["assignee"] if f["assignee"] not in ("", "none") else None
    found = intake_store.listing(conn, _scope(staff), f["status"] or None, assignee)
    if f["assignee"] == "none":
        found = [i for i in found if not i["assignee"]]
    if f["organisation"]:  # only narrows: an advisor's scope is their own organisation already
        found = [i for i in found if i["organisation"] == f["organisation"]]
    if f["priority"]:
        found = [i for i in found if effective_priority(i) == f["priority"]]
    if f["flag"]:
        found = [i for i in found if f["flag"] in i["summary"]["flags"] + i["summary"]["flags_possible"]]
    rank = {p: n for n, p in enumerate(PRIORITIES)}
    keys = {
        "received": lambda i: i["created"],
        "priority": lambda i: rank.get(effective_priority(i), -1),
        "status": lambda i: STATUSES.index(i["status"]),
        "title": lambda i: i["title"].casefold(),
    }
    return sorted(found, key=keys[f["sort"]], reverse=f["order"] == "desc")


def _row(idea: dict, names: dict, language: str) -> dict:
    """What the inbox and the CSV show of one idea (texts in `language`)."""
    kb = ws().kb
    s = idea["summary"]
    inputs = s.get("inputs", {})

    def label(fact):
        value = inputs.get(fact)
        return kb.label(fact, value, language) if isinstance(value, str) and value != "dont_know" else "–"

    readiness = "/".join(str(inputs.get(f) or "–") for f in ("pathway.level_customer", "pathway.level_technology", "pathway.level_funding"))
    prio = effective_priority(idea)
    return {
        "id": idea["id"],
        "ref": reference(idea["id"]),
        "title": idea["title"],
        "received": idea["created"].strftime("%Y-%m-%d"),
        "status": idea["status"],
        "status_text": t("st_" + idea["status"], language),
        "priority": prio,
        "priority_text": kb.label("triage.priority", prio, language) if prio else t("undetermined", language),
        "overridden": bool(idea["priority_override"]),
        "uncertain": not idea["priority_certain"] and not idea["priority_override"],
        "readiness": readiness,
        "mdr_class": label("mdr.class") if "mdr.class" in inputs else label("ivdr.class"),
        "ip_owner": label("ip.owner"),
        "urgent": [kb.label(FLAGS, f, language) for f in s["flags"] if f in URGENT_FLAGS],
        "urgent_possible": [kb.label(FLAGS, f, language) for f in s["flags_possible"] if f in URGENT_FLAGS],
        "flags": [kb.label(FLAGS, f, language) for f in s["flags"]],
        "flags_possible": [kb.label(FLAGS, f, language) for f in s["flags_possible"]],
        "incomplete": not s.get("explored", True),
        "assignee": names.get(idea["assignee"], "") if idea["assignee"] else "",
        "organisation": organisations().name(idea["organisation"], language),
    }


@bp.get("/staff/ideas")
@accounts.require_role(*ADVISORS)
def inbox():
    staff = accounts.current_staff()
    f = _filters(request.args)
    names = _names()
    with db().begin() as conn:
        rows = [_row(i, names, lang()) for i in _matching(conn, staff, f)]
        audit.record(staff.actor, "ideas.list", "organisation", staff.organisation or "*", conn=conn)
    kb = ws().kb
    people = [s for s, active in accounts.list_staff(db()) if active and (staff.role == "admin" or s.organisation == staff.organisation)]
    return render_template(
        "inbox.html",
        rows=rows,
        f=f,
        statuses=STATUSES,
        priorities=[(p, kb.label("triage.priority", p, lang())) for p in PRIORITIES],
        flags=[(v, kb.label(FLAGS, v, lang())) for v in kb.fact_values(FLAGS)],
        people=[(s.id, s.name) for s in people if s.role in ADVISORS],
        sorts=SORTS,
        all_orgs=staff.role == "admin",
        organisations=[(o, organisations().name(o, lang())) for o in organisations().ids],
    )


CSV_COLUMNS = (
    "ref",
    "title",
    "received",
    "status",
    "priority",
    "overridden",
    "uncertain",
    "readiness",
    "mdr_class",
    "ip_owner",
    "flags",
    "assignee",
    "organisation",
)


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/staff/ideas.csv")
@accounts.require_role(*ADVISORS)
def inbox_csv():
    staff = accounts.current_staff()
    f = _filters(request.args)
    names = _names()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with db().begin() as conn:
        ideas = _matching(conn, staff, f)
        for idea in ideas:
            row = _row(idea, names, lang())
            row["flags"] = row["flags"] + [f"({x})" for x in row["flags_possible"]]
            writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
        audit.record(staff.actor, "ideas.export_csv", "organisation", staff.organisation or "*", f"{len(ideas)} ideas", conn=conn)
    return Response(out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="vagvisare-ideas.csv"'})


# --- one idea -------------------------------------------------------------------------------


def _triage_view(idea: dict) -> dict:
    """The stored triage consultation, restored, with its conclusions explained."""
    workspace = ws()
    try:
        cons = workspace.restore(idea["triage"]["consultation"])
    except AnswerError:
        return {"conclusions": [], "conditional": [], "module_id": "triage"}
    cons.lang = lang()
    return {
        "conclusions": explained.conclusions(cons, lang()),
        "conditional": explained.conditional(cons, lang()),
        "module_id": "triage",
        "triage_cons": cons,
    }


def _attached_view(conn, idea_id: str) -> list[tuple]:
    workspace = ws()
    out = []
    for module, data in intake_store.attached(conn, idea_id).items():
        if module not in workspace.kb.modules:
            continue
        try:
            cons = workspace.restore(data)
        except AnswerError:
            continue
        out.append((module, workspace.kb.modules[module], explained.key_conclusions(cons, lang())))
    return out


def _idea_page(conn, staff, idea: dict, errors: dict | None = None, code: int = 200):
    kb = ws().kb
    names = _names()
    events = intake_store.events_of(conn, idea["id"])
    return (
        render_template(
            "idea.html",
            idea=idea,
            row=_row(idea, names, lang()),
            ref=reference(idea["id"]),
            role_text=kb.label("triage.submitter_role", idea["submitter_role"], lang()) if idea["submitter_role"] else "",
            org_name=organisations().name(idea["organisation"], lang()),
            rule_priority=kb.label("triage.priority", idea["priority"], lang()) if idea["priority"] else tr("undetermined"),
            summary=idea["summary"],
            flag_label=lambda v: kb.label(FLAGS, v, lang()),
            handler_label=lambda v: kb.label("triage.next_handler", v, lang()),
            attached=_attached_view(conn, idea["id"]),
            additions=intake_store.additions_of(conn, idea["id"]),
            notes=intake_store.notes_of(conn, idea["id"]),
            events=events,
            names=names,
            colleagues=colleagues(idea["organisation"]),
            next_statuses=NEXT_STATUS[idea["status"]],
            needs_reason=NEEDS_REASON,
            priorities=[(p, kb.label("triage.priority", p, lang())) for p in PRIORITIES],
            limits=LIMITS,
            errors=errors or {},
            **_triage_view(idea),
        ),
        code,
    )


@bp.get("/staff/ideas/<idea_id>")
@accounts.require_role(*ADVISORS)
def idea(idea_id):
    staff = accounts.current_staff()
    with db().begin() as conn:
        found = _idea_or_404(conn, staff, idea_id)
        audit.record(staff.actor, "idea.view", "idea", found["id"], conn=conn)
        return _idea_page(conn, staff, found)


def _back(idea_id: str):
    return redirect(url_for("inbox.idea", idea_id=idea_id), 303)


def _text(name: str, limit: str) -> tuple[str, str | None]:
    value = (request.form.get(name) or "").strip()
    if len(value) > LIMITS[limit]:
        return value, tr("err_too_long", field=tr(limit if limit != "reason" else "reason"), n=LIMITS[limit])
    return value, None


@bp.post("/staff/ideas/<idea_id>/assign")
@accounts.require_role(*ADVISORS)
def assign(idea_id):
    staff = accounts.current_staff()
    wanted = request.form.get("assignee", "")
    with db().begin() as conn:
        found = _idea_or_404(conn, staff, idea_id)
        people = {s.id: s for s in colleagues(found["organisation"])}
        if wanted and wanted not in people:
            return _idea_page(conn, staff, found, {"assign": tr("error_400")}, 400)
        intake_store.assign(conn, found, wanted or None, staff.actor)
        audit.record(staff.actor, "idea.assign", "idea", found["id"], f"assignee={wanted or '-'}", conn=conn)
        if wanted:
            person = people[wanted]
            ref = reference(found["id"])
            url = url_for("inbox.idea", idea_id=found["id"], _external=True)
            mail.queue(person.email, t("mail_assign_subject", lang(), ref=ref), t("mail_assign_body", lang(), ref=ref, url=url), conn=conn)
    return _back(idea_id)


@bp.post("/staff/ideas/<idea_id>/status")
@accounts.require_role(*ADVISORS)
def move(idea_id):
    staff = accounts.current_staff()
    to = request.form.get("status", "")
    reason, too_long = _text("reason", "reason")
    with db().begin() as conn:
        found = _idea_or_404(conn, staff, idea_id)
        if to not in NEXT_STATUS[found["status"]]:
            return _idea_page(conn, staff, found, {"status": tr("error_400")}, 400)
        if too_long or (to in NEEDS_REASON and not reason):
            return _idea_page(conn, staff, found, {"status": too_long or tr("err_reason")}, 400)
        intake_store.set_status(conn, found, to, reason or None, staff.actor)
        audit.record(staff.actor, "idea.status", "idea", found["id"], f"{found['status']}->{to}", conn=conn)
        ref = reference(found["id"])
        mail.queue(
            found["email"],
            t("mail_status_subject", found["lang"], ref=ref),
            t("mail_status_body", found["lang"], ref=ref, status=t("st_" + to, found["lang"])),
            conn=conn,
        )
    return _back(idea_id)


@bp.post("/staff/ideas/<idea_id>/notes")
@accounts.require_role(*ADVISORS)
def note(idea_id):
    staff = accounts.current_staff()
    text, too_long = _text("note", "note")
    with db().begin() as conn:
        found = _idea_or_404(conn, staff, idea_id)
        if too_long or not text:
            return _idea_page(conn, staff, found, {"note": too_long or tr("err_required", field=tr("note").lower())}, 400)
        intake_store.add_note(conn, found["id"], staff.id, text)
        audit.record(staff.actor, "idea.note", "idea", found["id"], conn=conn)
    return _back(idea_id)


@bp.post("/staff/ideas/<idea_id>/priority")
@accounts.require_role(*ADVISORS)
def override(idea_id):
    staff = accounts.current_staff()
    wanted = request.form.get("priority", "")
    reason, too_long = _text("reason", "reason")
    with db().begin() as conn:
        found = _idea_or_404(conn, staff, idea_id)
        if request.form.get("action") == "clear":
            intake_store.override_priority(conn, found, None, None, staff.actor)
            audit.record(staff.actor, "idea.priority", "idea", found["id"], "override removed", conn=conn)
            return _back(idea_id)
        if wanted not in PRIORITIES:
            return _idea_page(conn, staff, found, {"priority": tr("error_400")}, 400)
        if too_long or not reason:
            return _idea_page(conn, staff, found, {"priority": too_long or tr("err_reason")}, 400)
        intake_store.override_priority(conn, found, wanted, reason, staff.actor)
        audit.record(staff.actor, "idea.priority", "idea", found["id"], f"override={wanted}", conn=conn)
    return _back(idea_id)
