"""The submitter's side of the idea intake, without an account: the submission form (from the
start page or from a case, attaching that case's consultations), the receipt with the private
link, and through that link the status, additions, a download of everything held, and
withdrawal with deletion.

The private link carries a 256-bit token; only its hash is stored (webui.intake_store). It is
shown once, on the receipt, and never mailed: email is not a secret channel, and the link opens
an unpublished invention. Mail carries only the reference and the status.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from engine.errors import AnswerError
from explanations import render
from webui import audit, intake_store, intake_triage, mail, throttle
from webui.intake_common import LIMITS, PHONE, organisations, reference
from webui.messages import t
from webui.storage import db
from webui.web import EMAIL, Case, lang, tr, ws

bp = Blueprint("intake", __name__)

ROLE_Q, ORG_TYPE_Q = "triage.submitter_role", "triage.organisation_type"
#: Triage questions shown among the submitter's own details (required there), not in the triage part.
OWN_QUESTIONS = (ROLE_Q, ORG_TYPE_Q)
TEXT_FIELDS = ("title", "description", "need", "submitter_organisation", "email", "phone")
REQUIRED = ("title", "description", "need", "submitter_organisation", "email")


def _case_or_none(case_id: str | None) -> Case | None:
    """The case the form attaches from; one this browser does not own is a 404."""
    return Case.load(case_id) if case_id else None


def _attachable(case: Case | None) -> list[str]:
    return [m for m in case.modules if m in intake_triage.ATTACHABLE] if case else []


def _form_page(case: Case | None, values: dict, errors: dict, status: int = 200):
    workspace = ws()
    questions = intake_triage.questions(workspace)
    return (
        render_template(
            "intake_form.html",
            case=case,
            attachable=[(m, workspace.kb.modules[m]) for m in _attachable(case)],
            organisations=organisations().organisations,
            own_questions=[q for q in questions if q.id in OWN_QUESTIONS],
            triage_questions=[q for q in questions if q.id not in OWN_QUESTIONS],
            values=values,
            errors=errors,
            limits=LIMITS,
        ),
        status,
    )


@bp.get("/ideas/new")
def new():
    case = _case_or_none(request.args.get("case"))
    return _form_page(case, {"attach": _attachable(case)}, {})


def read_submission(form) -> tuple[dict, dict, dict]:
    """(fields, raw triage answers, errors) from the form; errors map a field to a message."""
    errors: dict[str, str] = {}
    fields = {}
    for name in TEXT_FIELDS:
        value = (form.get(name) or "").strip()
        label = tr("f_" + name)
        if len(value) > LIMITS[name]:
            errors[name] = tr("err_too_long", field=label, n=LIMITS[name])
        elif name in REQUIRED and not value:
            errors[name] = tr("err_required", field=label.lower())
        fields[name] = value
    if "email" not in errors and not EMAIL.match(fields["email"]):
        errors["email"] = tr("err_email")
    if "phone" not in errors and not PHONE.match(fields["phone"]):
        errors["phone"] = tr("err_phone")
    receiver = form.get("organisation", "")
    if receiver not in organisations().ids:
        errors["organisation"] = tr("err_receiver")
    fields["organisation"] = receiver if receiver in organisations().ids else ""
    if form.get("consent") != "yes":
        errors["consent"] = tr("err_consent")
    answers, problems = intake_triage.answers_from_form(ws(), form)
    kb = ws().kb
    for qid in OWN_QUESTIONS:
        if answers.get(qid) not in kb.fact_values(qid):
            errors["t." + qid] = tr("err_choice", field=render.short_text(kb, qid, lang()))
    for qid, _key in problems.items():
        errors.setdefault("t." + qid, tr("err_triage", field=render.short_text(kb, qid, lang())))
    fields["submitter_role"] = answers.get(ROLE_Q) if isinstance(answers.get(ROLE_Q), str) else ""
    fields["lang"] = lang()
    return fields, answers, errors


@bp.post("/ideas/new")
def submit():
    case = _case_or_none(request.form.get("case"))
    if not throttle.allow("idea:" + (request.remote_addr or "?"), current_app.config.get("INTAKE_RATE_LIMIT", 20), 3600):
        abort(429)
    fields, answers, errors = read_submission(request.form)
    wanted = [m for m in request.form.getlist("attach")[:20] if m in _attachable(case)]
    values = {**fields, "attach": wanted, **{k: request.form.getlist(k) for k in request.form if k.startswith("t.")}}
    values["consent"] = request.form.get("consent")
    if errors:
        return _form_page(case, values, errors, 400)
    workspace = ws()
    given = [case.consultation(m) for m in wanted] if case else []
    try:
        cons = intake_triage.run(workspace, answers, given, lang())
    except AnswerError as exc:  # a value the form let through but the question does not take
        qid = exc.location if exc.location in workspace.kb.questions else ""
        errors["t." + qid] = tr("err_triage", field=render.short_text(workspace.kb, qid, lang()) if qid else "?")
        return _form_page(case, values, errors, 400)
    summary = intake_triage.summary(cons)
    attached = {c.module_id: c.to_dict() for c in given}
    org_name = organisations().name(fields["organisation"], fields["lang"])
    with db().begin() as conn:
        idea_id, token = intake_store.create(conn, fields, {"consultation": cons.to_dict()}, summary, attached)
        ref = reference(idea_id)
        audit.record("submitter", "idea.submit", "idea", idea_id, f"organisation={fields['organisation']}", conn=conn)
        mail.queue(
            fields["email"],
            t("mail_received_subject", fields["lang"], ref=ref),
            t("mail_received_body", fields["lang"], ref=ref, org=org_name),
            conn=conn,
        )
    # Post/redirect/get: reloading the receipt must not submit the idea again.
    return redirect(url_for("intake.receipt", token=token), 303)


@bp.get("/idea/<token>/receipt")
def receipt(token):
    """The receipt: the reference and the private link to keep (it is this page's own address too)."""
    with db().connect() as conn:
        idea = _by_token(conn, token)
    return render_template(
        "intake_receipt.html",
        ref=reference(idea["id"]),
        link=url_for("intake.status", token=token, _external=True),
        email=idea["email"],
        org_name=organisations().name(idea["organisation"], lang()),
    )


# --- through the private link -------------------------------------------------------------


def _by_token(conn, token: str) -> dict:
    idea = intake_store.by_token(conn, token)
    if idea is None:
        abort(404)
    return idea


def _public_events(events: list[dict]) -> list[dict]:
    """Status changes only (with the reason given for handing over or closing); assignments,
    priority overrides and notes are internal."""
    return [e for e in events if e["kind"] == "status"]


def _status_page(conn, idea: dict, token: str, *, error: str | None = None, added: bool = False, code: int = 200):
    modules = list(intake_store.attached(conn, idea["id"]))
    page = render_template(
        "idea_status.html",
        idea=idea,
        token=token,
        ref=reference(idea["id"]),
        org_name=organisations().name(idea["organisation"], lang()),
        additions=intake_store.additions_of(conn, idea["id"]),
        events=_public_events(intake_store.events_of(conn, idea["id"])),
        modules=[(m, ws().kb.modules[m]) for m in modules if m in ws().kb.modules],
        limits=LIMITS,
        added=added,
        error=error,
    )
    return page, code


@bp.get("/idea/<token>")
def status(token):
    with db().begin() as conn:
        idea = _by_token(conn, token)
        audit.record("submitter", "idea.view", "idea", idea["id"], conn=conn)
        return _status_page(conn, idea, token, added=request.args.get("added") == "1")


@bp.post("/idea/<token>/add")
def add(token):
    text = (request.form.get("addition") or "").strip()
    label = tr("add_info_label")
    with db().begin() as conn:
        idea = _by_token(conn, token)
        if not text:
            return _status_page(conn, idea, token, error=tr("err_required", field=label.lower()), code=400)
        if len(text) > LIMITS["addition"]:
            return _status_page(conn, idea, token, error=tr("err_too_long", field=label, n=LIMITS["addition"]), code=400)
        intake_store.add_addition(conn, idea["id"], text)
        audit.record("submitter", "idea.add", "idea", idea["id"], conn=conn)
    return redirect(url_for("intake.status", token=token, added=1), 303)


def held_data(conn, idea: dict) -> dict:
    """Everything held about the submitter and their idea, except advisors' internal notes,
    assignments and priority (the advisors' working material)."""
    keep = (
        "created",
        "updated",
        "status",
        "organisation",
        "title",
        "description",
        "need",
        "submitter_role",
        "submitter_organisation",
        "email",
        "phone",
        "lang",
    )
    return {
        "format": "vagvisare.idea/1",
        "reference": reference(idea["id"]),
        "idea": {k: (idea[k].isoformat() if hasattr(idea[k], "isoformat") else idea[k]) for k in keep},
        "triage_answers": idea["triage"]["consultation"]["answers"],
        "attached_consultations": intake_store.attached(conn, idea["id"]),
        "additions": [{"created": a["created"].isoformat(), "text": a["text"]} for a in intake_store.additions_of(conn, idea["id"])],
        "status_history": [
            {"created": e["created"].isoformat(), "from": e["from_value"], "to": e["to_value"], "reason": e["reason"]}
            for e in _public_events(intake_store.events_of(conn, idea["id"]))
        ],
    }


def held_markdown(data: dict, language: str) -> str:
    """The download as Markdown, in the submitter's language; every text they wrote is escaped."""
    kb = ws().kb
    idea = data["idea"]
    role = idea["submitter_role"]
    shown = [
        ("received", idea["created"][:10]),
        ("status", t("st_" + idea["status"], language)),
        ("receiver", organisations().name(idea["organisation"], language)),
        ("role", kb.label(ROLE_Q, role, language) if role in kb.fact_values(ROLE_Q) else role),
        ("f_submitter_organisation", idea["submitter_organisation"]),
        ("f_email", idea["email"]),
        ("f_phone", idea["phone"]),
    ]
    lines = [f"# {data['reference']}: {_md(idea['title'])}", ""]
    lines += [f"- **{t(key, language)}:** {_md(value)}" for key, value in shown]
    lines += ["", "## " + t("f_description", language), "", _md(idea["description"]), ""]
    lines += ["## " + t("f_need", language), "", _md(idea["need"]), "", "## " + t("fs_triage", language), ""]
    for qid, value in data["triage_answers"]:
        lines.append(f"- {_md(render.short_text(kb, qid, language))}: {_md(_answer_text(kb, qid, value, language))}")
    lines += ["", "## " + t("attached_guides", language), ""]
    for module, saved in data["attached_consultations"].items():
        title = kb.modules[module].title.get(language) if module in kb.modules else module
        lines += [f"### {_md(title)}", ""]
        lines += [
            f"- {_md(render.short_text(kb, q, language))}: {_md(_answer_text(kb, q, v, language))}" for q, v in saved.get("answers", [])
        ]
        lines.append("")
    lines += ["## " + t("additions", language), ""]
    lines += [f"- {a['created'][:10]}: {_md(a['text'])}" for a in data["additions"]]
    lines += ["", "## " + t("history", language), ""]
    for e in data["status_history"]:
        reason = f" ({t('reason', language)}: {_md(e['reason'])})" if e["reason"] else ""
        lines.append(f"- {e['created'][:10]}: {t('st_' + e['to'], language)}{reason}")
    return "\n".join(lines) + "\n"


def _answer_text(kb, qid: str, value, language: str) -> str:
    """A saved answer (JSON form) as words, through the knowledge base's labels where it has them."""
    if value == "dont_know":
        return t("dont_know", language)
    if isinstance(value, bool):
        return t("yes" if value else "no", language)
    if isinstance(value, list):
        return "; ".join(_answer_text(kb, qid, v, language) for v in value)
    if isinstance(value, str) and qid in kb.questions and value in kb.fact_values(qid):
        return kb.label(qid, value, language)
    return str(value)


def _md(text: str) -> str:
    """Plain text inside Markdown: characters that would format are escaped."""
    out = str(text).replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


@bp.get("/idea/<token>/export.<fmt>")
def export(token, fmt):
    if fmt not in ("json", "md"):
        abort(404)
    with db().begin() as conn:
        idea = _by_token(conn, token)
        data = held_data(conn, idea)
        audit.record("submitter", "idea.export", "idea", idea["id"], fmt, conn=conn)
    name = f"vagvisare-{data['reference']}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "json":
        return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json", headers=headers)
    return Response(held_markdown(data, lang()), mimetype="text/markdown", headers=headers)


@bp.get("/idea/<token>/withdraw")
def withdraw_confirm(token):
    with db().connect() as conn:
        idea = _by_token(conn, token)
    return render_template("idea_withdraw.html", idea=idea, token=token, ref=reference(idea["id"]))


@bp.post("/idea/<token>/withdraw")
def withdraw(token):
    with db().begin() as conn:
        idea = _by_token(conn, token)
        intake_store.delete(conn, idea["id"])
        audit.record("submitter", "idea.delete", "idea", idea["id"], conn=conn)
    return render_template("idea_withdrawn.html")
