"""The consortium guide's registers in the web: the partner table (filling in the guide's count
answers, each explained), the partner directory (search, and suggestions for each gap), and
the call calendar. Read-only data of the knowledge base, loaded once per process."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, redirect, render_template, request, url_for

from engine.call_calendar import load_calendar, upcoming
from engine.countries import load_countries
from engine.directory import ROLES, load_directory, search, suggest
from engine.errors import AnswerError
from engine.partner_table import KINDS, MAX_ROWS, counts_from_partners, rows_from_data
from explanations.jsonview import plain
from webui.web import Case, lang, register, ws

bp = Blueprint("registers", __name__)
MODULE = "consortium"
INSTRUMENT = "consortium.instrument"
BLANK_ROWS = 3


def directory():
    return register("directory", load_directory)


def countries():
    return register("countries", load_countries)


def calendar():
    return register("calendar", load_calendar)


def gap_suggestions(case: Case, outcome) -> list:
    """For the consortium result: partners that can fill each gap, with the reason."""
    missing = outcome.conclusions.get("consortium.missing")
    if not missing:
        return []
    partners = case.data.get("partners") or []
    lead = partners[0]["country"] if partners and isinstance(partners[0], dict) and partners[0].get("country") else "SE"
    gaps = [missing] if isinstance(missing, str) else sorted(missing)
    return suggest(directory(), gaps, lead, countries())


def _rows_from_form(form) -> list[dict]:
    rows = []
    for i in range(MAX_ROWS):
        name = form.get(f"name_{i}")
        if name is None:
            break
        name, country, kind, sme = name.strip(), form.get(f"country_{i}", "").strip(), form.get(f"kind_{i}", ""), form.get(f"sme_{i}", "")
        if not (name or country):
            continue
        rows.append({"name": name or "?", "country": country, "kind": kind, "sme": {"yes": True, "no": False}.get(sme)})
    return rows


@bp.route("/c/<case_id>/consortium/partners", methods=["GET", "POST"])
def partners(case_id):
    case = Case.load(case_id)
    if not case.has(MODULE):
        abort(404)
    cons = case.consultation(MODULE)
    kb = ws().kb
    instrument = cons.answers.get(INSTRUMENT)
    rows = case.data.get("partners") or []
    counts, errors = None, []
    if request.method == "POST":
        rows = _rows_from_form(request.form)
        instrument = request.form.get("instrument") or None
        if instrument not in kb.fact_values(INSTRUMENT):
            errors.append(kb.questions[INSTRUMENT].text.get(lang()))
        try:
            parsed = rows_from_data(rows, "partners")
        except AnswerError as exc:
            errors.extend(f"{p.location}: {p.message}" for p in exc.problems)
            parsed = None
        if errors:
            return _page(case, cons, rows, instrument, None, errors, 400)
        counts = counts_from_partners(parsed, countries(), instrument, cons.date())
        answers = {INSTRUMENT: instrument, **{f: plain(kb, f, v) for f, v in counts.answers.items()}}
        try:
            cons.resume(answers, "partners")
        except AnswerError as exc:
            return _page(case, cons, rows, instrument, None, [exc.message], 400)
        case.data["partners"] = rows
        case.put(cons)
        case.save()
        return _page(case, cons, rows, instrument, counts, [], 200)
    return _page(case, cons, rows, instrument, None, [], 200)


def _page(case, cons, rows, instrument, counts, errors, status):
    kb = ws().kb
    extra = int(request.args.get("rows", BLANK_ROWS)) if request.args.get("rows", "").isdigit() else BLANK_ROWS
    shown = list(rows) + [{"name": "", "country": "", "kind": "", "sme": None}] * min(max(extra, 1), 50)
    instruments = [(v, kb.label(INSTRUMENT, v, lang())) for v in kb.fact_values(INSTRUMENT)]
    return (
        render_template(
            "partners.html",
            case=case,
            cons=cons,
            rows=shown,
            kinds=[
                (k, kb.label("consortium.lead_applicant_type", k, lang()) if k in kb.fact_values("consortium.lead_applicant_type") else k)
                for k in KINDS
            ],
            instruments=instruments,
            instrument=instrument,
            counts=counts,
            errors=errors,
            more=len(shown) - len(rows) + 3,
        ),
        status,
    )


@bp.get("/directory")
def directory_page():
    q = request.args.get("q", "")[:200]
    role = request.args.get("role") or None
    country = (request.args.get("country") or "")[:3] or None
    if role is not None and role not in ROLES:
        abort(400)
    found = search(directory(), q, role, country)
    return render_template("directory.html", found=found, q=q, role=role or "", country=country or "", roles=ROLES)


@bp.get("/calendar")
def calendar_page():
    today = dt.date.today()
    return render_template("calendar.html", items=upcoming(calendar(), today), today=today)


@bp.get("/c/<case_id>/consortium/partners/")
def partners_slash(case_id):
    return redirect(url_for("registers.partners", case_id=case_id), 301)
