"""The trainer's side of a live training session: start one from a scenario (a join code and a
screen to project), watch answers come in (how many, and the distribution per question and
prediction), reveal the guide's reasoning step by step, close the session, read the summary,
export it as Markdown, delete it.

Only signed-in staff with the role "trainer" (or "admin") get here (webui.accounts); a trainer
controls only the sessions they started, an admin any. The reveal is
`engine.scenarios.reveal_steps` (the real `how` of the scenario's outcome), the distribution
`engine.scenarios.tally` over the stored answers: nothing of the reasoning is copied here.
"""

from __future__ import annotations

import functools

from flask import Blueprint, Response, redirect, render_template, request, url_for

from engine.scenarios import tally
from webui import audit, live
from webui.accounts import current_staff, require_role
from webui.errors import refusal as refuse
from webui.messages import t
from webui.scenario_book import book
from webui.training_store import current as training_store
from webui.training_view import export_markdown, revealed_facts, tables
from webui.web import lang, ws

bp = Blueprint("training", __name__, url_prefix="/training")

TRAINER = "trainer"


def controlled(view):
    """A trainer's route on one session: signed in as a trainer (or admin) who may control it.

    The view gets (session, scenario) instead of the id; a missing session is 404, another
    trainer's 403."""

    @functools.wraps(view)
    @require_role(TRAINER)
    def wrapped(session_id: str):
        found = training_store().get(session_id)
        scenario = book().get(found.scenario_id) if found else None
        if found is None or scenario is None:
            return refuse(404, "error_404")
        staff = current_staff()
        if staff.role != "admin" and found.owner != staff.id:
            return refuse(403, "not_your_session")
        return view(found, scenario)

    return wrapped


@bp.get("")
@require_role(TRAINER)
def sessions():
    staff = current_staff()
    mine = training_store().sessions(None if staff.role == "admin" else staff.id)
    titles = {s.id: s.title for s in book().scenarios()}
    return render_template(
        "training_list.html",
        sessions=mine,
        titles=titles,
        scenarios=book().scenarios(),
        modules=ws().kb.modules,
    )


@bp.post("/start")
@require_role(TRAINER)
def start():
    scenario = book().get(request.form.get("scenario", ""))
    if scenario is None:
        return refuse(400, "unknown_scenario")
    found = training_store().start(scenario.id, current_staff().id)
    audit.record(current_staff().actor, "training.start", "training_session", found.id, f"scenario {scenario.id}")
    live.choose(bool(request.form.get("live")))
    return redirect(url_for("training.screen", session_id=found.id), 303)


def _tally(found, scenario):
    answered = [p.responses for p in training_store().participants(found.id) if p.has_answered]
    return tally(ws(), scenario, answered)


@bp.get("/<session_id>")
@controlled
def screen(found, scenario):
    steps = book().steps(scenario, lang())
    shown = min(found.revealed, len(steps))
    people = training_store().participants(found.id)
    result = _tally(found, scenario)
    following = found.open or shown < len(steps)
    return render_template(
        "training_screen.html",
        found=found,
        scenario=scenario,
        guide=ws().kb.modules[scenario.guide],
        people=people,
        answered=sum(1 for p in people if p.has_answered),
        tables=tables(ws().kb, result, lang(), revealed_facts(steps, shown)),
        steps=steps,
        shown=shown,
        join_url=url_for("participate.join", _external=True),
        join_code_url=url_for("participate.join", code=found.code, _external=True),
        live=following and live.wanted(),
        following=following,
    )


@bp.post("/<session_id>/reveal")
@controlled
def reveal(found, scenario):
    total = len(book().steps(scenario, lang()))
    action = request.form.get("action", "")
    if action not in ("next", "back", "all"):
        return refuse(400, "error_400")
    shown = {"next": min(found.revealed + 1, total), "back": max(found.revealed - 1, 0), "all": total}[action]
    training_store().reveal(found.id, shown)
    return redirect(url_for("training.screen", session_id=found.id) + "#reveal", 303)


@bp.post("/<session_id>/close")
@controlled
def close(found, _scenario):
    training_store().close(found.id)
    audit.record(current_staff().actor, "training.close", "training_session", found.id)
    return redirect(url_for("training.screen", session_id=found.id), 303)


@bp.get("/<session_id>/summary")
@controlled
def summary(found, scenario):
    steps = book().steps(scenario, lang())
    result = _tally(found, scenario)
    return render_template(
        "training_summary.html",
        found=found,
        scenario=scenario,
        guide=ws().kb.modules[scenario.guide],
        participants=result.participants,
        joined=len(training_store().participants(found.id)),
        tables=tables(ws().kb, result, lang(), {s.fact for s in steps}),
        steps=steps,
    )


@bp.get("/<session_id>/export.md")
@controlled
def export(found, scenario):
    heading = t("session_of", lang(), code=found.code, date=found.created.strftime("%Y-%m-%d %H:%M UTC"))
    audit.record(current_staff().actor, "training.export", "training_session", found.id)
    text = export_markdown(ws().kb, scenario, book().steps(scenario, lang()), _tally(found, scenario), lang(), heading)
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="vagvisare-session-{found.code}.md"'},
    )


@bp.get("/<session_id>/delete")
@controlled
def delete_confirm(found, scenario):
    return render_template("training_delete.html", found=found, scenario=scenario)


@bp.post("/<session_id>/delete")
@controlled
def delete(found, _scenario):
    training_store().delete(found.id)
    audit.record(current_staff().actor, "training.delete", "training_session", found.id)
    return render_template("training_deleted.html")
