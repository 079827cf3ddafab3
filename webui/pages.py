"""The HTML pages: start, one question per page, check your answers, result, what-if, report,
pathway picture, knowledge-base browser. Every page works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from engine.errors import AnswerError
from engine.model import ABSENT
from explanations import render
from explanations.jsonview import plain
from webui import explained, kbview
from webui.forms import FormProblem, raw_answer, shown_value
from webui.web import Case, disown, lang, md_html, own, store, ws

bp = Blueprint("pages", __name__)


def _module_or_404(module_id: str):
    if module_id not in ws().kb.modules:
        abort(404)
    return ws().kb.modules[module_id]


@bp.get("/")
def start():
    return render_template("start.html", guides=ws().guides(), lengths=_lengths())


def _lengths() -> dict[str, tuple[int, int]]:
    """Per guide: the usual number of questions and the minutes they take (about 30 s each)."""
    workspace = ws()
    out = {}
    for guide in workspace.guides():
        n = workspace.typical_questions(guide.id)
        out[guide.id] = (n, max(2, round(n / 2)))
    return out


@bp.post("/start")
def start_post():
    module_id = request.form.get("module", "")
    _module_or_404(module_id)
    case = Case("", Case.new_data())
    case.start(module_id)
    case.id = store().create(case.data)
    own(case.id)
    return redirect(url_for("pages.question", case_id=case.id, module_id=module_id), 303)


@bp.post("/resume")
def resume():
    code = request.form.get("code", "").strip()
    if store().load(code) is None:
        return render_template("start.html", guides=ws().guides(), lengths=_lengths(), resume_error=True), 404
    own(code)
    return redirect(url_for("pages.case", case_id=code), 303)


@bp.get("/r/<case_id>")
def resume_link(case_id):
    if store().load(case_id) is None:
        abort(404)
    own(case_id)
    return redirect(url_for("pages.case", case_id=case_id), 303)


@bp.get("/c/<case_id>")
def case(case_id):
    c = Case.load(case_id)
    return render_template("case.html", case=c, guides=ws().guides())


@bp.get("/c/<case_id>/delete")
def delete_confirm(case_id):
    return render_template("delete.html", case=Case.load(case_id))


@bp.post("/c/<case_id>/delete")
def delete(case_id):
    Case.load(case_id)
    store().delete(case_id)
    disown(case_id)
    return render_template("deleted.html")


@bp.post("/c/<case_id>/start")
def case_start(case_id):
    c = Case.load(case_id)
    module_id = request.form.get("module", "")
    _module_or_404(module_id)
    c.start(module_id)
    c.save()
    return redirect(url_for("pages.question", case_id=case_id, module_id=module_id), 303)


@bp.post("/c/<case_id>/<module_id>/handover/<to_module>")
def handover(case_id, module_id, to_module):
    from engine.handover import handover_answers, handovers_offered

    c = Case.load(case_id)
    _module_or_404(to_module)
    cons = _consultation(c, module_id)
    outcome = cons.outcome()
    if to_module not in handovers_offered(ws().kb, module_id, {**outcome.answers, **outcome.conclusions}):
        abort(404)
    answers = {q: plain(ws().kb, q, v) for q, v in cons.answers.items()}
    carried = handover_answers(ws().kb, module_id, answers, to_module)
    c.start(to_module, carried)
    c.save()
    return redirect(url_for("pages.question", case_id=case_id, module_id=to_module), 303)


def _consultation(case: Case, module_id: str):
    _module_or_404(module_id)
    if not case.has(module_id):
        abort(404)
    return case.consultation(module_id)


def _question_page(case, cons, question, *, mode="answer", chosen=(), error=None, status=200):
    why_html = md_html(render.why_markdown(cons.compiled, cons.why(question.id), lang()))
    sources_html = md_html(render.cites(ws().kb, question.sources, lang())) if question.sources else ""
    definitions = [
        (d.term.get(lang()), d.meaning.get(lang()), md_html(render.cite(ws().kb, d.source, lang())) if d.source else "")
        for d in question.definitions
    ]
    answered, left = cons.progress()
    return (
        render_template(
            "question.html",
            case=case,
            cons=cons,
            q=question,
            mode=mode,
            chosen=list(chosen),
            error=error,
            why_html=why_html,
            sources_html=sources_html,
            definitions=definitions,
            answered=answered,
            left=left,
            dropped=cons.dropped,
        ),
        status,
    )


@bp.get("/c/<case_id>/<module_id>")
def question(case_id, module_id):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    q = cons.next_question
    if q is None:
        return redirect(url_for("pages.check", case_id=case_id, module_id=module_id), 303)
    return _question_page(case, cons, q)


@bp.post("/c/<case_id>/<module_id>")
def answer(case_id, module_id):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    if request.form.get("action") == "back":
        cons.back()
        case.put(cons)
        case.save()
        return redirect(url_for("pages.question", case_id=case_id, module_id=module_id), 303)
    qid = request.form.get("question", "")
    q = cons.next_question
    if q is None or qid != q.id:
        # a stale or forged form: answer nothing, show the question being asked now
        if qid not in ws().kb.questions or ws().kb.questions[qid].module != module_id:
            abort(400)
        return redirect(url_for("pages.question", case_id=case_id, module_id=module_id), 303)
    values = request.form.getlist("answer")
    try:
        cons.answer(qid, raw_answer(q, values))
    except FormProblem as exc:
        return _question_page(case, cons, q, chosen=values, error=exc.key, status=400)
    except AnswerError as exc:
        return _question_page(case, cons, q, chosen=values, error=exc, status=400)
    case.put(cons)
    case.save()
    return redirect(url_for("pages.question", case_id=case_id, module_id=module_id), 303)


@bp.get("/c/<case_id>/<module_id>/change/<qid>")
def change(case_id, module_id, qid):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    if qid not in cons.answers:
        abort(404)
    q = ws().kb.questions[qid]
    return _question_page(case, cons, q, mode="change", chosen=shown_value(q, plain(ws().kb, qid, cons.answers[qid])))


@bp.post("/c/<case_id>/<module_id>/change/<qid>")
def change_post(case_id, module_id, qid):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    if qid not in cons.answers or request.form.get("question") != qid:
        abort(400)
    q = ws().kb.questions[qid]
    values = request.form.getlist("answer")
    try:
        cons.change(qid, raw_answer(q, values))
    except FormProblem as exc:
        return _question_page(case, cons, q, mode="change", chosen=values, error=exc.key, status=400)
    except AnswerError as exc:
        return _question_page(case, cons, q, mode="change", chosen=values, error=exc, status=400)
    case.put(cons)
    case.save()
    return redirect(url_for("pages.question", case_id=case_id, module_id=module_id), 303)


@bp.post("/c/<case_id>/<module_id>/as-of")
def as_of(case_id, module_id):
    """An advisor's setting: apply the law as of another date (empty: today)."""
    from engine.answers import parse_date

    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    raw = (request.form.get("as_of") or "").strip()
    day = None
    if raw:
        day, error = parse_date("as_of", raw[:40])
        if error:
            return render_template("result.html", **_result_context(case, cons), as_of_error=True), 400
    cons.set_as_of(day)
    case.put(cons)
    case.save()
    return redirect(url_for("pages.result", case_id=case_id, module_id=module_id), 303)


