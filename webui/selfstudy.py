"""Self-study: anyone plays a scenario alone, without a trainer or an account: read the case,
answer the key questions, predict the outcome, then see the reveal of the guide's real
reasoning with each answer compared, the misconception, learning points and discussion prompts.

Nothing about the player is stored on the server: their answers live only in their own Flask
session (a signed cookie), a few scenarios at most.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from webui.errors import refusal as refuse
from webui.scenario_book import book
from webui.training_forms import NotInScenario, answer_rows, chosen_values, fields, model_values, read_form
from webui.web import lang, tr, ws

bp = Blueprint("selfstudy", __name__)

KEY = "study"
KEPT = 4  # scenarios remembered in the cookie


def _played() -> dict:
    value = session.get(KEY)
    return value if isinstance(value, dict) else {}


@bp.get("/scenarios")
def library():
    kb = ws().kb
    guides = {}
    for scenario in book().scenarios():
        guides.setdefault(scenario.guide, []).append(scenario)
    groups = [(kb.modules[g].title, items) for g, items in guides.items()]
    return render_template("study_list.html", groups=groups, played=_played())


def _scenario_or_404(scenario_id):
    scenario = book().get(scenario_id)
    if scenario is None:
        return None
    return scenario


def _form(scenario, status=200, chosen=None, problems=None):
    kb = ws().kb
    return (
        render_template(
            "study_play.html",
            scenario=scenario,
            guide=kb.modules[scenario.guide],
            fields=fields(kb, scenario, lang(), tr("yes"), tr("no")),
            chosen=chosen if chosen is not None else chosen_values(_played().get(scenario.id, {})),
            problems=problems or {},
        ),
        status,
    )


@bp.get("/scenarios/<scenario_id>")
def play(scenario_id):
    scenario = _scenario_or_404(scenario_id)
    if scenario is None:
        return refuse(404, "unknown_scenario")
    return _form(scenario)


@bp.post("/scenarios/<scenario_id>")
def play_post(scenario_id):
    scenario = _scenario_or_404(scenario_id)
    if scenario is None:
        return refuse(404, "unknown_scenario")
    try:
        reading = read_form(ws(), scenario, request.form, fields(ws().kb, scenario, lang(), tr("yes"), tr("no")))
    except NotInScenario:
        return refuse(400, "not_in_scenario")
    if not reading.complete:
        return _form(scenario, 400, reading.chosen, reading.problems)
    kept = {k: v for k, v in _played().items() if k != scenario.id}
    session[KEY] = dict(list(kept.items())[-(KEPT - 1) :] + [(scenario.id, reading.responses)])
    return redirect(url_for("selfstudy.reveal", scenario_id=scenario.id), 303)


@bp.get("/scenarios/<scenario_id>/reveal")
def reveal(scenario_id):
    scenario = _scenario_or_404(scenario_id)
    if scenario is None:
        return refuse(404, "unknown_scenario")
    responses = _played().get(scenario.id)
    if not responses:
        return redirect(url_for("selfstudy.play", scenario_id=scenario.id), 303)
    steps = book().steps(scenario, lang())
    expected = book().expected(scenario)
    values = model_values(ws(), scenario, responses)
    rows = answer_rows(ws(), scenario, responses, lang())
    mine = {fact: (words, values.get(fact) == expected.get(fact)) for fact, _text, words in rows}
    right = sum(1 for fact in values if values[fact] == expected.get(fact))
    return render_template(
        "study_reveal.html",
        scenario=scenario,
        guide=ws().kb.modules[scenario.guide],
        steps=steps,
        mine=mine,
        right=right,
        total=len(values),
    )
