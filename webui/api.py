"""The JSON API: /api/v1/modules, /api/v1/modules/<id>/questions, POST /api/v1/evaluate
(the contract of `vagvisare evaluate --format json`), and its OpenAPI description.

Every mistake is a 400 (413 for a body too large) with {"error": {"field", "message", "fix"}};
no input makes it answer 500."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

from flask import Blueprint, abort, current_app, jsonify, request

from engine.errors import AnswerError
from explanations.jsonview import outcome_json
from webui.errors import api_error
from webui.web import ws

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_hits: dict = {}
_lock = threading.Lock()


@bp.before_request
def rate_limit():
    """At most API_RATE_LIMIT requests a minute per client address and worker process
    (the counters are only a throttle, kept in memory; nothing of a request is stored)."""
    limit = current_app.config.get("API_RATE_LIMIT") or 0
    if not limit:
        return None
    window = int(time.time() // 60)
    key = (request.remote_addr, window)
    with _lock:
        if len(_hits) > 10000:
            _hits.clear()
        _hits[key] = _hits.get(key, 0) + 1
        count = _hits[key]
    if count > limit:
        response = api_error(429, "rate", "too many requests", "wait a minute and try again")
        response.headers["Retry-After"] = "60"
        return response
    return None


def _text(t):
    return {"sv": t.sv, "en": t.en} if t is not None else None


@bp.get("/modules")
def modules():
    return jsonify(
        [
            {
                "id": m.id,
                "title": _text(m.title),
                "intro": _text(m.intro),
                "goals": list(m.goals),
                "inputs": list(m.inputs),
                "version": m.version,
            }
            for m in ws().guides()
        ]
    )


@bp.get("/modules/<module_id>/questions")
def questions(module_id):
    w = ws()
    if module_id not in w.kb.modules:
        return api_error(404, "module", f"unknown module '{module_id[:80]}'", f"choose one of: {', '.join(w.kb.modules)}")
    return jsonify(
        [
            {
                "id": q.id,
                "type": q.type,
                "text": _text(q.text),
                "short": _text(q.short),
                "help": _text(q.help),
                "unit": q.unit or None,
                "choices": [{"id": c.id, "label": _text(c.label), "exclusive": c.exclusive} for c in q.choices],
            }
            for q in w.kb.questions.values()
            if q.module == module_id
        ]
    )


@bp.post("/evaluate")
def evaluate():
    if not request.is_json:
        return api_error(400, "body", "the body must be JSON (Content-Type: application/json)", 'send {"module": "mdr", "answers": {...}}')
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any request needs
        body = None
    if not isinstance(body, dict):
        return api_error(400, "body", "the body must be a JSON object", 'send {"module": "mdr", "answers": {...}}')
    unknown = sorted(set(body) - {"module", "answers", "as_of", "lang", "given"})
    if unknown:
        return api_error(400, str(unknown[0])[:80] or "body", "unknown field", "use module, answers, as_of, lang, given")
    w = ws()
    module_id = body.get("module")
    if not isinstance(module_id, str) or module_id not in w.kb.modules:
        return api_error(400, "module", "unknown or missing module", f"choose one of: {', '.join(w.kb.modules)}")
    answers = body.get("answers", {})
    if not isinstance(answers, dict):
        return api_error(400, "answers", "answers must be an object of question id to answer", 'e.g. {"mdr.is_software": true}')
    for qid, raw in answers.items():  # name the answer that is wrong, not just "answers"
        try:
            w.parse_answers(module_id, {qid: raw}, "answers")
        except AnswerError as exc:
            return api_error(400, f"answers.{str(qid)[:120]}", exc.message, exc.fix)
    lang = body.get("lang", "sv")
    if lang not in ("sv", "en"):
        return api_error(400, "lang", "unknown language", "use sv or en")
    as_of = None
    if body.get("as_of") is not None:
        try:
            as_of = dt.date.fromisoformat(body["as_of"]) if isinstance(body["as_of"], str) and len(body["as_of"]) == 10 else None
        except ValueError:
            as_of = None
        if as_of is None:
            return api_error(400, "as_of", "not a date", "write it as YYYY-MM-DD")
    given_raw = body.get("given", {})
    if not isinstance(given_raw, dict):
        return api_error(400, "given", "given must be an object of module id to answers", 'e.g. {"mdr": {...}}')
    given = []
    for other, other_answers in given_raw.items():
        if other not in w.kb.modules or w.kb.modules[other].inputs or other == module_id:
            return api_error(
                400, f"given.{str(other)[:80]}", "not a guide whose results can be given", "give the answers of mdr, ip or ivdr"
            )
        if not isinstance(other_answers, dict):
            return api_error(400, f"given.{other}", "must be an object of question id to answer", "")
        given.append(w.evaluate(other, other_answers, as_of=as_of, name=f"given.{other}"))
    outcome = w.evaluate(module_id, answers, as_of=as_of, given=given, name="answers")
    return jsonify(outcome_json(w.kb, outcome, lang))


@bp.get("/openapi.json")
def openapi():
    from webui.openapi import spec

    return jsonify(spec(ws()))


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def not_found(rest):
    abort(404)