@bp.get("/c/<case_id>/<module_id>/check")
def check(case_id, module_id):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    kb = ws().kb
    rows = [(q, render.short_text(kb, q, lang()), render.value_text(kb, q, v, lang())) for q, v in cons.answers.items()]
    return render_template("check.html", case=case, cons=cons, rows=rows)


def _result_context(case, cons):
    from engine.handover import handovers_offered

    kb = ws().kb
    outcome = cons.outcome()
    module = kb.modules[cons.module_id]
    conclusions = explained.conclusions(cons, lang())  # each goal with its decisive chain and full proof
    u = outcome.uncertainty
    conditional = explained.conditional(cons, lang())
    recs, seen = [], set()
    for rule_id, rec in outcome.recommendations:
        if rec.id not in seen:
            seen.add(rec.id)
            recs.append((rec.text.get(lang()), md_html(render.cites(kb, cons.compiled.rules[rule_id].sources, lang()))))
    why_not_html = ""
    fact, value = request.args.get("why_not_fact"), request.args.get("why_not_value")
    if fact and value is not None:
        try:
            words = cons.why_not_in_words(fact, _typed(kb, fact, value))
            why_not_html = md_html(render.why_not_words_markdown(cons.compiled, words, lang()))
        except AnswerError:
            abort(400)
    why_not_choices = [
        (f, render.fact_text(kb, f, lang()), [(v, kb.label(f, v, lang())) for v in kb.fact_values(f)])
        for f in module.goals
        if kb.conclusions.get(f) is not None and kb.conclusions[f].type in ("choice", "boolean") and kb.fact_values(f)
    ]
    offers = handovers_offered(kb, cons.module_id, {**outcome.answers, **outcome.conclusions})
    suggestions = []
    if cons.module_id == "consortium":
        from webui.registers import gap_suggestions

        suggestions = [(kb.label("consortium.missing", g.gap, lang()), g) for g in gap_suggestions(case, outcome)]
    return {
        "case": case,
        "cons": cons,
        "outcome": outcome,
        "conclusions": conclusions,
        "conditional": conditional,
        "key_unknowns": [render.short_text(kb, f, lang()) for f, _ in u.key_unknowns] if u else [],
        "recs": recs,
        "why_not_html": why_not_html,
        "why_not_choices": why_not_choices,
        "open_goals": [render.fact_text(kb, g, lang()) for g in outcome.open_goals],
        "offers": [(m, kb.modules[m]) for m in offers if m in kb.modules],
        "kb_version": kb.version,
        "suggestions": suggestions,
    }


