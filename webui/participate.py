"""A participant's side of a live training session: join with the code on the screen and a
nickname (no account), read the case, answer the key questions and predict the outcome, then
follow the trainer's reveal of the reasoning.

A participant is an unguessable token: it is the address of their page (`/p/<token>`, which
they may keep to come back from another device) and is remembered in their Flask session, so
joining again with the same code on the same browser returns to the same answers. Answers are
in the database (webui.training_store), so a reload or a server restart keeps them. A
participant's page shows their own answers and the steps revealed so far, never anyone
else's answers nor the trainer's controls.

Guessing join codes is slowed by `webui.throttle.allow` (shared by every worker), per client
address; a code only opens a session for TRAINING_JOIN_HOURS after it started.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from webui import live, throttle
from webui.errors import refusal as refuse
from webui.scenario_book import book
from webui.storage import now
from webui.training_forms import NotInScenario, answer_rows, chosen_values, fields, model_values, read_form
from webui.training_store import CODE_LENGTH, Participant, normal_code
from webui.training_store import current as training_store
from webui.web import lang, tr, ws

bp = Blueprint("participate", __name__)

NICKNAME_MAX = 40
NICKNAME_PUNCTUATION = " .-_'"
MAX_SESSIONS_REMEMBERED = 10


def clean_nickname(raw) -> tuple[str, str | None]:
    """The nickname to store, and the webui.messages key of what is wrong with it (None: fine).
    Control and formatting characters are dropped, runs of spaces made one; then only letters,
    digits, spaces and . - _ ' are allowed, at most NICKNAME_MAX of them. (Pages escape it anyway.)"""
    text = "".join(ch for ch in str(raw or "")[:1000] if not unicodedata.category(ch).startswith("C"))
    name = " ".join(text.split())
    if not name:
        return "", "nickname_missing"
    if len(name) > NICKNAME_MAX:
        return name[:NICKNAME_MAX], "nickname_long"
    if any(not (ch.isalnum() or unicodedata.category(ch).startswith("M") or ch in NICKNAME_PUNCTUATION) for ch in name):
        return name, "nickname_chars"
    return name, None


def _remembered() -> dict:
    value = session.get("training")
    return value if isinstance(value, dict) else {}


def _remember(session_id: str, token: str) -> None:
    if _remembered().get(session_id) == token:
        return  # unchanged: no new cookie on every poll
    kept = {k: v for k, v in _remembered().items() if k != session_id}
    session["training"] = dict(list(kept.items())[-(MAX_SESSIONS_REMEMBERED - 1) :] + [(session_id, token)])
    session.permanent = True


def _join_page(status=200, **context):
    values = {"code": "", "nickname": "", "problem": None, "live_choice": True, "code_length": CODE_LENGTH, "nickname_max": NICKNAME_MAX}
    values.update(context)
    return render_template("join.html", **values), status


@bp.get("/join")
def join():
    return _join_page(code=normal_code(request.args.get("code", "")))


@bp.post("/join")
def join_post():
    limit, window = current_app.config["JOIN_RATE_LIMIT"], current_app.config["JOIN_RATE_WINDOW"]
    if limit and not throttle.allow("join:" + (request.remote_addr or "unknown"), limit, window):
        return refuse(429, "error_429")
    typed = request.form.get("code", "")[:40]
    wants_live = bool(request.form.get("live"))
    name, problem = clean_nickname(request.form.get("nickname", ""))
    found = training_store().by_code(typed)
    shown = {"code": typed.strip(), "nickname": name, "live_choice": wants_live}
    if found is None or book().get(found.scenario_id) is None:
        return _join_page(404, problem="join_unknown", field="code", **shown)
    token = _remembered().get(found.id)
    mine = training_store().participant(token) if token else None
    if mine is not None and mine.session_id == found.id:  # the same browser again: the same answers
        live.choose(wants_live)
        return redirect(url_for("participate.page", token=mine.id), 303)
    too_old = now() - found.created > dt.timedelta(hours=current_app.config["TRAINING_JOIN_HOURS"])
    if not found.open or too_old:
        return _join_page(409, problem="join_closed", field="code", **shown)
    if problem:
        return _join_page(400, problem=problem, field="nickname", **shown)
    participant = training_store().join(found.id, name)
    _remember(found.id, participant.id)
    live.choose(wants_live)
    return redirect(url_for("participate.page", token=participant.id), 303)


def _load(token: str):
    """(participant, session, scenario), or None when the token is no participant's."""
    participant = training_store().participant(token)
    if participant is None:
        return None
    found = training_store().get(participant.session_id)
    scenario = book().get(found.scenario_id) if found else None
    if scenario is None:
        return None
    return participant, found, scenario


def _form_page(participant: Participant, found, scenario, status=200, chosen=None, problems=None):
    kb = ws().kb
    return (
        render_template(
            "participant_form.html",
            participant=participant,
            found=found,
            scenario=scenario,
            guide=kb.modules[scenario.guide],
            fields=fields(kb, scenario, lang(), tr("yes"), tr("no")),
            chosen=chosen if chosen is not None else chosen_values(participant.responses),
            problems=problems or {},
        ),
        status,
    )


@bp.get("/p/<token>")
def page(token):
    loaded = _load(token)
    if loaded is None:
        return refuse(404, "not_a_participant")
    participant, found, scenario = loaded
    _remember(found.id, participant.id)
    can_answer = found.open and found.revealed == 0
    if can_answer and (not participant.has_answered or request.args.get("change") == "1"):
        return _form_page(participant, found, scenario)
    steps = book().steps(scenario, lang())
    expected = book().expected(scenario)
    values = model_values(ws(), scenario, participant.responses)
    rows = answer_rows(ws(), scenario, participant.responses, lang())
    mine = {fact: (words, values.get(fact) == expected.get(fact)) for fact, _text, words in rows}
    shown = min(found.revealed, len(steps))
    following = found.open or shown < len(steps)
    return render_template(
        "participant_wait.html",
        participant=participant,
        found=found,
        scenario=scenario,
        guide=ws().kb.modules[scenario.guide],
        rows=rows,
        steps=steps,
        shown=shown,
        mine=mine,
        can_change=can_answer,
        live=following and live.wanted(),
        following=following,
        all_shown=shown >= len(steps),
    )


@bp.post("/p/<token>")
def answer(token):
    loaded = _load(token)
    if loaded is None:
        return refuse(404, "not_a_participant")
    participant, found, scenario = loaded
    if not found.open:
        return refuse(409, "answers_closed")
    if found.revealed:
        return refuse(409, "answers_locked")
    try:
        reading = read_form(ws(), scenario, request.form, fields(ws().kb, scenario, lang(), tr("yes"), tr("no")))
    except NotInScenario:
        return refuse(400, "not_in_scenario")
    if not reading.complete:
        return _form_page(participant, found, scenario, 400, reading.chosen, reading.problems)
    if not training_store().answer(participant.id, reading.responses):
        return refuse(409, "answers_locked")  # closed or revealed between the check and the write
    return redirect(url_for("participate.page", token=participant.id), 303)
