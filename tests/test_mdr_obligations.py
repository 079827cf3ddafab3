"""Properties of the follow-on guide `mdr_obligations` (issue 17), checked with hypothesis over random
MDR results (the inputs), random answers (don't know included) and random dates.

The central one comes from the issue: no CE-marking, UDI or Eudamed device-registration advice is
ever given for an in-house or a custom-made device. Each property is checked both as a live
interview (unanswered questions stay open) and as a finished answers file.
"""

from __future__ import annotations

import datetime

from conftest import shipped_kb, shipped_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.consultation import consult
from engine.model import DONT_KNOW

_KB, _ = shipped_kb()
GUIDE = shipped_module("mdr_obligations")
QUESTIONS = _KB.module_questions("mdr_obligations")
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Duties a custom-made or in-house device never has (MDR art. 5(5), 20(1), 27(1), 29(1)).
FORBIDDEN_DUTIES = {"ce_marking", "udi", "eudamed_device_registration"}
#: Rules whose advice is about CE marking, UDI or device registration: those concluding a forbidden
#: duty, and the UDI-marking notes that conclude nothing.
FORBIDDEN_RULES = {
    rule.id
    for rule in _KB.module_rules("mdr_obligations")
    if any(fact == "mdr_obligations.duties" and value & FORBIDDEN_DUTIES for fact, value in rule.conclude) or ".udi" in rule.id
}
IN_HOUSE_ONLY = {"ivo_notification", "ivo_incident_reporting", "in_house_conditions", "annex_i_gspr"}
DATES = st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2031, 12, 31))


def _value(fact: str):
    decl = _KB.questions.get(fact) or _KB.conclusions[fact]
    if decl.type == "boolean":
        return st.booleans()
    if decl.type == "choice":
        return st.sampled_from(decl.values)
    return st.sets(st.sampled_from(decl.values), min_size=1, max_size=2).map(frozenset)


@st.composite
def mdr_results(draw):
    """Some of the MDR guide's conclusions and answers the follow-on guide reads, at random."""
    inputs = draw(st.lists(st.sampled_from(GUIDE.module.inputs), unique=True))
    return {fact: draw(_value(fact)) for fact in inputs}


@st.composite
def answer_sets(draw, **fixed):
    chosen = draw(st.lists(st.sampled_from(QUESTIONS), unique_by=lambda q: q.id))
    answers = draw(mdr_results())
    answers.update({q.id: draw(st.one_of(_value(q.id), st.just(DONT_KNOW))) for q in chosen})
    answers.update(fixed)
    return answers


def outcomes(answers: dict, as_of: datetime.date):
    return [
        consult(GUIDE, answers, explore_unknowns=False, as_of=as_of),
        consult(GUIDE, answers, explore_unknowns=False, close_unanswered=True, as_of=as_of),
    ]


def _no_ce_udi_or_device_registration(outcome):
    duties = outcome.conclusions.get("mdr_obligations.duties", frozenset())
    assert not duties & FORBIDDEN_DUTIES, (outcome.answers, duties)
    fired = {firing.rule for firing in outcome.trace}
    assert not fired & FORBIDDEN_RULES, (outcome.answers, fired & FORBIDDEN_RULES)


@SETTINGS
@given(answers=answer_sets(**{"mdr.in_house_exemption": True}), as_of=DATES)
def test_no_ce_udi_or_eudamed_device_registration_for_an_in_house_device(answers, as_of):
    for outcome in outcomes(answers, as_of):
        _no_ce_udi_or_device_registration(outcome)


@SETTINGS
@given(answers=answer_sets(**{"mdr_obligations.production": "custom_made"}), as_of=DATES)
def test_no_ce_udi_or_eudamed_device_registration_for_a_custom_made_device(answers, as_of):
    for outcome in outcomes(answers, as_of):
        if outcome.answers.get("mdr_obligations.production") == "custom_made":  # not asked for software, for instance
            _no_ce_udi_or_device_registration(outcome)


@SETTINGS
@given(answers=answer_sets(), as_of=DATES)
def test_the_route_decides_who_is_told(answers, as_of):
    """IVO duties only for in-house manufacture; CE marking only on the CE route; a legacy end date
    only while it has not passed."""
    for outcome in outcomes(answers, as_of):
        pathway = outcome.conclusions.get("mdr_obligations.pathway")
        duties = outcome.conclusions.get("mdr_obligations.duties", frozenset())
        if duties & IN_HOUSE_ONLY:
            assert pathway in ("in_house", "in_house_outside_sweden"), (pathway, duties)
        if {"ivo_notification", "ivo_incident_reporting"} & duties:
            assert pathway == "in_house"
        if "ce_marking" in duties:
            assert pathway == "ce_marking"
        if pathway in ("in_house", "in_house_outside_sweden", "custom_made"):
            assert not duties & FORBIDDEN_DUTIES
        end = outcome.conclusions.get("mdr_obligations.legacy_transition_end")
        if end in ("2027-12-31", "2028-12-31"):
            assert as_of <= datetime.date.fromisoformat(end), (as_of, end)
            assert pathway in (None, "legacy")


def test_the_forbidden_rules_are_the_ce_udi_and_registration_rules():
    """The property above reads the rules it forbids from the knowledge base; make sure it finds them."""
    assert {
        "mdr_obligations.ce.route_class_i",
        "mdr_obligations.ce.route_class_iii",
        "mdr_obligations.ce.udi",
        "mdr_obligations.ce.udi_reusable_before_2027",
        "mdr_obligations.ce.eudamed",
        "mdr_obligations.lg.eudamed",
    } <= FORBIDDEN_RULES
    assert not any(rule.startswith(("mdr_obligations.cm.", "mdr_obligations.ih.")) for rule in FORBIDDEN_RULES)