def _typed(kb, fact, raw):
    decl = kb.conclusions.get(fact)
    if decl is not None and decl.type == "boolean":
        return {"true": True, "yes": True, "false": False, "no": False}.get(raw, raw)
    return raw


def _typed_value(kb, fact, raw):
    return _typed(kb, fact, raw)


def _data_value(kb, fact, value):
    from webui.web import data_value

    return data_value(kb, fact, value)


@bp.get("/c/<case_id>/<module_id>/result")
def result(case_id, module_id):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    return render_template("result.html", **_result_context(case, cons))


@bp.get("/c/<case_id>/<module_id>/whatif")
def what_if(case_id, module_id):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    kb = ws().kb
    asked = {}
    for qid in cons.answers:
        v = request.args.get("q." + qid, "")
        if v:
            asked[qid] = v
    rows, changes, more = [], None, False
    if asked:
        trial = {}
        for qid, v in asked.items():
            q = kb.questions[qid]
            try:
                trial[qid] = raw_answer(q, v.split(",") if q.type == "multichoice" else [v])
            except FormProblem:
                abort(400)
        try:
            wi = cons.what_if(trial)
        except AnswerError:
            abort(400)
        changes = [
            (
                render.fact_text(kb, ch.fact, lang()),
                ch.fact,
                render.value_text(kb, ch.fact, None if ch.before is ABSENT else ch.before, lang()),
                render.value_text(kb, ch.fact, None if ch.after is ABSENT else ch.after, lang()),
                _data_value(kb, ch.fact, None if ch.after is ABSENT else ch.after),
            )
            for ch in wi.changes
        ]
        more = wi.next_question is not None
    for qid, v in cons.answers.items():
        q = kb.questions[qid]
        options = _options(kb, q)
        rows.append((q, render.short_text(kb, qid, lang()), render.value_text(kb, qid, v, lang()), options, asked.get(qid, "")))
    return render_template("whatif.html", case=case, cons=cons, rows=rows, changes=changes, more=more)


def _options(kb, q):
    from webui.web import tr

    if q.type == "boolean":
        return [("yes", tr("yes")), ("no", tr("no")), ("dont_know", tr("dont_know"))]
    if q.type in ("choice", "multichoice"):
        return [(c.id, c.label.get(lang())) for c in q.choices] + [("dont_know", tr("dont_know"))]
    return None  # number, date: a text field


def _report_md(cons) -> str:
    return render.outcome_markdown(cons.compiled, cons.outcome(), lang())


@bp.get("/c/<case_id>/<module_id>/report")
def report(case_id, module_id):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    return render_template("report.html", case=case, cons=cons, report_html=md_html(_report_md(cons)), kb_version=ws().kb.version)


@bp.get("/c/<case_id>/<module_id>/report.md")
def report_md(case_id, module_id):
    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    return Response(
        _report_md(cons),
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="vagvisare-{module_id}.md"'},
    )


@bp.get("/c/<case_id>/<module_id>/report.pdf")
def report_pdf(case_id, module_id):
    from weasyprint import HTML

    case = Case.load(case_id)
    cons = _consultation(case, module_id)
    page = render_template("report.html", case=case, cons=cons, report_html=md_html(_report_md(cons)), kb_version=ws().kb.version, pdf=True)
    pdf = HTML(string=page, base_url=None, url_fetcher=_no_fetch).write_pdf()
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="vagvisare-{module_id}.pdf"'})


def _no_fetch(url, *args, **kwargs):
    """The PDF is made from the page alone: nothing is fetched, not even from this server."""
    raise ValueError("no external resources")


@bp.get("/c/<case_id>/pathway/graph")
def pathway_graph(case_id):
    case = Case.load(case_id)
    cons = case.consultation("pathway") if case.has("pathway") else None
    return render_template("pathway.html", case=case, cons=cons, **kbview.pathway_views(cons, lang()))


@bp.get("/pathway")
def pathway_plain():
    return render_template("pathway.html", case=None, cons=None, **kbview.pathway_views(None, lang()))


@bp.get("/kb")
def kb_browser():
    query = request.args.get("q", "")[:200]
    return render_template("kb.html", query=query, **kbview.browse(ws().kb, query, lang()))


@bp.get("/healthz")
def healthz():
    return {"ok": True}


@bp.app_context_processor
def globals_():
    from webui.web import switch_url, text, tr

    return {
        "lang": lang,
        "tr": tr,
        "text": text,
        "switch_url": switch_url,
        "kb_version_attr": lambda: ws().kb.version,
        "ws_guides": lambda: ws().guides(),
        "pdf_css": _pdf_css,
        "fact_label": lambda fact: render.fact_text(ws().kb, fact, lang()),
        "value_label": lambda fact, value: render.value_text(ws().kb, fact, value, lang()),
    }


def _pdf_css() -> str:
    from pathlib import Path

    return (Path(__file__).parent / "static" / "style.css").read_text(encoding="utf-8")
